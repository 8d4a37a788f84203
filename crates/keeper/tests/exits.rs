//! The exit duty and the oracle's exit reports on a real anvil devnet, with EIP-7002's published
//! contract installed: a withdrawal the buffer cannot pay makes the keeper ask SSV to exit
//! exactly the validators needed, oldest first, once; after the grace period with no exit seen
//! it has the pool send their EIP-7002 requests; the oracle reports them exiting, then
//! withdrawn (the principal simulated as a sweep), which finalizes the request; the keeper then
//! removes them from their SSV cluster. And while the buffer covers the queue, nothing exits.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use alloy::primitives::{Address, Bytes, U256, utils::parse_ether};
use alloy::providers::Provider;
use pool_chain::bindings::WithdrawalQueue;
use pool_chain::bindings::devnet::DevnetSSVNetworkV2;
use pool_devnet::eip7002;
use pool_devnet::fixtures::{new_cluster, sample_validator};
use pool_devnet::testing::cluster_after;
use pool_devnet::{Devnet, DevnetOptions};
use pool_keeper::Keeper;
use pool_keeper::beacon::Beacon;
use pool_keeper::exits::{ExitCall, ExitOutcome, ExitRound};
use pool_keeper::keeper::Duties;
use pool_keeper::log::Logger;
use pool_keeper::metrics::Figures;
use pool_keeper::options::LogFormat;
use pool_keeper::oracle::OracleDecision;

mod support;
use support::beacon::{BeaconState, serve_beacon, serve_proxy};

const KEEPER: usize = 7;
const ORACLE: usize = 8;
const STAKER: usize = 1;
const DAY: u64 = 86_400;

fn eth(text: &str) -> U256 {
    parse_ether(text).unwrap()
}

/// 100 ETH staked, three validators activated (registry indices 0, 1, 2; 4 ETH left in the
/// buffer), the keeper role for account KEEPER and the oracle role for ORACLE.
async fn pool_with_three_validators() -> (Devnet, Vec<Bytes>) {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let pool = devnet.pool();
    devnet
        .stake(devnet.accounts()[STAKER], eth("100"))
        .await
        .unwrap();
    devnet.add_and_activate(1..4, new_cluster()).await.unwrap();
    for (role, account) in [
        (pool.KEEPER_ROLE().call().await.unwrap(), KEEPER),
        (pool.ORACLE_ROLE().call().await.unwrap(), ORACLE),
    ] {
        devnet
            .grant_role(role, devnet.accounts()[account])
            .await
            .unwrap();
    }
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
    (devnet, pubkeys)
}

async fn connect(
    devnet: &Devnet,
    rpc: &str,
    account: usize,
    duties: Duties,
    figures: Arc<Mutex<Figures>>,
) -> Keeper {
    Keeper::connect(
        &devnet.config(),
        rpc,
        devnet.signer(account),
        false,
        Logger {
            format: LogFormat::Json,
        },
        figures,
        duties,
    )
    .await
    .unwrap()
}

/// Each validator's exit state (0 none, 1 requested, 2 exiting, 3 withdrawn, 4 removed).
async fn states(devnet: &Devnet, pubkeys: &[Bytes]) -> Vec<u8> {
    let mut out = Vec::new();
    for pubkey in pubkeys {
        out.push(
            devnet
                .queue()
                .exitOf(pubkey.clone())
                .call()
                .await
                .unwrap()
                .state,
        );
    }
    out
}

fn sent(round: &ExitRound) -> Vec<&ExitCall> {
    round
        .steps
        .iter()
        .map(|(call, outcome)| {
            assert!(
                matches!(outcome, ExitOutcome::Sent { .. }),
                "{call:?}: {outcome:?}"
            );
            call
        })
        .collect()
}

fn tx_of(outcome: &ExitOutcome) -> alloy::primitives::B256 {
    match outcome {
        ExitOutcome::Sent { tx } => *tx,
        other => panic!("not sent: {other:?}"),
    }
}

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
    let proxy = serve_proxy(
        devnet.rpc_url(),
        devnet.deployment.pool_manager,
        withdrawals.clone(),
    )
    .await;
    let mut oracle = connect(
        &devnet,
        &format!("http://{proxy}"),
        ORACLE,
        Duties::ORACLE,
        Arc::default(),
    )
    .await;
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

/// Seventeen validators past their grace: the pool may force 16 a day. The keeper sends 16,
/// stops at the refusal of the 17th (it does not try the rest of the day), and sends it the next
/// day.
#[tokio::test]
async fn forced_exits_stop_at_the_days_limit_and_resume_the_next_day() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let pool = devnet.pool();
    let staker = devnet.accounts()[STAKER];
    devnet.stake(staker, eth("544")).await.unwrap();
    devnet.add_and_activate(1..18, new_cluster()).await.unwrap();
    devnet
        .grant_role(
            pool.KEEPER_ROLE().call().await.unwrap(),
            devnet.accounts()[KEEPER],
        )
        .await
        .unwrap();
    devnet.request_withdrawal(staker, eth("544")).await.unwrap();
    let mut keeper = connect(
        &devnet,
        &devnet.rpc_url(),
        KEEPER,
        Duties::EXITS,
        Arc::default(),
    )
    .await;
    let round = keeper.exits_round(None).await.unwrap();
    assert_eq!(round.requested(), (0..17).collect::<Vec<u64>>());

    devnet
        .warp(devnet.now().await.unwrap() + 2 * DAY)
        .await
        .unwrap();
    let round = keeper.exits_round(None).await.unwrap();
    keeper.report_exits(&round);
    assert_eq!(round.steps.len(), 17);
    for (i, (call, outcome)) in round.steps.iter().enumerate() {
        assert_eq!(call, &ExitCall::Force { index: i as u64 });
        if i < 16 {
            assert!(matches!(outcome, ExitOutcome::Sent { .. }), "{outcome:?}");
        } else {
            assert!(
                matches!(outcome, ExitOutcome::RateLimited { .. }),
                "{outcome:?}"
            );
        }
    }
    assert_eq!(
        eip7002::pending_requests(&devnet.provider())
            .await
            .unwrap()
            .len(),
        16
    );
    // Later the same day: only the 17th is due, and still refused; nothing is sent.
    let round = keeper.exits_round(None).await.unwrap();
    assert!(
        matches!(
            round.steps.as_slice(),
            [(
                ExitCall::Force { index: 16 },
                ExitOutcome::RateLimited { .. }
            )]
        ),
        "{:?}",
        round.steps
    );
    devnet
        .warp(devnet.now().await.unwrap() + DAY)
        .await
        .unwrap();
    let round = keeper.exits_round(None).await.unwrap();
    assert_eq!(sent(&round), vec![&ExitCall::Force { index: 16 }]);
}

/// A validator the finalized beacon state already shows exiting (the oracle has not reported it
/// yet) gets no EIP-7002 request: the fee would buy nothing. Once the state shows it running
/// after the grace period, it does.
#[tokio::test]
async fn no_forced_exit_for_a_validator_the_beacon_node_shows_exiting() {
    let (devnet, pubkeys) = pool_with_three_validators().await;
    let staker = devnet.accounts()[STAKER];
    devnet.request_withdrawal(staker, eth("30")).await.unwrap();
    let mut keeper = connect(
        &devnet,
        &devnet.rpc_url(),
        KEEPER,
        Duties::EXITS,
        Arc::default(),
    )
    .await;
    assert_eq!(keeper.exits_round(None).await.unwrap().requested(), vec![0]);
    devnet
        .warp(devnet.now().await.unwrap() + 2 * DAY)
        .await
        .unwrap();
    let key = pubkeys[0].to_string();
    let beacon_state = Arc::new(Mutex::new(BeaconState {
        slot: devnet.now().await.unwrap() / 12,
        credentials: devnet
            .pool()
            .withdrawalCredentials()
            .call()
            .await
            .unwrap()
            .to_string(),
        balances: HashMap::from([(key.clone(), 32_000_000_000)]),
        statuses: HashMap::from([(key.clone(), "active_exiting".to_string())]),
        ..BeaconState::default()
    }));
    let beacon = Beacon::new(&format!(
        "http://{}",
        serve_beacon(beacon_state.clone()).await
    ));
    let round = keeper.exits_round(Some(&beacon)).await.unwrap();
    assert!(round.steps.is_empty(), "{:?}", round.steps);
    assert!(
        eip7002::pending_requests(&devnet.provider())
            .await
            .unwrap()
            .is_empty()
    );
    beacon_state.lock().unwrap().statuses.clear(); // active_ongoing
    let round = keeper.exits_round(Some(&beacon)).await.unwrap();
    assert_eq!(sent(&round), vec![&ExitCall::Force { index: 0 }]);
}
