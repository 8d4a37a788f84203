//! A node that refuses the transactions a real node (geth, reth, Nethermind) refuses and anvil
//! takes, with geth's words and code:
//!
//! - over 128 KiB (geth's `txMaxSize`): `eth_sendRawTransaction` measured on the signed
//!   encoding as geth does (`tx.Size()`), `eth_sendTransaction` on its calldata plus
//!   [`MIN_ENVELOPE_BYTES`] (the least a signature, fees, nonce and `to` add, so a refusal here is
//!   one geth would make too) - `-32000 "oversized data: transaction size N, limit 131072"`;
//! - asking for more than 2^24 gas (EIP-7825, Osaka): `-32000 "transaction gas limit too high
//!   (cap: 16777216, tx: N)"`. anvil runs with its own check of that limit too
//!   (`--enable-tx-gas-limit`, see [`crate::Devnet::start`]), which catches the transactions it
//!   fills the gas of itself.
//!
//! Everything else (calls, estimates, reads) is forwarded as it is: geth caps calls' and
//! estimates' gas itself rather than refusing them. A refused call of a batch is answered with
//! the error, the others are forwarded.
//!
//! [`crate::Devnet::start`] puts one in front of its anvil by default
//! (`DevnetOptions::real_node`): `Devnet::rpc_url()` and `Devnet::provider()` go through it,
//! `Devnet::anvil_url()` does not.

use std::sync::atomic::{AtomicUsize, Ordering};

use alloy::consensus::{Transaction, TxEnvelope};
use alloy::eips::eip2718::Decodable2718;
use pool_core::limits::{MAX_TX_BYTES, MAX_TX_GAS};
use serde_json::{Value, json};

use super::{Behaviour, Exchange, Fault};

/// The least a signed EIP-1559 transaction adds around its calldata (type, list and data
/// headers, chain id, nonce, two fees, gas, `to`, value, empty access list, y parity, r, s).
pub const MIN_ENVELOPE_BYTES: usize = 110;

/// geth's JSON-RPC code for a transaction its pool refuses.
pub const REFUSED_CODE: i64 = -32000;

/// The behaviour: geth's refusals, counted.
#[derive(Default)]
pub struct RealNode {
    refused: AtomicUsize,
}

impl RealNode {
    /// Transactions refused so far.
    pub fn refused(&self) -> usize {
        self.refused.load(Ordering::Relaxed)
    }
}

impl Behaviour for RealNode {
    fn request(&self, exchange: &mut Exchange) -> Option<Fault> {
        for index in 0..exchange.calls.len() {
            if let Some(error) = refusal(&exchange.calls[index]) {
                self.refused.fetch_add(1, Ordering::Relaxed);
                exchange.answer(index, error);
            }
        }
        None
    }
}

/// geth's refusal of `request`, if it refuses it (an error object without the id).
pub fn refusal(request: &Value) -> Option<Value> {
    let params = request.get("params")?;
    let (size, gas) = match request.get("method")?.as_str()? {
        "eth_sendRawTransaction" => {
            let raw = params.get(0)?.as_str()?;
            let bytes = alloy::primitives::hex::decode(raw).ok()?;
            let gas = TxEnvelope::decode_2718(&mut bytes.as_slice())
                .ok()
                .map(|tx| tx.gas_limit());
            (bytes.len(), gas)
        }
        "eth_sendTransaction" => {
            let tx = params.get(0)?;
            let data = tx
                .get("input")
                .or_else(|| tx.get("data"))
                .and_then(Value::as_str)
                .unwrap_or("0x");
            let calldata = data.trim_start_matches("0x").len() / 2;
            let gas = tx
                .get("gas")
                .and_then(Value::as_str)
                .and_then(|g| u64::from_str_radix(g.trim_start_matches("0x"), 16).ok());
            (calldata + MIN_ENVELOPE_BYTES, gas)
        }
        _ => return None,
    };
    if size > MAX_TX_BYTES {
        return Some(json!({
            "code": REFUSED_CODE,
            "message": format!("oversized data: transaction size {size}, limit {MAX_TX_BYTES}"),
        }));
    }
    match gas {
        Some(gas) if gas > MAX_TX_GAS => Some(json!({
            "code": REFUSED_CODE,
            "message": format!("transaction gas limit too high (cap: {MAX_TX_GAS}, tx: {gas})"),
        })),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geths_words_for_each_limit() {
        let big = format!("0x{}", "00".repeat(MAX_TX_BYTES));
        let send = json!({"method": "eth_sendTransaction", "params": [{"input": big}]});
        let error = refusal(&send).unwrap();
        assert_eq!(error["code"], REFUSED_CODE);
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .starts_with("oversized data: transaction size 131182, limit 131072")
        );
        let gas = json!({"method": "eth_sendTransaction", "params": [{"input": "0x", "gas": "0x1000001"}]});
        assert_eq!(
            refusal(&gas).unwrap()["message"],
            "transaction gas limit too high (cap: 16777216, tx: 16777217)"
        );
        let fine = json!({"method": "eth_sendTransaction", "params": [{"input": "0x12", "gas": "0x1000000"}]});
        assert_eq!(refusal(&fine), None);
        let call = json!({"method": "eth_call", "params": [{"input": big}, "latest"]});
        assert_eq!(refusal(&call), None);
    }
}
