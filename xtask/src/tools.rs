//! Installs what the project needs, at pinned versions, skipping what is already there.
//!
//! Pins: npm tools in `tools/package-lock.json`; Trunk below; wasm-bindgen-cli equal to the
//! `wasm-bindgen` in `Cargo.lock` (the two must match exactly).

use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::process::{cargo_bin, cmd, npm_bin, output, root, run};

/// Trunk 0.21.14 is the newest that builds with the machine's rustc (1.95).
pub const TRUNK_VERSION: &str = "0.21.14";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Debian's nginx, which serves the release build in the end-to-end tests, the benchmarks and
/// `cargo xtask dev` as a real static host would (with the generated security headers).
pub const NGINX: &str = "/usr/sbin/nginx";
/// The nginx release installed when missing: apt takes a version glob, so the upstream version
/// is pinned and Debian's security revisions of it are taken.
const NGINX_VERSION: &str = "1.22.1*";

/// What to install beyond the build tools.
#[derive(Debug, Clone, Copy, Default)]
pub struct Needs {
    /// Chromium and ChromeDriver (for the in-browser and end-to-end tests).
    pub browser: bool,
    /// nginx (serving the release build: end-to-end tests, benchmarks, `dev`).
    pub server: bool,
}

pub fn setup(needs: Needs) -> Result<()> {
    npm_tools()?;
    wasm_target()?;
    cargo_tool("trunk", "trunk", TRUNK_VERSION, true)?;
    cargo_tool(
        "wasm-bindgen",
        "wasm-bindgen-cli",
        &locked_wasm_bindgen()?,
        false,
    )?;
    if needs.browser {
        browser()?;
    }
    if needs.server {
        nginx()?;
    }
    Ok(())
}

/// `npm ci` in `tools/` unless `node_modules` already matches the lock file.
fn npm_tools() -> Result<()> {
    let lock = root().join("tools/package-lock.json");
    let installed = root().join("tools/node_modules/.package-lock.json");
    let up_to_date = match (modified(&lock), modified(&installed)) {
        (Some(lock), Some(installed)) => installed >= lock,
        _ => false,
    };
    if up_to_date && npm_bin().join("anvil").exists() {
        return Ok(());
    }
    eprintln!("xtask: installing the pinned npm tools (anvil, solc, binaryen, playwright-core)");
    run(cmd("npm").args(["ci", "--no-audit", "--no-fund", "--prefix", "tools"]))
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn wasm_target() -> Result<()> {
    let installed =
        output(cmd("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed
        .lines()
        .any(|t| t.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    run(cmd("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

/// `cargo install krate@version` unless `bin --version` already reports that version.
fn cargo_tool(bin: &str, krate: &str, version: &str, locked: bool) -> Result<()> {
    let reported = output(std::process::Command::new(cargo_bin().join(bin)).arg("--version"))
        .unwrap_or_default();
    if reported.split_whitespace().any(|word| word == version) {
        return Ok(());
    }
    eprintln!("xtask: installing {krate} {version} (a few minutes, once)");
    let mut install = cmd("cargo");
    install.args(["install", &format!("{krate}@{version}")]);
    if locked {
        install.arg("--locked");
    }
    run(&mut install)
}

/// The `wasm-bindgen` version in `Cargo.lock`; the CLI must be exactly that version.
pub fn locked_wasm_bindgen() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).context("reading Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\""
            && let Some(version) = lines.next().and_then(|l| l.strip_prefix("version = \""))
        {
            return Ok(version.trim_end_matches('"').to_string());
        }
    }
    bail!("Cargo.lock names no wasm-bindgen")
}

/// Debian's Chromium and ChromeDriver (the only browser that can be installed here).
fn browser() -> Result<()> {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return Ok(());
    }
    eprintln!("xtask: installing Chromium and ChromeDriver from Debian");
    apt_install(&["chromium", "chromium-driver"])
}

/// Debian's nginx. Only the binary is used: each server gets its own prefix, configuration, pid
/// and logs in a temporary folder (`nginx.rs`), so the package's service is never needed (in a
/// container, Debian's `policy-rc.d` keeps the installation from starting it).
fn nginx() -> Result<()> {
    if Path::new(NGINX).exists() {
        return Ok(());
    }
    eprintln!("xtask: installing nginx {NGINX_VERSION} from Debian");
    apt_install(&[&format!("nginx={NGINX_VERSION}")])
}

/// `apt-get install` of `packages` (through sudo unless this is root), after `apt-get update`.
fn apt_install(packages: &[&str]) -> Result<()> {
    let sudo = output(std::process::Command::new("id").arg("-u")).map(|u| u.trim() != "0");
    let apt = |args: &[&str]| {
        let mut command = if sudo == Some(true) {
            cmd("sudo")
        } else {
            cmd("apt-get")
        };
        if sudo == Some(true) {
            command.arg("apt-get");
        }
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        run(&mut command)
    };
    apt(&["update", "-q"])?;
    let mut install = vec!["install", "-y", "-q", "--no-install-recommends"];
    install.extend_from_slice(packages);
    apt(&install)
}
