//! The pool's history from its events: oracle reports (the rebase history and APR) and a
//! staker's poolETH movements (their rewards). Builds the `eth_getLogs` filters and decodes the
//! logs; callers fetch them (the generic part, filters and windowed scans, is [`crate::logs`]).

use alloy_primitives::{Address, U64, U256};
use alloy_sol_types::SolEvent;
use pool_core::rewards::Report;

use crate::bindings::{PoolETH, PoolManager};
/// The logs this history is read from: the type its decoders take, named here too so that
/// callers of the history need not reach into the plumbing.
pub use crate::logs::RawLog;
use crate::logs::{LogFilter, REORG_MARGIN, Topic, decode};

/// The oracle reports of `pool_manager` in blocks `from..=to`.
pub fn reports_filter(pool_manager: Address, (from, to): (u64, u64)) -> LogFilter {
    LogFilter {
        address: pool_manager,
        topics: vec![Some(Topic::One(
            PoolManager::BeaconReported::SIGNATURE_HASH,
        ))],
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
    let account = Some(Topic::One(account.into_word()));
    let transfer = Some(Topic::One(PoolETH::Transfer::SIGNATURE_HASH));
    let topics = if incoming {
        vec![transfer, None, account]
    } else {
        vec![transfer, account]
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

/// The sum of the `Transfer` values in `logs`. Saturating: the values come from a node, and a
/// wrapped sum (U256's `+` wraps) would show a tiny total for a huge one.
pub fn sum_transfers(logs: &[RawLog]) -> U256 {
    logs.iter()
        .filter_map(decode::<PoolETH::Transfer>)
        .fold(U256::ZERO, |sum, t| sum.saturating_add(t.value))
}

/// The logs of one scan, over the range [`HistoryCursor::range_to`] gave.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanLogs {
    pub reports: Vec<RawLog>,
    /// poolETH `Transfer`s to the account.
    pub incoming: Vec<RawLog>,
    /// poolETH `Transfer`s from the account.
    pub outgoing: Vec<RawLog>,
}

/// The pool's reports and an account's poolETH flows, over a span of blocks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryTotals {
    pub reports: Vec<Report>,
    pub received: U256,
    pub sent: U256,
}

impl HistoryTotals {
    fn add(&mut self, reports: &[RawLog], incoming: &[RawLog], outgoing: &[RawLog]) {
        self.reports.extend(decode_reports(reports));
        self.received = self.received.saturating_add(sum_transfers(incoming));
        self.sent = self.sent.saturating_add(sum_transfers(outgoing));
    }
}

/// An account's history kept across refreshes, so that each scan reads only the blocks added
/// since the last one (plus the [`REORG_MARGIN`] re-read for safety), not the pool's whole life.
///
/// ```
/// use pool_chain::history::{HistoryCursor, ScanLogs};
/// use pool_chain::logs::REORG_MARGIN;
/// let mut cursor = HistoryCursor::new(None, 100);
/// assert_eq!(cursor.range_to(1_000), Some((100, 1_000)));
/// cursor.absorb(1_000, &ScanLogs::default());
/// // Next time, only the new blocks and the margin.
/// assert_eq!(cursor.range_to(1_010), Some((1_001 - REORG_MARGIN, 1_010)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryCursor {
    account: Option<Address>,
    /// Totals of the blocks up to `settled_through`, which are not read again.
    settled: HistoryTotals,
    /// The first block not settled yet.
    next: u64,
}

impl HistoryCursor {
    /// A cursor for `account` (or the pool alone) starting at the pool's deployment block.
    pub fn new(account: Option<Address>, deployment_block: u64) -> Self {
        HistoryCursor {
            account,
            settled: HistoryTotals::default(),
            next: deployment_block,
        }
    }

    pub fn account(&self) -> Option<Address> {
        self.account
    }

    /// The blocks a scan up to `latest` must read, or `None` when there is nothing new.
    pub fn range_to(&self, latest: u64) -> Option<(u64, u64)> {
        (self.next <= latest).then_some((self.next, latest))
    }

    /// Takes the logs of `range_to(latest)` and returns the totals up to `latest`. Logs more
    /// than [`REORG_MARGIN`] blocks deep are settled; the others count this time only, and are
    /// read again by the next scan. A log without a block number counts as recent.
    pub fn absorb(&mut self, latest: u64, logs: &ScanLogs) -> HistoryTotals {
        let settle_through = latest.saturating_sub(REORG_MARGIN);
        let settles = settle_through >= self.next;
        let split = |logs: &[RawLog]| -> (Vec<RawLog>, Vec<RawLog>) {
            logs.iter().cloned().partition(|log| {
                settles
                    && log
                        .block_number
                        .is_some_and(|b| b.to::<u64>() <= settle_through)
            })
        };
        let (deep_reports, recent_reports) = split(&logs.reports);
        let (deep_incoming, recent_incoming) = split(&logs.incoming);
        let (deep_outgoing, recent_outgoing) = split(&logs.outgoing);
        if settles {
            self.settled
                .add(&deep_reports, &deep_incoming, &deep_outgoing);
            self.next = settle_through + 1;
        }
        let mut totals = self.settled.clone();
        totals.add(&recent_reports, &recent_incoming, &recent_outgoing);
        totals
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(block: u64, event: impl alloy_sol_types::SolEvent) -> RawLog {
        let data = event.encode_log_data();
        RawLog {
            address: Address::ZERO,
            topics: data.topics().to_vec(),
            data: data.data,
            block_number: Some(U64::from(block)),
            log_index: Some(U64::ZERO),
        }
    }

    fn transfer(block: u64, wei: u64) -> RawLog {
        log(
            block,
            PoolETH::Transfer {
                from: Address::ZERO,
                to: Address::repeat_byte(1),
                value: U256::from(wei),
            },
        )
    }

    fn report(block: u64, timestamp: u64) -> RawLog {
        log(
            block,
            PoolManager::BeaconReported {
                timestamp,
                beaconValidators: 1,
                reportedBalance: U256::from(32),
                accountedBalance: U256::from(32),
                newWithdrawals: U256::ZERO,
                executionRewards: U256::from(1),
                spareEther: U256::ZERO,
                preTotalPooledEther: U256::from(100),
                postTotalPooledEther: U256::from(101),
                totalShares: U256::from(100),
            },
        )
    }

    /// The node's logs in `range`, as `eth_getLogs` would answer.
    fn chain_logs(all: &ScanLogs, (from, to): (u64, u64)) -> ScanLogs {
        let within = |logs: &[RawLog]| {
            logs.iter()
                .filter(|l| (from..=to).contains(&l.block_number.unwrap().to::<u64>()))
                .cloned()
                .collect()
        };
        ScanLogs {
            reports: within(&all.reports),
            incoming: within(&all.incoming),
            outgoing: within(&all.outgoing),
        }
    }

    #[test]
    fn incremental_scans_equal_one_full_scan_and_read_only_new_blocks() {
        let chain = ScanLogs {
            reports: vec![report(150, 1), report(900, 2), report(1_195, 3)],
            incoming: vec![transfer(120, 5), transfer(1_000, 7), transfer(1_199, 11)],
            outgoing: vec![transfer(800, 2)],
        };
        let mut cursor = HistoryCursor::new(Some(Address::repeat_byte(1)), 100);
        let mut read = 0;
        let mut last = HistoryTotals::default();
        for head in [130, 500, 1_000, 1_001, 1_100, 1_200] {
            let range = cursor.range_to(head).unwrap();
            read += range.1 - range.0 + 1;
            last = cursor.absorb(head, &chain_logs(&chain, range));
        }
        let mut full = HistoryCursor::new(Some(Address::repeat_byte(1)), 100);
        assert_eq!(last, full.absorb(1_200, &chain_logs(&chain, (100, 1_200))));
        assert_eq!((last.received, last.sent), (U256::from(23), U256::from(2)));
        let times: Vec<u64> = last.reports.iter().map(|r| r.timestamp).collect();
        assert_eq!(times, [1, 2, 3]);
        // 1,101 blocks of history, each read once plus the margin re-read per scan.
        assert!(read <= 1_101 + 5 * REORG_MARGIN, "read {read} blocks");
        assert_eq!(
            cursor.range_to(1_200),
            Some((1_200 - REORG_MARGIN + 1, 1_200))
        );
    }

    #[test]
    fn a_reorganised_recent_block_is_counted_as_it_ends_up() {
        let mut cursor = HistoryCursor::new(None, 0);
        let before = ScanLogs {
            incoming: vec![transfer(995, 4)],
            ..ScanLogs::default()
        };
        assert_eq!(cursor.absorb(1_000, &before).received, U256::from(4));
        // Block 995 was replaced: the transfer is now in 998, and counted once.
        let range = cursor.range_to(1_003).unwrap();
        assert!(range.0 <= 995);
        let after = ScanLogs {
            incoming: vec![transfer(998, 4)],
            ..ScanLogs::default()
        };
        assert_eq!(cursor.absorb(1_003, &after).received, U256::from(4));
    }
}
