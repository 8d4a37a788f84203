//! `cargo xtask bench`: figures, printed (never asserted): gas of the pool's transactions on a
//! fresh devnet, the cluster scan, the activation's deposit check, the release bundle, the pages
//! in headless Chromium (time to balance, requests per refresh, memory over 10,000 refreshes, the
//! console's import checks), then one summary table of the headline figures
//! (`docs/performance.md` keeps it).
//! `cargo xtask bench console` prints only the bundle sizes and the console's import checks,
//! `cargo xtask bench page` the bundle sizes and the staker page's figures (a few minutes each
//! rather than the whole set).

use std::path::Path;

use anyhow::Result;

use crate::figures::{self, Figure, run_collecting};
use crate::process::cmd;
use crate::{budget, contracts, dist, tools};

/// Validators in the ceremony the console's import benchmark checks (e2e/bench-console.mjs).
const CONSOLE_VALIDATORS: usize = 1000;

/// `only`: empty for every figure, `["console"]` for the bundle sizes and the console's import
/// checks alone, `["page"]` for the bundle sizes and the staker page's figures alone.
pub fn run_command(only: &[String]) -> Result<()> {
    let (console_only, page_only) = match only {
        [] => (false, false),
        [what] if what == "console" => (true, false),
        [what] if what == "page" => (false, true),
        _ => anyhow::bail!("cargo xtask bench [console | page]"),
    };
    tools::setup(tools::Needs::default())?;
    contracts::compile()?;
    let mut found: Vec<Figure> = Vec::new();
    if !console_only && !page_only {
        println!("## Gas (devnet, SSV v2 stand-in, 4 operators)\n");
        run_collecting(&mut crate::devnet::devnet_program("gas-report"), &mut found)?;
        println!("\n## Cluster snapshot scan (devnet, 10,000 SSV events)\n");
        run_collecting(&mut crate::devnet::devnet_program("scan-bench"), &mut found)?;
        println!("\n## Deposit check of a few keys (devnet, 100,000 deposits)\n");
        run_collecting(
            &mut crate::devnet::devnet_program("deposit-check-bench"),
            &mut found,
        )?;
    }
    let dist = dist::build_release()?;
    bundle_figures(&dist, &mut found)?;
    tools::setup(tools::Needs {
        browser: true,
        server: true,
    })?;
    if !console_only {
        browser_figures(&dist, &mut found)?;
    }
    if !page_only {
        console_figures(&dist, &mut found)?;
    }
    println!("\n## Summary\n\nMachine: {}\n", figures::machine());
    print!("{}", figures::table(&found));
    Ok(())
}

/// Every file of the release build, and the three downloads against the committed budget.
fn bundle_figures(dist: &Path, found: &mut Vec<Figure>) -> Result<()> {
    println!("\n## Release bundle\n");
    println!("| file | bytes | gzip -9 |");
    println!("|---|---:|---:|");
    for (name, raw, gzip, _) in dist::bundle_sizes(dist)? {
        println!("| {name} | {raw} | {gzip} |");
    }
    let bundle = budget::Bundle::measure(dist)?;
    let committed = budget::committed()?;
    for (what, now, allowed) in [
        (
            "staker's first visit (wasm, JS, CSS, HTML, snippets), gzip -9 bytes",
            bundle.staker_first_visit,
            committed.staker_first_visit,
        ),
        (
            "operator console (/admin only), gzip -9 bytes",
            bundle.console,
            committed.console,
        ),
        (
            "import checker worker (first import only), gzip -9 bytes",
            bundle.checker,
            committed.checker,
        ),
    ] {
        println!("| **{what}** | | **{now}** |");
        found.push(Figure {
            what: what.into(),
            value: now.to_string(),
            goal: format!("≤ {allowed} + 5 %"),
        });
    }
    Ok(())
}

/// Runs `script` with node against a fresh devnet and the served build, gathering its figures.
fn node(dist: &Path, script: &str, found: &mut Vec<Figure>) -> Result<bool> {
    crate::test::with_served_app_running(dist, |command| {
        run_collecting(command.arg(script), found).is_ok()
    })
}

/// The deposit checks under wasm-bindgen-test, the staker's page (e2e/bench.mjs) and its memory
/// over refreshes (e2e/bench-heap.mjs).
fn browser_figures(dist: &Path, found: &mut Vec<Figure>) -> Result<()> {
    println!("\n## In headless Chromium (release build, devnet)\n");
    // Deposit signature checks, as the admin page will run them (the test prints the rate).
    run_collecting(
        cmd("cargo")
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
            .env("CHROMEDRIVER", tools::CHROMEDRIVER),
        found,
    )?;
    if !node(dist, "e2e/bench.mjs", found)? {
        anyhow::bail!("the browser figures could not be measured");
    }
    if !node(dist, "e2e/bench-heap.mjs", found)? {
        anyhow::bail!("the page's memory over refreshes could not be measured");
    }
    Ok(())
}

/// The console's import checks of a CONSOLE_VALIDATORS ceremony (e2e/bench-console.mjs).
fn console_figures(dist: &Path, found: &mut Vec<Figure>) -> Result<()> {
    println!("\n## Console import checks in headless Chromium (release build, devnet)\n");
    // A fresh devnet that also writes an unregistered ceremony of this many validators.
    let count = CONSOLE_VALIDATORS.to_string();
    // SAFETY: xtask's other threads (the Ctrl-C handler, the first server's, idle on accept)
    // read no environment; the devnet's command is built after this, on this thread.
    unsafe { std::env::set_var(crate::devnet::BENCH_CEREMONY, count) };
    if !node(dist, "e2e/bench-console.mjs", found)? {
        anyhow::bail!("the console's import figures could not be measured");
    }
    Ok(())
}
