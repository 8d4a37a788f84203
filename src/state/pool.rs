//! The pool's numbers, the connected account's position, the withdrawal queue with the
//! account's requests and the wrapper, read in one `eth_call` per refresh (`pool_chain::reads`):
//! every `refreshIntervalMs` while the tab is visible (none while hidden), at once when it
//! becomes visible again, on account or chain change, and after the user's own transactions.

use leptos::prelude::*;
use leptos::task::spawn_local;
use pool_chain::config::NetworkConfig;
use pool_chain::reads::PoolReads;

use super::rpc::Rpc;
use super::wallet::Wallet;
use crate::errors::AppError;

pub use pool_chain::reads::Reading;

/// Handle to the latest reading.
#[derive(Clone, Copy)]
pub struct PoolData {
    reading: RwSignal<Option<Reading>>,
    /// Why the last read failed, as a sentence (the previous reading stays on screen).
    error: RwSignal<Option<AppError>>,
    /// Bumped to ask for a read now (after a transaction, on account change).
    generation: RwSignal<u64>,
    /// Reads under way: a timer tick does not pile another on a slow node.
    in_flight: StoredValue<u32>,
}

/// Read-only views of the handle's state: only the handle writes it.
impl PoolData {
    pub fn reading(&self) -> ReadSignal<Option<Reading>> {
        self.reading.read_only()
    }

    pub fn error(&self) -> ReadSignal<Option<AppError>> {
        self.error.read_only()
    }
}

impl PoolData {
    pub fn new(config: NetworkConfig, wallet: Wallet, rpc: Rpc) -> Self {
        let data = PoolData {
            reading: RwSignal::new(None),
            error: RwSignal::new(None),
            generation: RwSignal::new(0),
            in_flight: StoredValue::new(0),
        };
        let interval = config.refresh_interval_ms();
        Effect::new(move |_| {
            data.generation.track();
            let connection = wallet.connection().get();
            let account = connection.as_ref().map(|c| c.account);
            // Read through the wallet when it is on our chain, else through the RPC in use once
            // it answered for our chain (the last reading stays on screen meanwhile).
            let client = match &connection {
                Some(c) if c.chain_id == config.chain_id => c.reader(),
                _ if rpc.verified().get() => rpc.client(),
                _ => return,
            };
            let reads = PoolReads {
                pool_manager: config.pool_manager,
                pool_eth: config.pool_eth,
                account,
                wrapper: config.wpool_eth,
            };
            data.in_flight.update_value(|n| *n += 1);
            spawn_local(async move {
                let result = pool_chain::client::read_pool(&client, reads).await;
                data.in_flight.update_value(|n| *n -= 1);
                match result {
                    Ok(reading) => {
                        // Drop a late answer about an account that is no longer selected.
                        let current = wallet
                            .connection()
                            .with_untracked(|c| c.as_ref().map(|c| c.account));
                        if current == account
                            && data
                                .reading
                                .with_untracked(|r| r.as_ref() != Some(&reading))
                        {
                            data.reading.set(Some(reading));
                        }
                        data.error.set(None);
                    }
                    Err(error) => data.error.set(Some(error.into())),
                }
            });
        });
        super::ticker::use_refresh_ticker(interval, move || {
            // An RPC that failed its check (down at load, another chain) is asked again.
            rpc.verify();
            if data.in_flight.get_value() == 0 {
                data.refresh();
            }
        });
        data
    }

    /// Reads again now.
    pub fn refresh(self) {
        self.generation.update(|g| *g += 1);
    }
}
