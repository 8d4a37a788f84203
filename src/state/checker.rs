//! The import checks in Web Workers (`pool-checker`, built by Trunk as a worker): one per core
//! (at most 8), each doing the BLS work of its slice; the parts merged into one report. The
//! worker's wasm is fetched the first time the operator checks files, never on a staker's visit.

use futures_channel::mpsc;
use futures_util::StreamExt;
use pool_checker::{CheckRequest, CheckResponse, LOADER_URL, spawner};
use pool_core::ceremony::{CheckContext, ImportReport, ImportedFile, PartialReport, Slice};

/// Most workers started for one check.
const MAX_WORKERS: u32 = 8;

/// Checks `files` against `context`, the BLS work split over one worker per core.
pub async fn check_in_workers(
    files: Vec<ImportedFile>,
    context: CheckContext,
) -> Result<ImportReport, String> {
    let parts = workers();
    let seed = random_seed()?;
    let (sender, mut answers) = mpsc::unbounded::<CheckResponse>();
    let id = js_sys::Date::now() as u64;
    // The bridges live until every answer is in: dropping the last one ends its worker.
    let bridges: Vec<_> = Slice::parts(parts)
        .map(|slice| {
            let sender = sender.clone();
            let bridge = spawner()
                .callback(move |response| {
                    let _ = sender.unbounded_send(response);
                })
                .spawn(LOADER_URL);
            bridge.send(CheckRequest {
                id,
                files: files.clone(),
                context: context.clone(),
                seed,
                slice,
            });
            bridge
        })
        .collect();
    drop(sender);
    let mut received: Vec<PartialReport> = Vec::with_capacity(parts as usize);
    while received.len() < parts as usize {
        match answers.next().await {
            Some(response) if response.id == id => received.push(response.part),
            Some(_) => {}
            None => return Err("A checking worker stopped without answering.".into()),
        }
    }
    drop(bridges);
    PartialReport::merge(received)
        .map_err(|e| format!("The workers' answers do not fit together: {e}"))
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
fn random_seed() -> Result<[u8; 32], String> {
    let mut seed = [0u8; 32];
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.get_random_values_with_u8_array(&mut seed).ok())
        .ok_or("The browser offers no secure random numbers: the checks cannot run.")?;
    Ok(seed)
}
