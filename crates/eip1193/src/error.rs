//! Wallet errors with their EIP-1193 / JSON-RPC codes kept intact.

use serde_json::value::RawValue;
use wasm_bindgen::JsValue;

/// Standard codes a wallet answers with.
pub mod codes {
    /// EIP-1193: the user rejected the request.
    pub const USER_REJECTED: i64 = 4001;
    /// EIP-1193: the method or account has not been authorised by the user.
    pub const UNAUTHORIZED: i64 = 4100;
    /// EIP-1193: the wallet does not support the method.
    pub const UNSUPPORTED_METHOD: i64 = 4200;
    /// EIP-1193: the wallet is disconnected from all chains.
    pub const DISCONNECTED: i64 = 4900;
    /// EIP-1193: the wallet is not connected to the requested chain.
    pub const CHAIN_DISCONNECTED: i64 = 4901;
    /// EIP-3085/3326: the wallet does not know the chain (add it first).
    pub const UNRECOGNIZED_CHAIN: i64 = 4902;
    /// JSON-RPC: a request of the same kind is already pending (MetaMask).
    pub const RESOURCE_UNAVAILABLE: i64 = -32002;
    /// JSON-RPC: internal error; wallets report reverts and funds problems with it.
    pub const INTERNAL: i64 = -32603;
    /// Execution reverted (nodes answer eth_call and eth_estimateGas reverts with it).
    pub const EXECUTION_REVERTED: i64 = 3;
}

/// An error from the wallet, as it reported it.
#[derive(Debug, Clone)]
pub struct ProviderError {
    pub code: i64,
    pub message: String,
    /// The error's `data`, as JSON text, when the wallet sent one (revert data lives here).
    pub data: Option<Box<RawValue>>,
}

impl ProviderError {
    pub(crate) fn internal(message: String) -> Self {
        ProviderError {
            code: codes::INTERNAL,
            message,
            data: None,
        }
    }

    /// Reads `code`, `message` and `data` from whatever the wallet threw or rejected with.
    pub fn from_js(error: JsValue) -> Self {
        let field = |name: &str| js_sys::Reflect::get(&error, &name.into()).ok();
        let code = field("code").and_then(|c| c.as_f64()).map(|c| c as i64);
        let message = field("message")
            .and_then(|m| m.as_string())
            .or_else(|| error.as_string())
            .unwrap_or_else(|| "the wallet reported an error without a message".into());
        let data = field("data")
            .filter(|d| !d.is_undefined() && !d.is_null())
            .and_then(|d| js_sys::JSON::stringify(&d).ok())
            .and_then(|s| s.as_string())
            .and_then(|s| RawValue::from_string(s).ok());
        ProviderError {
            code: code.unwrap_or(codes::INTERNAL),
            message,
            data,
        }
    }
}

impl std::fmt::Display for ProviderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (code {})", self.message, self.code)
    }
}

impl std::error::Error for ProviderError {}
