//! Other RPC answers: hex quantities and data as JSON strings, transaction receipts, and the
//! staker page's `eth_call` result (`PoolReads::decode`).

use alloy_primitives::{Address, B256, Bytes, U64, U256};
use pool_chain::reads::PoolReads;
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

    /// The snapshot call's result: nine words of any value, cut or extended: a reading, or a
    /// `DecodeError` in words; values that fit decode to themselves.
    #[test]
    fn snapshot_results_decode_or_are_refused(
        words in prop::collection::vec(prop_oneof![any::<[u64; 4]>(), (0u64..1 << 40).prop_map(|v| [v, 0, 0, 0])], 9),
        cut in 0usize..40,
        extra in prop::collection::vec(any::<u8>(), 0..40),
        account in any::<bool>(),
    ) {
        let values: Vec<U256> = words.iter().map(|limbs| U256::from_limbs(*limbs)).collect();
        let mut data: Vec<u8> = values.iter().flat_map(|v| v.to_be_bytes::<32>()).collect();
        let whole = cut == 0 && extra.is_empty();
        data.truncate(data.len() - cut);
        if cut == 0 {
            data.extend(extra);
        }
        let reads = reads(account.then_some(Address::repeat_byte(9)));
        match reads.decode(&Bytes::from(data)) {
            Ok(reading) => {
                if whole {
                    prop_assert_eq!(U256::from(reading.block), values[0]);
                    prop_assert_eq!(reading.pool.totals.total_pooled_ether, values[1]);
                    prop_assert_eq!(U256::from(reading.pool.runway_blocks), values[5]);
                }
            }
            Err(error) => {
                assert_sentence(&error);
                // Whole, it is refused only for a value out of range.
                if whole {
                    prop_assert!(error.0.contains("out of range") || error.0.contains("too large"), "{}", error);
                }
            }
        }
    }
}
