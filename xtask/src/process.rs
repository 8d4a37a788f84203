//! Running the project's tools with the project's PATH.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result, bail};

/// The repository root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    // `cargo run` sets CARGO_MANIFEST_DIR at run time too. Prefer it: cargo fingerprints path
    // packages relative to the workspace, so a target directory shared by two checkouts (a clone,
    // a worktree) reuses a binary whose compile-time path points at the other checkout.
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir
        .parent()
        .expect("xtask lives in the repository")
        .into()
}

/// `tools/node_modules/.bin`: anvil, solcjs, wasm-opt, playwright-core.
pub fn npm_bin() -> PathBuf {
    root().join("tools/node_modules/.bin")
}

/// The project's pinned anvil.
pub fn anvil() -> PathBuf {
    npm_bin().join("anvil")
}

/// Where `cargo install` puts binaries.
pub fn cargo_bin() -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    home.join("bin")
}

/// PATH with the project's npm tools and cargo's bin directory first.
pub fn tool_path() -> std::ffi::OsString {
    let mut paths = vec![npm_bin(), cargo_bin()];
    if let Some(path) = std::env::var_os("PATH") {
        paths.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(paths).expect("paths without separators")
}

/// A command in the repository root with the project's PATH.
pub fn cmd(program: &str) -> Command {
    let mut command = Command::new(program);
    command.current_dir(root()).env("PATH", tool_path());
    command
}

/// Runs `command`, failing with its command line when it does not succeed.
pub fn run(command: &mut Command) -> Result<()> {
    let status = command
        .status()
        .with_context(|| format!("could not start {command:?}"))?;
    if !status.success() {
        bail!("{command:?} failed ({status})");
    }
    Ok(())
}

/// Standard output of `command`, or `None` when it cannot run or fails.
pub fn output(command: &mut Command) -> Option<String> {
    let out = command.output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}
