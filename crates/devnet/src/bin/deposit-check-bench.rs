//! `deposit-check-bench`: what one activation check of a few pool keys costs on a devnet history
//! of 100,000 strangers' deposits (issue 16 §2): the requests and the bytes downloaded, and the
//! time, of
//! - the old way: every `DepositEvent` since the pool's deployment ([`check_keys`] without a
//!   beacon node, which reads them with `scan_deposits`: what the console did on each import and
//!   activation), in windows of 50,000 blocks and of a public RPC's 2,000;
//! - the planner's way: [`check_keys`] with a beacon node whose finalized state includes every
//!   deposit up to the head − 64 (the finalized block, POST `validators` for the keys,
//!   `pending_deposits`), then the deposit logs of the last 64 blocks, with a fresh cursor;
//! - the same a few blocks later with the cursor kept (the incremental check).
//!
//! The history: 400 transactions of 250 deposits each ([`DepositHistory`], a devnet-only
//! contract making them with distinct pubkeys, filler signatures and the SSZ roots the deposit
//! contract checks), one every 250 blocks: 100,000 deposits over 100,000 blocks (mainnet sees
//! hundreds to thousands a day, 7,200 blocks), the last transaction 32 blocks below the head.
//! The beacon node is in process ([`FinalizedState`], built from the same logs; the deposits of
//! its last [`PENDING_BLOCKS`] blocks wait in `pending_deposits`), its answers' JSON counted.
//!
//! anvil runs as in scan-bench (`--prune-history`, `--hardfork cancun`: an empty block is mined
//! in microseconds); no validator is added, so Prague's BLS precompiles are not needed.
//! RPC requests and answer bytes are counted by the test node of [`pool_devnet::testing::node`] ([`Counts`]); times are of one run
//! on a direct connection (debug build, loopback).

use std::time::Instant;

use alloy::node_bindings::Anvil;
use alloy::primitives::{Bytes, U64, U256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::client::RpcClient;
use anyhow::{Context, Result, ensure};
use pool_chain::bindings::PoolManager;
use pool_chain::client::planner::{DepositCoverage, KeyCheckSetup, check_keys};
use pool_chain::client::{DepositCursor, MAX_LOG_WINDOW, scan_deposits};
use pool_core::activation::deposits::Verdict;
use pool_core::deposit::ForkVersion;
use pool_devnet::testing::beacon::FinalizedState;
use pool_devnet::testing::deposit_history::DepositHistory;
use pool_devnet::testing::node::{Counts, TestNode};
use pool_devnet::{CHAIN_ID, DevnetOptions};

/// Transactions, deposits in each, blocks between two: 400 × 250 = 100,000 deposits.
const BATCHES: u64 = 400;
const PER_BATCH: u64 = 250;
const BATCH_BLOCKS: u64 = 250;
/// Blocks after the last batch: it lands inside the last 64 blocks the planner reads as logs.
const TAIL_BLOCKS: u64 = 32;
/// Blocks below the head of the finalized state's execution block (two epochs).
const FINALITY_LAG: u64 = 64;
/// Blocks of deposits still in the beacon state's `pending_deposits` at finality.
const PENDING_BLOCKS: u64 = 2_048;
/// The second check: this many more deposits, then this many blocks.
const LATER_DEPOSITS: u64 = 10;
const LATER_BLOCKS: u64 = 12;
/// A public RPC's cap on an `eth_getLogs` range (many allow 1,000 to 10,000 blocks).
const SMALL_WINDOW: u64 = 2_000;
/// Pool keys checked.
const KEYS: u16 = 4;

struct Row {
    way: &'static str,
    rpc_requests: usize,
    get_logs: usize,
    rpc_bytes: usize,
    beacon_requests: usize,
    beacon_bytes: usize,
    ms: f64,
}

#[tokio::main]
async fn main() -> Result<()> {
    let options = DevnetOptions::default();
    let anvil = Anvil::at(&options.anvil)
        .host("127.0.0.1")
        .port(0u16)
        .chain_id(CHAIN_ID)
        .args(["--prune-history", "--hardfork", "cancun"])
        .try_spawn()
        .context("starting anvil (is `cargo xtask setup` done?)")?;
    let url = format!("http://127.0.0.1:{}", anvil.port());
    let provider = ProviderBuilder::new()
        .wallet(anvil.wallet().context("anvil's keys")?)
        .connect_http(url.parse()?)
        .erased();
    let accounts = anvil.addresses().to_vec();
    let deployment_block = provider.get_block_number().await? + 1;
    let d = pool_devnet::deploy(&provider, &accounts, &options).await?;
    let pool = PoolManager::new(d.pool_manager, provider.clone());
    let setup = KeyCheckSetup {
        deposit_contract: d.deposit_contract,
        credentials: pool.withdrawalCredentials().call().await?,
        fork_version: ForkVersion::DEVNET,
        deployment_block,
        max_log_window: MAX_LOG_WINDOW,
    };
    let keys: Vec<Bytes> = (1..=KEYS)
        .map(|seed| Bytes::from(pool_devnet::fixtures::sample_key(seed).public_key()))
        .collect();

    // The history.
    let started = Instant::now();
    let total = BATCHES * PER_BATCH;
    let mut history = DepositHistory::deploy(
        &provider,
        accounts[5],
        d.deposit_contract,
        total + LATER_DEPOSITS,
    )
    .await?;
    for batch in 0..BATCHES {
        history.batch(PER_BATCH).await?;
        let blocks = if batch + 1 < BATCHES {
            BATCH_BLOCKS - 1
        } else {
            TAIL_BLOCKS
        };
        mine(&provider, blocks).await?;
    }
    let built = started.elapsed();
    let gas_each = history.gas / total;
    ensure!(count(&provider, &d).await? == total, "deposit count");

    let direct = RpcClient::new_http(url.parse()?);
    let counts = std::sync::Arc::new(Counts::default());
    let proxy = TestNode::to(&url).with(counts.clone()).start()?;
    let counted = RpcClient::new_http(proxy.url().parse()?);
    let no_beacon: Option<&FinalizedState> = None;
    let mut rows = Vec::new();

    // (a) The old way: the logs since the deployment, at the planner's window and at a public
    // RPC's.
    let mut all = Vec::new();
    for (window, way) in [
        (MAX_LOG_WINDOW, "logs since the deployment (the old check)"),
        (SMALL_WINDOW, "the old check, window 2,000 blocks"),
    ] {
        let setup = KeyCheckSetup {
            max_log_window: window,
            ..setup
        };
        let mut ms = 0.0;
        for client in [&direct, &counted] {
            counts.reset();
            let time = Instant::now();
            let head = head(client).await?;
            let mut cursor = None;
            let (coverage, checks) =
                check_keys(client, no_beacon, &mut cursor, &setup, &keys, head)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            if std::ptr::eq(client, &direct) {
                ms = time.elapsed().as_secs_f64() * 1e3;
            }
            ensure!(
                matches!(coverage, DepositCoverage::LogsOnly { .. }),
                "{coverage:?}"
            );
            ensure!(
                checks.iter().all(|c| c.verdict == Verdict::Clear),
                "{checks:?}"
            );
            all = cursor.context("a cursor")?.deposits().to_vec();
        }
        ensure!(
            all.len() as u64 == total,
            "the scan found {} deposits",
            all.len()
        );
        rows.push(row(way, &counts, None, ms));
    }

    // (b) The planner's way, a fresh cursor.
    let head_b = head(&direct).await?;
    let beacon = FinalizedState::new(&all, head_b - FINALITY_LAG, PENDING_BLOCKS);
    let (kept, row_b) =
        planner_check(&direct, &counted, &counts, &beacon, None, &setup, &keys).await?;
    let tail = all
        .iter()
        .filter(|k| k.block.is_some_and(|b| b > beacon.execution_block))
        .count();
    ensure!(
        kept.deposits().len() == tail
            && beacon.validator_count() + beacon.pending_count() + tail == all.len(),
        "the beacon state and the logs after it do not cover the history"
    );
    let first_state = (beacon.validator_count(), beacon.pending_count(), tail);
    rows.push(row_b);

    // (c) A few blocks later, the cursor kept.
    history.batch(LATER_DEPOSITS).await?;
    mine(&provider, LATER_BLOCKS - 1).await?;
    let head_c = head(&direct).await?;
    all.extend(
        scan_deposits(
            &direct,
            d.deposit_contract,
            (head_b + 1, head_c),
            MAX_LOG_WINDOW,
        )
        .await?,
    );
    ensure!(
        all.len() as u64 == total + LATER_DEPOSITS,
        "the later deposits"
    );
    let beacon = FinalizedState::new(&all, head_c - FINALITY_LAG, PENDING_BLOCKS);
    let (kept, row_c) = planner_check(
        &direct,
        &counted,
        &counts,
        &beacon,
        Some(kept),
        &setup,
        &keys,
    )
    .await?;
    let tail = all
        .iter()
        .filter(|k| k.block.is_some_and(|b| b > beacon.execution_block))
        .count();
    ensure!(
        kept.deposits().len() == tail,
        "the kept cursor holds {} of {tail}",
        kept.deposits().len()
    );
    rows.push(row_c);

    print_rows(&rows, (built.as_secs_f64(), gas_each), head_b, first_state);
    Ok(())
}

/// The planner's check through the counting proxy (with `cursor`, or a fresh one), and the same
/// on the direct connection for the time; the cursor the counted check leaves.
async fn planner_check(
    direct: &RpcClient,
    counted: &RpcClient,
    counts: &Counts,
    beacon: &FinalizedState,
    cursor: Option<DepositCursor>,
    setup: &KeyCheckSetup,
    keys: &[Bytes],
) -> Result<(DepositCursor, Row)> {
    let fresh = cursor.is_none();
    let mut ms = 0.0;
    let mut kept = None;
    for client in [direct, counted] {
        let mut cursor = cursor.clone();
        counts.reset();
        let (asked, sent) = (beacon.requests(), beacon.bytes());
        let time = Instant::now();
        let head = head(client).await?;
        let (coverage, checks) = check_keys(client, Some(beacon), &mut cursor, setup, keys, head)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        ensure!(
            coverage
                == DepositCoverage::Beacon {
                    slot: beacon.slot,
                    execution_block: beacon.execution_block
                },
            "{coverage:?}"
        );
        ensure!(
            checks.iter().all(|c| c.verdict == Verdict::Clear),
            "{checks:?}"
        );
        if std::ptr::eq(client, direct) {
            ms = time.elapsed().as_secs_f64() * 1e3;
        } else {
            let beacon_figures = (beacon.requests() - asked, beacon.bytes() - sent);
            let way = if fresh {
                "finalized beacon state + logs of the last 64 blocks (the planner, fresh cursor)"
            } else {
                "the planner 12 blocks later, cursor kept"
            };
            kept = Some((
                cursor.context("a cursor")?,
                row(way, counts, Some(beacon_figures), ms),
            ));
        }
    }
    kept.context("the counted run")
}

fn row(way: &'static str, counts: &Counts, beacon: Option<(usize, usize)>, ms: f64) -> Row {
    let (beacon_requests, beacon_bytes) = beacon.unwrap_or((0, 0));
    Row {
        way,
        rpc_requests: counts.requests(),
        get_logs: counts.get_logs(),
        rpc_bytes: counts.bytes(),
        beacon_requests,
        beacon_bytes,
        ms,
    }
}

fn print_rows(
    rows: &[Row],
    (built_s, gas_each): (f64, u64),
    head: u64,
    (validators, pending, tail): (usize, usize, usize),
) {
    println!(
        "History: {} deposits of strangers to the devnet deposit contract ({BATCHES} transactions \
         of {PER_BATCH}, one every {BATCH_BLOCKS} blocks) up to block {head}, made in {built_s:.1} s ({} gas per deposit). \
         Checked: {KEYS} pool keys (none deposited) at the head. The beacon node's finalized state \
         at head − {FINALITY_LAG}: {} validators, {} pending deposits (those of its \
         last {PENDING_BLOCKS} blocks), {tail} deposits after it in the logs. RPC requests (JSON-RPC \
         calls, `eth_blockNumber` included) and answer bytes counted by a proxy, the beacon node's \
         answers as their JSON (the node is in process: no HTTP in its times); times of one \
         run on a direct connection (debug build, loopback).\n",
        thousands(BATCHES * PER_BATCH),
        thousands(gas_each),
        thousands(validators as u64),
        thousands(pending as u64),
    );
    println!(
        "| check | RPC requests | eth_getLogs | RPC bytes | beacon requests | beacon bytes | ms |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        println!(
            "| {} | {} | {} | {} | {} | {} | {:.0} |",
            r.way,
            r.rpc_requests,
            r.get_logs,
            thousands(r.rpc_bytes as u64),
            r.beacon_requests,
            thousands(r.beacon_bytes as u64),
            r.ms
        );
    }
    for r in rows {
        println!(
            "figure: deposit check of {KEYS} keys, 100,000 deposits, {}: requests (RPC + beacon) / \
             bytes / ms | {} + {} / {} / {} |",
            r.way,
            r.rpc_requests,
            r.beacon_requests,
            thousands((r.rpc_bytes + r.beacon_bytes) as u64),
            thousands(r.ms.round() as u64)
        );
    }
}

/// `1234567` as `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

async fn head(client: &RpcClient) -> Result<u64> {
    let head: U64 = client.request_noparams("eth_blockNumber").await?;
    Ok(head.to())
}

async fn mine(provider: &DynProvider, blocks: u64) -> Result<()> {
    let _: () = provider
        .raw_request("anvil_mine".into(), (U256::from(blocks),))
        .await?;
    Ok(())
}

async fn count(provider: &DynProvider, d: &pool_devnet::Deployment) -> Result<u64> {
    let deposit = pool_chain::bindings::devnet::DevnetDepositContract::new(
        d.deposit_contract,
        provider.clone(),
    );
    let le = deposit.get_deposit_count().call().await?;
    Ok(u64::from_le_bytes(
        le.as_ref().try_into().context("8 bytes")?,
    ))
}
