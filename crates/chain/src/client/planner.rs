//! The activation planner: the one path from the chain's state to an `activateValidators` call,
//! used by the operator console and the keeper alike.
//!
//! Every figure that guards money is read **at one block number** `B` (as lido-oracle does):
//! the registry and the deposit logs up to `B`, the pool's buffer, reserve and counters, the
//! pending entries' readiness and links, the funding quote, the cluster snapshot, and the
//! deposit contract's count. The call carries that count, so a deposit made after `B`, which no
//! check saw, makes the contract revert (`DepositCountChanged`): reading the count later than
//! the logs would count a deposit nobody checked, and the guard would pass a front-run key.
//!
//! Keys deposited before the pool existed are found in the finalized beacon state (validators
//! and `pending_deposits`, through [`beacon`](super::beacon)); the deposit logs are read only
//! after the finalized state's execution block, incrementally ([`DepositCursor`]). Without a
//! beacon node only the devnet, whose deposit contract the project deployed, is fully checked.

use std::collections::HashMap;

use alloy_primitives::{Address, B256, Bytes, U64, U256};
use alloy_rpc_client::RpcClient;
use alloy_sol_types::SolCall;
use pool_core::activation::deposits::{KeyCheck, SeenDeposit, verdict};
use pool_core::activation::{
    Candidate, EntryFields, EntryProblem, Facts, Limits, Waiting, check_entry, choose,
};
use pool_core::cluster::Cluster;
use pool_core::deposit::ForkVersion;
use pool_core::limits::TxLimits;

use super::beacon::{BeaconApi, BeaconError, finalized_keys};
use super::calls::{Calls, answer};
use super::deposits::{DepositContract, DepositCursor, decode_count};
use super::registry::RegistryCursor;
use super::scan::ScanError;
use super::tx::{TxError, simulate_gas};
use super::{ChainError, ClusterCursor, call};
use crate::bindings::PoolManager::{self as P, ValidatorData};
use crate::rpc::TxRequest;

/// The devnet's chain id: the only chain whose deposit history the logs alone cover.
pub const DEVNET_CHAIN_ID: u64 = 31_337;

/// What the planner is pointed at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannerConfig {
    pub chain_id: u64,
    pub pool: Address,
    /// Where the pool's registry events (and, without a beacon node, the deposit logs) start.
    pub deployment_block: u64,
    /// Where the SSV network's events start (cluster snapshots).
    pub ssv_genesis_block: u64,
    /// The network's `GENESIS_FORK_VERSION`: a competing deposit counts only if its signature
    /// verifies for it.
    pub fork_version: ForkVersion,
    /// Blocks per `eth_getLogs` at most.
    pub max_log_window: u64,
    /// Whether each entry's deposit signature, key-shares length and ownership signature are
    /// checked before it is planned (the keeper: entries may have been added outside the
    /// console; the console checked its own files on import, in workers).
    pub verify_entries: bool,
}

/// How far the deposit check reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepositCoverage {
    /// The finalized beacon state (validators and pending deposits) at `slot`, including every
    /// deposit up to execution block `execution_block`, then the logs up to the plan's block.
    Beacon { slot: u64, execution_block: u64 },
    /// No beacon node: the deposit logs from `from` (the pool's deployment) only. Complete on
    /// the devnet alone.
    LogsOnly { from: u64 },
}

/// An activation ready to send: exactly the call, and what it was decided from.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivationPlan {
    /// The block every read was made at.
    pub block: u64,
    /// The first entry's registry index.
    pub first: u64,
    pub entries: Vec<ValidatorData>,
    pub operator_ids: Vec<u64>,
    /// Per validator, as the call carries it (the pool's own quote at `block`).
    pub funding: U256,
    pub expected_deposit_count: u64,
    pub cluster: Cluster,
    /// The bounds the count came from, and the count the transaction's size and gas allow.
    pub limits: Limits,
    pub by_size: u64,
    /// The gas the node estimated for the call.
    pub gas: u64,
    pub coverage: DepositCoverage,
    /// Deposits for the keys whose signature does not verify: ignored (the beacon chain burns
    /// them), and said.
    pub ignored: Vec<(Bytes, SeenDeposit)>,
    pub calldata: Bytes,
}

impl ActivationPlan {
    pub fn count(&self) -> u64 {
        self.entries.len() as u64
    }

    /// The call as a request from `from` to the pool.
    pub fn request(&self, pool: Address, from: Address) -> TxRequest {
        TxRequest {
            from: Some(from),
            to: pool,
            value: None,
            data: self.calldata.clone(),
        }
    }
}

/// Why no activation is planned.
#[derive(Debug)]
pub enum PlanRefusal {
    /// Nothing can be activated yet (buffer, registry, delay, fee reserve).
    Waiting(Waiting),
    /// The registry's events did not give entry `index`.
    MissingEntry(u64),
    /// Registry entry `index`'s key already has credentials fixed by a deposit (a front-run
    /// when they are not the pool's): it must never get the pool's 32 ETH.
    KeyDeposited { index: u64, check: KeyCheck },
    /// Registry entry `index` fails the checks the beacon chain and SSV would apply silently.
    InvalidEntry { index: u64, problem: EntryProblem },
    /// No beacon node is configured, and on this chain the logs since the pool's deployment do
    /// not show keys deposited before it: activation is refused.
    BeaconNeeded,
    /// The beacon node failed.
    Beacon(BeaconError),
    /// The call would revert (the contract's error decoded), or could not be simulated.
    Simulation(TxError),
    /// The SSV network refuses the cluster snapshot of `operator_ids` rebuilt from its events,
    /// even after a fresh scan: a person must look (an event the scan does not decode?).
    ClusterStale { operator_ids: Vec<u64> },
    /// Even one validator's call exceeds what a node accepts (bytes or gas).
    TooLarge { bytes: usize, gas: Option<u64> },
    /// A read failed.
    Chain(ChainError),
    /// A log scan stopped.
    Scan(ScanError),
}

impl From<ChainError> for PlanRefusal {
    fn from(e: ChainError) -> Self {
        PlanRefusal::Chain(e)
    }
}

impl From<ScanError> for PlanRefusal {
    fn from(e: ScanError) -> Self {
        PlanRefusal::Scan(e)
    }
}

impl From<BeaconError> for PlanRefusal {
    fn from(e: BeaconError) -> Self {
        PlanRefusal::Beacon(e)
    }
}

/// The pool's immutable addresses, read once.
#[derive(Debug, Clone, Copy)]
struct Addresses {
    deposit_contract: Address,
    ssv_network: Address,
    credentials: B256,
}

/// The planner with what it keeps between plans: the registry, the deposit logs and the cluster
/// snapshots, each read incrementally with a reorg margin.
#[derive(Debug)]
pub struct ActivationPlanner {
    config: PlannerConfig,
    addresses: Option<Addresses>,
    registry: RegistryCursor,
    deposits: Option<DepositCursor>,
    clusters: HashMap<Vec<u64>, ClusterCursor>,
    /// The operator set of the last plan's first entry.
    last_operator_ids: Vec<u64>,
}

impl ActivationPlanner {
    pub fn new(config: PlannerConfig) -> Self {
        ActivationPlanner {
            last_operator_ids: Vec::new(),
            registry: RegistryCursor::new(config.pool, config.deployment_block),
            config,
            addresses: None,
            deposits: None,
            clusters: HashMap::new(),
        }
    }

    pub fn config(&self) -> &PlannerConfig {
        &self.config
    }

    /// Brings the registry up to block `to` (the same incremental read the plans make).
    pub async fn refresh_registry(
        &mut self,
        client: &RpcClient,
        to: u64,
    ) -> Result<&super::RegistryView, ScanError> {
        self.registry
            .refresh(client, to, self.config.max_log_window)
            .await
    }

    /// The registry as the last plan read it.
    pub fn registry(&self) -> &super::RegistryView {
        self.registry.view()
    }

    /// Forgets the snapshot of `operator_ids`' cluster: the next plan scans it anew (after the
    /// network refused it as stale).
    pub fn forget_cluster(&mut self, operator_ids: &[u64]) {
        self.clusters.remove(operator_ids);
    }

    /// Plans the activation of at most `wanted` entries (`None`: as many as the rules allow)
    /// sent by `from`, reading the chain at its latest block; `beacon` checks the keys against
    /// the finalized beacon state.
    pub async fn plan(
        &mut self,
        client: &RpcClient,
        beacon: Option<&impl BeaconApi>,
        from: Address,
        wanted: Option<u64>,
    ) -> Result<ActivationPlan, PlanRefusal> {
        let block = call::<U64>(client, "eth_blockNumber", serde_json::json!([]))
            .await
            .map_err(ChainError::Rpc)?
            .to::<u64>();
        self.plan_at(client, beacon, from, wanted, block).await
    }

    /// [`plan`](Self::plan) with every read at `block`. A cluster snapshot the SSV network
    /// refuses (`IncorrectClusterState`: an event the scan missed, a reorganisation) is scanned
    /// anew once; still refused, it is [`PlanRefusal::ClusterStale`], never retried quietly.
    pub async fn plan_at(
        &mut self,
        client: &RpcClient,
        beacon: Option<&impl BeaconApi>,
        from: Address,
        wanted: Option<u64>,
        block: u64,
    ) -> Result<ActivationPlan, PlanRefusal> {
        match self.plan_once(client, beacon, from, wanted, block).await {
            Err(PlanRefusal::Simulation(error)) if is_stale_cluster(&error) => {
                let ids = self.last_operator_ids.clone();
                self.forget_cluster(&ids);
                match self.plan_once(client, beacon, from, wanted, block).await {
                    Err(PlanRefusal::Simulation(again)) if is_stale_cluster(&again) => {
                        Err(PlanRefusal::ClusterStale { operator_ids: ids })
                    }
                    other => other,
                }
            }
            other => other,
        }
    }

    async fn plan_once(
        &mut self,
        client: &RpcClient,
        beacon: Option<&impl BeaconApi>,
        from: Address,
        wanted: Option<u64>,
        block: u64,
    ) -> Result<ActivationPlan, PlanRefusal> {
        if beacon.is_none() && self.config.chain_id != DEVNET_CHAIN_ID {
            return Err(PlanRefusal::BeaconNeeded);
        }
        let addresses = self.addresses(client).await?;
        let pool = self.config.pool;

        // The pool's figures and the deposit count, at `block`, in one batch.
        let mut calls = Calls::at(client, block);
        let buffered = calls.call(pool, &P::bufferedEtherCall {})?;
        let activated = calls.call(pool, &P::activatedValidatorsCall {})?;
        let length = calls.call(pool, &P::validatorCountCall {})?;
        let reserve = calls.call(pool, &P::feeReserveCall {})?;
        let count = calls.call(
            addresses.deposit_contract,
            &DepositContract::get_deposit_countCall {},
        )?;
        calls.send().await?;
        let buffered = U256::from(answer::<P::bufferedEtherCall>(buffered).await?);
        let first = answer::<P::activatedValidatorsCall>(activated)
            .await?
            .to::<u64>();
        let length = answer::<P::validatorCountCall>(length).await?.to::<u64>();
        let fee_reserve = answer::<P::feeReserveCall>(reserve).await?;
        let expected_deposit_count = decode_count(&count.await.map_err(ChainError::Rpc)?)?;

        let view = self
            .registry
            .refresh(client, block, self.config.max_log_window)
            .await?
            .clone();
        let _ = length;
        let pending =
            super::registry::pending_entries_at(client, pool, &view, first, Some(block)).await?;
        let ids = match pending.first() {
            Some(entry) => entry.operator_ids.clone(),
            None => Vec::new(),
        };
        self.last_operator_ids = ids.clone();
        let funding = if ids.is_empty() {
            U256::ZERO
        } else {
            let mut calls = Calls::at(client, block);
            let quote = calls.call(
                pool,
                &P::fundingPerValidatorCall {
                    operatorIds: ids.clone(),
                },
            )?;
            calls.send().await?;
            answer::<P::fundingPerValidatorCall>(quote).await?
        };
        let candidates: Vec<Candidate> = pending.iter().map(|e| e.candidate()).collect();
        let choice = choose(&Facts {
            block,
            buffered,
            fee_reserve,
            funding,
            candidates: &candidates,
            wanted,
        })
        .map_err(PlanRefusal::Waiting)?;
        let entries = view
            .range(first, choice.count)
            .map_err(PlanRefusal::MissingEntry)?;

        if self.config.verify_entries {
            for (offset, entry) in entries.iter().enumerate() {
                let index = first + offset as u64;
                let fields = EntryFields {
                    pubkey: &entry.pubkey,
                    signature: &entry.signature,
                    operators: entry.operatorIds.len(),
                    shares_data: &entry.sharesData,
                };
                check_entry(
                    fields,
                    pool,
                    addresses.credentials,
                    index,
                    self.config.fork_version,
                )
                .map_err(|problem| PlanRefusal::InvalidEntry { index, problem })?;
            }
        }
        let (coverage, checks) = self
            .check_keys(client, beacon, &addresses, &entries, block)
            .await?;
        let mut ignored = Vec::new();
        for (offset, check) in checks.into_iter().enumerate() {
            ignored.extend(
                check
                    .ignored
                    .iter()
                    .map(|d| (check.pubkey.clone(), d.clone())),
            );
            if !check.verdict.is_clear() {
                return Err(PlanRefusal::KeyDeposited {
                    index: first + offset as u64,
                    check,
                });
            }
        }

        let cluster = self.cluster(client, &addresses, &ids, block).await?;
        let mut plan = ActivationPlan {
            block,
            first,
            operator_ids: ids,
            funding,
            expected_deposit_count,
            cluster,
            limits: choice.limits,
            by_size: choice.count,
            gas: 0,
            coverage,
            ignored,
            calldata: Bytes::new(),
            entries,
        };
        fit(client, pool, from, &mut plan).await?;
        Ok(plan)
    }

    async fn addresses(&mut self, client: &RpcClient) -> Result<Addresses, ChainError> {
        if let Some(known) = self.addresses {
            return Ok(known);
        }
        let pool = self.config.pool;
        let mut calls = Calls::new(client);
        let deposit = calls.call(pool, &P::depositContractCall {})?;
        let ssv = calls.call(pool, &P::ssvNetworkCall {})?;
        let credentials = calls.call(pool, &P::withdrawalCredentialsCall {})?;
        calls.send().await?;
        let known = Addresses {
            deposit_contract: answer::<P::depositContractCall>(deposit).await?,
            ssv_network: answer::<P::ssvNetworkCall>(ssv).await?,
            credentials: answer::<P::withdrawalCredentialsCall>(credentials).await?,
        };
        self.addresses = Some(known);
        Ok(known)
    }

    /// Every deposit the chain shows for `entries`' keys up to `block`, and each key's verdict.
    async fn check_keys(
        &mut self,
        client: &RpcClient,
        beacon: Option<&impl BeaconApi>,
        addresses: &Addresses,
        entries: &[ValidatorData],
        block: u64,
    ) -> Result<(DepositCoverage, Vec<KeyCheck>), PlanRefusal> {
        let pubkeys: Vec<Bytes> = entries.iter().map(|e| e.pubkey.clone()).collect();
        let setup = KeyCheckSetup {
            deposit_contract: addresses.deposit_contract,
            credentials: addresses.credentials,
            fork_version: self.config.fork_version,
            deployment_block: self.config.deployment_block,
            max_log_window: self.config.max_log_window,
        };
        check_keys(client, beacon, &mut self.deposits, &setup, &pubkeys, block).await
    }

    /// The pool's cluster of `ids` at `block`: scanned newest first the first time, then read
    /// forward from where it stopped (with its reorg margin).
    async fn cluster(
        &mut self,
        client: &RpcClient,
        addresses: &Addresses,
        ids: &[u64],
        block: u64,
    ) -> Result<Cluster, ScanError> {
        let window = self.config.max_log_window;
        match self.clusters.get_mut(ids) {
            Some(cursor) if cursor.at_block <= block => {
                cursor
                    .refresh(client, addresses.ssv_network, block, window)
                    .await?;
                Ok(cursor.cluster)
            }
            _ => {
                let cursor = ClusterCursor::scan(
                    client,
                    addresses.ssv_network,
                    self.config.pool,
                    ids,
                    (self.config.ssv_genesis_block, block),
                    window,
                    |_, _| {},
                )
                .await?;
                let cluster = cursor.cluster;
                self.clusters.insert(ids.to_vec(), cursor);
                Ok(cluster)
            }
        }
    }
}

fn is_stale_cluster(error: &TxError) -> bool {
    matches!(
        error.contract_error(),
        Some(crate::revert::ContractError::Ssv(
            crate::revert::SsvNetwork::SsvNetworkErrors::IncorrectClusterState(_)
        ))
    )
}

/// What [`check_keys`] checks against.
#[derive(Debug, Clone, Copy)]
pub struct KeyCheckSetup {
    pub deposit_contract: Address,
    /// The pool's 0x01 credentials.
    pub credentials: B256,
    pub fork_version: ForkVersion,
    /// Where the deposit logs start when no beacon node is asked.
    pub deployment_block: u64,
    pub max_log_window: u64,
}

/// The one deposit check of the console's import, its activation and the keeper: every
/// deposit the chain shows for `pubkeys` up to `block` (the finalized beacon state's validators
/// and pending deposits when `beacon` is given, then the deposit contract's logs after it, read
/// incrementally through `cursor`; without a beacon node, the logs since the deployment), and
/// each key's verdict ([`verdict`]: the first deposit whose signature verifies fixes a key).
pub async fn check_keys(
    client: &RpcClient,
    beacon: Option<&impl BeaconApi>,
    cursor: &mut Option<DepositCursor>,
    setup: &KeyCheckSetup,
    pubkeys: &[Bytes],
    block: u64,
) -> Result<(DepositCoverage, Vec<KeyCheck>), PlanRefusal> {
    let (coverage, mut seen, logs_from) = match beacon {
        Some(beacon) => {
            let state = finalized_keys(beacon, pubkeys).await?;
            let from = state.execution_block + 1;
            (
                DepositCoverage::Beacon {
                    slot: state.slot,
                    execution_block: state.execution_block,
                },
                state.seen,
                from,
            )
        }
        None => (
            DepositCoverage::LogsOnly {
                from: setup.deployment_block,
            },
            HashMap::new(),
            setup.deployment_block,
        ),
    };
    let cursor =
        cursor.get_or_insert_with(|| DepositCursor::new(setup.deposit_contract, logs_from));
    cursor.start_at(logs_from);
    cursor.refresh(client, block, setup.max_log_window).await?;
    for deposit in cursor.deposits() {
        if deposit.block.is_some_and(|b| b > block) || !pubkeys.contains(&deposit.pubkey) {
            continue;
        }
        seen.entry(deposit.pubkey.clone())
            .or_default()
            .push(SeenDeposit {
                withdrawal_credentials: deposit.withdrawal_credentials,
                amount_gwei: deposit.amount_gwei,
                signature: deposit.signature.as_ref().try_into().ok(),
                source: pool_core::activation::deposits::DepositSource::Log {
                    block: deposit.block.unwrap_or(block),
                },
            });
    }
    let checks = pubkeys
        .iter()
        .map(|pubkey| {
            let deposits = seen.get(pubkey).map(Vec::as_slice).unwrap_or(&[]);
            verdict(pubkey, deposits, setup.credentials, setup.fork_version)
        })
        .collect();
    Ok((coverage, checks))
}

/// Encodes the call, shortened until its calldata and the node's gas estimate fit
/// [`TxLimits::MAINNET`] (a real node refuses a transaction over 128 KiB, and since Fusaka one
/// over 16,777,216 gas; the limits keep margins under both). The estimate is the call's simulation too: a revert comes
/// back as the contract's error.
async fn fit(
    client: &RpcClient,
    pool: Address,
    from: Address,
    plan: &mut ActivationPlan,
) -> Result<(), PlanRefusal> {
    let limits = TxLimits::MAINNET;
    loop {
        plan.calldata = encode(plan).into();
        let bytes = plan.calldata.len();
        if bytes > limits.calldata_bytes {
            let count = plan.entries.len();
            if count == 1 {
                return Err(PlanRefusal::TooLarge { bytes, gas: None });
            }
            // Calldata grows by one entry's encoding per validator: cut in proportion, then
            // one at a time (the next pass checks again).
            let keep = (count * limits.calldata_bytes / bytes).clamp(1, count - 1);
            plan.entries.truncate(keep);
            continue;
        }
        let gas = simulate_gas(client, &plan.request(pool, from))
            .await
            .map_err(PlanRefusal::Simulation)?;
        if gas > limits.gas {
            let count = plan.entries.len();
            if count == 1 {
                return Err(PlanRefusal::TooLarge {
                    bytes,
                    gas: Some(gas),
                });
            }
            let keep = ((count as u64 * limits.gas / gas) as usize).clamp(1, count - 1);
            plan.entries.truncate(keep);
            continue;
        }
        plan.gas = gas;
        plan.by_size = plan.entries.len() as u64;
        return Ok(());
    }
}

fn encode(plan: &ActivationPlan) -> Vec<u8> {
    P::activateValidatorsCall {
        validators: plan.entries.clone(),
        expectedDepositCount: plan.expected_deposit_count,
        perValidatorFunding: plan.funding,
        cluster: plan.cluster.into(),
    }
    .abi_encode()
}
