//! The import checks in Web Workers (`pool-checker`, built by Trunk as a worker): one per core
//! (at most 8), each given the files in pieces and doing the BLS work of its slice; the parts
//! merged into one report. The worker's wasm is fetched the first time the operator checks
//! files, never on a staker's visit.

use futures_channel::mpsc;
use futures_util::StreamExt;
use pool_checker::{CheckRequest, CheckResponse, LOADER_URL, pieces, spawner};
use pool_core::ceremony::{
    CheckContext, ImportReport, ImportedFile, MergeError, PartialReport, Slice,
};

/// Why the workers' check did not come back.
#[derive(Debug, Clone)]
pub enum CheckerError {
    /// The browser offers no secure random numbers (the batch check's weights need them).
    NoRandomness,
    /// A worker stopped without answering.
    WorkerStopped,
    /// The workers' parts do not fit together.
    Merge(MergeError),
}

/// Most workers started for one check.
const MAX_WORKERS: u32 = 8;

/// Checks `files` against `context`, the BLS work split over one worker per core.
///
/// Each worker gets the files piece by piece, the next piece sent when it acknowledges the last
/// (from the acknowledgement's own task), then its check: the main thread encodes and posts at
/// most one piece per task (see `pool_checker::PIECE_BYTES`), never a whole ceremony.
pub async fn check_in_workers(
    files: Vec<ImportedFile>,
    context: CheckContext,
) -> Result<ImportReport, CheckerError> {
    let parts = workers();
    let seed = random_seed()?;
    let id = js_sys::Date::now() as u64;
    let pieces = pieces(&files);
    let slices: Vec<Slice> = Slice::parts(parts).collect();
    // Worker `worker`'s `n`th message: the pieces in order, then its check.
    let message = |worker: usize, n: usize| match pieces.get(n) {
        Some((file, name, range)) => CheckRequest::Piece {
            id,
            file: *file,
            name: name.to_string(),
            text: files[*file as usize].text[range.clone()].to_string(),
        },
        None => CheckRequest::Check {
            id,
            context: context.clone(),
            seed,
            slice: slices[worker],
        },
    };
    let (sender, mut answers) = mpsc::unbounded::<(usize, CheckResponse)>();
    // The bridges live until every answer is in: dropping the last one ends its worker. A
    // message sent before its worker has loaded waits in gloo-worker's queue, flushed in one
    // task: only the first piece is sent so.
    let bridges: Vec<_> = (0..parts as usize)
        .map(|worker| {
            let sender = sender.clone();
            let bridge = spawner()
                .callback(move |response| {
                    let _ = sender.unbounded_send((worker, response));
                })
                .spawn(LOADER_URL);
            bridge.send(message(worker, 0));
            bridge
        })
        .collect();
    drop(sender);
    let mut next_message = vec![1usize; bridges.len()];
    let mut received: Vec<PartialReport> = Vec::with_capacity(parts as usize);
    while received.len() < parts as usize {
        match answers.next().await {
            Some((worker, CheckResponse::Received { id: acknowledged })) if acknowledged == id => {
                bridges[worker].send(message(worker, next_message[worker]));
                next_message[worker] += 1;
            }
            Some((_, CheckResponse::Checked { id: checked, part })) if checked == id => {
                received.push(part)
            }
            Some(_) => {}
            None => return Err(CheckerError::WorkerStopped),
        }
    }
    drop(bridges);
    PartialReport::merge(received).map_err(CheckerError::Merge)
}

/// One worker per core the browser reports, within 1..=MAX_WORKERS.
fn workers() -> u32 {
    web_sys::window()
        .map(|w| w.navigator().hardware_concurrency() as u32)
        .unwrap_or(1)
        .clamp(1, MAX_WORKERS)
}

/// 32 bytes from the browser's CSPRNG: the batch signature check's weights must be unknown to
/// whoever made the files.
fn random_seed() -> Result<[u8; 32], CheckerError> {
    let mut seed = [0u8; 32];
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.get_random_values_with_u8_array(&mut seed).ok())
        .ok_or(CheckerError::NoRandomness)?;
    Ok(seed)
}
