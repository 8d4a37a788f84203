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
use pool_core::activation::deposits::KeyCheck;
use pool_core::activation::{Candidate, EntryFields, Facts, check_entry, choose};
use pool_core::cluster::Cluster;
use pool_core::config::DEVNET_CHAIN_ID;
use pool_core::limits::TxLimits;

use super::beacon::BeaconApi;
use super::calls::{Calls, answer};
use super::deposits::{DepositContract, DepositCursor, decode_count};
pub use super::key_check::{KeyCheckSetup, check_keys};
use super::registry::RegistryCursor;
use super::scan::ScanError;
use super::tx::{TxError, simulate_gas};
use super::{ChainError, ClusterCursor, call};
use crate::bindings::PoolManager::{self as P, ValidatorData};

mod plan;

pub use plan::{ActivationPlan, DepositCoverage, PlanRefusal, PlannerConfig};

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
        let queued = calls.call(pool, &P::withdrawalsWaitingCall {})?;
        let activated = calls.call(pool, &P::activatedValidatorsCall {})?;
        let length = calls.call(pool, &P::validatorCountCall {})?;
        let reserve = calls.call(pool, &P::feeReserveCall {})?;
        let count = calls.call(
            addresses.deposit_contract,
            &DepositContract::get_deposit_countCall {},
        )?;
        calls.send().await?;
        let buffered = U256::from(answer::<P::bufferedEtherCall>(buffered).await?);
        let queued = answer::<P::withdrawalsWaitingCall>(queued).await?;
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
            queued,
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
