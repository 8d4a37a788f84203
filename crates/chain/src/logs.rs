//! Log plumbing shared by every scanner (the staker's history, the deposit contract's deposits,
//! the registry's and the SSV network's events): `eth_getLogs` filters, the logs as nodes answer
//! them, the ranges a windowed scan asks for, and how deep a log must be to be kept for good.
//! Nothing here knows which contract or event it reads.

use alloy_primitives::{Address, B256, Bytes, U64};
use alloy_sol_types::SolEvent;
use serde::{Deserialize, Serialize};

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
/// use pool_chain::logs::LogScan;
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

/// `log` decoded as the event `E`, or `None` when it is another event (or malformed).
pub(crate) fn decode<E: SolEvent>(log: &RawLog) -> Option<E> {
    E::decode_raw_log(log.topics.iter().copied(), &log.data).ok()
}

/// Blocks behind the head that may still be reorganised: their logs are read again at each
/// scan, and only logs deeper than this are kept for good.
pub const REORG_MARGIN: u64 = 64;

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
}
