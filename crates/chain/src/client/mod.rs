//! Chain I/O over an alloy [`RpcClient`](alloy_rpc_client::RpcClient), shared by the staker
//! page and the operator console (wasm32, over the wallet or `fetch`) and the keeper and tests
//! (native, over HTTP): windowed log scans, the SSV fee schedule, the pool's cluster snapshots,
//! the deposit contract's deposits, the fee market, and the transaction flow ([`tx`]: simulate,
//! send, follow to the receipt or the replacement).
//!
//! Everything here is a plain async function over a client the caller built: no timers, no
//! runtime, no global state, so the same code runs under `gloo-timers` and `tokio`. Errors are
//! [`ChainError`]s that keep the transport's typed cause.

mod deposits;
mod error;
mod fees;
mod scan;
pub mod ssv;
pub mod tx;

pub use deposits::{DepositedKey, deposit_count, scan_deposits};
pub use error::ChainError;
pub use fees::fee_market;
pub use scan::{MAX_LOG_WINDOW, ScanError, scan_logs};
pub use ssv::{SsvViews, cluster_balance, fee_schedule, scan_clusters};

/// The staker page's one read: the pool's figures and `reads`' account at the latest block, in
/// one `eth_call` of `PoolManager.snapshot`.
pub async fn read_pool(
    client: &alloy_rpc_client::RpcClient,
    reads: crate::reads::PoolReads,
) -> Result<crate::reads::Reading, ChainError> {
    let result: alloy_primitives::Bytes =
        client.request("eth_call", (reads.call(), "latest")).await?;
    reads.decode(&result).map_err(|e| ChainError::Decode {
        what: "PoolManager.snapshot",
        cause: e.to_string(),
    })
}
