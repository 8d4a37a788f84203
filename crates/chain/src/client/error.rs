use std::fmt;

use alloy_transport::TransportError;

/// What went wrong talking to the chain, with the transport's own error kept as the cause (a
/// wallet's EIP-1193 code, an HTTP status, a node's JSON-RPC error), so callers can react to it.
#[derive(Debug)]
pub enum ChainError {
    /// The request did not get an answer, or the node answered with an error.
    Rpc(TransportError),
    /// An answer came back that does not decode as the contract's ABI says.
    Decode { what: &'static str, cause: String },
}

impl fmt::Display for ChainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChainError::Rpc(e) => match e {
                alloy_json_rpc::RpcError::ErrorResp(payload) => {
                    write!(f, "The node refused the request: {}.", payload.message)
                }
                alloy_json_rpc::RpcError::Transport(kind) => {
                    write!(f, "The node could not be reached ({kind}).")
                }
                other => write!(f, "The node's answer could not be used ({other})."),
            },
            ChainError::Decode { what, cause } => {
                write!(f, "The node's answer for {what} does not decode ({cause}).")
            }
        }
    }
}

impl std::error::Error for ChainError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ChainError::Rpc(e) => Some(e),
            ChainError::Decode { .. } => None,
        }
    }
}

impl From<TransportError> for ChainError {
    fn from(error: TransportError) -> Self {
        ChainError::Rpc(error)
    }
}
