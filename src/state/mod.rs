//! Data access, apart from the views: the wallet connection, the pool's numbers, the staker's
//! stake, withdrawal and claim transactions. Each piece is a `Copy` handle of signals, provided once as a context.

pub mod beacon;
pub mod checker;
pub mod console;
pub mod history;
pub mod import;
pub mod operator;
pub mod pool;
pub mod rpc;
pub mod stake;
pub mod submit;
pub mod ticker;
pub mod tx;
pub mod wallet;
pub mod withdraw;
pub mod wrap;

pub(crate) use wallet::storage;

use alloy_rpc_client::RpcClient;
use pool_chain::config::NetworkConfig;

/// An RPC client over HTTP to the endpoint the page reads through (see [`rpc`]: the staker's
/// own once checked, else the configured one); its requests time out.
pub fn http_client(config: &NetworkConfig) -> RpcClient {
    rpc::in_use(config)
}

/// Whether the tab is shown: nothing is polled while it is hidden.
pub(crate) fn page_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_none_or(|d| d.visibility_state() == web_sys::VisibilityState::Visible)
}
