//! Property runs over what pool-chain reads from outside (issue #11): the JSON of RPC answers
//! (logs, quantities, receipts), event data, call results and revert data (`config.json` is
//! pool-core's, fuzzed there). Each property feeds near-valid inputs (real answers mutated) and noise, and asserts no panic,
//! every failure a typed error in words, and valid input decoded as it was encoded.
//!
//! Case count: `POOL_FUZZ_CASES` (see pool-core's `tests/fuzz/main.rs`, whose mutator this
//! shares); `cargo xtask fuzz --cases N` runs both with many cases.

mod answers;
mod logs;
// The JSON mutator is pool-core's test code, shared by path rather than published as a crate
// (it is test-only and would otherwise need a feature in the core's public API).
#[path = "../../../core/tests/fuzz/mutate.rs"]
mod mutate;
mod revert;

use proptest::test_runner::Config;

/// Cases per property when `POOL_FUZZ_CASES` is not set. More than the core's import checks
/// (64): these parsers cost microseconds a case, so the short pass in the tests affords 1,024
/// (under a second here in a debug build), which is what catches a rare shape like an empty or
/// non-ASCII name.
pub const DEFAULT_CASES: u32 = 1024;

/// The case count from `POOL_FUZZ_CASES`; no regression files (failures found are kept as
/// named regression tests).
pub fn config() -> Config {
    let cases = std::env::var("POOL_FUZZ_CASES")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

/// A typed error's words: never empty.
pub fn assert_sentence(error: &impl std::fmt::Display) {
    let text = error.to_string();
    assert!(!text.trim().is_empty(), "an error without words: {text:?}");
}
