//! The import checker as a Web Worker: the operator console sends the files it was given, the
//! chain's facts and a random seed; the worker runs [`pool_core::ceremony::check_part`] and
//! answers with its part of the report. The BLS and SSZ work (about 2,000 pairings for 1,000
//! validators) stays off the page's main thread, and splits over one worker per core.
//!
//! Splitting: the console sends the same files, context and seed to `N` workers, worker `i`
//! with `Slice::new(i, N)`; each repeats the cheap checks (milliseconds) and does the BLS work of
//! the entries at positions `p % N == i`; [`PartialReport::merge`] joins the `N` answers into the
//! `ImportReport` (a part alone cannot be submitted from). With one worker: `Slice::WHOLE`.
//!
//! The files go in pieces of at most [`PIECE_BYTES`], the next one sent when the worker says it
//! has the last ([`CheckResponse::Received`]), then the check is asked for: a message is encoded,
//! copied and posted in one task of the page's main thread, and a 1,000-validator ceremony's
//! 6.7 MB in one message held it for 50–80 ms per worker. A piece holds it a few milliseconds.
//!
//! The app links this library for the message types and [`spawner`], not for the checks: the
//! BLS and SSZ code is only called from [`Checker::receive`], which runs in the worker's own
//! wasm (`src/main.rs`), so the app's bundle drops it.

use gloo_worker::{HandlerId, Worker, WorkerScope, WorkerSpawner};
use pool_core::ceremony::{CheckContext, ImportedFile, PartialReport, Slice, check_part};
use serde::{Deserialize, Serialize};

/// The loader Trunk writes for the worker (`data-loader-shim`), relative to the page's base:
/// a worker's files keep their names under `filehash = true` (see `src/main.rs`).
pub const LOADER_URL: &str = "pool-checker_loader.js";

/// Most bytes of file text in one message.
pub const PIECE_BYTES: usize = 1 << 20;

/// A message to the worker about one import, whose `id` is chosen by the console (and echoed
/// back, to drop answers about an import it has since replaced).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckRequest {
    /// The next piece of file `file` (counted from 0, in order): the first piece of a file
    /// starts it under `name`, later ones continue its text. Answered with `Received`.
    Piece {
        id: u64,
        file: u32,
        name: String,
        text: String,
    },
    /// Check the files received for `id`. Answered with `Checked`.
    Check {
        id: u64,
        context: CheckContext,
        /// From `crypto.getRandomValues`; the same for every part of one import.
        seed: [u8; 32],
        slice: Slice,
    },
}

/// The worker's answer to a [`CheckRequest`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckResponse {
    Received { id: u64 },
    Checked { id: u64, part: PartialReport },
}

/// The pieces that send `files`, in order, as `(file, name, byte range of its text)`; at least
/// one per file (an empty file is still a file). Ranges end on character boundaries.
pub fn pieces(files: &[ImportedFile]) -> Vec<(u32, &str, std::ops::Range<usize>)> {
    let mut pieces = Vec::new();
    for (index, file) in files.iter().enumerate() {
        let text = &file.text;
        let mut start = 0;
        loop {
            let mut end = (start + PIECE_BYTES).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            pieces.push((index as u32, file.name.as_str(), start..end));
            start = end;
            if start == text.len() {
                break;
            }
        }
    }
    pieces
}

/// The worker: the files of the import being received, then checked on request.
#[derive(Default)]
pub struct Checker {
    id: u64,
    files: Vec<ImportedFile>,
}

impl Checker {
    /// What the worker does with each message. Pieces of another import than the one being
    /// received replace it. A check answers for the files received under its id (none if the
    /// console sent it none: the parts' merge then refuses the mismatch) and forgets them.
    pub fn receive(&mut self, request: CheckRequest) -> CheckResponse {
        match request {
            CheckRequest::Piece {
                id,
                file,
                name,
                text,
            } => {
                if id != self.id {
                    self.id = id;
                    self.files.clear();
                }
                let file = file as usize;
                if file == self.files.len() {
                    self.files.push(ImportedFile { name, text });
                } else if let Some(known) = self.files.get_mut(file) {
                    known.text.push_str(&text);
                }
                CheckResponse::Received { id }
            }
            CheckRequest::Check {
                id,
                context,
                seed,
                slice,
            } => {
                let files = if id == self.id {
                    std::mem::take(&mut self.files)
                } else {
                    Vec::new()
                };
                CheckResponse::Checked {
                    id,
                    part: check_part(&files, &context, seed, slice),
                }
            }
        }
    }
}

impl Worker for Checker {
    type Message = ();
    type Input = CheckRequest;
    type Output = CheckResponse;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        Checker::default()
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, _message: ()) {}

    fn received(&mut self, scope: &WorkerScope<Self>, request: CheckRequest, id: HandlerId) {
        scope.respond(id, self.receive(request));
    }
}

/// A spawner for the worker as Trunk builds it: through its loader script (no Blob URL, which
/// the page's CSP would have to allow) and as a classic script (Trunk's worker default is
/// wasm-bindgen's `no-modules` target). Spawn with `.spawn(LOADER_URL)`.
pub fn spawner() -> WorkerSpawner<Checker> {
    let mut spawner = WorkerSpawner::<Checker>::new();
    spawner.with_loader(true).as_module(false);
    spawner
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use pool_core::bls::SecretKey;
    use pool_core::ceremony::Verdict;
    use pool_core::deposit::{
        DepositDataJson, ForkVersion, eth1_withdrawal_credentials, signed_deposit,
    };

    /// A small import: two validators' deposit data, and no key shares (so both are refused,
    /// which exercises the reasons too).
    fn import() -> (Vec<ImportedFile>, CheckContext) {
        // The pool at the zero address, for brevity.
        let credentials = eth1_withdrawal_credentials(Default::default());
        let deposits: Vec<DepositDataJson> = (1..=2u8)
            .map(|i| {
                let key = SecretKey::from_seed(&[i; 64]);
                let data = signed_deposit(&key, credentials, ForkVersion::HOODI);
                DepositDataJson::new(&data, ForkVersion::HOODI, "hoodi")
            })
            .collect();
        let files = vec![ImportedFile {
            name: "deposit_data.json".into(),
            text: serde_json::to_string(&deposits).unwrap(),
        }];
        let context = CheckContext {
            pool: Default::default(),
            fork_version: ForkVersion::HOODI,
            next_nonce: 0,
            cluster: Some(vec![1, 2, 3, 4]),
            operator_keys: vec![(1, "key".into())],
            registered: vec![],
            dropped: vec![],
            deposited: vec![(vec![1u8; 48].into(), credentials)],
            ssv_registered: vec![],
        };
        (files, context)
    }

    /// What gloo-worker's default codec does to each message.
    fn through_bincode<T: Serialize + for<'de> Deserialize<'de>>(value: &T) -> T {
        bincode::deserialize(&bincode::serialize(value).unwrap()).unwrap()
    }

    /// What the console does with one worker: every piece through bincode (each answered
    /// `Received`), then the check.
    fn check_through_pieces(
        worker: &mut Checker,
        id: u64,
        files: &[ImportedFile],
        context: &CheckContext,
        slice: Slice,
    ) -> PartialReport {
        for (file, name, range) in pieces(files) {
            let piece = CheckRequest::Piece {
                id,
                file,
                name: name.into(),
                text: files[file as usize].text[range].into(),
            };
            let answer = worker.receive(through_bincode(&piece));
            assert_eq!(through_bincode(&answer), CheckResponse::Received { id });
        }
        let check = CheckRequest::Check {
            id,
            context: context.clone(),
            seed: [3; 32],
            slice,
        };
        match through_bincode(&worker.receive(through_bincode(&check))) {
            CheckResponse::Checked { id: echoed, part } => {
                assert_eq!(echoed, id);
                part
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn files_sent_in_pieces_are_checked_as_sent_whole() {
        let (mut files, context) = import();
        // A second file over several pieces, with multi-byte characters across the cuts.
        files.push(ImportedFile {
            name: "notes.json".into(),
            text: "é".repeat(PIECE_BYTES + 3) + "\"",
        });
        files.push(ImportedFile {
            name: "empty.json".into(),
            text: String::new(),
        });
        let cut = pieces(&files);
        assert_eq!(cut.iter().filter(|p| p.0 == 1).count(), 3);
        assert_eq!(cut.iter().filter(|p| p.0 == 2).count(), 1);
        assert!(cut.iter().all(|(_, _, r)| r.len() <= PIECE_BYTES));
        let slice = Slice::new(1, 2).unwrap();
        let mut worker = Checker::default();
        // An earlier import's pieces are replaced by the next import's.
        let stale = vec![ImportedFile {
            name: "old.json".into(),
            text: "[]".into(),
        }];
        for (file, name, range) in pieces(&stale) {
            worker.receive(CheckRequest::Piece {
                id: 6,
                file,
                name: name.into(),
                text: stale[file as usize].text[range].into(),
            });
        }
        let part = check_through_pieces(&mut worker, 7, &files, &context, slice);
        assert_eq!(part, check_part(&files, &context, [3; 32], slice));
        // The worker forgot them: a second check of id 7 has no files.
        let again = CheckRequest::Check {
            id: 7,
            context: context.clone(),
            seed: [3; 32],
            slice,
        };
        match worker.receive(again) {
            CheckResponse::Checked { part, .. } => {
                assert_eq!(part, check_part(&[], &context, [3; 32], slice))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn two_workers_answers_merge_into_the_report() {
        let (files, context) = import();
        let parts = Slice::parts(2)
            .map(|slice| check_through_pieces(&mut Checker::default(), 42, &files, &context, slice))
            .collect();
        let report = PartialReport::merge(parts).unwrap();
        assert!(report.files[0].accepted(), "{:?}", report.files[0]);
        assert_eq!(report.without_key_share.len(), 2);
        assert!(
            report
                .validators
                .iter()
                .all(|v| matches!(v.verdict, Verdict::Refused(_)))
        );
    }
}
