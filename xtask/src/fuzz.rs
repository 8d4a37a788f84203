//! `cargo xtask fuzz [--cases N]`: the long property runs over the parsers that take outside
//! input (issue #11). `cargo fuzz` needs a nightly toolchain the project does not pin, so the
//! fuzzing is proptest's: the same properties `cargo xtask test` runs with a few cases
//! (`crates/core/tests/fuzz/`, `crates/chain/tests/fuzz/`), here with `N` cases each (default
//! 100,000), one parser family at a time (all, or those named: `cargo xtask fuzz --cases 5000
//! deposit_data keyshares`), with the cases and the time of each printed.
//!
//! They run in the `fuzz` profile (Cargo.toml): optimised like a release build, for the case
//! count, but with overflow checks and debug assertions on, so that an overflow on outside input
//! is a panic the run reports rather than a silent wrap.

use std::time::Instant;

use anyhow::{Result, bail};

use crate::contracts;
use crate::process::cmd;

/// Cases per property when `--cases` is not given.
const DEFAULT_CASES: u64 = 100_000;

/// The parser families: (crate, test module, what it parses).
const FAMILIES: &[(&str, &str, &str)] = &[
    (
        "pool-core",
        "amounts",
        "the staker's amount (ETH text to wei) and its display",
    ),
    (
        "pool-core",
        "deposit_data",
        "deposit data files (import checks)",
    ),
    (
        "pool-core",
        "keyshares",
        "key shares files (ssv-keys, ssv-dkg; import checks)",
    ),
    ("pool-core", "config", "config.json"),
    (
        "pool-chain",
        "logs",
        "eth_getLogs answers and event decoding",
    ),
    (
        "pool-chain",
        "answers",
        "hex quantities, receipts, the snapshot call's result",
    ),
    ("pool-chain", "revert", "revert data"),
];

pub fn run_command(args: &[String]) -> Result<()> {
    let cases: u64 = match crate::flag_value(args, "--cases") {
        Some(text) => text
            .parse()
            .map_err(|_| anyhow::anyhow!("--cases takes a number of cases, not {text:?}"))?,
        None => DEFAULT_CASES,
    };
    // Families named on the command line (all when none is): the slow ones (the import
    // checks do BLS work per case) can run with fewer cases.
    let named: Vec<&str> = args
        .iter()
        .enumerate()
        .filter(|(i, a)| !a.starts_with("--") && (*i == 0 || args[i - 1] != "--cases"))
        .map(|(_, a)| a.as_str())
        .collect();
    if let Some(unknown) = named.iter().find(|n| !FAMILIES.iter().any(|f| f.1 == **n)) {
        let known: Vec<&str> = FAMILIES.iter().map(|f| f.1).collect();
        bail!(
            "no parser family {unknown:?} (families: {})",
            known.join(", ")
        );
    }
    // pool-chain's bindings are generated from the compiled contracts.
    contracts::compile()?;
    let mut failed = Vec::new();
    let mut summary = Vec::new();
    let chosen = FAMILIES
        .iter()
        .filter(|f| named.is_empty() || named.contains(&f.1));
    for (package, family, what) in chosen {
        println!("xtask fuzz: {family} ({what}): {cases} cases per property");
        let started = Instant::now();
        let output = cmd("cargo")
            .args(["test", "--profile", "fuzz", "-p", package, "--test", "fuzz"])
            // The deposit decoder is behind pool-chain's `client` feature.
            .args(if *package == "pool-chain" {
                &["--features", "client"][..]
            } else {
                &[]
            })
            .args(["--", &format!("{family}::"), "--test-threads=1"])
            .env("POOL_FUZZ_CASES", cases.to_string())
            .stderr(std::process::Stdio::inherit())
            .output()?;
        let seconds = started.elapsed().as_secs_f64();
        let stdout = String::from_utf8_lossy(&output.stdout);
        print!("{stdout}");
        let properties = passed_count(&stdout);
        let ok = output.status.success();
        summary.push(format!(
            "{family:<13} {:>8} {properties:>3} tests passed, {:>9} cases per property, {seconds:>8.1} s",
            if ok { "ok" } else { "FAILED" },
            cases,
        ));
        if !ok {
            failed.push(*family);
        }
    }
    println!("\nxtask fuzz summary (tests of each family, including its fixed regression tests):");
    summary.iter().for_each(|line| println!("  {line}"));
    if !failed.is_empty() {
        bail!("property runs failed: {}", failed.join(", "));
    }
    Ok(())
}

/// `N` of libtest's `test result: ok. N passed; …` line.
fn passed_count(stdout: &str) -> usize {
    stdout
        .lines()
        .filter_map(|line| line.strip_prefix("test result: "))
        .filter_map(|rest| {
            rest.split(". ")
                .nth(1)?
                .split(' ')
                .next()?
                .parse::<usize>()
                .ok()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_libtest_counts() {
        let out = "running 3 tests\n...\ntest result: ok. 3 passed; 0 failed; 0 ignored\n";
        assert_eq!(super::passed_count(out), 3);
        assert_eq!(
            super::passed_count("test result: FAILED. 2 passed; 1 failed"),
            2
        );
    }
}
