//! The pool's history from its events: oracle reports (the rebase history and APR) and a
//! staker's poolETH movements (their rewards). Builds the `eth_getLogs` filters and decodes the
//! logs; callers fetch them.

use alloy_primitives::{Address, B256, Bytes, U64, U256};
use alloy_sol_types::SolEvent;
use pool_core::rewards::Report;
use serde::{Deserialize, Serialize};

use crate::bindings::{PoolETH, PoolManager};

/// An `eth_getLogs` filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogFilter {
    pub address: Address,
    /// Per position: a topic to match, or `None` for any.
    pub topics: Vec<Option<B256>>,
    pub from_block: U64,
    pub to_block: &'static str,
}

/// The fields of a log the decoders need.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawLog {
    pub address: Address,
    pub topics: Vec<B256>,
    pub data: Bytes,
}

fn decode<E: SolEvent>(log: &RawLog) -> Option<E> {
    E::decode_raw_log(log.topics.iter().copied(), &log.data).ok()
}

/// Every oracle report of `pool_manager` since `from_block`.
pub fn reports_filter(pool_manager: Address, from_block: u64) -> LogFilter {
    LogFilter {
        address: pool_manager,
        topics: vec![Some(PoolManager::BeaconReported::SIGNATURE_HASH)],
        from_block: U64::from(from_block),
        to_block: "latest",
    }
}

/// poolETH `Transfer`s from `account` (`incoming == false`) or to it.
pub fn transfers_filter(
    pool_eth: Address,
    account: Address,
    incoming: bool,
    from_block: u64,
) -> LogFilter {
    let account = Some(account.into_word());
    let topics = if incoming {
        vec![Some(PoolETH::Transfer::SIGNATURE_HASH), None, account]
    } else {
        vec![Some(PoolETH::Transfer::SIGNATURE_HASH), account]
    };
    LogFilter {
        address: pool_eth,
        topics,
        from_block: U64::from(from_block),
        to_block: "latest",
    }
}

/// Reports in log order (which is time order).
pub fn decode_reports(logs: &[RawLog]) -> Vec<Report> {
    logs.iter()
        .filter_map(decode::<PoolManager::BeaconReported>)
        .map(|e| Report {
            timestamp: e.timestamp,
            pre_total: e.preTotalPooledEther,
            post_total: e.postTotalPooledEther,
            total_shares: e.totalShares,
        })
        .collect()
}

/// The sum of the `Transfer` values in `logs`.
pub fn sum_transfers(logs: &[RawLog]) -> U256 {
    logs.iter()
        .filter_map(decode::<PoolETH::Transfer>)
        .fold(U256::ZERO, |sum, t| sum + t.value)
}
