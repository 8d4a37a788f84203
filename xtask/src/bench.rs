//! `cargo xtask bench`: figures, printed (never asserted): gas of the pool's transactions on a
//! fresh devnet, and the size of the release bundle. `cargo xtask bench console` prints only the
//! bundle sizes and the console's import checks (a few minutes rather than the whole set).

use anyhow::Result;

use crate::process::{cmd, run};
use crate::{contracts, dist, tools};

/// Validators in the ceremony the console's import benchmark checks (e2e/bench-console.mjs).
const CONSOLE_VALIDATORS: usize = 1000;

/// `only`: empty for every figure, `["console"]` for the bundle sizes and the console's import
/// checks alone.
pub fn run_command(only: &[String]) -> Result<()> {
    let console_only = match only {
        [] => false,
        [what] if what == "console" => true,
        _ => anyhow::bail!("cargo xtask bench [console]"),
    };
    tools::setup(tools::Needs::default())?;
    contracts::compile()?;
    if !console_only {
        println!("## Gas (devnet, SSV v2 stand-in, 4 operators)\n");
        run(&mut crate::devnet::devnet_program("gas-report"))?;
        println!("\n## Cluster snapshot scan (devnet, 10,000 SSV events)\n");
        run(&mut crate::devnet::devnet_program("scan-bench"))?;
    }
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
    tools::setup(tools::Needs { browser: true })?;
    if !console_only {
        browser_figures(&dist)?;
    }
    console_figures(&dist)
}

/// The deposit checks under wasm-bindgen-test and the staker's page (e2e/bench.mjs).
fn browser_figures(dist: &std::path::Path) -> Result<()> {
    println!("\n## In headless Chromium (release build, devnet)\n");
    // Deposit signature checks, as the admin page will run them (the test prints the rate).
    run(cmd("cargo")
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
        .env("CHROMEDRIVER", tools::CHROMEDRIVER))?;
    if !crate::test::with_served_app(dist, |command| command.arg("e2e/bench.mjs"))? {
        anyhow::bail!("the browser figures could not be measured");
    }
    Ok(())
}

/// The console's import checks of a CONSOLE_VALIDATORS ceremony (e2e/bench-console.mjs).
fn console_figures(dist: &std::path::Path) -> Result<()> {
    println!("\n## Console import checks in headless Chromium (release build, devnet)\n");
    // A fresh devnet that also writes an unregistered ceremony of this many validators.
    let count = CONSOLE_VALIDATORS.to_string();
    // SAFETY: xtask's other threads (the Ctrl-C handler, the first server's, idle on accept)
    // read no environment; the devnet's command is built after this, on this thread.
    unsafe { std::env::set_var(crate::devnet::BENCH_CEREMONY, count) };
    if !crate::test::with_served_app(dist, |command| command.arg("e2e/bench-console.mjs"))? {
        anyhow::bail!("the console's import figures could not be measured");
    }
    Ok(())
}
