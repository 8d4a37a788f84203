//! The rebase history and the account's poolETH movements, from event logs: fetched at start,
//! when the account or its shares change (a deposit, a transfer) and when the share price moves
//! (an oracle report), never on every block. Each fetch reads only the blocks added since the
//! last one (a [`HistoryCursor`]), in windows that shrink when the node refuses a range.

use alloy_primitives::{Address, U256};
use leptos::prelude::*;
use leptos::task::spawn_local;
use pool_chain::client::{MAX_LOG_WINDOW, scan_logs};
use pool_chain::config::NetworkConfig;
use pool_chain::history::{HistoryCursor, ScanLogs, reports_filter, transfers_filter};
use pool_core::rewards::Report;

use super::pool::PoolData;
use super::rpc::Rpc;
use super::wallet::Wallet;
use crate::errors::AppError;

/// poolETH an account received and sent over its history, in token units at the time, up to
/// the reading where it held `shares`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flows {
    pub account: Address,
    pub shares: U256,
    pub received: U256,
    pub sent: U256,
}

#[derive(Clone, Copy)]
pub struct History {
    reports: RwSignal<Vec<Report>>,
    flows: RwSignal<Option<Flows>>,
    error: RwSignal<Option<AppError>>,
}

/// Read-only views of the handle's state: only the handle writes it.
impl History {
    pub fn reports(&self) -> ReadSignal<Vec<Report>> {
        self.reports.read_only()
    }

    pub fn flows(&self) -> ReadSignal<Option<Flows>> {
        self.flows.read_only()
    }

    pub fn error(&self) -> ReadSignal<Option<AppError>> {
        self.error.read_only()
    }
}

impl History {
    pub fn new(config: NetworkConfig, wallet: Wallet, pool: PoolData, rpc: Rpc) -> Self {
        let history = History {
            reports: RwSignal::new(Vec::new()),
            flows: RwSignal::new(None),
            error: RwSignal::new(None),
        };
        // What should trigger a fetch: the account, its shares (deposits and transfers move
        // them) and the share price (moved only by reports).
        let key = Memo::new(move |_| {
            let account = wallet.connection().with(|c| c.as_ref().map(|c| c.account));
            pool.reading().with(|r| {
                let r = r.as_ref()?;
                let shares = r
                    .pool
                    .account
                    .as_ref()
                    .filter(|a| Some(a.address) == account)
                    .map(|a| a.shares);
                let price = r
                    .pool
                    .totals
                    .pooled_eth_by_shares(U256::from(10u64).pow(U256::from(18)))
                    .ok();
                Some((account, shares, price))
            })
        });
        // What earlier fetches settled; a fetch that a newer one overtook is dropped.
        let cursor = StoredValue::new(None::<HistoryCursor>);
        let generation = StoredValue::new(0u64);
        Effect::new(move |_| {
            let Some((account, shares, _)) = key.get() else {
                return;
            };
            // Logs are read through the RPC in use, once it answered for our chain.
            if !rpc.verified().get() {
                return;
            }
            let Some(latest) = pool
                .reading()
                .with_untracked(|r| r.as_ref().map(|r| r.block))
            else {
                return;
            };
            let mut scanned = cursor
                .get_value()
                .filter(|c| c.account() == account)
                .unwrap_or_else(|| HistoryCursor::new(account, config.deployment_block));
            // Nothing new since the last fetch for this account: what is shown stands.
            let Some((from, to)) = scanned.range_to(latest) else {
                return;
            };
            generation.update_value(|g| *g += 1);
            let this = generation.get_value();
            let client = rpc.client();
            let config = config.clone();
            spawn_local(async move {
                let mut logs = ScanLogs::default();
                let filters = |range| {
                    let mut filters = vec![reports_filter(config.pool_manager, range)];
                    if let Some(a) = account {
                        filters.push(transfers_filter(config.pool_eth, a, true, range));
                        filters.push(transfers_filter(config.pool_eth, a, false, range));
                    }
                    filters
                };
                let scanned_all =
                    scan_logs(&client, from, to, MAX_LOG_WINDOW, filters, |_, window| {
                        let mut window = window.into_iter();
                        logs.reports.extend(window.next().unwrap_or_default());
                        logs.incoming.extend(window.next().unwrap_or_default());
                        logs.outgoing.extend(window.next().unwrap_or_default());
                    })
                    .await;
                if generation.get_value() != this {
                    return;
                }
                if let Err(error) = scanned_all {
                    history.error.set(Some(error.cause.into()));
                    return;
                }
                let totals = scanned.absorb(latest, &logs);
                cursor.set_value(Some(scanned));
                history.error.set(None);
                history.reports.set(totals.reports);
                history.flows.set(account.map(|account| Flows {
                    account,
                    shares: shares.unwrap_or_default(),
                    received: totals.received,
                    sent: totals.sent,
                }));
            });
        });
        history
    }
}
