//! The pool's history from its events: oracle reports (the rebase history and APR) and a
//! staker's poolETH movements (their rewards). Builds the `eth_getLogs` filters and decodes the
//! logs; callers fetch them.

use alloy_primitives::{Address, B256, Bytes, U64, U256};
use alloy_sol_types::SolEvent;
use pool_core::rewards::Report;
use serde::{Deserialize, Serialize};

use crate::bindings::{PoolETH, PoolManager};

/// An `eth_getLogs` filter over blocks `from_block..=to_block`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogFilter {
    pub address: Address,
    /// Per position: a topic to match, or `None` for any.
    pub topics: Vec<Option<B256>>,
    pub from_block: U64,
    pub to_block: U64,
}

/// Plans `eth_getLogs` ranges over `from..=to`: public RPCs cap the range a request may cover
/// (and answer with an error past it), so the scan asks for at most `max_window` blocks, halves
/// the window after an error and grows it back after each success.
///
/// ```
/// use pool_chain::history::LogScan;
/// let mut scan = LogScan::new(0, 99, 64);
/// assert_eq!(scan.next_range(), Some((0, 63)));
/// scan.failed().unwrap();                       // "range too large"
/// assert_eq!(scan.next_range(), Some((0, 31)));
/// scan.succeeded();
/// assert_eq!(scan.next_range(), Some((32, 95)));
/// scan.succeeded();
/// assert_eq!(scan.next_range(), Some((96, 99)));
/// scan.succeeded();
/// assert_eq!(scan.next_range(), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogScan {
    next: u64,
    to: u64,
    window: u64,
    max_window: u64,
    done: bool,
}

/// The node refused even a one-block range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanGaveUp {
    pub block: u64,
}

impl LogScan {
    pub fn new(from: u64, to: u64, max_window: u64) -> Self {
        let max_window = max_window.max(1);
        LogScan {
            next: from,
            to,
            window: max_window,
            max_window,
            done: from > to,
        }
    }

    /// The next range to ask for, or `None` when the scan is complete.
    pub fn next_range(&self) -> Option<(u64, u64)> {
        (!self.done).then(|| {
            (
                self.next,
                self.to.min(self.next.saturating_add(self.window - 1)),
            )
        })
    }

    /// The last range was answered: move on, with a window twice as large (up to the maximum).
    pub fn succeeded(&mut self) {
        if let Some((_, end)) = self.next_range() {
            if end == self.to {
                self.done = true;
            } else {
                self.next = end + 1;
            }
            self.window = (self.window * 2).min(self.max_window);
        }
    }

    /// The last range was refused: try half of it, unless it was a single block already.
    pub fn failed(&mut self) -> Result<(), ScanGaveUp> {
        if self.window == 1 {
            return Err(ScanGaveUp { block: self.next });
        }
        self.window /= 2;
        Ok(())
    }
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

/// The oracle reports of `pool_manager` in blocks `from..=to`.
pub fn reports_filter(pool_manager: Address, (from, to): (u64, u64)) -> LogFilter {
    LogFilter {
        address: pool_manager,
        topics: vec![Some(PoolManager::BeaconReported::SIGNATURE_HASH)],
        from_block: U64::from(from),
        to_block: U64::from(to),
    }
}

/// poolETH `Transfer`s from `account` (`incoming == false`) or to it, in blocks `from..=to`.
pub fn transfers_filter(
    pool_eth: Address,
    account: Address,
    incoming: bool,
    (from, to): (u64, u64),
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
        from_block: U64::from(from),
        to_block: U64::from(to),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scan_covers_every_block_once_and_shrinks_to_what_the_node_allows() {
        // A node that refuses ranges over 10 blocks.
        let mut scan = LogScan::new(5, 104, 64);
        let mut covered = Vec::new();
        while let Some((from, to)) = scan.next_range() {
            if to - from + 1 > 10 {
                scan.failed().unwrap();
            } else {
                covered.extend(from..=to);
                scan.succeeded();
            }
        }
        assert_eq!(covered, (5..=104).collect::<Vec<_>>());
    }

    #[test]
    fn a_node_that_refuses_everything_ends_the_scan() {
        let mut scan = LogScan::new(0, 10, 4);
        assert!(scan.failed().is_ok());
        assert!(scan.failed().is_ok());
        assert_eq!(scan.failed(), Err(ScanGaveUp { block: 0 }));
        assert_eq!(LogScan::new(5, 4, 10).next_range(), None, "an empty range");
    }
}
