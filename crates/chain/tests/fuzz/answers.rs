//! Other RPC answers: hex quantities and data as JSON strings, transaction receipts, and the
//! staker page's `eth_call` result (`PoolReads::decode`).

use alloy_primitives::{Address, B256, Bytes, U64, U256};
use alloy_sol_types::SolValue;
use pool_chain::reads::{PoolReads, layout};
use pool_chain::rpc::TxReceipt;
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::mutate::{near, odd_string};
use crate::{assert_sentence, config};

/// Parses `text` as `T` from a JSON string: a value or a typed error in words.
fn quantity<T: serde::de::DeserializeOwned>(text: &str) -> Option<T> {
    match serde_json::from_value::<T>(Value::String(text.to_string())) {
        Ok(value) => Some(value),
        Err(error) => {
            assert_sentence(&error);
            None
        }
    }
}

fn reads(account: Option<Address>) -> PoolReads {
    PoolReads {
        pool_manager: Address::repeat_byte(1),
        pool_eth: Address::repeat_byte(2),
        account,
        wrapper: None,
    }
}

fn receipt() -> Value {
    json!({
        "transactionHash": B256::repeat_byte(7), "blockNumber": "0x10", "status": "0x1",
        "gasUsed": "0x5208", "logs": [], "from": Address::repeat_byte(3), "type": "0x2"
    })
}

proptest! {
    #![proptest_config(config())]

    /// Hex quantities of any length and digits: parsed, or refused in words; a parsed quantity
    /// writes back to a string that parses to it.
    #[test]
    fn quantities_parse_or_are_refused(text in odd_string()) {
        if let Some(value) = quantity::<U64>(&text) {
            let written = serde_json::to_value(value).unwrap();
            prop_assert_eq!(quantity::<U64>(written.as_str().unwrap()), Some(value));
        }
        if let Some(value) = quantity::<U256>(&text) {
            prop_assert_eq!(quantity::<U256>(&format!("{value:#x}")), Some(value));
        }
        let _ = quantity::<B256>(&text);
        let _ = quantity::<Address>(&text);
        if let Some(bytes) = quantity::<Bytes>(&text) {
            prop_assert_eq!(quantity::<Bytes>(&bytes.to_string()), Some(bytes));
        }
    }

    #[test]
    fn mutated_receipts_parse_or_are_refused(text in near(receipt())) {
        match serde_json::from_str::<TxReceipt>(&text) {
            Ok(receipt) => { let _ = receipt.succeeded(); }
            Err(error) => assert_sentence(&error),
        }
    }

    /// The staker page's reading (`StakerView`'s flat list of words) with any figures and
    /// requests, cut or extended: a reading, or a `DecodeError` in words; figures that fit
    /// decode to themselves.
    #[test]
    fn staker_readings_decode_or_are_refused(
        words in prop::collection::vec(prop_oneof![any::<[u64; 4]>(), (0u64..1 << 40).prop_map(|v| [v, 0, 0, 0])], layout::FIXED),
        requests in prop::collection::vec((any::<u64>(), any::<u128>(), 0u8..4), 0..4),
        cut in 0usize..40,
        extra in prop::collection::vec(any::<u8>(), 0..40),
        account in any::<bool>(),
    ) {
        let mut v: Vec<U256> = words.iter().map(|limbs| U256::from_limbs(*limbs)).collect();
        v[layout::QUEUE] = U256::from(0x5555u64);
        v[layout::REQUESTS] = U256::from(requests.len());
        for (i, (at, amount, flags)) in requests.iter().enumerate() {
            v.extend([U256::from(i + 1), U256::from(*at), U256::from(*amount), U256::from(*amount), U256::from(*flags)]);
        }
        let mut data = v.abi_encode();
        let whole = cut == 0 && extra.is_empty();
        data.truncate(data.len().saturating_sub(cut));
        if cut == 0 {
            data.extend(extra);
        }
        let reads = reads(account.then_some(Address::repeat_byte(9)));
        match reads.decode(&Bytes::from(data)) {
            Ok(decoded) => {
                prop_assert!(whole, "only the whole answer decodes");
                prop_assert_eq!(U256::from(decoded.block), v[layout::BLOCK]);
                prop_assert_eq!(decoded.pool.totals.total_pooled_ether, v[layout::TOTAL_POOLED]);
                prop_assert_eq!(U256::from(decoded.pool.runway_blocks), v[layout::RUNWAY]);
                prop_assert_eq!(decoded.queue.last_request_id, v[layout::LAST_REQUEST_ID]);
                if whole {
                    prop_assert_eq!(decoded.queue.requests.len(), requests.len());
                    for (r, (_, amount, flags)) in decoded.queue.requests.iter().zip(&requests) {
                        prop_assert_eq!(r.amount, U256::from(*amount));
                        prop_assert_eq!((r.finalized, r.claimed), (flags & 1 == 1, flags & 2 == 2));
                    }
                }
            }
            Err(error) => {
                assert_sentence(&error);
                // Whole, it is refused only for a figure out of range (or too large for share
                // maths) or a queue that finalized more than it was asked.
                if whole {
                    prop_assert!(error.0.contains("out of range") || error.0.contains("too large")
                        || error.0.contains("more requests finalized"), "{}", error);
                }
            }
        }
    }
}
