//! `eth_getLogs` as public RPCs serve it: the ranges a client asks and when ([`LogRanges`]), a
//! rate limit told as HTTP 429 or as a JSON-RPC -32005 "limit exceeded" ([`RateLimit`]), and a
//! cap on a request's range ([`LogCap`], -32005 "query returned more than 10000 results" as
//! Infura says). A scan must wait out the first without shrinking its window, and shrink it on
//! the second.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use serde_json::Value;

use super::{Behaviour, Exchange, Fault};

/// One `eth_getLogs` forwarded: its blocks and first topic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogRange {
    pub from: u64,
    pub to: u64,
    /// `0x…` (empty without topics).
    pub topic0: String,
}

fn block(filter: &Value, key: &str) -> u64 {
    let text = filter[key].as_str().unwrap_or("0x0");
    u64::from_str_radix(text.trim_start_matches("0x"), 16).unwrap_or(0)
}

/// The widest range of the request's `eth_getLogs` calls (blocks, both ends included).
fn widest(exchange: &Exchange) -> Option<u64> {
    exchange
        .calls
        .iter()
        .filter(|call| call["method"] == "eth_getLogs")
        .map(|call| {
            let filter = &call["params"][0];
            (block(filter, "toBlock") + 1).saturating_sub(block(filter, "fromBlock"))
        })
        .max()
}

/// Records the ranges forwarded and when each request with `eth_getLogs` came (limited or not).
#[derive(Default)]
pub struct LogRanges {
    ranges: Mutex<Vec<LogRange>>,
    times: Mutex<Vec<Instant>>,
}

impl LogRanges {
    pub fn ranges(&self) -> Vec<LogRange> {
        self.ranges.lock().unwrap().clone()
    }

    pub fn times(&self) -> Vec<Instant> {
        self.times.lock().unwrap().clone()
    }

    pub fn clear(&self) {
        self.ranges.lock().unwrap().clear();
        self.times.lock().unwrap().clear();
    }
}

impl Behaviour for LogRanges {
    fn request(&self, exchange: &mut Exchange) -> Option<Fault> {
        if exchange.calls("eth_getLogs") {
            self.times.lock().unwrap().push(Instant::now());
        }
        None
    }

    fn response(&self, exchange: &mut Exchange) -> Option<Fault> {
        let mut ranges = self.ranges.lock().unwrap();
        for (index, call) in exchange.calls.iter().enumerate() {
            if call["method"] == "eth_getLogs" && exchange.forwarded(index) {
                let filter = &call["params"][0];
                ranges.push(LogRange {
                    from: block(filter, "fromBlock"),
                    to: block(filter, "toBlock"),
                    topic0: filter["topics"][0].as_str().unwrap_or_default().to_string(),
                });
            }
        }
        None
    }
}

/// Rate-limits the next requests with `eth_getLogs`: first those told to answer HTTP 429, then
/// those told to answer -32005 "limit exceeded" (the whole batch).
#[derive(Default)]
pub struct RateLimit {
    http_429: AtomicUsize,
    limit_exceeded: AtomicUsize,
    limited: AtomicUsize,
}

/// Takes one from `left` if any is left.
fn take(left: &AtomicUsize) -> bool {
    left.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
}

impl RateLimit {
    /// Answers the next `n` with HTTP 429.
    pub fn http_429(&self, n: usize) {
        self.http_429.store(n, Ordering::SeqCst);
    }

    /// Answers the next `n` (after the 429s) with -32005 "limit exceeded".
    pub fn limit_exceeded(&self, n: usize) {
        self.limit_exceeded.store(n, Ordering::SeqCst);
    }

    /// Requests answered with a rate limit so far.
    pub fn limited(&self) -> usize {
        self.limited.load(Ordering::SeqCst)
    }
}

impl Behaviour for RateLimit {
    fn request(&self, exchange: &mut Exchange) -> Option<Fault> {
        if !exchange.calls("eth_getLogs") {
            return None;
        }
        if take(&self.http_429) {
            self.limited.fetch_add(1, Ordering::SeqCst);
            return Some(Fault::json(429, r#"{"error":"too many requests"}"#));
        }
        if take(&self.limit_exceeded) {
            self.limited.fetch_add(1, Ordering::SeqCst);
            exchange.answer_all(-32005, "limit exceeded");
        }
        None
    }
}

/// Refuses (the whole batch) any request with an `eth_getLogs` over more than its cap of
/// blocks; no cap until one is set.
#[derive(Default)]
pub struct LogCap {
    /// The cap plus one (0: none), so that a cap of 0 blocks (refuse everything) can be said.
    cap: AtomicUsize,
    refused: AtomicUsize,
}

impl LogCap {
    /// A cap of `max` blocks.
    pub fn new(max: u64) -> LogCap {
        let cap = LogCap::default();
        cap.set(Some(max));
        cap
    }

    pub fn set(&self, max: Option<u64>) {
        let stored = max.map_or(0, |max| max as usize + 1);
        self.cap.store(stored, Ordering::SeqCst);
    }

    /// Requests refused so far.
    pub fn refused(&self) -> usize {
        self.refused.load(Ordering::SeqCst)
    }
}

impl Behaviour for LogCap {
    fn request(&self, exchange: &mut Exchange) -> Option<Fault> {
        let max = self.cap.load(Ordering::SeqCst).checked_sub(1)? as u64;
        // Already refused (a rate limit said first): one refusal per request.
        if exchange.answers.iter().all(Option::is_some) {
            return None;
        }
        if widest(exchange).is_some_and(|blocks| blocks > max) {
            self.refused.fetch_add(1, Ordering::SeqCst);
            exchange.answer_all(-32005, "query returned more than 10000 results");
        }
        None
    }
}
