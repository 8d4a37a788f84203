//! What the planner is pointed at, what it returns, and why it refuses.

use alloy_primitives::{Address, Bytes, U256};
use pool_core::activation::deposits::{KeyCheck, SeenDeposit};
use pool_core::activation::{EntryProblem, Limits, Waiting};
use pool_core::cluster::Cluster;
use pool_core::deposit::ForkVersion;

use crate::bindings::PoolManager::ValidatorData;
use crate::client::ChainError;
use crate::client::beacon::BeaconError;
use crate::client::scan::ScanError;
use crate::client::tx::TxError;
use crate::rpc::TxRequest;

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
