//! The activation's SSV funding: quoted by the pool's own view (`fundingPerValidator`, an
//! `eth_call`), passed as is by the caller. What the pool no longer computes on-chain must still
//! never lose anything: the network refuses an under-funded registration and nothing moves; a
//! surplus stays the pool's, in its cluster; nothing beyond the fee reserve can be asked for.

use alloy::primitives::{U256, utils::parse_ether};
use alloy::providers::Provider;
use alloy::sol_types::{SolEvent, SolInterface};
use pool_chain::bindings::PoolManager::{self, PoolManagerErrors};
use pool_chain::bindings::devnet::DevnetSSVNetworkV2::{
    self, DevnetSSVNetworkV2Errors as SsvErrors,
};
use pool_devnet::fixtures::{new_cluster, sample_validator};
use pool_devnet::testing::AddValidators as _;
use pool_devnet::testing::{Mined, pool_error};
use pool_devnet::{Devnet, DevnetOptions};

/// What an activation must leave untouched when it is refused.
#[derive(Debug, PartialEq)]
struct Untouched {
    buffered: u128,
    reserve: U256,
    activated: u32,
    registrations: u32,
    deposits: u64,
    network_balance: U256,
    pool_balance: U256,
}

async fn untouched(devnet: &Devnet) -> Untouched {
    let pool = devnet.pool();
    let provider = devnet.provider();
    Untouched {
        buffered: pool.bufferedEther().call().await.unwrap().to(),
        reserve: pool.feeReserve().call().await.unwrap(),
        activated: pool.activatedValidators().call().await.unwrap().to(),
        registrations: pool.ssvRegistrations().call().await.unwrap().to(),
        deposits: devnet.deposit_count().await.unwrap(),
        network_balance: provider
            .get_balance(devnet.deployment.ssv_network)
            .await
            .unwrap(),
        pool_balance: provider
            .get_balance(devnet.deployment.pool_manager)
            .await
            .unwrap(),
    }
}

/// A devnet with two entries ready for activation and 64 ETH buffered.
async fn ready() -> (Devnet, Vec<PoolManager::ValidatorData>) {
    let devnet = Devnet::start(DevnetOptions::default())
        .await
        .expect("devnet starts");
    let pool = devnet.pool();
    let ops = devnet.deployment.operator_ids.clone();
    let entries: Vec<_> = (1..=2)
        .map(|seed| sample_validator(devnet.deployment.pool_manager, seed, &ops))
        .collect();
    pool.add_validators(entries.clone()).mined().await;
    devnet
        .mine(pool.activationDelay().call().await.unwrap())
        .await
        .unwrap();
    devnet
        .stake(devnet.accounts()[1], parse_ether("64").unwrap())
        .await
        .unwrap();
    (devnet, entries)
}

#[tokio::test]
async fn an_underfunded_activation_is_refused_by_the_network_and_moves_nothing() {
    let (devnet, entries) = ready().await;
    let pool = devnet.pool();
    // A runway of one block: the pool's floor (network fee for the runway + minimum
    // collateral) is then under the network's liquidation collateral (the threshold's worth of
    // the whole burn rate), so the network's own check is what refuses.
    pool.setRunway(1).mined().await;
    let before = untouched(&devnet).await;
    let fees = pool_devnet::SsvParameters::MAINNET;
    let too_little = U256::from(fees.network_fee) + U256::from(fees.minimum_collateral);
    assert!(too_little < devnet.funding_quote().await.unwrap());

    let call = pool.activateValidators(
        vec![entries[0].clone()],
        before.deposits,
        too_little,
        new_cluster(),
    );
    let error = call.call().await.unwrap_err();
    let data = error.as_revert_data().expect("revert data");
    assert!(
        matches!(
            SsvErrors::abi_decode(&data).unwrap(),
            SsvErrors::InsufficientBalance(_)
        ),
        "the network's own refusal reaches the caller"
    );
    // Mined anyway (a wallet that skips simulation): the whole transaction reverts.
    let receipt = call
        .gas(3_000_000)
        .send()
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(!receipt.status());
    assert_eq!(untouched(&devnet).await, before, "a refusal moves nothing");
}

#[tokio::test]
async fn a_surplus_stays_the_pools_in_its_cluster_and_the_reserve_bounds_the_funding() {
    let (devnet, entries) = ready().await;
    let pool = devnet.pool();
    let quote = devnet.funding_quote().await.unwrap();
    let before = untouched(&devnet).await;

    // More than the reserve holds, per validator or through the count: refused by the pool.
    for (batch, each) in [
        (vec![entries[0].clone()], before.reserve + U256::from(1)),
        (
            entries.clone(),
            before.reserve / U256::from(2) + U256::from(1),
        ),
    ] {
        let count = U256::from(batch.len());
        assert_eq!(
            pool_error(
                pool.activateValidators(batch, before.deposits, each, new_cluster())
                    .call()
                    .await
                    .unwrap_err()
            ),
            PoolManagerErrors::InsufficientFeeReserve(PoolManager::InsufficientFeeReserve {
                reserve: before.reserve,
                needed: each * count,
            })
        );
    }
    // An overflowing amount is refused too, never wrapped into a small one.
    assert!(
        pool.activateValidators(entries.clone(), before.deposits, U256::MAX, new_cluster())
            .call()
            .await
            .is_err()
    );
    assert_eq!(untouched(&devnet).await, before);

    // Twice the quote: the cluster holds all of it, the reserve paid exactly that, the buffer
    // exactly 32 ETH.
    let receipt = pool
        .activateValidators(
            vec![entries[0].clone()],
            before.deposits,
            quote * U256::from(2),
            new_cluster(),
        )
        .mined()
        .await;
    assert!(receipt.status());
    let added = receipt
        .inner
        .logs()
        .iter()
        .find_map(|l| {
            DevnetSSVNetworkV2::ValidatorAdded::decode_log_data(l.data())
                .ok()
                .filter(|_| l.topic0() == Some(&DevnetSSVNetworkV2::ValidatorAdded::SIGNATURE_HASH))
        })
        .expect("a ValidatorAdded event");
    assert_eq!(added.owner, devnet.deployment.pool_manager);
    assert_eq!(added.cluster.balance, quote * U256::from(2));
    let after = untouched(&devnet).await;
    assert_eq!(before.reserve - after.reserve, quote * U256::from(2));
    assert_eq!(
        before.buffered - after.buffered,
        parse_ether("32").unwrap().to::<u128>()
    );
    assert_eq!(
        after.network_balance - before.network_balance,
        quote * U256::from(2)
    );
}

#[tokio::test]
async fn funding_below_the_pools_floor_is_refused_where_the_network_would_take_it() {
    let (devnet, entries) = ready().await;
    let pool = devnet.pool();
    let before = untouched(&devnet).await;
    // Just above the network's liquidation collateral: SSV registers the validator, but its
    // cluster would be liquidatable within days instead of funded for the runway.
    let fees = pool_devnet::SsvParameters::MAINNET;
    let burn = U256::from(fees.network_fee + 4 * fees.operator_fee);
    let collateral = (burn * U256::from(fees.liquidation_threshold))
        .max(U256::from(fees.minimum_collateral))
        + U256::from(100_000u64);
    let runway = U256::from(pool.runway().call().await.unwrap());
    let floor = U256::from(fees.network_fee) * runway + U256::from(fees.minimum_collateral);
    assert!(collateral < floor && floor <= devnet.funding_quote().await.unwrap());
    match pool_error(
        pool.activateValidators(
            vec![entries[0].clone()],
            before.deposits,
            collateral,
            new_cluster(),
        )
        .call()
        .await
        .unwrap_err(),
    ) {
        PoolManagerErrors::FundingBelowFloor(e) => {
            assert_eq!((e.given, e.floor), (collateral, floor))
        }
        other => panic!("expected FundingBelowFloor, got {other:?}"),
    }
    assert_eq!(untouched(&devnet).await, before);
    // The floor itself is accepted (the keeper may pay less than its quote, never less than it).
    let receipt = pool
        .activateValidators(
            vec![entries[0].clone()],
            before.deposits,
            floor,
            new_cluster(),
        )
        .mined()
        .await;
    assert!(receipt.status());
}
