//! The few JSON-RPC parameter and result shapes the clients exchange, kept minimal so the
//! browser bundle does not carry every Ethereum RPC type.

use alloy_primitives::{Address, B256, Bytes, U64, U256};
use serde::{Deserialize, Serialize};

/// A call or transaction object for `eth_call`, `eth_estimateGas` and `eth_sendTransaction`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TxRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Address>,
    pub to: Address,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<U256>,
    /// Calldata, sent as `data` (what every node and wallet accepts).
    #[serde(default, skip_serializing_if = "<[u8]>::is_empty")]
    pub data: Bytes,
}

impl TxRequest {
    /// A read-only call of `to` with encoded `data`.
    pub fn call(to: Address, data: impl Into<Bytes>) -> Self {
        TxRequest {
            to,
            data: data.into(),
            ..Default::default()
        }
    }
}

/// The fields of a transaction receipt the app follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TxReceipt {
    pub transaction_hash: B256,
    pub block_number: U64,
    /// `0x1` success, `0x0` reverted.
    pub status: U64,
    pub gas_used: U64,
}

impl TxReceipt {
    pub fn succeeded(&self) -> bool {
        self.status == U64::from(1)
    }
}

/// An `eth_call` of creation code, with no recipient (a "deployless" read): the node runs the
/// constructor and answers with what it returns.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreationCall {
    pub data: Bytes,
}
