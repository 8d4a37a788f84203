//! Validator exits for the withdrawal queue, on a real anvil with EIP-7002's real contract: the
//! keeper asks SSV for the exits the queue needs and no more; after the grace period anyone has
//! the pool send the EIP-7002 request itself (the exact fee from the fee reserve, never stakers'
//! ether; rate-limited), which lands in the system contract's queue as the consensus layer
//! reads it; the oracle reports the exit, the principal arrives as a withdrawal counted once,
//! and the validator leaves its SSV cluster.

use alloy::primitives::{Bytes, U256, utils::parse_ether};
use alloy::providers::Provider;
use pool_chain::bindings::{PoolManager, WithdrawalQueue};
use pool_devnet::eip7002;
use pool_devnet::fixtures::{new_cluster, sample_validator};
use pool_devnet::testing::{Mined, cluster_after};
use pool_devnet::{Devnet, DevnetOptions, assert_queue_error};

const DAY: u64 = 24 * 3600;

fn eth(text: &str) -> U256 {
    parse_ether(text).unwrap()
}

struct Exiting {
    devnet: Devnet,
    pubkeys: Vec<Bytes>,
    cluster: WithdrawalQueue::Cluster,
}

/// Three validators activated from 100 ETH of account #1 (4 ETH left in the buffer), seen on the
/// beacon chain; account #1 then asks for 70 ETH back: two validators must exit.
async fn pool_needing_exits() -> Exiting {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let staker = devnet.accounts()[1];
    devnet.stake(staker, eth("100")).await.unwrap();
    let activation = devnet.add_and_activate(1..4, new_cluster()).await.unwrap();
    devnet.report(0, 3, eth("96"), U256::ZERO).await.unwrap();
    devnet.request_withdrawal(staker, eth("70")).await.unwrap();
    let pubkeys = (1..4)
        .map(|seed| {
            sample_validator(
                devnet.deployment.pool_manager,
                seed,
                &devnet.deployment.operator_ids,
            )
            .pubkey
        })
        .collect();
    let cluster = pool_core::cluster::Cluster::from(
        cluster_after(&activation).expect("the registration's cluster"),
    )
    .into();
    Exiting {
        devnet,
        pubkeys,
        cluster,
    }
}

#[tokio::test]
async fn the_keeper_asks_for_the_exits_the_queue_needs_and_no_more() {
    let Exiting {
        devnet, pubkeys, ..
    } = pool_needing_exits().await;
    let queue = devnet.queue();
    let ops = devnet.deployment.operator_ids.clone();
    // 70 asked, 4 in the buffer: ceil(66 / 32) = 3... minus nothing exiting yet.
    assert_eq!(queue.exitsNeeded().call().await.unwrap(), U256::from(3));
    // A keeper that is not the operator: granted the role, asking for more than needed.
    let keeper = devnet.accounts()[6];
    let role = devnet.pool().KEEPER_ROLE().call().await.unwrap();
    devnet.grant_role(role, keeper).await.unwrap();
    let all: Vec<Bytes> = pubkeys.clone();
    let mut four = all.clone();
    four.push(sample_validator(devnet.deployment.pool_manager, 9, &ops).pubkey);
    assert_queue_error!(
        queue.requestExits(four, ops.clone()).from(keeper),
        ExitsNotNeeded
    );
    let stranger = devnet.accounts()[7];
    assert_queue_error!(
        queue.requestExits(all.clone(), ops.clone()).from(stranger),
        NotOperatorOrKeeper
    );

    let receipt = queue
        .requestExits(all[..2].to_vec(), ops.clone())
        .from(keeper)
        .mined()
        .await;
    assert!(receipt.status());
    let exited: Vec<_> = receipt
        .inner
        .logs()
        .iter()
        .filter_map(|log| {
            log.log_decode::<pool_chain::bindings::devnet::DevnetSSVNetworkV2::ValidatorExited>()
                .ok()
        })
        .map(|log| log.inner.data.publicKey.clone())
        .collect();
    assert_eq!(
        exited,
        all[..2].to_vec(),
        "SSV told to exit exactly those, oldest first"
    );
    assert_eq!(
        queue.validatorsExiting().call().await.unwrap(),
        U256::from(2)
    );
    assert_eq!(queue.exitsNeeded().call().await.unwrap(), U256::from(1));
    // Not twice.
    assert_queue_error!(
        queue
            .requestExits(all[..1].to_vec(), ops.clone())
            .from(keeper),
        InvalidExitState
    );
    // Not a key that is not the pool's activated validator.
    let pending = sample_validator(devnet.deployment.pool_manager, 9, &ops).pubkey;
    assert_queue_error!(
        queue.requestExits(vec![pending], ops.clone()).from(keeper),
        NotPoolValidator
    );
}

#[tokio::test]
async fn after_the_grace_period_the_pool_sends_the_eip7002_request_paid_from_the_fee_reserve() {
    let Exiting {
        devnet, pubkeys, ..
    } = pool_needing_exits().await;
    let queue = devnet.queue();
    let pool = devnet.pool();
    let ops = devnet.deployment.operator_ids.clone();
    queue.requestExits(pubkeys[..1].to_vec(), ops).mined().await;
    let stranger = devnet.accounts()[7];
    assert_queue_error!(
        queue.forceExit(pubkeys[0].clone()).from(stranger),
        ExitGraceNotOver
    );
    assert_queue_error!(
        queue.forceExit(pubkeys[1].clone()).from(stranger),
        InvalidExitState
    );

    devnet
        .warp(devnet.now().await.unwrap() + 2 * DAY)
        .await
        .unwrap();
    let fee = eip7002::fee(&devnet.provider()).await.unwrap();
    assert_eq!(queue.withdrawalRequestFee().call().await.unwrap(), fee);
    let reserve = pool.feeReserve().call().await.unwrap();
    let buffered = pool.bufferedEther().call().await.unwrap();
    let total = pool.totalPooledEther().call().await.unwrap();
    let stranger_before = devnet.provider().get_balance(stranger).await.unwrap();

    let receipt = queue
        .forceExit(pubkeys[0].clone())
        .from(stranger)
        .mined()
        .await;
    assert!(receipt.status());
    let forced = receipt
        .decoded_log::<WithdrawalQueue::ExitForced>()
        .unwrap()
        .data;
    assert_eq!(forced.fee, fee);
    // The fee came from the reserve, exactly; stakers' ether did not move.
    assert_eq!(pool.feeReserve().call().await.unwrap(), reserve - fee);
    assert_eq!(pool.bufferedEther().call().await.unwrap(), buffered);
    assert_eq!(pool.totalPooledEther().call().await.unwrap(), total);
    let gas = U256::from(receipt.gas_used) * U256::from(receipt.effective_gas_price);
    assert_eq!(
        devnet.provider().get_balance(stranger).await.unwrap(),
        stranger_before - gas
    );

    // In the system contract's queue, as the consensus layer takes it: from the pool (the
    // validators' withdrawal address), that pubkey, amount 0 (a full exit).
    let requests = eip7002::pending_requests(&devnet.provider()).await.unwrap();
    assert_eq!(
        requests,
        vec![eip7002::WithdrawalRequest {
            source: devnet.deployment.pool_manager,
            pubkey: pubkeys[0].as_ref().try_into().unwrap(),
            amount_gwei: 0,
        }]
    );
    // Again only after another grace period.
    assert_queue_error!(
        queue.forceExit(pubkeys[0].clone()).from(stranger),
        ExitGraceNotOver
    );
}

#[tokio::test]
async fn forced_exits_are_rate_limited_and_only_through_the_queue() {
    // The pool's forwarder is the queue's alone.
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let error = devnet
        .pool()
        .forwardExit(
            eip7002::WITHDRAWAL_REQUESTS,
            U256::from(1),
            Bytes::from(vec![0u8; 56]),
        )
        .call()
        .await
        .expect_err("only the queue may forward");
    assert!(matches!(
        pool_devnet::testing::pool_error(error),
        pool_devnet::testing::PoolManagerErrors::NotWithdrawalQueue(_)
    ));

    // 17 validators the operator asked to exit, none exiting after the grace period: 16 forced
    // requests a day, the 17th the next day.
    let staker = devnet.accounts()[1];
    devnet.stake(staker, eth("544")).await.unwrap();
    devnet.add_and_activate(1..18, new_cluster()).await.unwrap();
    let ops = devnet.deployment.operator_ids.clone();
    let pubkeys: Vec<Bytes> = (1..18)
        .map(|seed| sample_validator(devnet.deployment.pool_manager, seed, &ops).pubkey)
        .collect();
    let queue = devnet.queue();
    queue.requestExits(pubkeys.clone(), ops).mined().await;
    devnet
        .warp(devnet.now().await.unwrap() + 2 * DAY)
        .await
        .unwrap();
    let anyone = devnet.accounts()[7];
    for pubkey in &pubkeys[..16] {
        assert!(
            queue
                .forceExit(pubkey.clone())
                .from(anyone)
                .mined()
                .await
                .status()
        );
    }
    assert_queue_error!(
        queue.forceExit(pubkeys[16].clone()).from(anyone),
        ForcedExitsRateLimited
    );
    assert_eq!(
        eip7002::pending_requests(&devnet.provider())
            .await
            .unwrap()
            .len(),
        16
    );
    devnet
        .warp(devnet.now().await.unwrap() + DAY)
        .await
        .unwrap();
    assert!(
        queue
            .forceExit(pubkeys[16].clone())
            .from(anyone)
            .mined()
            .await
            .status()
    );
}

#[tokio::test]
async fn an_exited_validator_is_reported_its_principal_counted_once_and_it_leaves_its_cluster() {
    let Exiting {
        devnet,
        pubkeys,
        cluster,
    } = pool_needing_exits().await;
    let queue = devnet.queue();
    let ops = devnet.deployment.operator_ids.clone();
    let receipt = queue
        .requestExits(pubkeys[..2].to_vec(), ops.clone())
        .mined()
        .await;
    assert!(receipt.status());
    // Removal before the exit is done would stop the operators' duties: refused.
    assert_queue_error!(
        queue.removeExited(pubkeys[..1].to_vec(), ops.clone(), cluster.clone()),
        InvalidExitState
    );
    let stranger = devnet.accounts()[7];
    assert_queue_error!(
        queue
            .reportExits(pubkeys[..2].to_vec(), vec![])
            .from(stranger),
        NotOracle
    );
    queue
        .reportExits(pubkeys[..2].to_vec(), vec![])
        .mined()
        .await;
    let (state, _) = {
        let e = queue.exitOf(pubkeys[0].clone()).call().await.unwrap();
        (e.state, e.since)
    };
    assert_eq!(state, 2, "Exiting");
    assert_eq!(
        queue.validatorsExiting().call().await.unwrap(),
        U256::from(2)
    );

    // Their 64 ETH arrives as withdrawals; the oracle reports balance 32 for the one left.
    let before = devnet.totals().await.unwrap();
    devnet.sweep(eth("64")).await.unwrap();
    queue
        .reportExits(vec![], pubkeys[..2].to_vec())
        .mined()
        .await;
    assert_eq!(queue.validatorsExiting().call().await.unwrap(), U256::ZERO);
    let report = devnet.report(DAY, 3, eth("32"), eth("64")).await.unwrap();
    let reported = report
        .decoded_log::<PoolManager::BeaconReported>()
        .unwrap()
        .data;
    // Counted once: the total before the report is the total after it, before finalization.
    assert_eq!(reported.preTotalPooledEther, before.total_pooled_ether);
    assert_eq!(reported.postTotalPooledEther, before.total_pooled_ether);
    // 4 + 64 = 68 in the buffer, 70 asked: not yet (no jump, no partial payment).
    assert!(
        report
            .decoded_log::<WithdrawalQueue::WithdrawalsFinalized>()
            .is_none()
    );

    let removed = queue
        .removeExited(pubkeys[..2].to_vec(), ops.clone(), cluster)
        .mined()
        .await;
    assert!(removed.status());
    let after = cluster_after(&removed).expect("the cluster after removal");
    assert_eq!(after.validatorCount, 1);
    let state = queue.exitOf(pubkeys[1].clone()).call().await.unwrap().state;
    assert_eq!(state, 4, "Removed");
}
