//! What can go wrong on the way to the chain, kept typed in the state handles so that code can
//! tell a user's refusal from a failure. The sentences are the views' (`components::errors`).

use std::sync::Arc;

use pool_chain::client::ChainError;
use pool_chain::client::tx::TxError;
use pool_eip1193::codes;

/// The RPC error type of alloy clients.
pub type RpcError = alloy_json_rpc::RpcError<alloy_transport::TransportErrorKind>;

/// A failed read or request, its cause kept.
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
    /// The wallet's user declined: their choice, not a failure.
    pub fn is_user_rejection(&self) -> bool {
        match self {
            AppError::Rpc(e) => is_user_rejection(e),
            AppError::Chain(e) => chain_rejected(e),
            AppError::NoAccount => false,
        }
    }
}

/// Whether the wallet's user declined the request (EIP-1193 code 4001). The one test of it:
/// [`AppError`]s and transaction errors both come down to it.
pub fn is_user_rejection(error: &RpcError) -> bool {
    error
        .as_error_resp()
        .is_some_and(|p| p.code == codes::USER_REJECTED)
}

/// A transaction the wallet's user declined to send.
pub fn tx_rejected_by_user(error: &TxError) -> bool {
    matches!(error, TxError::Rpc(e) if chain_rejected(e))
}

fn chain_rejected(error: &ChainError) -> bool {
    matches!(error, ChainError::Rpc(e) if is_user_rejection(e))
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
