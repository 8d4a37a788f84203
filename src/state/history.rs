//! The rebase history and the account's poolETH movements, from event logs: fetched at start,
//! on account change, and when the share price moves (an oracle report), never on every block;
//! scanned in block windows that shrink when the node refuses a range.

use alloy_primitives::{Address, U256};
use alloy_rpc_client::RpcClient;
use leptos::prelude::*;
use leptos::task::spawn_local;
use pool_chain::config::NetworkConfig;
use pool_chain::history::{
    LogScan, RawLog, decode_reports, reports_filter, sum_transfers, transfers_filter,
};
use pool_core::rewards::Report;

use super::pool::PoolData;
use super::wallet::Wallet;
use crate::errors::describe;

/// poolETH an account received and sent over its history, in token units at the time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flows {
    pub account: Address,
    pub received: U256,
    pub sent: U256,
}

/// Blocks per `eth_getLogs` at most; the scan halves it when a node refuses a range.
const MAX_LOG_WINDOW: u64 = 50_000;

#[derive(Clone, Copy)]
pub struct History {
    pub reports: RwSignal<Vec<Report>>,
    pub flows: RwSignal<Option<Flows>>,
    pub error: RwSignal<Option<String>>,
}

impl History {
    pub fn new(config: NetworkConfig, wallet: Wallet, pool: PoolData) -> Self {
        let history = History {
            reports: RwSignal::new(Vec::new()),
            flows: RwSignal::new(None),
            error: RwSignal::new(None),
        };
        let client = super::http_client(&config);
        // What should trigger a fetch: the account, and the share price (moved only by reports).
        let key = Memo::new(move |_| {
            let account = wallet.connection.with(|c| c.as_ref().map(|c| c.account));
            let price = pool.reading.with(|r| {
                r.as_ref().and_then(|r| {
                    r.pool
                        .totals
                        .pooled_eth_by_shares(U256::from(10u64).pow(U256::from(18)))
                        .ok()
                })
            });
            (account, price)
        });
        Effect::new(move |_| {
            let (account, _) = key.get();
            let Some(latest) = pool.reading.with_untracked(|r| r.as_ref().map(|r| r.block)) else {
                return;
            };
            let client = client.clone();
            let config = config.clone();
            spawn_local(async move {
                let mut scan = LogScan::new(config.deployment_block, latest, MAX_LOG_WINDOW);
                let mut reports = Vec::new();
                let (mut received, mut sent) = (U256::ZERO, U256::ZERO);
                while let Some(range) = scan.next_range() {
                    match fetch_window(&client, &config, account, range).await {
                        Ok(window) => {
                            reports.extend(decode_reports(&window.reports));
                            received += sum_transfers(&window.incoming);
                            sent += sum_transfers(&window.outgoing);
                            scan.succeeded();
                        }
                        Err(message) => {
                            if scan.failed().is_err() {
                                history.error.set(Some(message));
                                return;
                            }
                        }
                    }
                }
                history.error.set(None);
                history.reports.set(reports);
                history.flows.set(account.map(|account| Flows {
                    account,
                    received,
                    sent,
                }));
            });
        });
        history
    }
}

/// The logs of one block range.
struct Window {
    reports: Vec<RawLog>,
    incoming: Vec<RawLog>,
    outgoing: Vec<RawLog>,
}

/// Reports, and the account's transfers in and out, over `range`: one batch.
async fn fetch_window(
    client: &RpcClient,
    config: &NetworkConfig,
    account: Option<Address>,
    range: (u64, u64),
) -> Result<Window, String> {
    let mut batch = client.new_batch();
    let encode = |e: crate::errors::RpcError| describe(&e);
    let reports = batch
        .add_call::<_, Vec<RawLog>>("eth_getLogs", &[reports_filter(config.pool_manager, range)])
        .map_err(encode)?;
    let flows = match account {
        Some(a) => Some((
            batch
                .add_call::<_, Vec<RawLog>>(
                    "eth_getLogs",
                    &[transfers_filter(config.pool_eth, a, true, range)],
                )
                .map_err(encode)?,
            batch
                .add_call::<_, Vec<RawLog>>(
                    "eth_getLogs",
                    &[transfers_filter(config.pool_eth, a, false, range)],
                )
                .map_err(encode)?,
        )),
        None => None,
    };
    batch.send().await.map_err(encode)?;
    let reports = reports.await.map_err(encode)?;
    let (incoming, outgoing) = match flows {
        Some((incoming, outgoing)) => (
            incoming.await.map_err(encode)?,
            outgoing.await.map_err(encode)?,
        ),
        None => (Vec::new(), Vec::new()),
    };
    Ok(Window {
        reports,
        incoming,
        outgoing,
    })
}
