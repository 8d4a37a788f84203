//! The operator console's view of the pool: its operational figures, the connected account's
//! roles, the validator registry, and the pool's SSV cluster with its live fees. Read while the
//! console is open (every `refreshIntervalMs` while visible) and after each of the operator's
//! transactions; the last reading stays on screen when a read fails.

use alloy_primitives::{Address, U256};
use alloy_rpc_client::RpcClient;
use leptos::prelude::*;
use leptos::task::spawn_local;
use pool_chain::client::{
    ClusterCursor, Operations, PendingEntry, RegistryView, Roles, cluster_balance, fee_schedule,
    pending_entries, read_operations, registry_entries, roles,
};
use pool_chain::config::NetworkConfig;
use pool_core::cluster::Cluster;
use pool_core::funding::FeeSchedule;

use super::wallet::Wallet;
use crate::errors::AppError;

/// Widest `eth_getLogs` range asked for (the scan shrinks on a node's refusal).
pub use pool_chain::client::MAX_LOG_WINDOW as LOG_WINDOW;

/// The pool's cluster: its snapshot, its live balance and the fees it burns.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterHealth {
    pub operator_ids: Vec<u64>,
    pub snapshot: Cluster,
    /// Live balance (the snapshot's less what was burnt since); zero once liquidated.
    pub balance: U256,
    pub fees: FeeSchedule,
}

impl ClusterHealth {
    pub fn validators(&self) -> u32 {
        self.snapshot.validator_count
    }

    /// Burn per block of the whole cluster.
    pub fn burn_rate(&self) -> U256 {
        self.fees.burn_rate() * U256::from(self.validators())
    }

    pub fn threshold(&self) -> U256 {
        self.fees.liquidation_threshold(self.validators())
    }

    /// Blocks until liquidatable (`u64::MAX` with nothing burning).
    pub fn runway_left(&self) -> u64 {
        self.fees.runway_left(self.balance, self.validators())
    }

    /// Liquidatable now (anyone may liquidate it and take its balance).
    pub fn liquidatable(&self) -> bool {
        self.snapshot.active && self.validators() > 0 && self.balance < self.threshold()
    }

    /// Runway left after adding `amount`, or taking it out (`add = false`).
    pub fn runway_after(&self, amount: U256, add: bool) -> u64 {
        let balance = if add {
            self.balance + amount
        } else {
            self.balance.saturating_sub(amount)
        };
        self.fees.runway_left(balance, self.validators())
    }
}

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
    generation: RwSignal<u64>,
    in_flight: StoredValue<u32>,
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
        self.generation.update(|g| *g += 1);
    }
}

impl Console {
    pub fn new(config: NetworkConfig, wallet: Wallet) -> Self {
        let console = Console {
            reading: RwSignal::new(None),
            error: RwSignal::new(None),
            scan_progress: RwSignal::new(None),
            generation: RwSignal::new(0),
            in_flight: StoredValue::new(0),
        };
        let client = super::http_client(&config);
        let interval = config.refresh_interval_ms();
        Effect::new(move |_| {
            console.generation.track();
            let account = wallet.connection().with(|c| c.as_ref().map(|c| c.account));
            let previous = console.reading.get_untracked();
            let (client, config) = (client.clone(), config.clone());
            console.in_flight.update_value(|n| *n += 1);
            spawn_local(async move {
                let progress = move |done, total| console.scan_progress.set(Some((done, total)));
                let result = read(&client, &config, account, previous, progress).await;
                console.in_flight.update_value(|n| *n -= 1);
                console.scan_progress.set(None);
                match result {
                    Ok(reading) => {
                        let current = wallet
                            .connection()
                            .with_untracked(|c| c.as_ref().map(|c| c.account));
                        if current == account {
                            console.reading.set(Some(reading));
                        }
                        console.error.set(None);
                    }
                    Err(error) => console.error.set(Some(error)),
                }
            });
        });
        super::ticker::use_refresh_ticker(interval, move || {
            if console.in_flight.get_value() == 0 {
                console.refresh();
            }
        });
        console
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
    let stored = super::storage()
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
    if let (Some(storage), Ok(text)) = (super::storage(), serde_json::to_string(&cursor)) {
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
