//! `cargo xtask bench`: figures, printed (never asserted): gas of the pool's transactions on a
//! fresh devnet, the cluster scan, the release bundle, the pages in headless Chromium (time to
//! balance, requests per refresh, memory over 10,000 refreshes, the console's import checks),
//! then one summary table of the headline figures (`docs/performance.md` keeps it).

use anyhow::Result;

use crate::figures::{self, Figure, run_collecting};
use crate::process::cmd;
use crate::{budget, contracts, dist, tools};

/// Validators in the ceremony the console's import benchmark checks (e2e/bench-console.mjs).
const CONSOLE_VALIDATORS: usize = 1000;

pub fn run_command() -> Result<()> {
    tools::setup(tools::Needs::default())?;
    contracts::compile()?;
    let mut found: Vec<Figure> = Vec::new();
    println!("## Gas (devnet, SSV v2 stand-in, 4 operators)\n");
    run_collecting(&mut crate::devnet::devnet_program("gas-report"), &mut found)?;
    println!("\n## Cluster snapshot scan (devnet, 10,000 SSV events)\n");
    run_collecting(&mut crate::devnet::devnet_program("scan-bench"), &mut found)?;
    let dist = dist::build_release()?;
    println!("\n## Release bundle\n");
    println!("| file | bytes | gzip -9 |");
    println!("|---|---:|---:|");
    let (mut first_visit, mut worker) = (0, 0);
    for (name, raw, gzip, first) in dist::bundle_sizes(&dist)? {
        println!("| {name} | {raw} | {gzip} |");
        if first {
            first_visit += gzip;
        } else {
            worker += gzip;
        }
    }
    println!(
        "| **staker's first visit (JS + CSS + wasm + HTML; the console included)** | | **{first_visit}** |"
    );
    println!("| **operator console and its import checker (on `/admin` only)** | | **{worker}** |");
    let bundle = budget::Bundle::measure(&dist)?;
    let committed = budget::committed()?;
    for (what, now, allowed) in [
        ("staker's first visit, gzip -9 bytes", bundle.staker_first_visit, committed.staker_first_visit),
        ("operator console (/admin), gzip -9 bytes", bundle.console, committed.console),
        ("import checker worker, gzip -9 bytes", bundle.checker, committed.checker),
    ] {
        found.push(Figure {
            what: what.into(),
            value: now.to_string(),
            goal: format!("≤ {allowed} + 5 %"),
        });
    }
    println!("\n## In headless Chromium (release build, devnet)\n");
    tools::setup(tools::Needs {
        browser: true,
        server: true,
    })?;
    // Deposit signature checks, as the admin page will run them (the test prints the rate).
    run_collecting(cmd("cargo")
        .args([
            "test",
            "--release",
            "-p",
            "pool-core",
            "--test",
            "web",
            "--target",
            "wasm32-unknown-unknown",
            "--",
            "--nocapture",
        ])
        .env("CHROMEDRIVER", tools::CHROMEDRIVER), &mut found)?;
    let node = |script: &str, found: &mut Vec<Figure>| {
        crate::test::with_served_app_running(&dist, |command| {
            run_collecting(command.arg(script), found).is_ok()
        })
    };
    if !node("e2e/bench.mjs", &mut found)? {
        anyhow::bail!("the browser figures could not be measured");
    }
    if !node("e2e/bench-heap.mjs", &mut found)? {
        anyhow::bail!("the page's memory over refreshes could not be measured");
    }
    println!("\n## Console import checks in headless Chromium (release build, devnet)\n");
    // A fresh devnet that also writes an unregistered ceremony of this many validators.
    let count = CONSOLE_VALIDATORS.to_string();
    // SAFETY: xtask's other threads (the Ctrl-C handler, the first server's, idle on accept)
    // read no environment; the devnet's command is built after this, on this thread.
    unsafe { std::env::set_var(crate::devnet::BENCH_CEREMONY, count) };
    if !node("e2e/bench-console.mjs", &mut found)? {
        anyhow::bail!("the console's import figures could not be measured");
    }
    println!("\n## Summary\n\nMachine: {}\n", figures::machine());
    print!("{}", figures::table(&found));
    Ok(())
}
