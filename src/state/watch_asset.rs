//! "Add poolETH to wallet": the wallet's `wallet_watchAsset` (EIP-747) for the pool's token.

use leptos::task::spawn_local;

use super::chain::Chain;
use super::error::AppError;

/// Asks the connected wallet to list poolETH; `answered` receives its answer: listed, or why
/// not.
pub fn add_pool_eth(chain: Chain, answered: impl FnOnce(Result<(), AppError>) + 'static) {
    let Some(connection) = chain.connection() else {
        return;
    };
    let token = chain.with_config(|c| c.pool_eth);
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
        answered(result.map(drop).map_err(AppError::from));
    });
}
