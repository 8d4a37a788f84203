//! "Add poolETH to wallet": the wallet's `wallet_watchAsset` (EIP-747) for the pool's token.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::chain::Chain;
use super::error::AppError;

/// Handle to the request and its answer.
#[derive(Clone, Copy)]
pub struct WatchAsset {
    chain: Chain,
    answer: RwSignal<Option<Result<(), AppError>>>,
}

impl WatchAsset {
    pub fn new(chain: Chain) -> Self {
        WatchAsset {
            chain,
            answer: RwSignal::new(None),
        }
    }

    /// The wallet's last answer: the token is listed, or why not.
    pub fn answer(&self) -> ReadSignal<Option<Result<(), AppError>>> {
        self.answer.read_only()
    }

    /// Asks the connected wallet to list poolETH.
    pub fn add_pool_eth(self) {
        let Some(connection) = self.chain.connection() else {
            return;
        };
        let token = self.chain.with_config(|c| c.pool_eth);
        spawn_local(async move {
            let params = serde_json::json!({
                "type": "ERC20",
                "options": { "address": token, "symbol": "poolETH", "decimals": 18 },
            });
            let result = pool_chain::client::call::<serde_json::Value>(
                &connection.client(),
                "wallet_watchAsset",
                params,
            )
            .await;
            self.answer
                .set(Some(result.map(drop).map_err(AppError::from)));
        });
    }
}
