//! The operator console's view of the pool: its operational figures, the connected account's
//! roles, the validator registry, and the pool's SSV cluster with its live fees. Read while the
//! console is open (every `refreshIntervalMs` while visible) and after each of the operator's
//! transactions; the last reading stays on screen when a read fails.

use alloy_primitives::Address;
use alloy_rpc_client::RpcClient;
use leptos::prelude::*;
use pool_chain::client::{
    ClusterCursor, Operations, PendingEntry, RegistryView, Roles, cluster_balance, fee_schedule,
    pending_entries, read_operations, registry_entries, roles,
};
use pool_core::config::NetworkConfig;

use super::chain::Chain;
use super::error::AppError;
use super::refresh::Refresh;

pub mod activation;
pub mod beacon;
pub mod checker;
pub mod cluster;
pub mod import;
pub mod operator;
pub mod submit;

pub use cluster::ClusterHealth;

/// Widest `eth_getLogs` range asked for (the scan shrinks on a node's refusal).
pub use pool_chain::client::MAX_LOG_WINDOW as LOG_WINDOW;

/// One reading of everything the console shows.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsoleReading {
    pub ops: Operations,
    /// The connected account's roles (none without a connection).
    pub roles: Roles,
    pub account: Option<Address>,
    pub registry: RegistryView,
    pub pending: Vec<PendingEntry>,
    /// The operator set of the pool's validators (its newest registry entry's), if any.
    pub operator_ids: Option<Vec<u64>>,
    pub cluster: Option<ClusterHealth>,
}

/// Handle to the console's reading.
#[derive(Clone, Copy)]
pub struct Console {
    reading: RwSignal<Option<ConsoleReading>>,
    error: RwSignal<Option<AppError>>,
    /// A first cluster scan's progress: (blocks scanned, blocks to scan).
    scan_progress: RwSignal<Option<(u64, u64)>>,
    refresh: Refresh,
}

impl Console {
    pub fn reading(&self) -> ReadSignal<Option<ConsoleReading>> {
        self.reading.read_only()
    }

    pub fn error(&self) -> ReadSignal<Option<AppError>> {
        self.error.read_only()
    }

    pub fn scan_progress(&self) -> ReadSignal<Option<(u64, u64)>> {
        self.scan_progress.read_only()
    }

    /// Reads again now (after a transaction).
    pub fn refresh(self) {
        self.refresh.again();
    }
}

impl Console {
    pub fn new(chain: Chain) -> Self {
        let reading = RwSignal::new(None);
        let error = RwSignal::new(None);
        let scan_progress = RwSignal::new(None);
        let refresh = Refresh::new(
            move || {
                let account = chain.account();
                Some((account, reading.get_untracked()))
            },
            move |(account, previous)| async move {
                let progress = move |done, total| scan_progress.set(Some((done, total)));
                let config = chain.config();
                let result = read(&chain.client(), &config, account, previous, progress).await;
                scan_progress.set(None);
                result
            },
            move |answer| match answer {
                Ok(fresh) => {
                    reading.set(Some(fresh));
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            },
        );
        refresh.every(chain.with_config(|c| c.refresh_interval_ms()), None);
        Console {
            reading,
            error,
            scan_progress,
            refresh,
        }
    }
}

/// localStorage key of the pool's cluster cursor (one per chain, pool and operator set).
fn cursor_key(config: &NetworkConfig, ids: &[u64]) -> String {
    let ids: Vec<String> = ids.iter().map(u64::to_string).collect();
    format!(
        "ssv-pool.cluster.{}.{:#x}.{}",
        config.chain_id,
        config.pool_manager,
        ids.join("-")
    )
}

async fn read(
    client: &RpcClient,
    config: &NetworkConfig,
    account: Option<Address>,
    previous: Option<ConsoleReading>,
    progress: impl FnMut(u64, u64),
) -> Result<ConsoleReading, AppError> {
    let pool = config.pool_manager;
    let ops = read_operations(client, pool).await?;
    let roles = match account {
        Some(account) => roles(client, pool, account).await?,
        None => Roles::default(),
    };
    // The registry changes only through the pool's own transactions, each of which moves one of
    // these counters (a drop and an addition of as many entries between two reads excepted,
    // caught by the next refresh after a transaction of ours).
    let registry = match previous {
        Some(p)
            if p.ops.validator_count == ops.validator_count
                && p.ops.activated_validators == ops.activated_validators
                && p.ops.pending_validators == ops.pending_validators =>
        {
            p.registry
        }
        _ => registry_entries(
            client,
            pool,
            (config.deployment_block, ops.block),
            LOG_WINDOW,
        )
        .await
        .map_err(|e| AppError::from(e.cause))?,
    };
    let pending = pending_entries(client, pool, &registry, ops.activated_validators).await?;
    let operator_ids = registry
        .entries
        .values()
        .next_back()
        .map(|e| e.data.operatorIds.clone());
    let cluster = match &operator_ids {
        Some(ids) => Some(cluster_health(client, config, &ops, ids, progress).await?),
        None => None,
    };
    Ok(ConsoleReading {
        ops,
        roles,
        account,
        registry,
        pending,
        operator_ids,
        cluster,
    })
}

/// The cluster's snapshot (a stored cursor brought up to date, or a newest-first scan the first
/// time), its live balance and its fees.
async fn cluster_health(
    client: &RpcClient,
    config: &NetworkConfig,
    ops: &Operations,
    ids: &[u64],
    progress: impl FnMut(u64, u64),
) -> Result<ClusterHealth, AppError> {
    let network = ops.addresses.ssv_network;
    let key = cursor_key(config, ids);
    let stored = crate::state::storage()
        .and_then(|s| s.get_item(&key).ok().flatten())
        .and_then(|text| serde_json::from_str::<ClusterCursor>(&text).ok())
        .filter(|c| c.owner == config.pool_manager && c.operator_ids == ids);
    let cursor = match stored {
        Some(mut cursor) if cursor.at_block <= ops.block => {
            cursor
                .refresh(client, network, ops.block, LOG_WINDOW)
                .await
                .map_err(|e| AppError::from(e.cause))?;
            cursor
        }
        _ => ClusterCursor::scan(
            client,
            network,
            config.pool_manager,
            ids,
            (config.deployment_block, ops.block),
            LOG_WINDOW,
            progress,
        )
        .await
        .map_err(|e| AppError::from(e.cause))?,
    };
    if let (Some(storage), Ok(text)) = (crate::state::storage(), serde_json::to_string(&cursor)) {
        let _ = storage.set_item(&key, &text);
    }
    let views = ops.addresses.ssv_views;
    let fees = fee_schedule(client, views, ids).await?;
    let snapshot = cursor.cluster;
    let balance = if snapshot.active && snapshot.validator_count > 0 {
        cluster_balance(client, views, config.pool_manager, ids, snapshot).await?
    } else {
        snapshot.balance
    };
    Ok(ClusterHealth {
        operator_ids: ids.to_vec(),
        snapshot,
        balance,
        fees,
    })
}
