//! `cargo xtask dist`: the release build of the app, for any static host.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::process::{cmd, root, run};
use crate::{flag_value, tools};

/// Builds `dist/` in release mode (wasm-opt included, see `Trunk.toml`).
pub fn build_release() -> Result<PathBuf> {
    tools::setup(tools::Needs::default())?;
    crate::contracts::compile()?;
    run(cmd("trunk").args(["build", "--release"]))?;
    let dist = root().join("dist");
    // Static hosts answer unknown paths with 404.html: make that the app too (SPA routes).
    std::fs::copy(dist.join("index.html"), dist.join("404.html")).context("copying 404.html")?;
    Ok(dist)
}

pub fn run_command(args: &[String]) -> Result<()> {
    let dist = build_release()?;
    if let Some(config) = flag_value(args, "--config") {
        let text = std::fs::read_to_string(config).with_context(|| format!("reading {config}"))?;
        let parsed: serde_json::Value =
            serde_json::from_str(&text).with_context(|| format!("{config} is not JSON"))?;
        for key in ["chainId", "chainName", "rpcUrl", "poolManager", "poolEth"] {
            anyhow::ensure!(parsed.get(key).is_some(), "{config} has no `{key}`");
        }
        std::fs::write(dist.join("config.json"), text)?;
    }
    for (name, raw, gzip) in bundle_sizes(&dist)? {
        println!("{name}: {raw} bytes, {gzip} bytes gzip");
    }
    println!("dist/ is ready: serve it from any static host, with a config.json beside index.html");
    Ok(())
}

/// (file name, raw bytes, gzip bytes) of each file a first visit downloads from `dist`.
pub fn bundle_sizes(dist: &Path) -> Result<Vec<(String, usize, usize)>> {
    let mut sizes = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dist)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let downloaded = path
            .extension()
            .is_some_and(|e| e == "wasm" || e == "js" || e == "css");
        let index = path.file_name().is_some_and(|n| n == "index.html");
        if downloaded || index {
            let bytes = std::fs::read(&path)?;
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            gz.write_all(&bytes)?;
            let gzip = gz.finish()?.len();
            sizes.push((
                path.file_name().unwrap().to_string_lossy().into_owned(),
                bytes.len(),
                gzip,
            ));
        }
    }
    Ok(sizes)
}
