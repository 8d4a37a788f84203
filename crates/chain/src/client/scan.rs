//! Windowed `eth_getLogs` scans: public RPCs cap the block range one request may cover, so a
//! scan asks for at most a window of blocks, halves it when the node refuses, grows it back
//! after each answer ([`LogScan`] plans the ranges), and reports each window as it lands so the
//! caller can show progress and resume from where a failed scan stopped. A rate limit (HTTP
//! 429, a JSON-RPC "limit exceeded") is no refusal of the range: the scan pauses (the one timer
//! in the client layer: the browser's, or tokio's natively) and asks the same window again.

use std::fmt;

use alloy_rpc_client::RpcClient;

use crate::logs::{LogFilter, LogScan, RawLog};

use super::{ChainError, DecodeCause};

/// Blocks per `eth_getLogs` at most (the scan halves it on refusal).
pub const MAX_LOG_WINDOW: u64 = 50_000;

/// A scan that stopped: the node refused even a one-block range, or could not be reached.
/// Blocks before `resume_from` were scanned and handed over.
#[derive(Debug)]
pub struct ScanError {
    pub resume_from: u64,
    pub cause: ChainError,
}

impl fmt::Display for ScanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Reading the chain's history stopped at block {}: {}",
            self.resume_from, self.cause
        )
    }
}

impl std::error::Error for ScanError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.cause)
    }
}

/// Scans blocks `from..=to`: for each window, the logs of every filter `filters(window)` builds
/// are asked for in one JSON-RPC batch and handed to `sink(window, logs)` (one `Vec` per filter,
/// in the filters' order), windows in block order. An error on a window halves it and retries;
/// a one-block window refused, or a transport failure repeated down to one block, ends the scan
/// with the block to resume from.
pub async fn scan_logs<F, S>(
    client: &RpcClient,
    from: u64,
    to: u64,
    max_window: u64,
    filters: F,
    mut sink: S,
) -> Result<(), ScanError>
where
    F: Fn((u64, u64)) -> Vec<LogFilter>,
    S: FnMut((u64, u64), Vec<Vec<RawLog>>),
{
    let mut scan = LogScan::new(from, to, max_window);
    while let Some(range) = scan.next_range() {
        match fetch(client, &filters(range)).await {
            Ok(logs) => {
                sink(range, logs);
                scan.succeeded();
            }
            Err(cause) if is_rate_limit(&cause) => match scan.rate_limited() {
                Ok(ms) => pause(ms).await,
                Err(_) => {
                    return Err(ScanError {
                        resume_from: range.0,
                        cause,
                    });
                }
            },
            Err(cause) => {
                if scan.failed().is_err() {
                    return Err(ScanError {
                        resume_from: range.0,
                        cause,
                    });
                }
            }
        }
    }
    Ok(())
}

/// Whether the node refused for the rate of requests rather than the range: HTTP 429, or a
/// JSON-RPC error that says so (code 429, or -32005 and others with "limit exceeded", "rate
/// limit", "too many requests"). Infura's -32005 "query returned more than 10000 results" is a
/// range refusal: the code alone does not tell.
pub fn is_rate_limit(error: &ChainError) -> bool {
    use alloy_json_rpc::RpcError;
    use alloy_transport::TransportErrorKind;
    let said = |message: &str| {
        let message = message.to_ascii_lowercase();
        [
            "rate limit",
            "ratelimit",
            "too many requests",
            "request limit",
        ]
        .iter()
        .any(|m| message.contains(m))
            || message.trim() == "limit exceeded"
            || message.contains("limit exceeded")
                && !["result", "range", "block", "size"]
                    .iter()
                    .any(|m| message.contains(m))
    };
    match error {
        ChainError::Rpc(RpcError::Transport(TransportErrorKind::HttpError(http))) => {
            http.status == 429 || said(&http.body)
        }
        ChainError::Rpc(RpcError::ErrorResp(payload)) => {
            payload.code == 429 || said(&payload.message)
        }
        _ => false,
    }
}

/// Waits `ms` milliseconds.
async fn pause(ms: u32) {
    #[cfg(target_arch = "wasm32")]
    gloo_timers::future::TimeoutFuture::new(ms).await;
    #[cfg(not(target_arch = "wasm32"))]
    tokio::time::sleep(std::time::Duration::from_millis(u64::from(ms))).await;
}

/// One batch: `eth_getLogs` for each filter.
async fn fetch(client: &RpcClient, filters: &[LogFilter]) -> Result<Vec<Vec<RawLog>>, ChainError> {
    let mut batch = client.new_batch();
    let mut waiters = Vec::with_capacity(filters.len());
    for filter in filters {
        waiters.push(
            batch
                .add_call::<_, Vec<RawLog>>("eth_getLogs", &[filter])
                .map_err(|e| ChainError::Decode {
                    what: "an eth_getLogs filter",
                    cause: DecodeCause::Request(e),
                })?,
        );
    }
    batch.send().await?;
    let mut logs = Vec::with_capacity(waiters.len());
    for waiter in waiters {
        logs.push(waiter.await?);
    }
    Ok(logs)
}
