//! Chain I/O over an alloy [`RpcClient`](alloy_rpc_client::RpcClient), shared by the staker
//! page and the operator console (wasm32, over the wallet or `fetch`) and the keeper and tests
//! (native, over HTTP): windowed log scans, the SSV fee schedule, the pool's cluster snapshots
//! (all of them forward, or one newest first with a cursor), the deposit contract's deposits,
//! the fee market, the transaction flow ([`tx`]: simulate, send, follow to the receipt or the
//! replacement), and the console's reads: an account's roles, the operations view, the registry
//! from its events, operators' keys and states, SSV registrations.
//!
//! Everything here is a plain async function over a client the caller built: no timers, no
//! runtime, no global state, so the same code runs under `gloo-timers` and `tokio`. Errors are
//! [`ChainError`]s that keep the transport's typed cause.

pub mod beacon;
mod calls;
mod cluster_scan;
mod deposits;
mod error;
pub mod exits;
mod fees;
mod key_check;
mod operations;
mod operators;
pub mod planner;
mod registry;
mod roles;
mod scan;
pub mod ssv;
pub mod tx;

pub use cluster_scan::{CLUSTER_REORG_MARGIN, ClusterCursor, FoundCluster, latest_cluster};
pub use deposits::{
    DepositCursor, DepositedKey, decode_deposit, deposit_count, deposit_count_at, scan_deposits,
};
pub use error::{ChainError, DecodeCause};
pub use fees::fee_market;
pub use operations::{Operations, PoolAddresses, funding_quote, read_operations};
pub use operators::{
    OperatorKey, OperatorProblem, OperatorState, operator_key_text, operator_keys, operator_states,
};
pub use registry::{
    PendingEntry, RegistryCursor, RegistryEntry, RegistryView, pending_entries, registry_entries,
};
pub use roles::{Roles, role_id, roles};
pub use scan::{MAX_LOG_WINDOW, ScanError, scan_logs};
pub use ssv::{SsvViews, cluster_balance, fee_schedule, scan_clusters, ssv_registered};

/// Sends `method` with `params` (a JSON array) and decodes the answer as `R`.
///
/// alloy's request machinery is generic over the parameters' and the answer's types, and each
/// pair is a copy of it in the browser's download: through here, every call shares one
/// ([`call_raw`]), and only the answer's own decoding is per type.
pub async fn call<R: serde::de::DeserializeOwned>(
    client: &alloy_rpc_client::RpcClient,
    method: &'static str,
    params: serde_json::Value,
) -> Result<R, alloy_transport::TransportError> {
    let raw = call_raw(client, method, params).await?;
    serde_json::from_str(raw.get())
        .map_err(|e| alloy_transport::TransportError::deser_err(e, raw.get()))
}

/// [`call`]'s request, its answer kept raw.
async fn call_raw(
    client: &alloy_rpc_client::RpcClient,
    method: &'static str,
    params: serde_json::Value,
) -> Result<Box<serde_json::value::RawValue>, alloy_transport::TransportError> {
    client.request(method, params).await
}

/// The staker page's one read: the pool's figures, `reads`' account, the withdrawal queue and
/// the wrapper at the latest block, in one deployless `eth_call` of `StakerView`.
pub async fn read_pool(
    client: &alloy_rpc_client::RpcClient,
    reads: crate::reads::PoolReads,
) -> Result<crate::reads::Reading, ChainError> {
    let result: alloy_primitives::Bytes = call(
        client,
        "eth_call",
        serde_json::json!([reads.call(), "latest"]),
    )
    .await?;
    reads.decode(&result).map_err(|e| ChainError::Decode {
        what: "StakerView",
        cause: DecodeCause::Reads(e),
    })
}
