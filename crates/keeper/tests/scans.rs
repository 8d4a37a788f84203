//! Reads at mainnet scale: the keeper reads the registry incrementally (a cursor with a reorg
//! margin), and log scans tell a rate limit (back off, same window) from a range refusal
//! (shrink). A JSON-RPC proxy in front of anvil records every `eth_getLogs` range and answers
//! as public RPCs do when told to.

mod support;
use support::pool::{KEEPER, devnet_with_entries};

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use alloy::primitives::{U256, utils::parse_ether};
use alloy::providers::Provider;
use alloy::rpc::client::RpcClient;
use alloy::sol_types::SolEvent;
use pool_chain::bindings::PoolManager;
use pool_chain::client::{MAX_LOG_WINDOW, RegistryCursor, registry_entries};
use pool_devnet::fixtures::sample_validator;
use pool_devnet::testing::AddValidators as _;
use pool_devnet::testing::Mined;
use pool_devnet::{Devnet, DevnetOptions};
use pool_keeper::keeper::Duties;
use pool_keeper::log::Logger;
use pool_keeper::options::LogFormat;
use pool_keeper::{Decision, Keeper};
use serde_json::{Value, json};
use tokio::net::TcpListener;

/// What the proxy does with the next `eth_getLogs` requests.
#[derive(Debug, Default)]
struct Proxy {
    /// (fromBlock, toBlock, topic0) of every `eth_getLogs` forwarded.
    ranges: Vec<(u64, u64, String)>,
    /// Answer this many requests with HTTP 429.
    http_429: u32,
    /// Answer this many requests with JSON-RPC -32005 "limit exceeded".
    limit_exceeded: u32,
    /// Refuse ranges wider than this (-32005 "query returned more than 10000 results", as
    /// Infura does).
    max_range: Option<u64>,
    /// Requests answered with a rate limit.
    limited: u32,
    /// When each rate-limited or forwarded request came in.
    times: Vec<Instant>,
}

fn hex(value: &Value) -> u64 {
    u64::from_str_radix(value.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

async fn serve_proxy(upstream: String, state: Arc<Mutex<Proxy>>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let http = alloy::transports::http::reqwest::Client::new();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let (state, http, upstream) = (state.clone(), http.clone(), upstream.clone());
            tokio::spawn(async move {
                let Some((_, body)) = support::read_request(&mut stream).await else {
                    return;
                };
                let parsed: Value = serde_json::from_slice(&body).unwrap();
                let calls: Vec<Value> = match &parsed {
                    Value::Array(calls) => calls.clone(),
                    one => vec![one.clone()],
                };
                let logs: Vec<&Value> = calls
                    .iter()
                    .filter(|c| c["method"] == "eth_getLogs")
                    .collect();
                if !logs.is_empty() {
                    let refusal = {
                        let mut proxy = state.lock().unwrap();
                        proxy.times.push(Instant::now());
                        let widest = logs
                            .iter()
                            .map(|c| {
                                hex(&c["params"][0]["toBlock"]) - hex(&c["params"][0]["fromBlock"])
                                    + 1
                            })
                            .max()
                            .unwrap();
                        if proxy.http_429 > 0 {
                            proxy.http_429 -= 1;
                            proxy.limited += 1;
                            Some((
                                "429 Too Many Requests",
                                "{\"error\":\"too many requests\"}".to_string(),
                            ))
                        } else if proxy.limit_exceeded > 0
                            || proxy.max_range.is_some_and(|m| widest > m)
                        {
                            let message = if proxy.limit_exceeded > 0 {
                                proxy.limit_exceeded -= 1;
                                proxy.limited += 1;
                                "limit exceeded"
                            } else {
                                "query returned more than 10000 results"
                            };
                            let answers: Vec<Value> = calls
                                .iter()
                                .map(|c| json!({"jsonrpc": "2.0", "id": c["id"], "error": {"code": -32005, "message": message}}))
                                .collect();
                            let body = match parsed {
                                Value::Array(_) => Value::Array(answers),
                                _ => answers[0].clone(),
                            };
                            Some(("200 OK", body.to_string()))
                        } else {
                            for call in &logs {
                                let filter = &call["params"][0];
                                proxy.ranges.push((
                                    hex(&filter["fromBlock"]),
                                    hex(&filter["toBlock"]),
                                    filter["topics"][0].as_str().unwrap_or_default().to_string(),
                                ));
                            }
                            None
                        }
                    };
                    if let Some((status, body)) = refusal {
                        support::respond(&mut stream, status, &body).await;
                        return;
                    }
                }
                let answer = support::forward(&http, &upstream, body).await;
                support::respond(&mut stream, "200 OK", &answer).await;
            });
        }
    });
    address
}

fn registered_topic() -> String {
    PoolManager::ValidatorRegistered::SIGNATURE_HASH.to_string()
}

#[tokio::test]
async fn the_keeper_reads_the_registry_incrementally() {
    let devnet = devnet_with_entries(2).await;
    let state = Arc::new(Mutex::new(Proxy::default()));
    let proxy = serve_proxy(devnet.rpc_url(), state.clone()).await;
    let mut keeper = Keeper::connect(
        &devnet.config(),
        &format!("http://{proxy}"),
        devnet.signer(KEEPER),
        false,
        Logger {
            format: LogFormat::Json,
        },
        Arc::default(),
        Duties::ACTIVATION,
    )
    .await
    .unwrap();
    let stake = |eth: &'static str| {
        let devnet = &devnet;
        async move {
            devnet
                .stake(devnet.accounts()[1], parse_ether(eth).unwrap())
                .await
                .unwrap()
        }
    };
    stake("32").await;
    assert!(matches!(
        keeper.round().await.unwrap(),
        Decision::Activated { .. }
    ));
    let first_head = devnet.provider().get_block_number().await.unwrap();
    let deployment = devnet.config().deployment_block;
    let registry_reads = |state: &Mutex<Proxy>| -> Vec<(u64, u64)> {
        state
            .lock()
            .unwrap()
            .ranges
            .iter()
            .filter(|(_, _, topic)| *topic == registered_topic())
            .map(|(from, to, _)| (*from, *to))
            .collect()
    };
    let first = registry_reads(&state);
    assert_eq!(first.first().map(|r| r.0), Some(deployment));
    state.lock().unwrap().ranges.clear();
    // A thousand blocks later, the next activation reads only what is new, and the margin.
    devnet.mine(1_000).await.unwrap();
    stake("32").await;
    match keeper.round().await.unwrap() {
        Decision::Activated { first, count, .. } => assert_eq!((first, count), (1, 1)),
        other => panic!("expected the second activation, got {other:?}"),
    }
    let second = registry_reads(&state);
    assert!(!second.is_empty());
    let margin = pool_chain::logs::REORG_MARGIN;
    for (from, _) in &second {
        assert!(
            *from + margin >= first_head && *from > deployment,
            "the registry read again from {from} (first head {first_head}, deployment {deployment})"
        );
    }
    let blocks: u64 = second.iter().map(|(from, to)| to - from + 1).sum();
    assert!(blocks < 1_200, "{blocks} blocks read the second time");
}

#[tokio::test]
async fn a_reorganisation_inside_the_margin_is_read_again() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let pool = devnet.pool();
    let ids = &devnet.deployment.operator_ids;
    let reader = RpcClient::new_http(devnet.rpc_url().parse().unwrap());
    let mut cursor = RegistryCursor::new(*pool.address(), devnet.config().deployment_block);
    let provider = devnet.provider();
    let snapshot: U256 = provider
        .raw_request("evm_snapshot".into(), ())
        .await
        .unwrap();
    pool.add_validators(vec![sample_validator(*pool.address(), 1, ids)])
        .mined()
        .await;
    let head = provider.get_block_number().await.unwrap();
    let view = cursor.refresh(&reader, head, MAX_LOG_WINDOW).await.unwrap();
    let first = sample_validator(*pool.address(), 1, ids).pubkey;
    assert_eq!(view.entries[&0].data.pubkey, first);
    // The block with entry 0 is replaced: another key takes index 0.
    let reverted: bool = provider
        .raw_request("evm_revert".into(), (snapshot,))
        .await
        .unwrap();
    assert!(reverted);
    // A provider of its own: the devnet's caches the nonce the revert took back.
    let fresh = alloy::providers::ProviderBuilder::new()
        .wallet(alloy::network::EthereumWallet::from(devnet.signer(0)))
        .connect_http(devnet.rpc_url().parse().unwrap())
        .erased();
    PoolManager::new(*pool.address(), fresh)
        .add_validators(vec![sample_validator(*pool.address(), 2, ids)])
        .mined()
        .await;
    devnet.mine(3).await.unwrap();
    let head = provider.get_block_number().await.unwrap();
    let view = cursor.refresh(&reader, head, MAX_LOG_WINDOW).await.unwrap();
    let second = sample_validator(*pool.address(), 2, ids).pubkey;
    assert_eq!(view.entries.len(), 1);
    assert_eq!(
        view.entries[&0].data.pubkey, second,
        "the reorganised entry"
    );
    // Once deeper than the margin, the entry is settled and not read again.
    devnet.mine(100).await.unwrap();
    let head = provider.get_block_number().await.unwrap();
    cursor.refresh(&reader, head, MAX_LOG_WINDOW).await.unwrap();
    assert_eq!(cursor.next_block(), head - 64 + 1);
    assert_eq!(cursor.view().entries[&0].data.pubkey, second);
    // And it is what a full scan says.
    let full = registry_entries(&reader, *pool.address(), (0, head), MAX_LOG_WINDOW)
        .await
        .unwrap();
    assert_eq!(&full, cursor.view());
}

#[tokio::test]
async fn a_rate_limit_backs_off_and_keeps_the_window_a_range_refusal_shrinks_it() {
    let devnet = devnet_with_entries(3).await;
    devnet.mine(300).await.unwrap();
    let head = devnet.provider().get_block_number().await.unwrap();
    let pool = devnet.config().pool_manager;
    let state = Arc::new(Mutex::new(Proxy::default()));
    let proxy = serve_proxy(devnet.rpc_url(), state.clone()).await;
    let reader = RpcClient::new_http(format!("http://{proxy}").parse().unwrap());
    let expected = registry_entries(
        &RpcClient::new_http(devnet.rpc_url().parse().unwrap()),
        pool,
        (0, head),
        MAX_LOG_WINDOW,
    )
    .await
    .unwrap();
    assert_eq!(expected.entries.len(), 3);

    // Two HTTP 429s, then one -32005 "limit exceeded": the same window each time, after pauses.
    {
        let mut proxy = state.lock().unwrap();
        proxy.http_429 = 2;
        proxy.limit_exceeded = 1;
    }
    let started = Instant::now();
    let view = registry_entries(&reader, pool, (0, head), 1_000)
        .await
        .unwrap();
    assert_eq!(view, expected);
    let proxy = std::mem::take(&mut *state.lock().unwrap());
    assert_eq!(proxy.limited, 3);
    // One window of the whole range (not halved), after pauses of 0.5 + 1 + 2 s.
    assert_eq!(proxy.ranges.len(), 2, "{:?}", proxy.ranges);
    assert!(
        proxy
            .ranges
            .iter()
            .all(|(from, to, _)| (*from, *to) == (0, head))
    );
    let gaps: Vec<Duration> = proxy.times.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(gaps[0] >= Duration::from_millis(450), "{gaps:?}");
    assert!(gaps[1] >= Duration::from_millis(950), "{gaps:?}");
    assert!(gaps[2] >= Duration::from_millis(1_900), "{gaps:?}");
    assert!(started.elapsed() >= Duration::from_millis(3_400));

    // A node that refuses ranges over 64 blocks: the window shrinks until it answers.
    state.lock().unwrap().max_range = Some(64);
    let view = registry_entries(&reader, pool, (0, head), 1_000)
        .await
        .unwrap();
    assert_eq!(view, expected);
    let proxy = state.lock().unwrap();
    assert_eq!(proxy.limited, 0);
    assert!(proxy.ranges.iter().all(|(from, to, _)| to - from < 64));
    let mut covered: Vec<u64> = proxy
        .ranges
        .iter()
        .filter(|(_, _, topic)| *topic == registered_topic())
        .flat_map(|(from, to, _)| *from..=*to)
        .collect();
    covered.sort();
    assert_eq!(covered, (0..=head).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_history_from_block_0_is_refused_at_start_on_a_real_chain() {
    let devnet = devnet_with_entries(0).await;
    let mut config = devnet.config();
    config.chain_id = 560_048;
    config.deployment_block = 0;
    let refused = Keeper::connect(
        &config,
        &devnet.rpc_url(),
        devnet.signer(KEEPER),
        false,
        Logger {
            format: LogFormat::Text,
        },
        Arc::default(),
        Duties::ACTIVATION,
    )
    .await;
    match refused {
        Err(pool_keeper::keeper::StartError::Config(e)) => {
            assert!(e.to_string().contains("deploymentBlock"), "{e}")
        }
        Err(other) => panic!("expected the config refused, got {other}"),
        Ok(_) => panic!("a history from block 0 was accepted on Hoodi"),
    }
}
