//! Other RPC answers: hex quantities and data as JSON strings, transaction receipts, and the
//! staker page's `eth_call` result (`PoolReads::decode`).

use alloy_primitives::{Address, B256, Bytes, U64, U256};
use alloy_sol_types::SolCall;
use pool_chain::bindings::staker_view::{IStakerView, PoolMath, WithdrawalQueue};
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

    /// The staker page's reading (`StakerView`'s answer) with any figures and requests, cut or
    /// extended: a reading, or a `DecodeError` in words; figures that fit decode to themselves.
    #[test]
    fn staker_readings_decode_or_are_refused(
        words in prop::collection::vec(prop_oneof![any::<[u64; 4]>(), (0u64..1 << 40).prop_map(|v| [v, 0, 0, 0])], 12),
        requests in prop::collection::vec((any::<u64>(), any::<u128>(), any::<bool>(), any::<bool>()), 0..4),
        cut in 0usize..40,
        extra in prop::collection::vec(any::<u8>(), 0..40),
        account in any::<bool>(),
    ) {
        let v: Vec<U256> = words.iter().map(|limbs| U256::from_limbs(*limbs)).collect();
        let reading = IStakerView::Reading {
            timestamp: v[0],
            queueAddress: Address::repeat_byte(5),
            pool: PoolMath::Snapshot {
                blockNumber: v[1], totalPooledEther: v[2], totalShares: v[3], bufferedEther: v[4],
                activatedValidators: v[5], runway: v[6], shares: v[7], balance: v[8], ethBalance: v[9],
            },
            queue: WithdrawalQueue::Summary {
                lastRequestId: v[10], lastFinalizedId: v[11], unfinalizedEther: v[2],
                unfinalizedShares: v[3], oldestWaitingAt: 0, validatorsExiting: v[5],
                bufferedEther: v[4], exitsNeeded: U256::ZERO,
            },
            requests: requests.iter().enumerate().map(|(i, (at, amount, finalized, claimed))| WithdrawalQueue::Request {
                id: U256::from(i + 1), owner: Address::repeat_byte(9), requestedAt: *at,
                shares: U256::from(*amount), amount: U256::from(*amount), finalized: *finalized, claimed: *claimed,
            }).collect(),
            nextReportAt: v[0], reportInterval: v[1], minWithdrawal: v[2],
            maxFinalizedPerReport: v[5], exitGrace: v[6],
            wrapperRate: U256::ZERO, wrapped: U256::ZERO, wrapperAllowance: U256::ZERO,
        };
        let mut data = IStakerView::readCall::abi_encode_returns(&reading);
        let whole = cut == 0 && extra.is_empty();
        data.truncate(data.len().saturating_sub(cut));
        if cut == 0 {
            data.extend(extra);
        }
        let reads = reads(account.then_some(Address::repeat_byte(9)));
        match reads.decode(&Bytes::from(data)) {
            Ok(decoded) => {
                if whole {
                    prop_assert_eq!(U256::from(decoded.block), v[1]);
                    prop_assert_eq!(decoded.pool.totals.total_pooled_ether, v[2]);
                    prop_assert_eq!(U256::from(decoded.pool.runway_blocks), v[6]);
                    prop_assert_eq!(decoded.queue.requests.len(), requests.len());
                    prop_assert_eq!(decoded.queue.last_request_id, v[10]);
                }
            }
            Err(error) => {
                assert_sentence(&error);
                // Whole, it is refused only for a figure out of range or a queue that
                // finalized more than it was asked.
                if whole {
                    prop_assert!(error.0.contains("out of range") || error.0.contains("too large")
                        || error.0.contains("more requests finalized"), "{}", error);
                }
            }
        }
    }
}
