//! Registry, activation (beacon deposit + SSV registration funded for the runway) and runway,
//! on a real anvil with the devnet stand-ins (SSV v2, fees in ETH).

use alloy::primitives::{Address, Bytes, FixedBytes, U256, utils::parse_ether};
use alloy::providers::{DynProvider, Provider};
use alloy::sol_types::{SolEvent, SolInterface};
use pool_chain::bindings::PoolManager::{self, Cluster, PoolManagerErrors};
use pool_chain::bindings::devnet::{
    DevnetDepositContract, DevnetSSVNetworkV2, DevnetSSVNetworkViews,
};
use pool_core::deposit::{DepositData, eth1_withdrawal_credentials};
use pool_core::funding::{FeeSchedule, Precision};
use pool_devnet::testing::AddValidators as _;
use pool_devnet::testing::Mined;
use pool_devnet::testing::pool_error;
use pool_devnet::{BLOCKS_PER_DAY, Devnet, DevnetOptions};

const SHARES_LEN_4: usize = 96 + 4 * (48 + 256);

async fn devnet() -> Devnet {
    Devnet::start(DevnetOptions::default())
        .await
        .expect("devnet starts")
}

fn manager(devnet: &Devnet) -> PoolManager::PoolManagerInstance<DynProvider> {
    devnet.pool()
}

fn entry(pool: Address, seed: u8, operators: &[u64]) -> PoolManager::ValidatorData {
    pool_devnet::fixtures::sample_validator(pool, seed as u16, operators)
}

/// Appends `count` sample entries (seeds 1..=count) to the registry on the devnet operators.
async fn register(devnet: &Devnet, count: u8) -> Vec<PoolManager::ValidatorData> {
    let pool = manager(devnet);
    let ops = &devnet.deployment.operator_ids;
    let entries: Vec<_> = (1..=count)
        .map(|s| entry(*pool.address(), s, ops))
        .collect();
    pool.add_validators(entries.clone()).mined().await;
    // Past the activation delay.
    devnet
        .mine(pool.activationDelay().call().await.unwrap())
        .await
        .unwrap();
    entries
}

fn fresh_cluster() -> Cluster {
    pool_devnet::fixtures::new_cluster()
}

async fn stake(devnet: &Devnet, account: usize, eth: &str) {
    devnet
        .stake(devnet.accounts()[account], parse_ether(eth).unwrap())
        .await
        .unwrap();
}

async fn deposit_count(devnet: &Devnet) -> u64 {
    devnet.deposit_count().await.unwrap()
}

/// The cluster as the last ValidatorAdded event left it (what a client's scanner rebuilds).
async fn cluster_after(
    devnet: &Devnet,
    receipt: &alloy::rpc::types::TransactionReceipt,
) -> Cluster {
    let log = receipt
        .inner
        .logs()
        .iter()
        .rev()
        .find(|l| l.topic0() == Some(&DevnetSSVNetworkV2::ValidatorAdded::SIGNATURE_HASH))
        .expect("a ValidatorAdded event");
    let event = DevnetSSVNetworkV2::ValidatorAdded::decode_log_data(log.data()).unwrap();
    assert_eq!(
        event.owner, devnet.deployment.pool_manager,
        "the pool owns the cluster"
    );
    pool_core::cluster::Cluster::from(event.cluster).into()
}

async fn fee_schedule(devnet: &Devnet, operators: &[u64]) -> FeeSchedule {
    let views = DevnetSSVNetworkViews::new(devnet.deployment.ssv_views, devnet.provider());
    let mut operator_fees = Vec::new();
    for id in operators {
        operator_fees.push(views.getOperatorFee(*id).call().await.unwrap());
    }
    FeeSchedule {
        operator_fees,
        network_fee: views.getNetworkFee().call().await.unwrap(),
        liquidation_threshold_period: views.getLiquidationThresholdPeriod().call().await.unwrap(),
        minimum_collateral: views
            .getMinimumLiquidationCollateral()
            .call()
            .await
            .unwrap(),
    }
}

#[tokio::test]
async fn registry_appends_lists_and_rejects_bad_entries() {
    let devnet = devnet().await;
    let pool = manager(&devnet);
    let ops = devnet.deployment.operator_ids.clone();
    let entries = register(&devnet, 3).await;

    assert_eq!(pool.validatorCount().call().await.unwrap(), U256::from(3));
    assert_eq!(
        pool.pendingValidators().call().await.unwrap(),
        U256::from(3)
    );
    let second = pool.getValidator(U256::from(1)).call().await.unwrap();
    assert_eq!(
        second.pubkeyHash,
        alloy::primitives::keccak256(&entries[1].pubkey)
    );
    assert!(!second.activated);
    // The hash chain the contract stores is the one the client computes.
    let mut link = alloy::primitives::B256::ZERO;
    for (i, e) in entries.iter().enumerate() {
        link = pool_chain::registry::link(link, e);
        let stored = pool.getValidator(U256::from(i)).call().await.unwrap();
        assert_eq!(stored.link, link, "link {i}");
    }
    assert_eq!(
        pool.indexOf(entries[2].pubkey.clone())
            .call()
            .await
            .unwrap(),
        U256::from(2)
    );
    assert_eq!(
        pool.indexOf(Bytes::from(vec![9u8; 48]))
            .call()
            .await
            .unwrap(),
        U256::MAX
    );

    pool_devnet::assert_pool_error!(
        pool.add_validators(vec![entries[0].clone()]),
        DuplicateValidator
    );

    let mut short_key = entry(*pool.address(), 7, &ops);
    short_key.pubkey = Bytes::from(vec![1u8; 47]);
    pool_devnet::assert_pool_error!(pool.add_validators(vec![short_key]), InvalidPubkeyLength);

    for bad in [
        vec![2, 1, 3, 4],
        vec![1, 1, 2, 3],
        vec![1, 2, 3],
        vec![1, 2, 3, 4, 5],
        vec![0, 1, 2, 3],
    ] {
        let error = pool
            .add_validators(vec![entry(*pool.address(), 8, &bad)])
            .call()
            .await
            .unwrap_err();
        assert!(
            matches!(pool_error(error), PoolManagerErrors::InvalidOperatorIds(_)),
            "{bad:?}"
        );
    }

    let mut short_shares = entry(*pool.address(), 9, &ops);
    short_shares.sharesData = Bytes::from(vec![0u8; SHARES_LEN_4 - 1]);
    pool_devnet::assert_pool_error!(pool.add_validators(vec![short_shares]), InvalidSharesLength);

    let stranger = devnet.accounts()[3];
    pool_devnet::assert_pool_error!(
        pool.add_validators(vec![entry(*pool.address(), 10, &ops)])
            .from(stranger),
        AccessControlUnauthorizedAccount
    );
}

#[tokio::test]
async fn activation_deposits_32_eth_and_registers_funded_for_the_runway_v2() {
    let devnet = devnet().await;
    let pool = manager(&devnet);
    let provider = devnet.provider();
    let ops = devnet.deployment.operator_ids.clone();
    let entries = register(&devnet, 4).await;
    stake(&devnet, 1, "130").await;

    let fees = fee_schedule(&devnet, &ops).await;
    let per_validator = fees.funding_per_validator(30 * BLOCKS_PER_DAY, Precision::Eth);
    assert_eq!(
        pool.fundingPerValidator(ops.clone()).call().await.unwrap(),
        per_validator,
        "contract and core agree"
    );

    let reserve_before = pool.feeReserve().call().await.unwrap();
    let network_before = provider
        .get_balance(devnet.deployment.ssv_network)
        .await
        .unwrap();
    let receipt = pool
        .activateValidators(
            vec![entries[0].clone()],
            deposit_count(&devnet).await,
            devnet.funding_quote().await.unwrap(),
            fresh_cluster(),
        )
        .mined()
        .await;
    assert!(receipt.status());
    println!("gas: activation of 1 validator: {}", receipt.gas_used);

    let deposits: Vec<_> = receipt
        .inner
        .logs()
        .iter()
        .filter_map(|l| l.log_decode::<DevnetDepositContract::DepositEvent>().ok())
        .map(|l| l.inner.data)
        .collect();
    assert_eq!(deposits.len(), 1);
    assert_eq!(deposits[0].pubkey, entries[0].pubkey);
    assert_eq!(
        deposits[0].withdrawal_credentials.as_ref(),
        eth1_withdrawal_credentials(*pool.address()).as_slice()
    );
    assert_eq!(
        provider
            .get_balance(devnet.deployment.deposit_contract)
            .await
            .unwrap(),
        parse_ether("32").unwrap()
    );
    assert_eq!(
        provider
            .get_balance(devnet.deployment.ssv_network)
            .await
            .unwrap()
            - network_before,
        per_validator
    );
    assert_eq!(
        reserve_before - pool.feeReserve().call().await.unwrap(),
        per_validator
    );
    assert_eq!(
        pool.bufferedEther().call().await.unwrap(),
        parse_ether("98").unwrap().to::<u128>()
    );
    assert_eq!(pool.activatedValidators().call().await.unwrap(), 1);
    assert_eq!(
        pool.totalPooledEther().call().await.unwrap(),
        parse_ether("130").unwrap(),
        "activation moves no value"
    );
    assert!(
        pool.getValidator(U256::ZERO)
            .call()
            .await
            .unwrap()
            .activated
    );

    // Three more in one bulk registration, from the snapshot the last event left.
    let cluster = cluster_after(&devnet, &receipt).await;
    assert_eq!(cluster.validatorCount, 1);
    assert_eq!(cluster.balance, per_validator);
    let receipt = pool
        .activateValidators(
            entries[1..].to_vec(),
            deposit_count(&devnet).await,
            devnet.funding_quote().await.unwrap(),
            cluster.clone(),
        )
        .mined()
        .await;
    assert!(receipt.status());
    let after = cluster_after(&devnet, &receipt).await;
    assert_eq!(after.validatorCount, 4);
    assert_eq!(pool.activatedValidators().call().await.unwrap(), 4);
    assert_eq!(pool.pendingValidators().call().await.unwrap(), U256::ZERO);

    // The cluster holds what the runway needs: nothing liquidatable, about 30 days left.
    let views = DevnetSSVNetworkViews::new(devnet.deployment.ssv_views, provider.clone());
    let as_views = |c: &Cluster| -> pool_chain::bindings::devnet::DevnetSSVNetworkViews::Cluster {
        pool_core::cluster::Cluster::from(c.clone()).into()
    };
    let owner = devnet.deployment.pool_manager;
    assert!(
        !views
            .isLiquidatable(owner, ops.clone(), as_views(&after))
            .call()
            .await
            .unwrap()
    );
    let balance = views
        .getBalance(owner, ops.clone(), as_views(&after))
        .call()
        .await
        .unwrap();
    let left = fees.runway_left(balance, 4);
    assert!(
        left > 30 * BLOCKS_PER_DAY - 10 && left <= 30 * BLOCKS_PER_DAY,
        "runway left {left}"
    );

    // A stale snapshot is refused by the SSV network.
    let mut more = vec![entry(owner, 20, &ops)];
    pool.add_validators(more.clone()).mined().await;
    stake(&devnet, 2, "32").await;
    devnet.mine(2).await.unwrap();
    let stale = pool
        .activateValidators(
            more.split_off(0),
            deposit_count(&devnet).await,
            devnet.funding_quote().await.unwrap(),
            cluster,
        )
        .call()
        .await
        .unwrap_err();
    let data = stale.as_revert_data().expect("revert data");
    use pool_chain::bindings::devnet::DevnetSSVNetworkV2::DevnetSSVNetworkV2Errors as SsvErrors;
    assert!(matches!(
        SsvErrors::abi_decode(&data).unwrap(),
        SsvErrors::IncorrectClusterState(_)
    ));
}

#[tokio::test]
async fn activation_guards_refuse_with_custom_errors() {
    let devnet = devnet().await;
    let pool = manager(&devnet);
    let ops = devnet.deployment.operator_ids.clone();
    let entries = register(&devnet, 2).await;
    let root = deposit_count(&devnet).await;
    let one = || vec![entries[0].clone()];

    let error = pool
        .activateValidators(
            one(),
            root,
            devnet.funding_quote().await.unwrap(),
            fresh_cluster(),
        )
        .call()
        .await
        .unwrap_err();
    assert!(
        matches!(pool_error(error), PoolManagerErrors::InsufficientBuffer(_)),
        "nothing staked yet"
    );

    stake(&devnet, 1, "64").await;
    pool_devnet::assert_pool_error!(
        pool.activateValidators(
            vec![],
            root,
            devnet.funding_quote().await.unwrap(),
            fresh_cluster()
        ),
        ZeroCount
    );
    let error = pool
        .activateValidators(
            vec![entries[1].clone()],
            root,
            devnet.funding_quote().await.unwrap(),
            fresh_cluster(),
        )
        .call()
        .await
        .unwrap_err();
    assert!(
        matches!(
            pool_error(error),
            PoolManagerErrors::ValidatorDataMismatch(_)
        ),
        "in registry order only"
    );
    // One byte of one entry's key shares changed, in the middle of a bulk: refused.
    let mut tampered = entries[1].clone();
    let mut shares = tampered.sharesData.to_vec();
    shares[200] ^= 1;
    tampered.sharesData = shares.into();
    let error = pool
        .activateValidators(
            vec![entries[0].clone(), tampered],
            root,
            devnet.funding_quote().await.unwrap(),
            fresh_cluster(),
        )
        .call()
        .await
        .unwrap_err();
    match pool_error(error) {
        PoolManagerErrors::ValidatorDataMismatch(e) => {
            assert_eq!((e.first, e.count), (U256::ZERO, U256::from(2)))
        }
        other => panic!("expected ValidatorDataMismatch, got {other:?}"),
    }
    let three = vec![entries[0].clone(), entries[1].clone(), entries[1].clone()];
    pool_devnet::assert_pool_error!(
        pool.activateValidators(
            three,
            root,
            devnet.funding_quote().await.unwrap(),
            fresh_cluster()
        ),
        NotEnoughValidators
    );

    let stranger = devnet.accounts()[4];
    pool_devnet::assert_pool_error!(
        pool.activateValidators(
            one(),
            root,
            devnet.funding_quote().await.unwrap(),
            fresh_cluster()
        )
        .from(stranger),
        AccessControlUnauthorizedAccount
    );

    // Someone front-runs with one of the ceremony keys: the root the operator saw is stale.
    let deposit = DevnetDepositContract::new(devnet.deployment.deposit_contract, devnet.provider());
    let mut attacker = entry(Address::repeat_byte(0xee), 1, &ops);
    attacker.depositDataRoot = DepositData {
        pubkey: FixedBytes::from_slice(&attacker.pubkey),
        withdrawal_credentials: eth1_withdrawal_credentials(Address::repeat_byte(0xee)),
        amount: 1_000_000_000,
        signature: FixedBytes::from_slice(&attacker.signature),
    }
    .root();
    deposit
        .deposit(
            attacker.pubkey.clone(),
            Bytes::copy_from_slice(
                eth1_withdrawal_credentials(Address::repeat_byte(0xee)).as_slice(),
            ),
            attacker.signature.clone(),
            attacker.depositDataRoot,
        )
        .value(parse_ether("1").unwrap())
        .from(stranger)
        .mined()
        .await;
    pool_devnet::assert_pool_error!(
        pool.activateValidators(
            one(),
            root,
            devnet.funding_quote().await.unwrap(),
            fresh_cluster()
        ),
        DepositCountChanged
    );
    let root = deposit_count(&devnet).await;

    // An empty fee reserve stops activation before any ETH moves.
    let reserve = pool.feeReserve().call().await.unwrap();
    // (A recipient that refuses ether, here poolETH, gets a named error, and nothing moves.)
    pool_devnet::assert_pool_error!(
        pool.withdrawFeeReserve(devnet.deployment.pool_eth, reserve),
        EtherTransferFailed
    );
    pool.withdrawFeeReserve(devnet.accounts()[0], reserve)
        .mined()
        .await;
    pool_devnet::assert_pool_error!(
        pool.activateValidators(
            one(),
            root,
            devnet.funding_quote().await.unwrap(),
            fresh_cluster()
        ),
        InsufficientFeeReserve
    );
    pool.fundFeeReserve()
        .value(parse_ether("1").unwrap())
        .mined()
        .await;

    // Another account with the keeper role may activate.
    let keeper_role = pool.KEEPER_ROLE().call().await.unwrap();
    devnet.grant_role(keeper_role, stranger).await.unwrap();
    let receipt = pool
        .activateValidators(
            one(),
            root,
            devnet.funding_quote().await.unwrap(),
            fresh_cluster(),
        )
        .from(stranger)
        .mined()
        .await;
    assert!(receipt.status());
    assert!(
        receipt
            .decoded_log::<PoolManager::ValidatorsActivated>()
            .is_some()
    );
}

#[tokio::test]
async fn runway_is_operator_settable_and_drives_funding() {
    let devnet = devnet().await;
    let pool = manager(&devnet);
    let ops = devnet.deployment.operator_ids.clone();
    let fees = fee_schedule(&devnet, &ops).await;
    let receipt = pool.setRunway(7 * BLOCKS_PER_DAY).mined().await;
    assert_eq!(
        receipt
            .decoded_log::<PoolManager::RunwaySet>()
            .unwrap()
            .blocks,
        7 * BLOCKS_PER_DAY
    );
    assert_eq!(
        pool.fundingPerValidator(ops.clone()).call().await.unwrap(),
        fees.funding_per_validator(7 * BLOCKS_PER_DAY, Precision::Eth)
    );
    pool_devnet::assert_pool_error!(pool.setRunway(0), InvalidRunway);
    pool_devnet::assert_pool_error!(
        pool.setRunway(1).from(devnet.accounts()[3]),
        AccessControlUnauthorizedAccount
    );
    let credentials = pool.withdrawalCredentials().call().await.unwrap();
    assert_eq!(credentials, eth1_withdrawal_credentials(*pool.address()));
}
