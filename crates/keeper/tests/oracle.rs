//! The oracle duty against a devnet, with the test's Beacon API and the test node (JSON-RPC) that
//! shows the sweeps it simulates as block withdrawals (`support::beacon`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use alloy::primitives::{U256, utils::parse_ether};
use alloy::providers::Provider;
use pool_devnet::fixtures::new_cluster;
use pool_devnet::{Devnet, DevnetOptions};
use pool_keeper::Keeper;
use pool_keeper::beacon::Beacon;
use pool_keeper::keeper::{Duties, StartError};
use pool_keeper::log::Logger;
use pool_keeper::metrics::Figures;
use pool_keeper::options::LogFormat;
use pool_keeper::oracle::OracleDecision;

mod support;
use support::beacon::{BeaconState, serve_beacon, withdrawals_node};

const ORACLE: usize = 7;
const DAY: u64 = 86_400;

async fn warp(devnet: &Devnet, seconds: u64) {
    let now = devnet.now().await.unwrap();
    devnet.warp(now + seconds).await.unwrap();
}

#[tokio::test]
async fn reports_move_the_price_by_rewards_and_not_by_sweeps() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let pool = devnet.pool();
    devnet
        .grant_role(
            pool.ORACLE_ROLE().call().await.unwrap(),
            devnet.accounts()[ORACLE],
        )
        .await
        .unwrap();
    devnet
        .stake(devnet.accounts()[1], parse_ether("40").unwrap())
        .await
        .unwrap();
    let activation = devnet.add_and_activate(1..2, new_cluster()).await.unwrap();
    let pubkey = activation
        .decoded_log::<pool_chain::bindings::devnet::DevnetDepositContract::DepositEvent>()
        .unwrap()
        .pubkey
        .to_string();

    let beacon_state = Arc::new(Mutex::new(BeaconState {
        credentials: pool
            .withdrawalCredentials()
            .call()
            .await
            .unwrap()
            .to_string(),
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
    let figures = Arc::new(Mutex::new(Figures::default()));
    let mut oracle = Keeper::connect(
        &devnet.config(),
        &node.url(),
        devnet.signer(ORACLE),
        false,
        Logger {
            format: LogFormat::Json,
        },
        figures,
        Duties::ORACLE,
    )
    .await
    .unwrap();
    // The beacon node finalizes the chain's current moment, with `gwei` on the validator.
    let finalize = |gwei: u64| {
        let devnet = &devnet;
        let beacon_state = beacon_state.clone();
        let pubkey = pubkey.clone();
        async move {
            let head = devnet.provider().get_block_number().await.unwrap();
            let now = devnet.now().await.unwrap();
            let mut state = beacon_state.lock().unwrap();
            state.slot = now / 12;
            state.execution_block = head;
            state.balances = HashMap::from([(pubkey, gwei)]);
        }
    };

    // Not due before a day (and never before the pool's minimum interval).
    finalize(32_000_000_000).await;
    assert!(matches!(
        oracle.oracle_round(&beacon, DAY).await.unwrap(),
        OracleDecision::NotDue { .. }
    ));

    // A day of consensus rewards: 0.01 ETH on the validator.
    warp(&devnet, DAY).await;
    finalize(32_010_000_000).await;
    match oracle.oracle_round(&beacon, DAY).await.unwrap() {
        OracleDecision::Reported {
            validators,
            balance,
            withdrawals,
            ..
        } => {
            assert_eq!(validators, 1);
            assert_eq!(balance, parse_ether("32.01").unwrap());
            assert_eq!(withdrawals, U256::ZERO);
        }
        other => panic!("expected a report, got {other:?}"),
    }
    let after_rewards = devnet.totals().await.unwrap();
    assert_eq!(
        after_rewards.total_pooled_ether,
        parse_ether("40.01").unwrap()
    );

    // The beacon chain sweeps the 0.01 ETH to the pool: a balance credit in some block.
    warp(&devnet, 3_600).await;
    devnet.sweep(parse_ether("0.01").unwrap()).await.unwrap();
    let swept_in = devnet.provider().get_block_number().await.unwrap();
    withdrawals.lock().unwrap().insert(swept_in, 10_000_000);
    warp(&devnet, DAY).await;
    finalize(32_000_000_000).await;
    match oracle.oracle_round(&beacon, DAY).await.unwrap() {
        OracleDecision::Reported {
            balance,
            withdrawals,
            ..
        } => {
            assert_eq!(balance, parse_ether("32").unwrap());
            assert_eq!(
                withdrawals,
                parse_ether("0.01").unwrap(),
                "summed from the blocks"
            );
        }
        other => panic!("expected a report, got {other:?}"),
    }
    assert_eq!(
        devnet.totals().await.unwrap(),
        after_rewards,
        "a sweep does not move the price"
    );
    assert_eq!(
        U256::from(pool.bufferedEther().call().await.unwrap()),
        parse_ether("8.01").unwrap(),
        "the swept ETH is in the buffer"
    );

    // A balance beyond the bounds (8 ETH more in a day): reported all the same, and the pool
    // lets in only the day's bound (10 % a year), carrying the rest; the next one waits a day.
    warp(&devnet, DAY).await;
    finalize(40_000_000_000).await;
    let before = devnet.totals().await.unwrap().total_pooled_ether;
    let last = pool.lastReportAt().call().await.unwrap();
    match oracle.oracle_round(&beacon, DAY).await.unwrap() {
        OracleDecision::Reported { balance, .. } => {
            assert_eq!(balance, parse_ether("40").unwrap())
        }
        other => panic!("expected a report, got {other:?}"),
    }
    let elapsed = pool.lastReportAt().call().await.unwrap() - last;
    let bound = before * U256::from(pool_devnet::MAX_APR_BPS) * U256::from(elapsed)
        / U256::from(10_000u64 * 365 * DAY);
    assert_eq!(
        devnet.totals().await.unwrap().total_pooled_ether,
        before + bound
    );
    assert!(matches!(
        oracle.oracle_round(&beacon, DAY).await.unwrap(),
        OracleDecision::NotDue { .. }
    ));
}

#[tokio::test]
async fn the_oracle_duty_needs_the_oracle_role() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let refused = Keeper::connect(
        &devnet.config(),
        &devnet.rpc_url(),
        devnet.signer(ORACLE),
        false,
        Logger {
            format: LogFormat::Text,
        },
        Arc::new(Mutex::new(Figures::default())),
        Duties::ORACLE,
    )
    .await;
    match refused {
        Err(StartError::MissingRole { role, .. }) => assert_eq!(role, "ORACLE_ROLE"),
        Err(other) => panic!("expected a missing role, got {other}"),
        Ok(_) => panic!("accepted without the role"),
    }
}

/// As real beacon nodes serve it: a config with `SLOT_DURATION_MS` only; a registry pubkey the
/// state holds with someone else's credentials; a validator whose pool deposit still waits in
/// `pending_deposits` (the state shows it with an earlier 1 ETH). Only the pool's validator
/// that is there for good counts; the queued one stays in transit at 32 ETH.
#[tokio::test]
async fn only_the_pools_settled_validators_count_and_the_slot_time_reads_either_config() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let pool = devnet.pool();
    devnet
        .grant_role(
            pool.ORACLE_ROLE().call().await.unwrap(),
            devnet.accounts()[ORACLE],
        )
        .await
        .unwrap();
    devnet
        .stake(devnet.accounts()[1], parse_ether("100").unwrap())
        .await
        .unwrap();
    let activation = devnet.add_and_activate(1..4, new_cluster()).await.unwrap();
    let pubkeys: Vec<String> = activation
        .inner
        .logs()
        .iter()
        .filter_map(|log| {
            log.log_decode::<pool_chain::bindings::devnet::DevnetDepositContract::DepositEvent>()
                .ok()
        })
        .map(|e| e.inner.data.pubkey.to_string())
        .collect();
    assert_eq!(pubkeys.len(), 3);
    let credentials = pool
        .withdrawalCredentials()
        .call()
        .await
        .unwrap()
        .to_string();
    let thief = format!("0x01{}{}", "00".repeat(11), "ee".repeat(20));
    let head = devnet.provider().get_block_number().await.unwrap();
    let now = devnet.now().await.unwrap() + DAY;
    devnet.warp(now).await.unwrap();
    let state = BeaconState {
        slot: now / 12,
        execution_block: head,
        balances: HashMap::from([
            (pubkeys[0].clone(), 32_010_000_000),
            (pubkeys[1].clone(), 32_000_000_000),
            (pubkeys[2].clone(), 1_000_000_000),
        ]),
        credentials,
        other_credentials: HashMap::from([(pubkeys[1].clone(), thief)]),
        pending: vec![pubkeys[2].clone()],
        slot_duration_ms: true,
        ..BeaconState::default()
    };
    let beacon_state = Arc::new(Mutex::new(state));
    let beacon = Beacon::new(&format!(
        "http://{}",
        serve_beacon(beacon_state.clone()).await
    ));
    assert_eq!(beacon.slot_duration_ms().await.unwrap(), 12_000);
    let mut oracle = Keeper::connect(
        &devnet.config(),
        &devnet.rpc_url(),
        devnet.signer(ORACLE),
        false,
        Logger {
            format: LogFormat::Json,
        },
        Arc::default(),
        Duties::ORACLE,
    )
    .await
    .unwrap();
    let before = devnet.totals().await.unwrap().total_pooled_ether;
    match oracle.oracle_round(&beacon, DAY).await.unwrap() {
        OracleDecision::Reported {
            timestamp,
            validators,
            balance,
            ..
        } => {
            assert_eq!(timestamp, now / 12 * 12, "slot x 12 000 ms from genesis 0");
            assert_eq!(validators, 1, "the pool's settled validator alone");
            assert_eq!(balance, parse_ether("32.01").unwrap());
        }
        other => panic!("expected a report, got {other:?}"),
    }
    // The two others stay at 32 ETH each: the report added the first one's reward only.
    assert_eq!(
        devnet.totals().await.unwrap().total_pooled_ether,
        before + parse_ether("0.01").unwrap()
    );
    // A node with the older config gives the same clock.
    beacon_state.lock().unwrap().slot_duration_ms = false;
    assert_eq!(beacon.slot_duration_ms().await.unwrap(), 12_000);
}
