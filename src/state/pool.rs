//! The pool's numbers, the connected account's position, the withdrawal queue with the
//! account's requests and the wrapper, read in one `eth_call` per refresh (`pool_chain::reads`):
//! every `refreshIntervalMs` while the tab is visible (none while hidden), at once when it
//! becomes visible again, on account or chain change, and after the user's own transactions.

use leptos::prelude::*;
use pool_chain::reads::PoolReads;

use super::chain::Chain;
use super::error::AppError;
use super::refresh::Refresh;

pub use pool_chain::reads::Reading;

/// Handle to the latest reading.
#[derive(Clone, Copy)]
pub struct PoolData {
    reading: RwSignal<Option<Reading>>,
    /// Why the last read failed (the previous reading stays on screen).
    error: RwSignal<Option<AppError>>,
    refresh: Refresh,
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
    pub fn new(chain: Chain) -> Self {
        let reading = RwSignal::new(None);
        let error = RwSignal::new(None);
        let refresh = Refresh::new(
            move || {
                let account = chain.account();
                let client = chain.reader()?;
                let reads = chain.with_config(|config| PoolReads {
                    pool_manager: config.pool_manager,
                    pool_eth: config.pool_eth,
                    account,
                    wrapper: config.wpool_eth,
                });
                Some((client, reads))
            },
            |(client, reads)| async move { pool_chain::client::read_pool(&client, reads).await },
            move |answer| match answer {
                Ok(fresh) => {
                    if reading.with_untracked(|r: &Option<Reading>| r.as_ref() != Some(&fresh)) {
                        reading.set(Some(fresh));
                    }
                    error.set(None);
                }
                Err(e) => error.set(Some(e.into())),
            },
        );
        // An RPC that failed its check (down at load, another chain) is asked again.
        let rpc = chain.rpc();
        let interval = chain.with_config(|c| c.refresh_interval_ms());
        refresh.every(interval, Some(Box::new(move || rpc.verify())));
        PoolData {
            reading,
            error,
            refresh,
        }
    }

    /// Reads again now.
    pub fn refresh(self) {
        self.refresh.again();
    }
}
