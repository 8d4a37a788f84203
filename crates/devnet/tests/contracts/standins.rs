//! The devnet stand-ins behave as the real contracts where the pool and its clients depend on
//! them, and the pool's remaining guards.

use alloy::primitives::{Address, Bytes, U256, utils::parse_ether};
use alloy::providers::DynProvider;
use alloy::sol_types::SolInterface;
use pool_chain::bindings::PoolManager::{self, PoolManagerErrors};
use pool_chain::bindings::devnet::DevnetDepositContract;
use pool_chain::bindings::devnet::DevnetSSVNetworkV2::{
    self, DevnetSSVNetworkV2Errors as SsvErrors,
};
use pool_devnet::fixtures::{new_cluster, sample_validator};
use pool_devnet::testing::AddValidators as _;
use pool_devnet::testing::Mined;
use pool_devnet::testing::pool_error;
use pool_devnet::{Devnet, DevnetOptions};

async fn devnet() -> Devnet {
    Devnet::start(DevnetOptions::default())
        .await
        .expect("devnet starts")
}

fn ssv_cluster(c: PoolManager::Cluster) -> DevnetSSVNetworkV2::Cluster {
    pool_core::cluster::Cluster::from(c).into()
}

fn revert_message(error: &alloy::contract::Error) -> String {
    error.to_string()
}

#[tokio::test]
async fn deposit_contract_checks_like_the_real_one() {
    let devnet = devnet().await;
    let deposit = DevnetDepositContract::new(devnet.deployment.deposit_contract, devnet.provider());
    let pool = devnet.deployment.pool_manager;
    let entry = sample_validator(pool, 1, &[1, 2, 3, 4]);
    let credentials =
        Bytes::copy_from_slice(pool_core::deposit::eth1_withdrawal_credentials(pool).as_slice());
    let call = |pubkey: Bytes, credentials: Bytes, root, value: U256| {
        deposit
            .deposit(pubkey, credentials, entry.signature.clone(), root)
            .value(value)
    };
    let eth32 = parse_ether("32").unwrap();

    let wrong_root = call(
        entry.pubkey.clone(),
        credentials.clone(),
        alloy::primitives::B256::ZERO,
        eth32,
    )
    .call()
    .await
    .unwrap_err();
    assert!(revert_message(&wrong_root).contains("does not match supplied deposit_data_root"));
    let short = call(
        Bytes::from(vec![1u8; 47]),
        credentials.clone(),
        entry.depositDataRoot,
        eth32,
    )
    .call()
    .await
    .unwrap_err();
    assert!(revert_message(&short).contains("invalid pubkey length"));
    let low = call(
        entry.pubkey.clone(),
        credentials.clone(),
        entry.depositDataRoot,
        parse_ether("0.5").unwrap(),
    )
    .call()
    .await
    .unwrap_err();
    assert!(revert_message(&low).contains("deposit value too low"));
    let not_gwei = call(
        entry.pubkey.clone(),
        credentials.clone(),
        entry.depositDataRoot,
        eth32 + U256::from(1),
    )
    .call()
    .await
    .unwrap_err();
    assert!(revert_message(&not_gwei).contains("not multiple of gwei"));

    let before = deposit.get_deposit_root().call().await.unwrap();
    let receipt = call(
        entry.pubkey.clone(),
        credentials.clone(),
        entry.depositDataRoot,
        eth32,
    )
    .mined()
    .await;
    let event = receipt
        .decoded_log::<DevnetDepositContract::DepositEvent>()
        .unwrap();
    assert_eq!(event.amount.as_ref(), 32_000_000_000u64.to_le_bytes());
    assert_eq!(event.index.as_ref(), 0u64.to_le_bytes());
    assert_eq!(
        deposit.get_deposit_count().call().await.unwrap().as_ref(),
        1u64.to_le_bytes()
    );
    assert_ne!(deposit.get_deposit_root().call().await.unwrap(), before);
    // The empty tree's root is the well-known one of the mainnet deposit contract at genesis.
    let fresh = devnet_root_of_empty_tree().await;
    assert_eq!(
        fresh.to_string(),
        "0xd70a234731285c6804c2a4f56711ddb8c82c99740f207854891028af34e27e5e"
    );
}

async fn devnet_root_of_empty_tree() -> alloy::primitives::B256 {
    let devnet = devnet().await;
    DevnetDepositContract::new(devnet.deployment.deposit_contract, devnet.provider())
        .get_deposit_root()
        .call()
        .await
        .unwrap()
}

#[tokio::test]
async fn ssv_stand_in_validates_operators_and_refuses_underfunded_clusters() {
    let devnet = devnet().await;
    let ssv = DevnetSSVNetworkV2::new(devnet.deployment.ssv_network, devnet.provider());
    let owner = devnet.accounts()[2];
    let entry = sample_validator(owner, 1, &[1, 2, 3, 4]);
    let register = |ids: Vec<u64>, value: U256| {
        ssv.registerValidator(
            entry.pubkey.clone(),
            ids,
            entry.sharesData.clone(),
            ssv_cluster(new_cluster()),
        )
        .value(value)
        .from(owner)
    };
    let decode = |e: alloy::contract::Error| {
        SsvErrors::abi_decode(&e.as_revert_data().expect("revert data")).unwrap()
    };
    let plenty = parse_ether("1").unwrap();
    assert!(matches!(
        decode(register(vec![2, 1, 3, 4], plenty).call().await.unwrap_err()),
        SsvErrors::UnsortedOperatorsList(_)
    ));
    assert!(matches!(
        decode(register(vec![1, 2, 3], plenty).call().await.unwrap_err()),
        SsvErrors::InvalidOperatorIdsLength(_)
    ));
    assert!(matches!(
        decode(register(vec![1, 2, 3, 9], plenty).call().await.unwrap_err()),
        SsvErrors::OperatorDoesNotExist(_)
    ));
    assert!(matches!(
        decode(
            register(vec![1, 2, 3, 4], U256::from(100_000))
                .call()
                .await
                .unwrap_err()
        ),
        SsvErrors::InsufficientBalance(_)
    ));
    let stale = DevnetSSVNetworkV2::Cluster {
        balance: U256::from(100_000),
        ..ssv_cluster(new_cluster())
    };
    let error = ssv
        .registerValidator(
            entry.pubkey.clone(),
            vec![1, 2, 3, 4],
            entry.sharesData.clone(),
            stale,
        )
        .value(plenty)
        .from(owner)
        .call()
        .await
        .unwrap_err();
    assert!(matches!(decode(error), SsvErrors::IncorrectClusterState(_)));
    let receipt = register(vec![1, 2, 3, 4], plenty).mined().await;
    let added = receipt
        .decoded_log::<DevnetSSVNetworkV2::ValidatorAdded>()
        .unwrap();
    assert_eq!(added.cluster.validatorCount, 1);
    assert_eq!(added.cluster.balance, plenty);
    let again = register(vec![1, 2, 3, 4], plenty).call().await.unwrap_err();
    assert!(
        matches!(decode(again), SsvErrors::IncorrectClusterState(_)),
        "the snapshot moved on"
    );
    let dup = ssv
        .registerValidator(
            entry.pubkey.clone(),
            vec![1, 2, 3, 4],
            entry.sharesData.clone(),
            added.cluster.clone(),
        )
        .value(plenty)
        .from(owner)
        .call()
        .await
        .unwrap_err();
    assert!(matches!(
        decode(dup),
        SsvErrors::ValidatorAlreadyExistsWithData(_)
    ));

    // The owner's exit and removal, with the real events; a stranger's key is refused.
    let ids = vec![1u64, 2, 3, 4];
    let exited = ssv
        .exitValidator(entry.pubkey.clone(), ids.clone())
        .from(owner)
        .mined()
        .await;
    let exited = exited
        .decoded_log::<DevnetSSVNetworkV2::ValidatorExited>()
        .unwrap();
    assert_eq!((exited.owner, &exited.publicKey), (owner, &entry.pubkey));
    let not_theirs = ssv
        .removeValidator(entry.pubkey.clone(), ids.clone(), added.cluster.clone())
        .from(devnet.accounts()[3])
        .call()
        .await
        .unwrap_err();
    assert!(matches!(
        decode(not_theirs),
        SsvErrors::ClusterDoesNotExist(_)
            | SsvErrors::IncorrectClusterState(_)
            | SsvErrors::IncorrectValidatorStateWithData(_)
    ));
    let removed = ssv
        .removeValidator(entry.pubkey.clone(), ids.clone(), added.cluster.clone())
        .from(owner)
        .mined()
        .await;
    let removed = removed
        .decoded_log::<DevnetSSVNetworkV2::ValidatorRemoved>()
        .unwrap();
    assert_eq!(removed.cluster.validatorCount, 0);
    assert!(removed.cluster.balance <= plenty, "fees burnt meanwhile");
    let gone = ssv
        .removeValidator(entry.pubkey.clone(), ids, removed.cluster.clone())
        .from(owner)
        .call()
        .await
        .unwrap_err();
    assert!(matches!(
        decode(gone),
        SsvErrors::IncorrectValidatorStateWithData(_)
    ));
}

async fn pool(devnet: &Devnet) -> PoolManager::PoolManagerInstance<DynProvider> {
    devnet.pool()
}

#[tokio::test]
async fn remaining_pool_guards() {
    let devnet = devnet().await;
    let pool = pool(&devnet).await;
    let address = *pool.address();
    let mut entry = sample_validator(address, 1, &[1, 2, 3, 4]);
    entry.signature = Bytes::from(vec![1u8; 95]);
    pool_devnet::assert_pool_error!(pool.add_validators(vec![entry]), InvalidSignatureLength);

    // Two operator sets cannot go in one activation.
    let a = sample_validator(address, 2, &[1, 2, 3, 4]);
    let b = sample_validator(address, 3, &[1, 2, 3, 5]);
    pool.add_validators(vec![a.clone(), b.clone()])
        .mined()
        .await;
    pool.deposit()
        .value(parse_ether("64").unwrap())
        .mined()
        .await;
    devnet.mine(2).await.unwrap();
    let count = devnet.deposit_count().await.unwrap();
    pool_devnet::assert_pool_error!(
        pool.activateValidators(
            vec![a, b],
            count,
            devnet.funding_quote().await.unwrap(),
            new_cluster()
        ),
        MixedOperatorSets
    );

    pool_devnet::assert_pool_error!(pool.setReportBounds(0, 100), InvalidBounds);
    pool_devnet::assert_pool_error!(pool.setReportBounds(10, 1_001), InvalidBounds);
    pool_devnet::assert_pool_error!(pool.setReportBounds(10_001, 10), InvalidBounds);
    pool_devnet::assert_pool_error!(
        pool.withdrawFeeReserve(Address::ZERO, U256::from(1)),
        ZeroAddress
    );
    pool_devnet::assert_pool_error!(pool.fundFeeReserve(), ZeroDeposit);
}

#[tokio::test]
async fn bulk_activation_is_capped_by_the_network_limit() {
    let devnet = devnet().await;
    let pool = pool(&devnet).await;
    let address = *pool.address();
    let entries: Vec<_> = (0..81)
        .map(|i| sample_validator(address, i, &[1, 2, 3, 4]))
        .collect();
    for chunk in entries.chunks(27) {
        pool.add_validators(chunk.to_vec()).mined().await;
    }
    for account in 1..4 {
        pool.deposit()
            .from(devnet.accounts()[account])
            .value(parse_ether("870").unwrap())
            .mined()
            .await;
    }
    let count = devnet.deposit_count().await.unwrap();
    let error = pool
        .activateValidators(
            entries,
            count,
            devnet.funding_quote().await.unwrap(),
            new_cluster(),
        )
        .call()
        .await
        .unwrap_err();
    match pool_error(error) {
        PoolManagerErrors::BulkLimitExceeded(e) => {
            assert_eq!((e.count, e.limit), (U256::from(81), U256::from(80)))
        }
        other => panic!("expected BulkLimitExceeded, got {other:?}"),
    }
}
