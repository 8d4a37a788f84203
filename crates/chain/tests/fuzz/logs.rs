//! `eth_getLogs` answers: the JSON of a log (`RawLog`) and the event decoders run on it (oracle
//! reports, poolETH transfers, SSV cluster events, beacon deposits).

use alloy_primitives::{Address, B256, Bytes, LogData, U64, U256};
use alloy_sol_types::SolEvent;
use pool_chain::bindings::{PoolETH, PoolManager};
use pool_chain::history::{RawLog, decode_reports, sum_transfers};
use pool_chain::ssv::decode_cluster_event;
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::mutate::near;
use crate::{assert_sentence, config};

alloy_sol_types::sol! {
    /// The SSV network's cluster event and the deposit contract's event, as in the reference
    /// ABIs (`contracts/reference/`), to encode real logs.
    struct SsvCluster { uint32 validatorCount; uint64 networkFeeIndex; uint64 index; bool active; uint256 balance; }
    event ClusterDeposited(address indexed owner, uint64[] operatorIds, uint256 value, SsvCluster cluster);
    event DepositEvent(bytes pubkey, bytes withdrawal_credentials, bytes amount, bytes signature, bytes index);
}

/// A log as a node answers it, with the fields the decoders skip.
fn node_log(data: LogData, block: u64, index: u64) -> Value {
    json!({
        "address": Address::repeat_byte(0x11),
        "topics": data.topics(),
        "data": data.data,
        "blockNumber": U64::from(block),
        "logIndex": U64::from(index),
        "blockHash": B256::repeat_byte(0x22),
        "transactionHash": B256::repeat_byte(0x33),
        "transactionIndex": "0x0",
        "removed": false,
    })
}

fn report() -> PoolManager::BeaconReported {
    PoolManager::BeaconReported {
        timestamp: 1_700_000_000,
        beaconValidators: 8,
        reportedBalance: U256::from(256u128 * 10u128.pow(18)),
        accountedBalance: U256::from(255u128 * 10u128.pow(18)),
        newWithdrawals: U256::from(3u8),
        executionRewards: U256::from(4u8),
        spareEther: U256::from(6u8),
        preTotalPooledEther: U256::from(10u8).pow(U256::from(20u8)),
        postTotalPooledEther: U256::from(10u8).pow(U256::from(20u8)) + U256::from(5u8),
        totalShares: U256::from(10u8).pow(U256::from(20u8)),
    }
}

fn transfer() -> PoolETH::Transfer {
    PoolETH::Transfer {
        from: Address::repeat_byte(1),
        to: Address::repeat_byte(2),
        value: U256::from(7u64) * U256::from(10u8).pow(U256::from(17u8)),
    }
}

fn cluster_deposited() -> ClusterDeposited {
    ClusterDeposited {
        owner: Address::repeat_byte(3),
        operatorIds: vec![1, 2, 3, 4],
        value: U256::from(9u8),
        cluster: SsvCluster {
            validatorCount: 2,
            networkFeeIndex: 3,
            index: 4,
            active: true,
            balance: U256::from(6u8),
        },
    }
}

fn deposit_event() -> DepositEvent {
    DepositEvent {
        pubkey: Bytes::from(vec![0xaa; 48]),
        withdrawal_credentials: Bytes::from(vec![0x01; 32]),
        amount: Bytes::from(32_000_000_000u64.to_le_bytes().to_vec()),
        signature: Bytes::from(vec![0xbb; 96]),
        index: Bytes::from(5u64.to_le_bytes().to_vec()),
    }
}

fn seeds() -> Vec<Value> {
    vec![
        node_log(report().encode_log_data(), 10, 0),
        node_log(transfer().encode_log_data(), 11, 1),
        node_log(cluster_deposited().encode_log_data(), 12, 2),
        node_log(deposit_event().encode_log_data(), 13, 3),
    ]
}

/// Every decoder on `log`: none may panic, whatever the log holds.
fn decode_all(log: &RawLog) {
    let _ = decode_reports(std::slice::from_ref(log));
    let _ = sum_transfers(&[log.clone(), log.clone()]);
    let _ = decode_cluster_event(log);
    #[cfg(feature = "client")]
    let _ = pool_chain::client::decode_deposit(log);
}

#[test]
fn the_seed_logs_decode_to_their_events() {
    let logs: Vec<RawLog> = seeds()
        .into_iter()
        .map(|seed| serde_json::from_value(seed).unwrap())
        .collect();
    let reports = decode_reports(&logs);
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].post_total, report().postTotalPooledEther);
    assert_eq!(sum_transfers(&logs), transfer().value);
    let event = decode_cluster_event(&logs[2]).expect("a cluster event");
    assert_eq!((event.at.block, event.at.index), (12, 2));
    assert_eq!(event.operator_ids, vec![1, 2, 3, 4]);
    assert_eq!(event.cluster.balance, U256::from(6u8));
    #[cfg(feature = "client")]
    {
        let deposit = pool_chain::client::decode_deposit(&logs[3]).expect("a deposit");
        assert_eq!((deposit.amount_gwei, deposit.index), (32_000_000_000, 5));
    }
}

/// Event data of any length behind a real event's topics: ABI offsets and lengths pointing
/// anywhere, words cut short.
fn odd_event_data() -> impl Strategy<Value = RawLog> {
    let topics = prop::sample::select(vec![
        report().encode_log_data().topics().to_vec(),
        transfer().encode_log_data().topics().to_vec(),
        cluster_deposited().encode_log_data().topics().to_vec(),
        deposit_event().encode_log_data().topics().to_vec(),
    ]);
    let data = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..400),
        prop::sample::select(vec![
            cluster_deposited().encode_log_data().data.to_vec(),
            deposit_event().encode_log_data().data.to_vec(),
        ])
        .prop_flat_map(|data| {
            let len = data.len();
            (Just(data), 0..len, any::<u8>(), 0..len)
        })
        .prop_map(|(mut data, at, byte, cut)| {
            data[at] = byte;
            data.truncate(data.len() - cut % 64);
            data
        }),
    ];
    (
        topics,
        prop::collection::vec(any::<[u8; 32]>(), 0..3),
        data,
        any::<bool>(),
    )
        .prop_map(|(mut topics, extra, data, pending)| {
            topics.extend(extra.into_iter().map(B256::from));
            RawLog {
                address: Address::ZERO,
                topics,
                data: data.into(),
                block_number: (!pending).then_some(U64::from(1)),
                log_index: (!pending).then_some(U64::from(0)),
            }
        })
}

/// Found by `transfer_sums_never_wrap`: two transfers of just over half of U256 summed to
/// almost nothing (U256's `+` wraps, in debug builds too).
#[test]
fn regression_transfer_sums_saturate() {
    let half = U256::MAX / U256::from(2u8) + U256::from(1u8);
    let log: RawLog = serde_json::from_value(node_log(
        PoolETH::Transfer {
            value: half,
            ..transfer()
        }
        .encode_log_data(),
        1,
        0,
    ))
    .unwrap();
    assert_eq!(sum_transfers(&[log.clone(), log]), U256::MAX);
}

proptest! {
    #![proptest_config(config())]

    /// Mutated node answers: a typed parse error in words, or a log every decoder takes.
    #[test]
    fn mutated_logs_parse_and_decode_or_are_refused(
        text in prop::sample::select(seeds()).prop_flat_map(near)
    ) {
        match serde_json::from_str::<RawLog>(&text) {
            Ok(log) => decode_all(&log),
            Err(error) => assert_sentence(&error),
        }
    }

    #[test]
    fn odd_event_data_is_decoded_or_skipped(log in odd_event_data()) {
        decode_all(&log);
    }

    /// A node's transfers, however large, never add up to less than one of them (a wrapped
    /// total would show a staker a tiny history).
    #[test]
    fn transfer_sums_never_wrap(values in prop::collection::vec(any::<[u64; 4]>(), 1..4)) {
        let logs: Vec<RawLog> = values
            .iter()
            .map(|limbs| {
                let event = PoolETH::Transfer { value: U256::from_limbs(*limbs), ..transfer() };
                serde_json::from_value(node_log(event.encode_log_data(), 1, 0)).unwrap()
            })
            .collect();
        let sum = sum_transfers(&logs);
        for limbs in &values {
            prop_assert!(sum >= U256::from_limbs(*limbs));
        }
    }
}
