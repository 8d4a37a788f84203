//! Property runs over the parsers that take outside input (issue #11): amounts typed by a
//! staker, deposit data and key shares files dropped into the console, the `config.json` served
//! beside the app. Each property feeds near-valid inputs (the real files mutated: bytes flipped,
//! fields of the wrong type, hex of the wrong length, huge numbers, unicode, deep nesting) and
//! arbitrary text, and asserts that the
//! parser never panics, that every failure is its typed error put into a sentence, and that
//! valid input still parses.
//!
//! The number of cases per property comes from `POOL_FUZZ_CASES` (default [`DEFAULT_CASES`], a
//! few seconds per parser in `cargo xtask test`); `cargo xtask fuzz --cases N` runs these with
//! many cases in an optimised build with overflow checks on.

mod amounts;
mod config;
mod deposit_data;
mod keyshares;
mod mutate;

use proptest::test_runner::Config;

/// Cases per property when `POOL_FUZZ_CASES` is not set, for the import checks: each case may
/// do BLS work (milliseconds in a debug build), so this keeps the short pass to seconds.
pub const DEFAULT_CASES: u32 = 64;
/// The same for the amount parser, which costs microseconds a case.
pub const DEFAULT_CASES_CHEAP: u32 = 1024;

/// The proptest configuration of the import checks' properties (see [`config_with`]).
pub fn config() -> Config {
    config_with(DEFAULT_CASES)
}

/// The case count from `POOL_FUZZ_CASES` (the same for every property: `cargo xtask fuzz`
/// reports it), else `default`; no regression files (a failure found is kept as a named
/// regression test instead).
pub fn config_with(default: u32) -> Config {
    let cases = std::env::var("POOL_FUZZ_CASES")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(default);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

/// A typed error's words: what a person reads must be a sentence, never empty.
pub fn assert_sentence(error: &impl std::fmt::Display) {
    let text = error.to_string();
    assert!(!text.trim().is_empty(), "an error without words: {text:?}");
}

/// Every refusal of an import report is a sentence a person reads as it is (the console prints
/// them unchanged): words, a capital first, a full stop last.
pub fn assert_report_in_words(report: &pool_core::ceremony::ImportReport) {
    use pool_core::ceremony::Verdict;
    let reasons = report
        .files
        .iter()
        .flat_map(|file| file.refusals.iter().map(|r| &r.error))
        .chain(report.validators.iter().flat_map(|v| match &v.verdict {
            Verdict::Refused(reasons) => reasons.iter().collect(),
            Verdict::Accepted(_) => Vec::new(),
        }));
    for reason in reasons {
        let text = reason.to_string();
        assert!(
            text.starts_with(|c: char| c.is_uppercase()) && text.ends_with('.'),
            "not a sentence: {text:?} ({reason:?})"
        );
    }
    for file in &report.files {
        for refusal in &file.refusals {
            assert_sentence(refusal);
        }
    }
}
