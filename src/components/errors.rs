//! Turns what can go wrong on the way to the chain into one plain sentence each: the words for
//! the state's typed errors (`state::error`), here among the views.

use std::fmt;

use alloy_primitives::Bytes;
use pool_chain::client::ChainError;
use pool_chain::client::tx::TxError;
use pool_eip1193::codes;

use crate::state::error::{AppError, RpcError};
use crate::state::rpc::RpcProblem;

/// The sentence the views show for a failed read or request.
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
pub fn describe_rpc(problem: &RpcProblem, chain_id: u64) -> String {
    match problem {
        RpcProblem::NotHttp => "Enter an http:// or https:// URL.".into(),
        RpcProblem::WrongChain { url, actual } => format!(
            "The RPC at {url} serves chain {actual}, not this pool's chain {chain_id}: it is not used."
        ),
        RpcProblem::Failed(error) => error.to_string(),
    }
}

/// A sentence for the user about a transaction that was not sent.
pub fn describe_tx(error: &TxError) -> String {
    match error {
        TxError::Reverted { error: Some(e), .. } => e.to_string(),
        TxError::Reverted { cause, .. } | TxError::Rpc(cause) => describe_chain(cause),
        TxError::WrongChain { .. } => error.to_string(),
    }
}

/// A sentence for the user about a failed read of the client layer.
pub fn describe_chain(error: &ChainError) -> String {
    match error {
        ChainError::Rpc(e) => describe(e),
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

/// A sentence for the user about a configuration the app could not load.
pub fn config_problem(problem: &crate::config::ConfigProblem) -> String {
    use crate::config::ConfigProblem;
    match problem {
        ConfigProblem::Unreachable => {
            "The app could not load its network configuration (config.json).".into()
        }
        ConfigProblem::Missing { url, status } => format!(
            "The network configuration is missing ({url} answered {status}). Serve a config.json beside index.html."
        ),
        ConfigProblem::Invalid(error) => error.to_string(),
    }
}
