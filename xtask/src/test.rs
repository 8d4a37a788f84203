//! `cargo xtask test`: every test of the project, the command `.ci/run` calls.
//!
//! 1. native tests: core maths, bindings, contracts against a real anvil;
//! 2. in-browser tests: the EIP-1193 transport, and the core's deposit checks, under
//!    wasm-bindgen-test in headless Chromium;
//! 3. end-to-end: the release build served by nginx on 127.0.0.1 under a sub-path with its
//!    security headers, Chromium driven by Playwright with an
//!    injected test wallet, against a fresh devnet.
//!
//! Every suite runs even when an earlier one fails; the command fails if any did.

use std::path::Path;
use std::process::Command;

use anyhow::{Result, bail};

use crate::budget::{self, Bundle};
use crate::devnet::DevnetProcess;
use crate::headers::Connect;
use crate::nginx::{Nginx, Site};
use crate::process::{cmd, root};
use crate::tools::{CHROMEDRIVER, CHROMIUM};
use crate::{contracts, dist, tools};

/// The suites, by the names `cargo xtask test` takes.
const SUITES: [&str; 3] = ["native", "browser", "e2e"];

/// Runs the named suites (`native`, `browser`, `e2e`), or all of them when none is named. Any
/// other argument names an end-to-end file (`6-withdraw` for `e2e/6-withdraw.test.mjs`): the
/// end-to-end suite then runs only the named files, in name order, on one fresh devnet.
pub fn run_command(only: &[String]) -> Result<()> {
    let (only, files): (Vec<String>, Vec<String>) = only
        .iter()
        .cloned()
        .partition(|o| SUITES.contains(&o.as_str()));
    let only = if only.is_empty() && !files.is_empty() {
        vec!["e2e".to_string()]
    } else {
        only
    };
    let files = e2e_files(&files)?;
    tools::setup(tools::Needs {
        browser: true,
        server: true,
    })?;
    contracts::compile()?;
    let wanted = |name: &str| only.is_empty() || only.iter().any(|o| o == name);

    let mut results: Vec<(&str, bool)> = Vec::new();
    let mut suite = |name: &'static str, ok: bool| {
        println!(
            "xtask test: {name}: {}",
            if ok { "passed" } else { "FAILED" }
        );
        results.push((name, ok));
    };

    if wanted("native") {
        let native = status(
            cmd("cargo")
                .args([
                    "test",
                    // Every failing crate is reported, not just the first.
                    "--no-fail-fast",
                    "--workspace",
                    "--exclude",
                    "ssv-pool-app",
                    "--exclude",
                    "pool-eip1193",
                ])
                .env("ANVIL_BIN", crate::process::anvil()),
        );
        suite("native tests (core, chain, contracts on anvil)", native);
    }

    if wanted("browser") {
        let browser = status(
            cmd("cargo")
                // The browser-side tests of each crate are its `tests/web.rs` (the core's lib
                // tests are native: property tests and Lighthouse cross-checks).
                .args([
                    "test",
                    "--no-fail-fast",
                    "-p",
                    "ssv-pool-app",
                    "-p",
                    "pool-eip1193",
                    "-p",
                    "pool-core",
                    "--test",
                    "web",
                    "--target",
                    "wasm32-unknown-unknown",
                ])
                .env("CHROMEDRIVER", CHROMEDRIVER)
                .env("WASM_BINDGEN_TEST_TIMEOUT", "60"),
        );
        suite(
            "in-browser tests (wasm-bindgen-test, headless Chromium)",
            browser,
        );
    }

    if wanted("e2e") {
        let e2e = match dist::build_release() {
            Ok(dist) => {
                let secrets = dist::secrets_in(&dist).unwrap_or_else(|e| vec![format!("{e:#}")]);
                for secret in &secrets {
                    eprintln!("the built app holds a secret: {secret}");
                }
                // Measured as deployed: the pages with their policy's <meta> and the wasm
                // fetched with its hash (the devnet's RPC is named later, by the same step).
                let finished = dist::finish(&dist, None, Connect::AnySecure)
                    .and_then(|_| Ok((Bundle::measure(&dist)?, budget::committed()?)));
                let within_budget = match finished {
                    Ok((measured, committed)) => {
                        println!(
                            "bundle, gzip bytes: staker's first visit {} (committed {}, cap {}), \
                             console {} (committed {}), checker {} (committed {})",
                            measured.staker_first_visit,
                            committed.staker_first_visit,
                            dist::FIRST_VISIT_BUDGET,
                            measured.console,
                            committed.console,
                            measured.checker,
                            committed.checker
                        );
                        let overruns = budget::overruns(&measured, &committed);
                        for overrun in &overruns {
                            eprintln!("{overrun}");
                        }
                        overruns.is_empty()
                    }
                    Err(e) => {
                        eprintln!("measuring the bundle failed: {e:#}");
                        false
                    }
                };
                secrets.is_empty()
                    && within_budget
                    && end_to_end(&dist, &files).unwrap_or_else(|e| {
                        eprintln!("end-to-end setup failed: {e:#}");
                        false
                    })
            }
            Err(e) => {
                eprintln!("release build failed: {e:#}");
                false
            }
        };
        suite(
            "end-to-end (release build, anvil, Chromium, test wallet)",
            e2e,
        );
    }

    let failed = results.iter().filter(|(_, ok)| !ok).count();
    println!("suites: {} passed, {failed} failed", results.len() - failed);
    if failed > 0 {
        bail!("{failed} test suite(s) failed");
    }
    Ok(())
}

fn status(command: &mut Command) -> bool {
    command.status().map(|s| s.success()).unwrap_or(false)
}

/// A fresh devnet, the release build served beside its config, and `node --test e2e/` (or the
/// named files of it).
fn end_to_end(dist: &Path, files: &[String]) -> Result<bool> {
    with_served_app(dist, |command| {
        command.args(["--test", "--test-concurrency=1"]);
        if files.is_empty() {
            command.arg("e2e/")
        } else {
            command.args(files)
        }
    })
}

/// The end-to-end files `names` name (`2-staker` or `2-staker.test.mjs`), sorted as the suite
/// runs them; an unknown name is an error, not a silently empty run.
fn e2e_files(names: &[String]) -> Result<Vec<String>> {
    let mut files = Vec::new();
    for name in names {
        let file = format!("e2e/{}.test.mjs", name.trim_end_matches(".test.mjs"));
        if !root().join(&file).is_file() {
            bail!("no end-to-end file {file} (suites: {})", SUITES.join(", "));
        }
        files.push(file);
    }
    files.sort();
    Ok(files)
}

/// Where the end-to-end tests find the app: a sub-path, as on a host shared with other sites
/// (the app's URLs, its routes and its headers must all hold there).
const MOUNT: &str = "/pool/";

/// Builds the test node program (`pool-devnet`'s `test-node`, the JSON-RPC node the e2e tests
/// switch between faults, e2e/node-control.mjs) in the profile the devnet runs in; its path.
fn build_test_node() -> Result<std::path::PathBuf> {
    let built = status(cmd("cargo").args([
        "build",
        "--quiet",
        "--package",
        "pool-devnet",
        "--bin",
        "test-node",
    ]));
    if !built {
        bail!("building pool-devnet's test-node failed");
    }
    Ok(root().join("target/debug/test-node"))
}

/// Runs a node command against a fresh devnet and the release build, finished for the devnet's
/// config (`dist::finish`: config.json, the security headers naming its RPC) and served by nginx
/// under [`MOUNT`] with those headers (env: APP_URL, RPC_URL, CEREMONY_DIR (the devnet
/// ceremony's files, and an unregistered one in `next/`), CHROMIUM, SCREENSHOTS, TEST_NODE);
/// true when it succeeds.
pub fn with_served_app(
    dist: &Path,
    args: impl FnOnce(&mut Command) -> &mut Command,
) -> Result<bool> {
    with_served_app_running(dist, |command| status(args(command)))
}

/// [`with_served_app`] where `run` gives the node command its arguments and runs it (the bench
/// reads its output as it comes).
pub fn with_served_app_running(
    dist: &Path,
    run: impl FnOnce(&mut Command) -> bool,
) -> Result<bool> {
    let work = root().join("target/e2e");
    std::fs::create_dir_all(&work)?;
    let config = work.join("config.json");
    let devnet = DevnetProcess::start(0, &config)?;
    let test_node = build_test_node()?;
    let text = std::fs::read_to_string(&config)?;
    // The policy that ships (the configured RPC, https/wss endpoints and a node on loopback): the
    // staker's own RPC is one of the tests (4-faults, through the test node on 127.0.0.1). Requests to
    // any other host are caught by 4-deploy's request log rather than by the policy.
    dist::finish(dist, Some(&text), Connect::AnySecure)?;
    let server = Nginx::start(
        &Site {
            root: dist.to_path_buf(),
            config,
            mount: MOUNT.into(),
            headers: true,
            fallback: "404.html".into(),
        },
        0,
    )?;
    let mut command = cmd("node");
    command
        .env("APP_URL", server.url())
        .env("RPC_URL", devnet.rpc_url())
        .env("CEREMONY_DIR", &work)
        .env("CHROMIUM", CHROMIUM)
        .env("SCREENSHOTS", root().join("e2e/screenshots"))
        .env("TEST_NODE", test_node);
    let ok = run(&mut command);
    drop(server);
    drop(devnet);
    Ok(ok)
}
