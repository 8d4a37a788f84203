//! The oracle duty against a devnet, with a Beacon API served by the test on 127.0.0.1 (the
//! standard response shapes, values the test sets) and, since anvil makes no beacon withdrawals,
//! a JSON-RPC proxy in front of anvil that adds the sweeps the test simulates (anvil_setBalance)
//! to the blocks' `withdrawals` lists, as an execution client shows them.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use alloy::primitives::{Address, U256, utils::parse_ether};
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
use serde_json::{Value, json};
use tokio::net::TcpListener;

mod support;
use support::{read_request, respond};

const ORACLE: usize = 7;
const DAY: u64 = 86_400;

/// What the fake beacon node says.
#[derive(Debug, Default)]
struct BeaconState {
    slot: u64,
    execution_block: u64,
    /// pubkey (0x…, lower case) → balance in gwei.
    balances: HashMap<String, u64>,
    /// The credentials of every validator (the pool's), but for those in `other_credentials`.
    credentials: String,
    other_credentials: HashMap<String, String>,
    /// Pubkeys with a deposit in the state's `pending_deposits`.
    pending: Vec<String>,
    /// The config as the 2026 specs have it: `SLOT_DURATION_MS`, no `SECONDS_PER_SLOT`.
    slot_duration_ms: bool,
}

/// A Beacon API on 127.0.0.1 answering from `state`.
async fn serve_beacon(state: Arc<Mutex<BeaconState>>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let state = state.clone();
            tokio::spawn(async move {
                let Some((line, _)) = read_request(&mut stream).await else {
                    return;
                };
                let path = line.split(' ').nth(1).unwrap_or_default().to_string();
                let body = {
                    let state = state.lock().unwrap();
                    if path == "/eth/v1/beacon/genesis" {
                        Some(
                            json!({ "data": { "genesis_time": "0", "genesis_validators_root": format!("0x{}", "00".repeat(32)), "genesis_fork_version": "0x00000000" } }),
                        )
                    } else if path == "/eth/v1/config/spec" {
                        Some(if state.slot_duration_ms {
                            json!({ "data": { "SLOT_DURATION_MS": "12000", "SLOTS_PER_EPOCH": "32" } })
                        } else {
                            json!({ "data": { "SECONDS_PER_SLOT": "12", "SLOTS_PER_EPOCH": "32" } })
                        })
                    } else if path
                        == format!("/eth/v1/beacon/states/{}/pending_deposits", state.slot)
                    {
                        let data: Vec<Value> = state
                            .pending
                            .iter()
                            .map(|pubkey| json!({
                                "pubkey": pubkey, "withdrawal_credentials": state.credentials,
                                "amount": "32000000000", "signature": format!("0x{}", "00".repeat(96)), "slot": "1"
                            }))
                            .collect();
                        Some(
                            json!({ "version": "electra", "execution_optimistic": false, "finalized": true, "data": data }),
                        )
                    } else if path == "/eth/v2/beacon/blocks/finalized" {
                        Some(
                            json!({ "version": "deneb", "execution_optimistic": false, "finalized": true, "data": { "message": {
                            "slot": state.slot.to_string(), "proposer_index": "1",
                            "body": { "execution_payload": { "block_number": state.execution_block.to_string() } } } } }),
                        )
                    } else if let Some(rest) = path.strip_prefix(&format!(
                        "/eth/v1/beacon/states/{}/validators?id=",
                        state.slot
                    )) {
                        let data: Vec<Value> = rest
                            .split(',')
                            .filter_map(|id| {
                                let id = id.to_lowercase();
                                let credentials = state
                                    .other_credentials
                                    .get(&id)
                                    .unwrap_or(&state.credentials);
                                state.balances.get(&id).map(|gwei| json!({
                                    "index": "0", "balance": gwei.to_string(), "status": "active_ongoing",
                                    "validator": { "pubkey": id, "effective_balance": "32000000000", "slashed": false,
                                        "withdrawal_credentials": credentials }
                                }))
                            })
                            .collect();
                        Some(
                            json!({ "execution_optimistic": false, "finalized": true, "data": data }),
                        )
                    } else {
                        None
                    }
                };
                match body {
                    Some(body) => respond(&mut stream, "200 OK", &body.to_string()).await,
                    None => {
                        respond(
                            &mut stream,
                            "404 Not Found",
                            r#"{"code":404,"message":"not found"}"#,
                        )
                        .await
                    }
                }
            });
        }
    });
    address
}

/// A JSON-RPC proxy to `upstream` that adds `withdrawals[block]` (gwei to `pool`) to the
/// blocks it returns.
async fn serve_proxy(
    upstream: String,
    pool: Address,
    withdrawals: Arc<Mutex<HashMap<u64, u64>>>,
) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let http = alloy::transports::http::reqwest::Client::new();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let (http, upstream, withdrawals) =
                (http.clone(), upstream.clone(), withdrawals.clone());
            tokio::spawn(async move {
                let Some((_, body)) = read_request(&mut stream).await else {
                    return;
                };
                let answer = support::forward(&http, &upstream, body).await;
                let mut answer: Value = serde_json::from_str(&answer).unwrap();
                let add = |item: &mut Value| {
                    let Some(number) = item["result"]["number"].as_str() else {
                        return;
                    };
                    let number = u64::from_str_radix(number.trim_start_matches("0x"), 16).unwrap();
                    if let Some(gwei) = withdrawals.lock().unwrap().get(&number) {
                        item["result"]["withdrawals"] = json!([{
                            "index": "0x0", "validatorIndex": "0x0", "address": pool, "amount": format!("{gwei:#x}")
                        }]);
                    }
                };
                match &mut answer {
                    Value::Array(items) => items.iter_mut().for_each(add),
                    item => add(item),
                }
                respond(&mut stream, "200 OK", &answer.to_string()).await;
            });
        }
    });
    address
}

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
    let proxy = serve_proxy(
        devnet.rpc_url(),
        devnet.deployment.pool_manager,
        withdrawals.clone(),
    )
    .await;
    let figures = Arc::new(Mutex::new(Figures::default()));
    let mut oracle = Keeper::connect(
        &devnet.config(),
        &format!("http://{proxy}"),
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
