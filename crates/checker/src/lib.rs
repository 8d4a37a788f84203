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
//! The app links this library for the message types and [`spawner`], not for the checks: the
//! BLS and SSZ code is only called from [`Checker::received`], which runs in the worker's own
//! wasm (`src/main.rs`), so the app's bundle drops it.

use gloo_worker::{HandlerId, Worker, WorkerScope, WorkerSpawner};
use pool_core::ceremony::{CheckContext, ImportedFile, PartialReport, Slice, check_part};
use serde::{Deserialize, Serialize};

/// The loader Trunk writes for the worker (`data-loader-shim`), relative to the page's base:
/// a worker's files keep their names under `filehash = true` (see `src/main.rs`).
pub const LOADER_URL: &str = "pool-checker_loader.js";

/// One part of one import to check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckRequest {
    /// Chosen by the console and echoed back, to drop answers about an import it has since
    /// replaced.
    pub id: u64,
    pub files: Vec<ImportedFile>,
    pub context: CheckContext,
    /// From `crypto.getRandomValues`; the same for every part of one import.
    pub seed: [u8; 32],
    pub slice: Slice,
}

/// The worker's answer to a [`CheckRequest`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckResponse {
    pub id: u64,
    pub part: PartialReport,
}

/// Checks one request (what the worker does with each message).
pub fn answer(request: &CheckRequest) -> CheckResponse {
    CheckResponse {
        id: request.id,
        part: check_part(
            &request.files,
            &request.context,
            request.seed,
            request.slice,
        ),
    }
}

/// The worker: stateless, one answer per request.
pub struct Checker;

impl Worker for Checker {
    type Message = ();
    type Input = CheckRequest;
    type Output = CheckResponse;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        Checker
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, _message: ()) {}

    fn received(&mut self, scope: &WorkerScope<Self>, request: CheckRequest, id: HandlerId) {
        scope.respond(id, answer(&request));
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
    fn request(slice: Slice) -> CheckRequest {
        // The pool at the zero address, for brevity.
        let credentials = eth1_withdrawal_credentials(Default::default());
        let deposits: Vec<DepositDataJson> = (1..=2u8)
            .map(|i| {
                let key = SecretKey::from_seed(&[i; 64]);
                let data = signed_deposit(&key, credentials, ForkVersion::HOODI);
                DepositDataJson::new(&data, ForkVersion::HOODI, "hoodi")
            })
            .collect();
        CheckRequest {
            id: 42,
            files: vec![ImportedFile {
                name: "deposit_data.json".into(),
                text: serde_json::to_string(&deposits).unwrap(),
            }],
            context: CheckContext {
                pool: Default::default(),
                fork_version: ForkVersion::HOODI,
                next_nonce: 0,
                cluster: Some(vec![1, 2, 3, 4]),
                operator_keys: vec![(1, "key".into())],
                registered: vec![],
                dropped: vec![],
                deposited: vec![(vec![1u8; 48].into(), credentials)],
                ssv_registered: vec![],
            },
            seed: [3; 32],
            slice,
        }
    }

    /// What gloo-worker's default codec does to each message.
    fn through_bincode<T: Serialize + for<'de> Deserialize<'de>>(value: &T) -> T {
        bincode::deserialize(&bincode::serialize(value).unwrap()).unwrap()
    }

    #[test]
    fn messages_cross_the_worker_boundary_unchanged() {
        let request = request(Slice::new(1, 2).unwrap());
        assert_eq!(through_bincode(&request), request);
        let response = answer(&request);
        assert_eq!(response.id, 42);
        assert_eq!(through_bincode(&response), response);
    }

    #[test]
    fn two_workers_answers_merge_into_the_report() {
        let parts = Slice::parts(2)
            .map(|slice| through_bincode(&answer(&request(slice))).part)
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
