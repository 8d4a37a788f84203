//! The rebase history and the account's poolETH movements, from event logs: fetched at start,
//! when the account or its shares change (a deposit, a transfer) and when the share price moves
//! (an oracle report), never on every block. Each fetch reads only the blocks added since the
//! last one (a [`HistoryCursor`]), in windows that shrink when the node refuses a range.

use alloy_primitives::{Address, U256};
use alloy_rpc_client::RpcClient;
use leptos::prelude::*;
use pool_chain::client::{MAX_LOG_WINDOW, scan_logs};
use pool_chain::history::{HistoryCursor, ScanLogs, reports_filter, transfers_filter};
use pool_core::rewards::Report;

use super::chain::Chain;
use super::error::AppError;
use super::pool::PoolData;
use super::refresh::Refresh;

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
    pub fn new(chain: Chain, pool: PoolData) -> Self {
        let history = History {
            reports: RwSignal::new(Vec::new()),
            flows: RwSignal::new(None),
            error: RwSignal::new(None),
        };
        // What should trigger a fetch: the account, its shares (deposits and transfers move
        // them) and the share price (moved only by reports).
        let key = Memo::new(move |_| {
            let account = chain.account();
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
        // What earlier fetches settled.
        let cursor = StoredValue::new(None::<HistoryCursor>);
        let (pool_manager, pool_eth, deployment_block) =
            chain.with_config(|c| (c.pool_manager, c.pool_eth, c.deployment_block));
        Refresh::new(
            move || {
                let (account, shares, _) = key.get()?;
                // Logs are read through the RPC in use, once it answered for our chain.
                if !chain.rpc().verified().get() {
                    return None;
                }
                let latest = pool
                    .reading()
                    .with_untracked(|r| r.as_ref().map(|r| r.block))?;
                let scanned = cursor
                    .get_value()
                    .filter(|c| c.account() == account)
                    .unwrap_or_else(|| HistoryCursor::new(account, deployment_block));
                // Nothing new since the last fetch for this account: what is shown stands.
                let (from, to) = scanned.range_to(latest)?;
                Some(Fetch {
                    client: chain.client(),
                    account,
                    shares,
                    scanned,
                    from,
                    to,
                    latest,
                })
            },
            move |fetch| fetch.run(pool_manager, pool_eth),
            move |(fetch, logs): (Fetch, Result<ScanLogs, AppError>)| match logs {
                Err(error) => history.error.set(Some(error)),
                Ok(logs) => {
                    let Fetch {
                        mut scanned,
                        account,
                        shares,
                        latest,
                        ..
                    } = fetch;
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
                }
            },
        );
        history
    }
}

/// One fetch: the blocks `from..=to` after what `scanned` settled, for `account`.
struct Fetch {
    client: RpcClient,
    account: Option<Address>,
    shares: Option<U256>,
    scanned: HistoryCursor,
    from: u64,
    to: u64,
    latest: u64,
}

impl Fetch {
    /// The reports' and the account's transfers' logs of the fetch's blocks, in windows that
    /// shrink when the node refuses a range.
    async fn run(
        self,
        pool_manager: Address,
        pool_eth: Address,
    ) -> (Self, Result<ScanLogs, AppError>) {
        let mut logs = ScanLogs::default();
        let account = self.account;
        let filters = |range| {
            let mut filters = vec![reports_filter(pool_manager, range)];
            if let Some(a) = account {
                filters.push(transfers_filter(pool_eth, a, true, range));
                filters.push(transfers_filter(pool_eth, a, false, range));
            }
            filters
        };
        let scanned = scan_logs(
            &self.client,
            self.from,
            self.to,
            MAX_LOG_WINDOW,
            filters,
            |_, window| {
                let mut window = window.into_iter();
                logs.reports.extend(window.next().unwrap_or_default());
                logs.incoming.extend(window.next().unwrap_or_default());
                logs.outgoing.extend(window.next().unwrap_or_default());
            },
        )
        .await;
        let result = scanned.map(|_| logs).map_err(|e| AppError::from(e.cause));
        (self, result)
    }
}
