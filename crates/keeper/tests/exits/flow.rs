use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use alloy::primitives::{Address, Bytes, U256};
use alloy::providers::Provider;
use pool_chain::bindings::WithdrawalQueue;
use pool_chain::bindings::devnet::DevnetSSVNetworkV2;
use pool_devnet::eip7002;
use pool_devnet::testing::cluster_after;
use pool_keeper::beacon::Beacon;
use pool_keeper::exits::{ExitCall, ExitOutcome};
use pool_keeper::keeper::Duties;
use pool_keeper::metrics::Figures;
use pool_keeper::oracle::OracleDecision;

use crate::support::beacon::{BeaconState, serve_beacon, withdrawals_node};
use crate::*;

#[tokio::test]
async fn the_keeper_exits_the_oldest_needed_forces_them_after_the_grace_and_removes_them_once_withdrawn()
 {
    let (devnet, pubkeys) = pool_with_three_validators().await;
    let queue = devnet.queue();
    let ops = devnet.deployment.operator_ids.clone();
    let staker = devnet.accounts()[STAKER];
    // 40 ETH asked, 4 in the buffer: two validators must exit (ceil(36 / 32)).
    devnet.request_withdrawal(staker, eth("40")).await.unwrap();
    assert_eq!(queue.exitsNeeded().call().await.unwrap(), U256::from(2));

    let figures = Arc::new(Mutex::new(Figures::default()));
    let mut keeper = connect(
        &devnet,
        &devnet.rpc_url(),
        KEEPER,
        Duties::EXITS,
        figures.clone(),
    )
    .await;
    let round = keeper.exits_round(None).await.unwrap();
    keeper.report_exits(&round);
    assert_eq!(
        sent(&round),
        vec![&ExitCall::Request {
            operator_ids: ops.clone(),
            indices: vec![0, 1]
        }],
        "exactly the two needed, the oldest, in one call for their operator set"
    );
    assert_eq!(round.figures.unfinalized_ether, eth("40"));
    let receipt = devnet
        .provider()
        .get_transaction_receipt(tx_of(&round.steps[0].1))
        .await
        .unwrap()
        .unwrap();
    let told: Vec<Bytes> = receipt
        .inner
        .logs()
        .iter()
        .filter_map(|log| log.log_decode::<DevnetSSVNetworkV2::ValidatorExited>().ok())
        .map(|log| log.inner.data.publicKey.clone())
        .collect();
    assert_eq!(
        told,
        pubkeys[..2].to_vec(),
        "SSV's operators told to exit them"
    );
    assert_eq!(states(&devnet, &pubkeys).await, vec![1, 1, 0]);

    // The next round: the two in exit cover the demand; nothing is asked twice.
    let again = keeper.exits_round(None).await.unwrap();
    keeper.report_exits(&again);
    assert!(again.steps.is_empty(), "{:?}", again.steps);
    assert_eq!(again.figures.exits_needed, 0);
    {
        let f = figures.lock().unwrap();
        assert_eq!(f.exits_requested, 2);
        assert_eq!(f.withdrawal_queue_wei, Some(eth("40")));
        assert_eq!(f.exiting_wei, Some(eth("64")));
        let text = f.render();
        assert!(text.contains(&format!("keeper_withdrawal_queue_wei {}", eth("40"))));
        assert!(text.contains(&format!("keeper_exiting_wei {}", eth("64"))));
        assert!(text.contains("keeper_exits_requested_total 2"));
        assert!(text.contains("keeper_oldest_request_age_seconds "));
    }

    // Two days and no exit seen (no oracle report of one): the pool's own EIP-7002 requests.
    devnet
        .warp(devnet.now().await.unwrap() + 2 * DAY)
        .await
        .unwrap();
    let forced = keeper.exits_round(None).await.unwrap();
    keeper.report_exits(&forced);
    assert_eq!(
        sent(&forced),
        vec![&ExitCall::Force { index: 0 }, &ExitCall::Force { index: 1 }]
    );
    assert!(
        forced.figures.oldest_waiting_at.is_some()
            && figures.lock().unwrap().oldest_request_age_seconds >= Some(2 * DAY)
    );
    for (step, pubkey) in forced.steps.iter().zip(&pubkeys) {
        let receipt = devnet
            .provider()
            .get_transaction_receipt(tx_of(&step.1))
            .await
            .unwrap()
            .unwrap();
        let event = receipt
            .decoded_log::<WithdrawalQueue::ExitForced>()
            .unwrap();
        assert_eq!(&event.data.pubkey, pubkey);
    }
    // In the system contract's queue as the consensus layer reads it: from the pool (the
    // validators' withdrawal address), full exits.
    let requests = eip7002::pending_requests(&devnet.provider()).await.unwrap();
    let expected: Vec<_> = pubkeys[..2]
        .iter()
        .map(|p| eip7002::WithdrawalRequest {
            source: devnet.deployment.pool_manager,
            pubkey: p.as_ref().try_into().unwrap(),
            amount_gwei: 0,
        })
        .collect();
    assert_eq!(requests, expected);
    assert_eq!(figures.lock().unwrap().exits_forced, 2);
    // Not again before another grace period.
    assert!(keeper.exits_round(None).await.unwrap().steps.is_empty());

    // The oracle: first the beacon chain shows both exiting, then both withdrawn.
    let credentials = devnet
        .pool()
        .withdrawalCredentials()
        .call()
        .await
        .unwrap()
        .to_string();
    let beacon_state = Arc::new(Mutex::new(BeaconState {
        credentials,
        ..BeaconState::default()
    }));
    let beacon = Beacon::new(&format!(
        "http://{}",
        serve_beacon(beacon_state.clone()).await
    ));
    let withdrawals = Arc::new(Mutex::new(HashMap::new()));
    let node = withdrawals_node(
        &devnet.rpc_url(),
        devnet.deployment.pool_manager,
        withdrawals.clone(),
    );
    let mut oracle = connect(&devnet, &node.url(), ORACLE, Duties::ORACLE, Arc::default()).await;
    let keys: Vec<String> = pubkeys.iter().map(|p| p.to_string()).collect();
    let finalize = |views: [(&'static str, u64); 3]| {
        let (devnet, beacon_state, keys) = (&devnet, beacon_state.clone(), keys.clone());
        async move {
            let head = devnet.provider().get_block_number().await.unwrap();
            let now = devnet.now().await.unwrap();
            let mut state = beacon_state.lock().unwrap();
            state.slot = now / 12;
            state.execution_block = head;
            state.balances = keys.iter().cloned().zip(views.map(|v| v.1)).collect();
            state.statuses = keys
                .iter()
                .cloned()
                .zip(views.map(|v| v.0.to_string()))
                .collect();
        }
    };
    let full = 32_000_000_000;
    devnet
        .warp(devnet.now().await.unwrap() + DAY)
        .await
        .unwrap();
    finalize([
        ("active_exiting", full),
        ("exited_unslashed", full),
        ("active_ongoing", full),
    ])
    .await;
    match oracle.oracle_round(&beacon, DAY).await.unwrap() {
        OracleDecision::Reported {
            validators,
            exits: Some(exits),
            ..
        } => {
            assert_eq!(validators, 3);
            assert_eq!((exits.exiting, exits.withdrawn), (vec![0, 1], vec![]));
            assert!(matches!(exits.outcome, ExitOutcome::Sent { .. }));
        }
        other => panic!("expected a report with exits, got {other:?}"),
    }
    assert_eq!(states(&devnet, &pubkeys).await, vec![2, 2, 0]);

    // Their principal arrives (a sweep of 64 ETH); the state shows them withdrawn.
    devnet
        .warp(devnet.now().await.unwrap() + 3_600)
        .await
        .unwrap();
    devnet.sweep(eth("64")).await.unwrap();
    let swept_in = devnet.provider().get_block_number().await.unwrap();
    withdrawals.lock().unwrap().insert(swept_in, 64_000_000_000);
    devnet
        .warp(devnet.now().await.unwrap() + DAY)
        .await
        .unwrap();
    finalize([
        ("withdrawal_done", 0),
        ("withdrawal_done", 0),
        ("active_ongoing", full),
    ])
    .await;
    let before = devnet.totals().await.unwrap();
    match oracle.oracle_round(&beacon, DAY).await.unwrap() {
        OracleDecision::Reported {
            validators,
            balance,
            withdrawals,
            exits: Some(exits),
            ..
        } => {
            assert_eq!(validators, 3, "exited validators stay counted");
            assert_eq!(balance, eth("32"));
            assert_eq!(withdrawals, eth("64"));
            assert_eq!((exits.exiting, exits.withdrawn), (vec![], vec![0, 1]));
            assert!(matches!(exits.outcome, ExitOutcome::Sent { .. }));
        }
        other => panic!("expected a report with exits, got {other:?}"),
    }
    assert_eq!(states(&devnet, &pubkeys).await, vec![3, 3, 0]);
    // The report finalized the request (68 ETH buffered for 40 asked): the principal counted
    // once, the 40 ETH out of the pool's total and in the queue.
    let summary = queue.summary().call().await.unwrap();
    assert_eq!(summary.lastFinalizedId, U256::from(1));
    assert_eq!(summary.unfinalizedEther, U256::ZERO);
    assert_eq!(summary.validatorsExiting, U256::ZERO);
    assert_eq!(
        devnet.totals().await.unwrap().total_pooled_ether,
        before.total_pooled_ether - eth("40")
    );

    // The keeper takes both out of their SSV cluster in one call, and then has nothing to do.
    let removal = keeper.exits_round(None).await.unwrap();
    keeper.report_exits(&removal);
    assert_eq!(
        sent(&removal),
        vec![&ExitCall::Remove {
            operator_ids: ops.clone(),
            indices: vec![0, 1]
        }]
    );
    let receipt = devnet
        .provider()
        .get_transaction_receipt(tx_of(&removal.steps[0].1))
        .await
        .unwrap()
        .unwrap();
    let cluster = cluster_after(&receipt).expect("the cluster after removal");
    assert_eq!(cluster.validatorCount, 1);
    assert_eq!(states(&devnet, &pubkeys).await, vec![4, 4, 0]);
    assert_eq!(figures.lock().unwrap().exited_removed, 2);
    assert!(keeper.exits_round(None).await.unwrap().steps.is_empty());
}

/// A request the buffer covers must never cost a validator: the keeper sends nothing at all.
#[tokio::test]
async fn the_keeper_never_exits_while_the_buffer_covers_the_queue() {
    let (devnet, pubkeys) = pool_with_three_validators().await;
    let staker = devnet.accounts()[STAKER];
    let keeper_account: Address = devnet.accounts()[KEEPER];
    let mut keeper = connect(
        &devnet,
        &devnet.rpc_url(),
        KEEPER,
        Duties::EXITS,
        Arc::default(),
    )
    .await;
    let nonce = devnet
        .provider()
        .get_transaction_count(keeper_account)
        .await
        .unwrap();
    // No request; then one of exactly the buffer (4 ETH); then, with 30 ETH more staked by
    // someone else, one of 30 ETH more (34 asked, 34 buffered).
    let round = keeper.exits_round(None).await.unwrap();
    assert!(round.steps.is_empty());
    devnet.request_withdrawal(staker, eth("4")).await.unwrap();
    let round = keeper.exits_round(None).await.unwrap();
    keeper.report_exits(&round);
    assert_eq!(
        (round.figures.exits_needed, round.steps.len()),
        (0, 0),
        "{round:?}"
    );
    devnet.stake(devnet.accounts()[2], eth("30")).await.unwrap();
    devnet.request_withdrawal(staker, eth("30")).await.unwrap();
    let round = keeper.exits_round(None).await.unwrap();
    assert_eq!(round.figures.unfinalized_ether, eth("34"));
    assert_eq!(round.figures.buffered_ether, eth("34"));
    assert!(round.steps.is_empty(), "{:?}", round.steps);
    assert_eq!(states(&devnet, &pubkeys).await, vec![0, 0, 0]);
    assert_eq!(
        devnet
            .provider()
            .get_transaction_count(keeper_account)
            .await
            .unwrap(),
        nonce,
        "the keeper sent nothing"
    );
    // The smallest request more (0.001 ETH) than the buffer covers: one validator must go, the
    // oldest.
    devnet
        .request_withdrawal(staker, U256::from(10u64).pow(U256::from(15)))
        .await
        .unwrap();
    let round = keeper.exits_round(None).await.unwrap();
    assert_eq!(
        sent(&round),
        vec![&ExitCall::Request {
            operator_ids: devnet.deployment.operator_ids.clone(),
            indices: vec![0]
        }]
    );
}
