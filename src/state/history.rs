//! The rebase history and the account's poolETH movements, from event logs: fetched at start,
//! on account change, and when the share price moves (an oracle report), never on every block.

use alloy_primitives::{Address, U256};
use leptos::prelude::*;
use leptos::task::spawn_local;
use pool_chain::config::NetworkConfig;
use pool_chain::history::{
    RawLog, decode_reports, reports_filter, sum_transfers, transfers_filter,
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
            let client = client.clone();
            spawn_local(async move {
                let mut batch = client.new_batch();
                let from = config.deployment_block;
                let reports = batch.add_call::<_, Vec<RawLog>>(
                    "eth_getLogs",
                    &[reports_filter(config.pool_manager, from)],
                );
                let flows = account.map(|a| {
                    (
                        a,
                        batch.add_call::<_, Vec<RawLog>>(
                            "eth_getLogs",
                            &[transfers_filter(config.pool_eth, a, true, from)],
                        ),
                        batch.add_call::<_, Vec<RawLog>>(
                            "eth_getLogs",
                            &[transfers_filter(config.pool_eth, a, false, from)],
                        ),
                    )
                });
                let Ok(reports) = reports else { return };
                if let Err(e) = batch.send().await {
                    history.error.set(Some(describe(&e)));
                    return;
                }
                match reports.await {
                    Ok(logs) => history.reports.set(decode_reports(&logs)),
                    Err(e) => history.error.set(Some(describe(&e))),
                }
                if let Some((account, Ok(incoming), Ok(outgoing))) = flows
                    && let (Ok(incoming), Ok(outgoing)) = (incoming.await, outgoing.await)
                {
                    history.flows.set(Some(Flows {
                        account,
                        received: sum_transfers(&incoming),
                        sent: sum_transfers(&outgoing),
                    }));
                }
            });
        });
        history
    }
}
