//! Reads at mainnet scale: the keeper reads the registry incrementally (a cursor with a reorg
//! margin), and log scans tell a rate limit (back off, same window) from a range refusal
//! (shrink). The test node in front of anvil (`pool_devnet::testing::node`) records every
//! `eth_getLogs` range and answers as public RPCs do when told to.

mod support;
use support::pool::{KEEPER, devnet_with_entries};

use std::sync::Arc;
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
use pool_devnet::testing::node::{LogCap, LogRanges, RateLimit, TestNode};
use pool_devnet::{Devnet, DevnetOptions};
use pool_keeper::keeper::Duties;
use pool_keeper::log::Logger;
use pool_keeper::options::LogFormat;
use pool_keeper::{Decision, Keeper};

/// The test node in front of the devnet: the `eth_getLogs` ranges forwarded and when each came,
/// a rate limit and a range cap the test switches on. It stops when dropped.
struct Node {
    node: TestNode,
    ranges: Arc<LogRanges>,
    limits: Arc<RateLimit>,
    cap: Arc<LogCap>,
}

impl Node {
    fn start(devnet: &Devnet) -> Node {
        let (ranges, limits, cap): (Arc<LogRanges>, Arc<RateLimit>, Arc<LogCap>) =
            Default::default();
        let node = TestNode::to(&devnet.rpc_url())
            .with(Arc::clone(&ranges))
            .with(Arc::clone(&limits))
            .with(Arc::clone(&cap))
            .start()
            .unwrap();
        Node {
            node,
            ranges,
            limits,
            cap,
        }
    }
}

fn registered_topic() -> String {
    PoolManager::ValidatorRegistered::SIGNATURE_HASH.to_string()
}

#[tokio::test]
async fn the_keeper_reads_the_registry_incrementally() {
    let devnet = devnet_with_entries(2).await;
    let node = Node::start(&devnet);
    let mut keeper = Keeper::connect(
        &devnet.config(),
        &node.node.url(),
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
    let registry_reads = |ranges: &LogRanges| -> Vec<(u64, u64)> {
        ranges
            .ranges()
            .iter()
            .filter(|range| range.topic0 == registered_topic())
            .map(|range| (range.from, range.to))
            .collect()
    };
    let first = registry_reads(&node.ranges);
    assert_eq!(first.first().map(|r| r.0), Some(deployment));
    node.ranges.clear();
    // A thousand blocks later, the next activation reads only what is new, and the margin.
    devnet.mine(1_000).await.unwrap();
    stake("32").await;
    match keeper.round().await.unwrap() {
        Decision::Activated { first, count, .. } => assert_eq!((first, count), (1, 1)),
        other => panic!("expected the second activation, got {other:?}"),
    }
    let second = registry_reads(&node.ranges);
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
    let node = Node::start(&devnet);
    let reader = RpcClient::new_http(node.node.url().parse().unwrap());
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
    node.limits.http_429(2);
    node.limits.limit_exceeded(1);
    let started = Instant::now();
    let view = registry_entries(&reader, pool, (0, head), 1_000)
        .await
        .unwrap();
    assert_eq!(view, expected);
    assert_eq!(node.limits.limited(), 3);
    // One window of the whole range (not halved), after pauses of 0.5 + 1 + 2 s.
    let ranges = node.ranges.ranges();
    assert_eq!(ranges.len(), 2, "{ranges:?}");
    assert!(
        ranges
            .iter()
            .all(|range| (range.from, range.to) == (0, head))
    );
    let times = node.ranges.times();
    let gaps: Vec<Duration> = times.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(gaps[0] >= Duration::from_millis(450), "{gaps:?}");
    assert!(gaps[1] >= Duration::from_millis(950), "{gaps:?}");
    assert!(gaps[2] >= Duration::from_millis(1_900), "{gaps:?}");
    assert!(started.elapsed() >= Duration::from_millis(3_400));

    // A node that refuses ranges over 64 blocks: the window shrinks until it answers.
    node.ranges.clear();
    node.cap.set(Some(64));
    let view = registry_entries(&reader, pool, (0, head), 1_000)
        .await
        .unwrap();
    assert_eq!(view, expected);
    assert_eq!(node.limits.limited(), 3, "no rate limit this time");
    assert!(node.cap.refused() > 0, "the node refused the wide ranges");
    let ranges = node.ranges.ranges();
    assert!(ranges.iter().all(|range| range.to - range.from < 64));
    let mut covered: Vec<u64> = ranges
        .iter()
        .filter(|range| range.topic0 == registered_topic())
        .flat_map(|range| range.from..=range.to)
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
