//! `scan-bench`: the console's cluster snapshot scan ([`ClusterCursor::scan`], newest first) over
//! a devnet history of 10,000 SSV network events, as a table of requests and times. Run it with
//! `cargo xtask bench`.
//!
//! The history: eight other owners' clusters on the devnet SSV network, with the same operators
//! as the pool; every 400 blocks, one block with 5 events of each: bulk registrations of 5
//! validators (one round in 25) or 5 deposits to their clusters, 10,000 events in all (400
//! `ValidatorAdded`, 9,600 `ClusterDeposited`) over 100,000 blocks. The scan's filter is by owner,
//! so they are the node's load, never matches. The pool's cluster has its newest event either
//! early (its activation, before the others: the scan reads the whole history) or late (a
//! deposit to its cluster before the last 10 rounds). Each scan is checked against the forward
//! [`scan_clusters`] and against the cluster the pool's own receipt left.
//!
//! anvil is started here with two flags of its own (the deployment is the devnet's,
//! [`pool_devnet::deploy`]): by default it writes every mined block's state to disk past its
//! in-memory few (megabytes each, growing with the chain, left behind when it is killed), and
//! Prague's block-hash history contract adds a storage slot per block to every state it keeps:
//! 100,000 blocks took hours and tens of gigabytes. `--prune-history` keeps no old state (the
//! scans read logs, never old state) and `--hardfork cancun` (what the contracts are compiled
//! for) mines an empty block in microseconds.
//!
//! Requests are counted by the test node in front of anvil ([`pool_devnet::testing::node`],
//! [`Counts`]: what goes over HTTP, whatever the client library does); times (the best of 3) are
//! taken on a direct connection.

use std::collections::HashMap;
use std::time::Instant;

use alloy::node_bindings::Anvil;
use alloy::primitives::{Address, B256, Bytes, U256, utils::parse_ether};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::client::RpcClient;
use alloy::rpc::types::{Filter, TransactionReceipt};
use anyhow::{Context, Result, ensure};
use pool_chain::bindings::PoolManager;
use pool_chain::bindings::devnet::{DevnetDepositContract, DevnetSSVNetworkV2};
use pool_chain::client::{ClusterCursor, MAX_LOG_WINDOW, scan_clusters};
use pool_chain::logs::RawLog;
use pool_chain::ssv::decode_cluster_event;
use pool_core::cluster::Cluster;
use pool_devnet::fixtures::{new_cluster, sample_validator};
use pool_devnet::testing::AddValidators as _;
use pool_devnet::testing::cluster_after;
use pool_devnet::testing::node::{Counts, TestNode};
use pool_devnet::{CHAIN_ID, DevnetOptions};

/// Other owners (anvil accounts 1..=8), events of each per round, rounds (one block with the
/// owners' transactions, then empty blocks): 8 × 5 × 250 = 10,000 events.
const OWNERS: usize = 8;
const PER_TX: usize = 5;
/// Rounds of registrations among those of deposits.
const REGISTRATION_EVERY: usize = 25;
const ROUNDS: usize = 250;
/// Blocks per round: 250 × 400 = 100,000 blocks of history.
const ROUND_BLOCKS: u64 = 400;
/// Rounds after the pool's late event.
const TAIL_ROUNDS: usize = 10;
/// A public RPC's cap on an `eth_getLogs` range (many allow 1,000 to 10,000 blocks).
const SMALL_WINDOW: u64 = 2_000;
const WINDOWS: [u64; 2] = [MAX_LOG_WINDOW, SMALL_WINDOW];
/// Blocks added before a cursor refresh.
const REFRESH_AFTER: u64 = 100;

/// Encrypted shares as SSV builds them for 4 operators (signature, 4 public keys, 4 RSA
/// ciphertexts): the events are as heavy as the real network's.
const SHARES_LEN: usize = 96 + 4 * (48 + 256);

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
    let d = pool_devnet::deploy(&provider, &accounts, &options).await?;
    let ops = d.operator_ids.clone();
    let network = DevnetSSVNetworkV2::new(d.ssv_network, provider.clone());
    let started = Instant::now();

    // Room for 10,000 validators per operator (the stand-in's default limit is 500).
    let raised = network
        .updateValidatorsPerOperatorLimit(u32::MAX)
        .from(accounts[0])
        .send()
        .await?
        .get_receipt()
        .await?;
    ensure!(raised.status(), "raising the validator limit reverted");

    // The pool's cluster: one validator activated (its ValidatorAdded is the early event).
    let activated = activate(&provider, &d, accounts[9]).await?;
    let pool_cluster =
        Cluster::from(cluster_after(&activated).context("the activation's cluster")?);

    // The others' history, blocks mined on demand from here.
    let _: () = provider
        .raw_request("evm_setAutomine".into(), (false,))
        .await?;
    let mut history = History::new(&provider, &network, &accounts[1..=OWNERS], &ops).await?;
    for round in 0..ROUNDS - TAIL_ROUNDS {
        history.round(round).await?;
    }
    let snapshot: U256 = provider.raw_request("evm_snapshot".into(), ()).await?;
    let before_tail = history.clone_state();

    let mut rows = Vec::new();
    // Early: the rest of the history on top of the activation.
    for round in ROUNDS - TAIL_ROUNDS..ROUNDS {
        history.round(round).await?;
    }
    ensure!(history.events == OWNERS * PER_TX * ROUNDS, "events");
    let built = started.elapsed();
    measure(
        "early",
        &provider,
        &url,
        &d,
        activated.block_number.context("a block")?,
        pool_cluster,
        &mut rows,
    )
    .await?;

    // Late: the same history, with a deposit to the pool's cluster before its last rounds.
    let reverted: bool = provider
        .raw_request("evm_revert".into(), (snapshot,))
        .await?;
    ensure!(reverted, "evm_revert");
    history.restore(before_tail);
    let deposit = network
        .deposit(d.pool_manager, ops.clone(), pool_cluster.into())
        .value(parse_ether("1")?)
        .from(accounts[9])
        .gas(500_000)
        .send()
        .await?;
    let hash = *deposit.tx_hash();
    mine(&provider, ROUND_BLOCKS).await?;
    let deposited = receipt(&provider, hash).await?;
    ensure!(
        deposited.status(),
        "the deposit to the pool's cluster reverted"
    );
    let late_cluster = cluster_after(&deposited).context("the deposit's cluster")?;
    for round in ROUNDS - TAIL_ROUNDS..ROUNDS {
        history.round(round).await?;
    }
    ensure!(history.events == OWNERS * PER_TX * ROUNDS, "events");
    measure(
        "late",
        &provider,
        &url,
        &d,
        deposited.block_number.context("a block")?,
        Cluster::from(late_cluster),
        &mut rows,
    )
    .await?;

    println!(
        "History: {} SSV events of {OWNERS} other owners' clusters ({PER_TX} each every \
         {ROUND_BLOCKS} blocks, in one block: bulk registrations one round in \
         {REGISTRATION_EVERY}, else deposits) over {} blocks; the pool's cluster's newest event \
         early (its activation, before the others' events) or late (a deposit to it, \
         {TAIL_ROUNDS} rounds before the head); built in {:.1} s. Each scan: `eth_blockNumber`, \
         then `ClusterCursor::scan` newest first (forward: `scan_clusters` from genesis; refresh: \
         `ClusterCursor::refresh`), each checked to find the snapshot the pool's receipt left. \
         Requests counted by a proxy (JSON-RPC calls, a batch's members one each); times the best \
         of 3 on a direct connection to anvil (debug build, loopback).\n",
        history.events,
        ROUNDS as u64 * ROUND_BLOCKS,
        built.as_secs_f64(),
    );
    println!(
        "| scenario | scan | window (blocks) | blocks scanned | eth_getLogs requests | total requests | ms |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|");
    for r in &rows {
        println!(
            "| {} | {} | {} | {} | {} | {} | {:.1} |",
            r.scenario, r.scan, r.window, r.blocks, r.get_logs, r.requests, r.ms
        );
    }
    // The headline figures (gathered by `cargo xtask bench` into its summary).
    for r in rows.iter().filter(|r| r.scan != "forward (scan_clusters)") {
        println!(
            "figure: cluster snapshot, 10,000 SSV events, {} ({}, window {}): requests / ms | {} / {:.0} |",
            r.scenario, r.scan, r.window, r.requests, r.ms
        );
    }
    Ok(())
}

/// Stakes 32 ETH from `staker` and activates one sample validator into a new cluster (with
/// automine on); the activation's receipt.
async fn activate(
    provider: &DynProvider,
    d: &pool_devnet::Deployment,
    staker: Address,
) -> Result<TransactionReceipt> {
    let pool = PoolManager::new(d.pool_manager, provider.clone());
    let staked = pool
        .deposit()
        .from(staker)
        .value(parse_ether("32")?)
        .send()
        .await?
        .get_receipt()
        .await?;
    ensure!(staked.status(), "the deposit reverted");
    // Cancun has no BLS12-381 precompiles (EIP-2537 came with Prague), so the registry's
    // signature verifier cannot run here: on this bench chain only, it is replaced by code that
    // answers "valid" (32 zero bytes). The bench measures log scans, never signatures; the
    // contract tests and the gas report run the real verifier on Prague.
    let verifier = pool.depositVerifier().call().await?;
    let () = provider
        .raw_request(
            "anvil_setCode".into(),
            (
                verifier,
                alloy::primitives::Bytes::from_static(&[0x60, 0x20, 0x60, 0x00, 0xf3]),
            ),
        )
        .await?;
    let entries = vec![sample_validator(d.pool_manager, 1, &d.operator_ids)];
    let added = pool
        .add_validators(entries.clone())
        .send()
        .await?
        .get_receipt()
        .await?;
    ensure!(added.status(), "addValidators reverted");
    mine(provider, pool.activationDelay().call().await?).await?;
    let deposit = DevnetDepositContract::new(d.deposit_contract, provider.clone());
    let le = deposit.get_deposit_count().call().await?;
    let count = u64::from_le_bytes(le.as_ref().try_into().context("8 bytes")?);
    let funding = pool
        .fundingPerValidator(d.operator_ids.clone())
        .call()
        .await?;
    let receipt = pool
        .activateValidators(entries, count, funding, new_cluster())
        .send()
        .await?
        .get_receipt()
        .await?;
    ensure!(receipt.status(), "activateValidators reverted");
    Ok(receipt)
}

async fn mine(provider: &DynProvider, blocks: u64) -> Result<()> {
    let _: () = provider
        .raw_request("anvil_mine".into(), (U256::from(blocks),))
        .await?;
    Ok(())
}

async fn receipt(provider: &DynProvider, hash: B256) -> Result<TransactionReceipt> {
    provider
        .get_transaction_receipt(hash)
        .await?
        .context("a mined transaction's receipt")
}

/// The other owners' clusters and nonces, and the events they emitted.
struct History<'a> {
    provider: &'a DynProvider,
    network: &'a DevnetSSVNetworkV2::DevnetSSVNetworkV2Instance<DynProvider>,
    owners: Vec<Address>,
    ops: Vec<u64>,
    clusters: HashMap<Address, Cluster>,
    nonces: HashMap<Address, u64>,
    events: usize,
}

type HistoryState = (HashMap<Address, Cluster>, HashMap<Address, u64>, usize);

impl<'a> History<'a> {
    async fn new(
        provider: &'a DynProvider,
        network: &'a DevnetSSVNetworkV2::DevnetSSVNetworkV2Instance<DynProvider>,
        owners: &[Address],
        ops: &[u64],
    ) -> Result<History<'a>> {
        let mut nonces = HashMap::new();
        for &owner in owners {
            nonces.insert(owner, provider.get_transaction_count(owner).await?);
        }
        Ok(History {
            provider,
            network,
            owners: owners.to_vec(),
            ops: ops.to_vec(),
            clusters: owners.iter().map(|&o| (o, Cluster::NEW)).collect(),
            nonces,
            events: 0,
        })
    }

    fn clone_state(&self) -> HistoryState {
        (self.clusters.clone(), self.nonces.clone(), self.events)
    }

    fn restore(&mut self, (clusters, nonces, events): HistoryState) {
        (self.clusters, self.nonces, self.events) = (clusters, nonces, events);
    }

    /// One block with [`PER_TX`] events of each owner, then empty blocks: every
    /// [`REGISTRATION_EVERY`] rounds a bulk registration of as many validators, else as many
    /// deposits to its cluster (each on the snapshot the previous one leaves); the owners'
    /// clusters then taken from the block's events.
    async fn round(&mut self, round: usize) -> Result<()> {
        let mut expected = self.clusters.clone();
        for (o, &owner) in self.owners.iter().enumerate() {
            let mut nonce = self.nonces[&owner];
            let cluster = expected.get_mut(&owner).context("an owner")?;
            if round.is_multiple_of(REGISTRATION_EVERY) {
                let keys: Vec<Bytes> = (0..PER_TX)
                    .map(|i| {
                        let mut key = [0u8; 48];
                        key[0] = 0x80;
                        key[1] = o as u8;
                        key[2..10].copy_from_slice(&((round * PER_TX + i) as u64).to_be_bytes());
                        Bytes::copy_from_slice(&key)
                    })
                    .collect();
                let shares = vec![Bytes::from(vec![o as u8; SHARES_LEN]); PER_TX];
                let _pending = self
                    .network
                    .bulkRegisterValidator(keys, self.ops.clone(), shares, (*cluster).into())
                    .value(parse_ether("0.1")?)
                    .from(owner)
                    .nonce(nonce)
                    .gas(2_000_000)
                    .max_fee_per_gas(20_000_000_000)
                    .max_priority_fee_per_gas(1)
                    .send()
                    .await
                    .context("a bulk registration")?;
                nonce += 1;
                // Settled by the network: taken from the event.
                expected.remove(&owner);
            } else {
                let amount = parse_ether("0.01")?;
                for _ in 0..PER_TX {
                    let _pending = self
                        .network
                        .deposit(owner, self.ops.clone(), (*cluster).into())
                        .value(amount)
                        .from(owner)
                        .nonce(nonce)
                        .gas(200_000)
                        .max_fee_per_gas(20_000_000_000)
                        .max_priority_fee_per_gas(1)
                        .send()
                        .await
                        .context("a deposit")?;
                    nonce += 1;
                    cluster.balance += amount;
                }
            }
            self.nonces.insert(owner, nonce);
        }
        let block = self.provider.get_block_number().await? + 1;
        mine(self.provider, ROUND_BLOCKS).await?;
        let logs = self
            .provider
            .get_logs(
                &Filter::new()
                    .address(*self.network.address())
                    .from_block(block)
                    .to_block(block),
            )
            .await?;
        let mut added = 0;
        for log in logs {
            let raw = RawLog {
                address: log.address(),
                topics: log.topics().to_vec(),
                data: log.data().data.clone(),
                block_number: log.block_number.map(alloy::primitives::U64::from),
                log_index: log.log_index.map(alloy::primitives::U64::from),
            };
            if let Some(event) = decode_cluster_event(&raw) {
                ensure!(
                    self.clusters.contains_key(&event.owner),
                    "a stranger's event"
                );
                self.clusters.insert(event.owner, event.cluster);
                added += 1;
            }
        }
        for (owner, cluster) in expected {
            ensure!(
                self.clusters[&owner] == cluster,
                "round {round}: {owner}'s deposits"
            );
        }
        ensure!(
            added == OWNERS * PER_TX,
            "round {round}: {added} events of {} (a transaction reverted?)",
            OWNERS * PER_TX
        );
        self.events += added;
        Ok(())
    }
}

struct Row {
    scenario: String,
    scan: &'static str,
    window: u64,
    blocks: u64,
    get_logs: usize,
    requests: usize,
    ms: f64,
}

/// The scans of one scenario: newest first and forward at each window, then a cursor's refresh
/// after [`REFRESH_AFTER`] more (empty) blocks.
async fn measure(
    scenario: &str,
    provider: &DynProvider,
    url: &str,
    d: &pool_devnet::Deployment,
    event_block: u64,
    expected: Cluster,
    rows: &mut Vec<Row>,
) -> Result<()> {
    let direct = RpcClient::new_http(url.parse()?);
    let counts = std::sync::Arc::new(Counts::default());
    let proxy = TestNode::to(url).with(counts.clone()).start()?;
    let counted = RpcClient::new_http(proxy.url().parse()?);
    let ops = d.operator_ids.clone();
    let (network, pool) = (d.ssv_network, d.pool_manager);
    let head_now = |client: RpcClient| async move {
        let head: alloy::primitives::U64 = client.request_noparams("eth_blockNumber").await?;
        anyhow::Ok(head.to::<u64>())
    };
    let head = head_now(direct.clone()).await?;
    let scenario = format!(
        "{scenario}: newest event at block {event_block}, {} blocks below the head",
        head - event_block
    );

    for window in WINDOWS {
        // Newest first, timed on the direct connection, then counted through the proxy.
        let mut cursors = Vec::new();
        let mut figures = (0, f64::INFINITY);
        for client in [&direct, &direct, &direct, &counted] {
            counts.reset();
            let time = Instant::now();
            let head = head_now(client.clone()).await?;
            let mut scanned = 0;
            let cursor = ClusterCursor::scan(
                client,
                network,
                pool,
                &ops,
                (0, head),
                window,
                |blocks, _| scanned = blocks,
            )
            .await?;
            if std::ptr::eq(client, &direct) {
                figures = best(figures, (scanned, time.elapsed().as_secs_f64() * 1e3));
            }
            cursors.push(cursor);
        }
        ensure!(
            cursors.iter().all(|c| *c == cursors[0]),
            "the runs disagree"
        );
        let cursor = &cursors[0];
        ensure!(
            cursor.cluster == expected && cursor.event.map(|(block, _)| block) == Some(event_block),
            "{scenario}, window {window}: the scan found {:?} at {:?}, the receipt left {expected:?}",
            cursor.cluster,
            cursor.event
        );
        rows.push(Row {
            scenario: scenario.clone(),
            scan: "newest first",
            window,
            blocks: figures.0,
            get_logs: counts.get_logs(),
            requests: counts.requests(),
            ms: figures.1,
        });

        // Forward from genesis (what the snapshot costs without the newest-first scan).
        let mut figures = (0, f64::INFINITY);
        for client in [&direct, &direct, &direct, &counted] {
            counts.reset();
            let time = Instant::now();
            let head = head_now(client.clone()).await?;
            let forward = scan_clusters(client, network, pool, (0, head), window)
                .await?
                .get(pool, &ops);
            ensure!(
                forward == cursor.cluster,
                "{scenario}, window {window}: forward {forward:?}, newest first {:?}",
                cursor.cluster
            );
            if std::ptr::eq(client, &direct) {
                figures = best(figures, (head + 1, time.elapsed().as_secs_f64() * 1e3));
            }
        }
        rows.push(Row {
            scenario: scenario.clone(),
            scan: "forward (scan_clusters)",
            window,
            blocks: figures.0,
            get_logs: counts.get_logs(),
            requests: counts.requests(),
            ms: figures.1,
        });
    }

    // A revisit: the cursor kept, blocks added meanwhile.
    let head = head_now(direct.clone()).await?;
    let cursor = ClusterCursor::scan(
        &direct,
        network,
        pool,
        &ops,
        (0, head),
        MAX_LOG_WINDOW,
        |_, _| {},
    )
    .await?;
    mine(provider, REFRESH_AFTER).await?;
    let mut figures = (0, f64::INFINITY);
    for client in [&direct, &direct, &direct, &counted] {
        let mut cursor = cursor.clone();
        counts.reset();
        let time = Instant::now();
        let head = head_now(client.clone()).await?;
        let from = cursor.at_block;
        let changed = cursor
            .refresh(client, network, head, MAX_LOG_WINDOW)
            .await?;
        ensure!(
            !changed && cursor.cluster == expected,
            "the refresh changed the snapshot"
        );
        ensure!(cursor.at_block == head, "the refresh stopped short");
        if std::ptr::eq(client, &direct) {
            let from = (from + 1).saturating_sub(pool_chain::client::CLUSTER_REORG_MARGIN);
            figures = best(
                figures,
                (head - from + 1, time.elapsed().as_secs_f64() * 1e3),
            );
        }
    }
    rows.push(Row {
        scenario,
        scan: "cursor refresh, 100 blocks later",
        window: MAX_LOG_WINDOW,
        blocks: figures.0,
        get_logs: counts.get_logs(),
        requests: counts.requests(),
        ms: figures.1,
    });
    Ok(())
}

/// The faster of two (blocks, milliseconds) runs.
fn best(a: (u64, f64), b: (u64, f64)) -> (u64, f64) {
    if b.1 < a.1 { b } else { a }
}
