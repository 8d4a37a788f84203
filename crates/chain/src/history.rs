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
    /// Per position: what to match, or `None` for anything.
    pub topics: Vec<Option<Topic>>,
    pub from_block: U64,
    pub to_block: U64,
}

/// One position of a log filter: a topic, or any of several.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Topic {
    One(B256),
    AnyOf(Vec<B256>),
}

/// Plans `eth_getLogs` ranges over `from..=to`: public RPCs cap the range a request may cover
/// (and answer with an error past it), so the scan asks for at most `max_window` blocks, halves
/// the window after a refusal ([`LogScan::failed`]) and grows it back after each success. A rate
/// limit ([`LogScan::rate_limited`]: HTTP 429, "limit exceeded") says nothing of the range: the
/// same range is asked again after a pause that doubles while the limit lasts.
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
///
/// let mut scan = LogScan::new(0, 99, 64);
/// assert_eq!(scan.rate_limited(), Ok(500));     // HTTP 429: wait, same range
/// assert_eq!(scan.rate_limited(), Ok(1_000));
/// assert_eq!(scan.next_range(), Some((0, 63)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogScan {
    next: u64,
    to: u64,
    window: u64,
    max_window: u64,
    done: bool,
    /// Rate limits in a row on the current range.
    rate_limits: u32,
}

/// The first pause after a rate limit, in milliseconds; it doubles while the limit lasts.
pub const RATE_LIMIT_PAUSE_MS: u32 = 500;
/// The longest pause after a rate limit, in milliseconds.
pub const RATE_LIMIT_MAX_PAUSE_MS: u32 = 30_000;
/// Rate limits in a row on one range before the scan gives up (about 1.5 minutes of pauses).
pub const RATE_LIMIT_RETRIES: u32 = 8;

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
            rate_limits: 0,
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
            self.rate_limits = 0;
        }
    }

    /// The last range was refused for the rate of requests, not its size: keep the window and
    /// wait the returned milliseconds before asking again; after [`RATE_LIMIT_RETRIES`] in a
    /// row, give up.
    pub fn rate_limited(&mut self) -> Result<u32, ScanGaveUp> {
        if self.rate_limits >= RATE_LIMIT_RETRIES {
            return Err(ScanGaveUp { block: self.next });
        }
        let pause = RATE_LIMIT_PAUSE_MS
            .saturating_mul(1 << self.rate_limits.min(16))
            .min(RATE_LIMIT_MAX_PAUSE_MS);
        self.rate_limits += 1;
        Ok(pause)
    }

    /// The last range was refused: try half of it, unless it was a single block already.
    pub fn failed(&mut self) -> Result<(), ScanGaveUp> {
        if self.window == 1 {
            return Err(ScanGaveUp { block: self.next });
        }
        self.window /= 2;
        self.rate_limits = 0;
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
    /// `None` for a pending log (nodes answer `null`).
    #[serde(default)]
    pub block_number: Option<U64>,
    /// Position in its block; `None` for a pending log.
    #[serde(default)]
    pub log_index: Option<U64>,
}

fn decode<E: SolEvent>(log: &RawLog) -> Option<E> {
    E::decode_raw_log(log.topics.iter().copied(), &log.data).ok()
}

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

/// Blocks behind the head that may still be reorganised: their logs are read again at each
/// scan, and only logs deeper than this are kept for good.
pub const REORG_MARGIN: u64 = 64;

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
/// use pool_chain::history::{HistoryCursor, ScanLogs, REORG_MARGIN};
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

    #[test]
    fn a_rate_limit_keeps_the_window_and_backs_off() {
        let mut scan = LogScan::new(0, 1_000, 100);
        scan.failed().unwrap();
        assert_eq!(scan.next_range(), Some((0, 49)));
        let pauses: Vec<u32> = (0..RATE_LIMIT_RETRIES)
            .map(|_| scan.rate_limited().unwrap())
            .collect();
        assert_eq!(
            pauses,
            [500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]
        );
        assert_eq!(
            scan.next_range(),
            Some((0, 49)),
            "the same range, not halved"
        );
        assert_eq!(scan.rate_limited(), Err(ScanGaveUp { block: 0 }));
        // An answer ends the limit: the next one starts from the first pause again.
        scan.succeeded();
        assert_eq!(scan.next_range(), Some((50, 149)));
        assert_eq!(scan.rate_limited(), Ok(500));
    }

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
