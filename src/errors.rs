//! Turns what can go wrong on the way to the chain into one plain sentence each.

use std::fmt;
use std::sync::Arc;

use alloy_primitives::Bytes;
use pool_chain::client::ChainError;
use pool_eip1193::codes;

/// The RPC error type of alloy clients.
pub type RpcError = alloy_json_rpc::RpcError<alloy_transport::TransportErrorKind>;

/// What went wrong, kept typed in the state handles (so that code can tell a user's refusal from
/// a failure); its `Display` is the sentence the views show.
#[derive(Debug, Clone)]
pub enum AppError {
    /// A wallet or node request failed; the wallet's EIP-1193 code is kept.
    Rpc(Arc<RpcError>),
    /// A read or scan of the client layer failed.
    Chain(Arc<ChainError>),
    /// The wallet connected but shared no account.
    NoAccount,
}

impl AppError {
    /// The wallet's user declined (EIP-1193 code 4001): their choice, not a failure.
    pub fn is_user_rejection(&self) -> bool {
        let rpc = match self {
            AppError::Rpc(e) => Some(e.as_ref()),
            AppError::Chain(e) => match e.as_ref() {
                ChainError::Rpc(e) => Some(e),
                _ => None,
            },
            AppError::NoAccount => None,
        };
        rpc.and_then(|e| e.as_error_resp())
            .is_some_and(|p| p.code == codes::USER_REJECTED)
    }
}

impl From<RpcError> for AppError {
    fn from(error: RpcError) -> Self {
        AppError::Rpc(Arc::new(error))
    }
}

impl From<ChainError> for AppError {
    fn from(error: ChainError) -> Self {
        AppError::Chain(Arc::new(error))
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&match self {
            AppError::Rpc(e) => describe(e),
            AppError::Chain(e) => describe_chain(e),
            AppError::NoAccount => "Your wallet shared no account with this site.".into(),
        })
    }
}

/// A sentence for the user about an RPC endpoint the page does not use.
pub fn describe_rpc(problem: &crate::state::rpc::RpcProblem, chain_id: u64) -> String {
    use crate::state::rpc::RpcProblem;
    match problem {
        RpcProblem::NotHttp => "Enter an http:// or https:// URL.".into(),
        RpcProblem::WrongChain { url, actual } => format!(
            "The RPC at {url} serves chain {actual}, not this pool's chain {chain_id}: it is not used."
        ),
        RpcProblem::Failed(error) => error.to_string(),
    }
}

/// A sentence for the user about a transaction that was not sent.
pub fn describe_tx(error: &pool_chain::client::tx::TxError) -> String {
    use pool_chain::client::tx::TxError;
    match error {
        TxError::Reverted { error: Some(e), .. } => e.to_string(),
        TxError::Reverted { cause, .. } | TxError::Rpc(cause) => describe_chain(cause),
        TxError::WrongChain { .. } => error.to_string(),
    }
}

/// Whether the wallet's user declined the request (EIP-1193 code 4001): their choice, not a
/// failure.
pub fn is_user_rejection(error: &pool_chain::client::tx::TxError) -> bool {
    use pool_chain::client::{ChainError, tx::TxError};
    matches!(error, TxError::Rpc(ChainError::Rpc(e))
        if e.as_error_resp().is_some_and(|p| p.code == codes::USER_REJECTED))
}

/// A sentence for the user about a failed read of the client layer.
pub fn describe_chain(error: &pool_chain::client::ChainError) -> String {
    match error {
        pool_chain::client::ChainError::Rpc(e) => describe(e),
        other => other.to_string(),
    }
}

/// A sentence for the user about a failed request.
pub fn describe(error: &RpcError) -> String {
    if let Some(payload) = error.as_error_resp() {
        if let Some(data) = payload.as_revert_data()
            && let Some(reason) = pool_chain::revert::explain_revert(&data)
        {
            return reason;
        }
        if let Some(reason) = revert_in_data(payload.data.as_deref().map(|d| d.get())) {
            return reason;
        }
        // ASCII only: Unicode case tables would weigh kilobytes in the staker's download, for
        // node messages that are ASCII.
        let message = payload.message.to_ascii_lowercase();
        return match payload.code {
            codes::USER_REJECTED => {
                "You rejected the request in your wallet. Nothing was sent.".into()
            }
            codes::UNAUTHORIZED => {
                "Your wallet has not authorised this site: connect again.".into()
            }
            codes::RESOURCE_UNAVAILABLE => {
                "Your wallet already has a request waiting: open the wallet to answer it.".into()
            }
            codes::DISCONNECTED | codes::CHAIN_DISCONNECTED => {
                "Your wallet is not connected to the network.".into()
            }
            _ if message.contains("insufficient funds") => {
                "Your ETH balance cannot cover this amount plus the network fee.".into()
            }
            _ => format!("The request failed: {}", payload.message),
        };
    }
    match error {
        RpcError::Transport(kind) => {
            if let Some(unreachable) = pool_eip1193::Unreachable::in_error(kind) {
                format!("The page {unreachable}. Check your connection; nothing was sent.")
            } else if let Some(late) = pool_eip1193::TimedOut::in_error(kind) {
                format!(
                    "The RPC did not answer within {} seconds; the page keeps trying.",
                    late.ms / 1000
                )
            } else {
                format!("The network answered with an error: {kind}")
            }
        }
        RpcError::DeserError { .. } => {
            "The network sent an answer this app does not understand.".into()
        }
        other => format!("The request failed: {other}"),
    }
}

/// Wallets nest revert data in their error's `data` in different ways (a hex string, or
/// `{ data: "0x…" }`, or deeper); find the first custom error we know.
fn revert_in_data(data: Option<&str>) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(data?).ok()?;
    let mut stack = vec![&value];
    while let Some(v) = stack.pop() {
        match v {
            serde_json::Value::String(s) if s.starts_with("0x") && s.len() >= 10 => {
                if let Ok(bytes) = s.parse::<Bytes>()
                    && let Some(reason) = pool_chain::revert::explain_revert(&bytes)
                {
                    return Some(reason);
                }
            }
            serde_json::Value::Object(map) => stack.extend(map.values()),
            serde_json::Value::Array(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
    None
}
