//! The keeper's connection to the chain: a reader (the client layer's `RpcClient`), a signing
//! provider for its own transactions, and the pool's addresses as the pool itself states them.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use alloy::network::EthereumWallet;
use alloy::primitives::{Address, B256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::client::RpcClient;
use alloy::signers::local::PrivateKeySigner;
use pool_chain::bindings::PoolManager;
use pool_chain::client::planner::{ActivationPlanner, PlannerConfig};
use pool_chain::client::{MAX_LOG_WINDOW, ScanError, scan_clusters};
use pool_chain::logs::REORG_MARGIN;
use pool_core::config::NetworkConfig;

use crate::log::Logger;
use crate::metrics::SharedFigures;
use crate::send_state::{InFlight, SendOptions};

/// How long a duty's transaction may wait for its block by default: 50 slots.
pub const DEFAULT_SEND_DEADLINE: Duration = Duration::from_secs(600);

/// Why the keeper cannot start.
#[derive(Debug)]
pub enum StartError {
    /// The configuration, the key or the node's chain is wrong.
    Config(anyhow::Error),
    /// The node could not be reached.
    Unreachable(anyhow::Error),
    /// The key's account lacks the role of a duty it was asked to do.
    MissingRole {
        account: Address,
        role: &'static str,
    },
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Config(e) => write!(f, "bad configuration: {e:#}"),
            StartError::Unreachable(e) => write!(f, "the node could not be reached: {e:#}"),
            StartError::MissingRole { account, role } => write!(
                f,
                "{account} does not hold the pool's {role}: the admin must grant it first"
            ),
        }
    }
}

impl std::error::Error for StartError {}

/// What the program was asked to do; each duty needs its role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duties {
    pub activation: bool,
    pub oracle: bool,
    /// Cluster upkeep (`fundCluster` from the fee reserve): the keeper role too.
    pub upkeep: bool,
    /// Validator exits for the withdrawal queue (`requestExits`, `forceExit`, `removeExited`):
    /// the keeper role too.
    pub exits: bool,
}

impl Duties {
    pub const ACTIVATION: Duties = Duties {
        activation: true,
        oracle: false,
        upkeep: false,
        exits: false,
    };
    pub const EXITS: Duties = Duties {
        activation: false,
        oracle: false,
        upkeep: false,
        exits: true,
    };
    pub const ORACLE: Duties = Duties {
        activation: false,
        oracle: true,
        upkeep: false,
        exits: false,
    };
}

pub struct Keeper {
    pub dry_run: bool,
    pub log: Logger,
    pub figures: SharedFigures,
    pub(crate) reader: RpcClient,
    pub(crate) provider: DynProvider,
    /// The keeper's key, which signs every transaction it sends ([`Keeper::send`]).
    pub(crate) wallet: EthereumWallet,
    pub(crate) chain_id: u64,
    /// How sends are followed, bumped and given up.
    pub send_options: SendOptions,
    /// How long a duty's send may wait for its block before it gives up (nonce kept).
    pub send_deadline: Duration,
    /// A transaction given up at its deadline, replaced by the next send.
    pub(crate) in_flight: Option<InFlight>,
    pub account: Address,
    pub pool: Address,
    pub deposit_contract: Address,
    pub ssv_network: Address,
    pub ssv_views: Address,
    pub deployment_block: u64,
    /// The pool's 0x01 credentials (the oracle counts only validators paying to them).
    #[allow(dead_code)]
    pub(crate) credentials: B256,
    /// The activation planner shared with the console, with its incremental reads.
    pub(crate) planner: ActivationPlanner,
    /// The beacon node the activation check asks about keys deposited before the pool.
    pub(crate) beacon: Option<crate::beacon_http::BeaconHttp>,
    /// The last idle reason logged, so a waiting keeper says it once, not every round.
    pub(crate) last_idle: Option<String>,
    /// Set when a front-run key was found: the duty stops until a person drops it.
    pub(crate) stopped: bool,
    /// The oracle's last wait logged, and the reference time of a report the pool refused
    /// (not tried again for the same beacon state).
    pub(crate) last_oracle_wait: Option<String>,
    pub(crate) refused_at: Option<u64>,
    /// The pool's clusters as its SSV events leave them, read incrementally.
    clusters: ClusterCache,
    /// Clusters whose fee-reserve alert was logged (once, until the reserve can pay).
    pub(crate) upkeep_alerted: HashSet<Vec<u64>>,
    /// The withdrawal queue (`PoolManager.withdrawalQueue()`), once read.
    pub(crate) queue: Option<Address>,
    /// Registry indices known Removed from SSV (final: their exit state is not read again).
    pub(crate) removed: HashSet<u64>,
    /// The exit duty's last status line, logged once until it changes.
    pub(crate) last_exit_status: Option<String>,
}

/// The pool's cluster snapshots, per operator set, and the first block not read yet.
#[derive(Debug, Default)]
struct ClusterCache {
    next: u64,
    latest: HashMap<Vec<u64>, pool_core::cluster::Cluster>,
}

impl Keeper {
    /// Connects to `rpc` (the config's `rpcUrl` unless overridden), checks the chain and that
    /// `signer`'s account holds the keeper role, and reads the pool's own addresses.
    pub async fn connect(
        config: &NetworkConfig,
        rpc: &str,
        signer: PrivateKeySigner,
        dry_run: bool,
        log: Logger,
        figures: SharedFigures,
        duties: Duties,
    ) -> Result<Keeper, StartError> {
        // A history from block 0 on a real chain (and other unusable values) stops here.
        config
            .validate()
            .map_err(|e| StartError::Config(anyhow::anyhow!("{e}")))?;
        let url: alloy::transports::http::reqwest::Url = rpc
            .parse()
            .map_err(|e| StartError::Config(anyhow::anyhow!("the RPC URL {rpc}: {e}")))?;
        let account = signer.address();
        let reader = RpcClient::new_http(url.clone());
        let wallet = EthereumWallet::from(signer);
        let provider = ProviderBuilder::new()
            .wallet(wallet.clone())
            .connect_http(url)
            .erased();
        let chain_id = provider
            .get_chain_id()
            .await
            .map_err(|e| StartError::Unreachable(e.into()))?;
        if chain_id != config.chain_id {
            return Err(StartError::Config(anyhow::anyhow!(
                "the node is on chain {chain_id}, the configuration says {}",
                config.chain_id
            )));
        }
        let pool = PoolManager::new(config.pool_manager, provider.clone());
        let read = |e: alloy::contract::Error| {
            StartError::Config(anyhow::anyhow!(
                "{} does not answer as the pool manager: {e}",
                config.pool_manager
            ))
        };
        let mut needed = Vec::new();
        if duties.activation || duties.upkeep || duties.exits {
            needed.push((
                pool.KEEPER_ROLE().call().await.map_err(read)?,
                "KEEPER_ROLE",
            ));
        }
        if duties.oracle {
            needed.push((
                pool.ORACLE_ROLE().call().await.map_err(read)?,
                "ORACLE_ROLE",
            ));
        }
        for (role, name) in needed {
            if !pool.hasRole(role, account).call().await.map_err(read)? {
                return Err(StartError::MissingRole {
                    account,
                    role: name,
                });
            }
        }
        Ok(Keeper {
            dry_run,
            log,
            figures,
            deposit_contract: pool.depositContract().call().await.map_err(read)?,
            ssv_network: pool.ssvNetwork().call().await.map_err(read)?,
            ssv_views: pool.ssvViews().call().await.map_err(read)?,
            credentials: pool.withdrawalCredentials().call().await.map_err(read)?,
            reader,
            provider,
            wallet,
            chain_id,
            send_options: SendOptions::default(),
            send_deadline: DEFAULT_SEND_DEADLINE,
            in_flight: None,
            account,
            pool: config.pool_manager,
            deployment_block: config.deployment_block,
            planner: ActivationPlanner::new(PlannerConfig {
                chain_id: config.chain_id,
                pool: config.pool_manager,
                deployment_block: config.deployment_block,
                ssv_genesis_block: config.ssv_genesis_block(),
                fork_version: config.fork_version().ok_or_else(|| {
                    StartError::Config(anyhow::anyhow!(
                        "the configuration names no genesisForkVersion and chain {} is not a known network: deposit signatures cannot be checked",
                        config.chain_id
                    ))
                })?,
                max_log_window: MAX_LOG_WINDOW,
                verify_entries: true,
            }),
            beacon: config.beacon_url.as_deref().map(crate::beacon_http::BeaconHttp::new),
            last_idle: None,
            stopped: false,
            last_oracle_wait: None,
            refused_at: None,
            clusters: ClusterCache {
                next: config.deployment_block,
                latest: HashMap::new(),
            },
            upkeep_alerted: HashSet::new(),
            queue: None,
            removed: HashSet::new(),
            last_exit_status: None,
        })
    }

    /// The pool's cluster of `operator_ids` as of `head`: the events since the last read (and
    /// the last [`REORG_MARGIN`] blocks again) are applied over what was known. A snapshot a
    /// reorganisation made stale is refused by the SSV network (`IncorrectClusterState`), and
    /// the round after re-reads.
    pub(crate) async fn cluster(
        &mut self,
        operator_ids: &[u64],
        head: u64,
    ) -> Result<pool_core::cluster::Cluster, ScanError> {
        let from = self
            .clusters
            .next
            .saturating_sub(REORG_MARGIN)
            .max(self.deployment_block);
        if from <= head {
            let found = scan_clusters(
                &self.reader,
                self.ssv_network,
                self.pool,
                (from, head),
                MAX_LOG_WINDOW,
            )
            .await?;
            // Events in the window are newer than anything read before it.
            for (ids, cluster) in found.of_owner(self.pool) {
                self.clusters.latest.insert(ids, cluster);
            }
            self.clusters.next = head + 1;
        }
        Ok(self
            .clusters
            .latest
            .get(operator_ids)
            .copied()
            .unwrap_or(pool_core::cluster::Cluster::NEW))
    }

    /// [`Keeper::send`] with the keeper's deadline, for a duty that wants the mined receipt:
    /// any other end is an error of the round (the next round re-reads and plans again).
    pub(crate) async fn send_to_pool(
        &mut self,
        calldata: impl Into<alloy::primitives::Bytes>,
    ) -> anyhow::Result<alloy::rpc::types::TransactionReceipt> {
        let pool = self.pool;
        self.send_mined(pool, calldata.into()).await
    }

    /// [`Keeper::send_to_pool`] to any of the pool's contracts (the withdrawal queue).
    pub(crate) async fn send_mined(
        &mut self,
        to: Address,
        calldata: alloy::primitives::Bytes,
    ) -> anyhow::Result<alloy::rpc::types::TransactionReceipt> {
        let sent = self.send_to(to, calldata, self.send_deadline).await?;
        let Some(receipt) = sent.receipt() else {
            anyhow::bail!("the transaction was not mined: {sent}");
        };
        self.provider
            .get_transaction_receipt(receipt.transaction_hash)
            .await?
            .ok_or_else(|| anyhow::anyhow!("the receipt of {} is gone", receipt.transaction_hash))
    }

    /// The pool's clusters as last read, per operator set.
    pub(crate) fn cached_clusters(&self) -> Vec<(Vec<u64>, pool_core::cluster::Cluster)> {
        self.clusters
            .latest
            .iter()
            .map(|(ids, c)| (ids.clone(), *c))
            .collect()
    }

    /// Whether a beacon node checks keys before activation.
    pub fn has_beacon(&self) -> bool {
        self.beacon.is_some()
    }

    /// Checks keys against this beacon node's finalized state before activating them.
    pub fn set_beacon(&mut self, url: &str) {
        self.beacon = Some(crate::beacon_http::BeaconHttp::new(url));
    }
}
