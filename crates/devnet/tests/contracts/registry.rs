//! The registry cannot jam: entries whose deposit data would pay elsewhere never enter, entries
//! wait out the activation delay, and pending entries can be dropped from an index on, for good.

use alloy::primitives::{Address, Bytes, FixedBytes, U256, utils::parse_ether};
use pool_chain::bindings::PoolManager::{self, PoolManagerErrors, ValidatorData};
use pool_core::deposit::{DepositData, eth1_withdrawal_credentials};
use pool_devnet::fixtures::{new_cluster, sample_validator};
use pool_devnet::testing::AddValidators as _;
use pool_devnet::testing::{Mined, cluster_after, pool_error};
use pool_devnet::{Devnet, DevnetOptions};

fn entries(devnet: &Devnet, seeds: std::ops::Range<u16>) -> Vec<ValidatorData> {
    seeds
        .map(|seed| {
            sample_validator(
                devnet.deployment.pool_manager,
                seed,
                &devnet.deployment.operator_ids,
            )
        })
        .collect()
}

/// `entry` with its deposit data root recomputed for `credentials` and `gwei`.
fn signed_for(mut entry: ValidatorData, credentials: Address, gwei: u64) -> ValidatorData {
    entry.depositDataRoot = DepositData {
        pubkey: FixedBytes::from_slice(&entry.pubkey),
        withdrawal_credentials: eth1_withdrawal_credentials(credentials),
        amount: gwei,
        signature: FixedBytes::from_slice(&entry.signature),
    }
    .root();
    entry
}

#[tokio::test]
async fn deposit_data_for_other_credentials_or_amounts_never_enters() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let pool = devnet.pool();
    let [good] = entries(&devnet, 1..2).try_into().unwrap();

    // Made for someone else's credentials (a ceremony run for the wrong address, or a key
    // holder's own): the pool would deposit 32 ETH that pays out elsewhere.
    let elsewhere = signed_for(good.clone(), Address::repeat_byte(0xee), 32_000_000_000);
    let error = pool
        .add_validators(vec![good.clone(), elsewhere])
        .call()
        .await
        .unwrap_err();
    match pool_error(error) {
        PoolManagerErrors::InvalidDepositDataRoot(e) => {
            assert_eq!(e.index, U256::from(1), "its registry index");
            assert_eq!(
                e.expected, good.depositDataRoot,
                "the root with the pool's credentials"
            );
        }
        other => panic!("expected InvalidDepositDataRoot, got {other:?}"),
    }
    // Made for 1 ETH: the deposit contract would refuse 32 ETH with it.
    let one_eth = signed_for(good.clone(), devnet.deployment.pool_manager, 1_000_000_000);
    pool_devnet::assert_pool_error!(pool.add_validators(vec![one_eth]), InvalidDepositDataRoot);
    // A root that matches nothing.
    let mut garbage = good.clone();
    garbage.depositDataRoot = FixedBytes::repeat_byte(7);
    pool_devnet::assert_pool_error!(pool.add_validators(vec![garbage]), InvalidDepositDataRoot);

    let receipt = pool.add_validators(vec![good]).mined().await;
    assert!(receipt.status());
    println!(
        "gas: addValidators, one entry with its root checked: {}",
        receipt.gas_used
    );
}

#[tokio::test]
async fn entries_wait_the_activation_delay() {
    let devnet = Devnet::start(DevnetOptions {
        activation_delay: 10,
        ..Default::default()
    })
    .await
    .unwrap();
    let pool = devnet.pool();
    devnet
        .stake(devnet.accounts()[1], parse_ether("32").unwrap())
        .await
        .unwrap();
    let batch = entries(&devnet, 1..2);
    let added = pool.add_validators(batch.clone()).mined().await;
    let added_in = added.block_number.unwrap();
    let entry = pool.getValidator(U256::ZERO).call().await.unwrap();
    assert_eq!(entry.readyAt, U256::from(added_in + 10));

    // Up to block added_in + 9: too early.
    devnet.mine(8).await.unwrap();
    let count = devnet.deposit_count().await.unwrap();
    let error = pool
        .activateValidators(
            batch.clone(),
            count,
            devnet.funding_quote().await.unwrap(),
            new_cluster(),
        )
        .call()
        .await
        .unwrap_err();
    match pool_error(error) {
        PoolManagerErrors::ValidatorNotReady(e) => {
            assert_eq!(
                (e.index, e.readyAt),
                (U256::ZERO, U256::from(added_in + 10))
            )
        }
        other => panic!("expected ValidatorNotReady, got {other:?}"),
    }
    devnet.mine(1).await.unwrap();
    // From block added_in + 10 on, it goes.
    let receipt = pool
        .activateValidators(
            batch,
            count,
            devnet.funding_quote().await.unwrap(),
            new_cluster(),
        )
        .mined()
        .await;
    assert!(receipt.status());
    assert_eq!(receipt.block_number.unwrap(), added_in + 10);
}

#[tokio::test]
async fn a_bad_entry_is_dropped_from_its_index_and_a_fresh_ceremony_continues() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let pool = devnet.pool();
    devnet
        .stake(devnet.accounts()[1], parse_ether("128").unwrap())
        .await
        .unwrap();
    // Entries 0..5; 0 is activated; 3 turns out bad (say a ceremony key holder front-ran it).
    let first = entries(&devnet, 1..6);
    pool.add_validators(first.clone()).mined().await;
    devnet.mine(2).await.unwrap();
    let activated = pool
        .activateValidators(
            first[..1].to_vec(),
            devnet.deposit_count().await.unwrap(),
            devnet.funding_quote().await.unwrap(),
            new_cluster(),
        )
        .mined()
        .await;
    let mut cluster = cluster_after(&activated).unwrap();

    // Only pending entries can go, and only by the operator or the admin.
    pool_devnet::assert_pool_error!(pool.dropValidators(U256::ZERO), NothingToDrop);
    pool_devnet::assert_pool_error!(pool.dropValidators(U256::from(5)), NothingToDrop);
    pool_devnet::assert_pool_error!(
        pool.dropValidators(U256::from(3))
            .from(devnet.accounts()[4]),
        NotOperatorOrAdmin
    );
    let receipt = pool.dropValidators(U256::from(3)).mined().await;
    let dropped = receipt
        .decoded_log::<PoolManager::ValidatorsDropped>()
        .unwrap();
    assert_eq!(
        (dropped.fromIndex, dropped.count),
        (U256::from(3), U256::from(2))
    );
    assert_eq!(pool.validatorCount().call().await.unwrap(), U256::from(3));
    assert_eq!(
        pool.pendingValidators().call().await.unwrap(),
        U256::from(2)
    );
    for gone in &first[3..] {
        assert!(pool.isDropped(gone.pubkey.clone()).call().await.unwrap());
        assert_eq!(
            pool.indexOf(gone.pubkey.clone()).call().await.unwrap(),
            U256::MAX
        );
    }
    // A dropped pubkey never comes back, not even with fresh shares.
    let mut again = first[3].clone();
    again.sharesData = Bytes::from(vec![9u8; again.sharesData.len()]);
    pool_devnet::assert_pool_error!(pool.add_validators(vec![again]), DroppedValidator);

    // The earlier pending entries activate as before, in order.
    let receipt = pool
        .activateValidators(
            first[1..3].to_vec(),
            devnet.deposit_count().await.unwrap(),
            devnet.funding_quote().await.unwrap(),
            cluster.clone(),
        )
        .mined()
        .await;
    assert!(receipt.status());
    cluster = cluster_after(&receipt).unwrap();
    assert_eq!(cluster.validatorCount, 3);

    // The next ceremony starts at the first dropped index (SSV nonce 3) and continues.
    let fresh = entries(&devnet, 100..101);
    let receipt = pool.add_validators(fresh.clone()).mined().await;
    let registered = receipt
        .decoded_log::<PoolManager::ValidatorRegistered>()
        .unwrap();
    assert_eq!(registered.index, U256::from(3));
    devnet.mine(2).await.unwrap();
    let receipt = pool
        .activateValidators(
            fresh,
            devnet.deposit_count().await.unwrap(),
            devnet.funding_quote().await.unwrap(),
            cluster,
        )
        .mined()
        .await;
    assert!(receipt.status());
    assert_eq!(pool.activatedValidators().call().await.unwrap(), 4);
    assert_eq!(pool.ssvRegistrations().call().await.unwrap(), 4);
    // The dropped entries' data no longer activates: the registry does not hold it.
    pool_devnet::assert_pool_error!(
        pool.activateValidators(
            first[3..4].to_vec(),
            devnet.deposit_count().await.unwrap(),
            devnet.funding_quote().await.unwrap(),
            new_cluster()
        ),
        NotEnoughValidators
    );
}
