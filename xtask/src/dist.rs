//! `cargo xtask dist`: the release build of the app, for any static host.

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
    for (name, raw, gzip, _) in bundle_sizes(&dist)? {
        println!("{name}: {raw} bytes, {gzip} bytes gzip");
    }
    println!(
        "staker's first visit: {} bytes gzip (budget {FIRST_VISIT_BUDGET})",
        first_visit_gzip(&dist)?
    );
    println!("dist/ is ready: serve it from any static host, with a config.json beside index.html");
    Ok(())
}

/// Files fetched only on `/admin`: the operator console's module and styles, its import worker.
pub const CONSOLE_PREFIXES: [&str; 2] = ["ssv-pool-console", "pool-checker"];

/// (file name, raw bytes, gzip bytes, downloaded on a staker's first visit) of each file the app
/// may download from `dist`: the top-level wasm, JS, CSS and `index.html`, and the JS snippets
/// the staker's module imports (`snippets/…`). The console's files are not a first visit.
pub fn bundle_sizes(dist: &Path) -> Result<Vec<(String, usize, usize, bool)>> {
    let mut names = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dist)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let downloaded = path
            .extension()
            .is_some_and(|e| e == "wasm" || e == "js" || e == "css");
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if downloaded || name == "index.html" {
            names.push(name);
        }
    }
    // Snippets are imported by a module's JS by relative path: count those the modules name.
    let mut snippets = Vec::new();
    for name in names.iter().filter(|n| n.ends_with(".js")) {
        let text = std::fs::read_to_string(dist.join(name))?;
        for part in text.split("./snippets/").skip(1) {
            let path = part.split(['\'', '"']).next().unwrap_or_default();
            let snippet = format!("snippets/{path}");
            if dist.join(&snippet).is_file() && !snippets.contains(&(snippet.clone(), name.clone()))
            {
                snippets.push((snippet, name.clone()));
            }
        }
    }
    let console = |name: &str| CONSOLE_PREFIXES.iter().any(|p| name.starts_with(p));
    let mut sizes = Vec::new();
    let files = names
        .iter()
        .map(|n| (n.clone(), !console(n)))
        .chain(snippets.iter().map(|(s, by)| (s.clone(), !console(by))));
    for (name, first_visit) in files {
        let path = dist.join(&name);
        let raw = std::fs::metadata(&path)?.len() as usize;
        sizes.push((name, raw, gzip_size(&path)?, first_visit));
    }
    Ok(sizes)
}

/// Bytes of `path` compressed by `gzip -9`: the reference the figures and the budget use (the
/// zlib hosts compress with; Rust ports of deflate compress this wasm 0.4 % worse).
fn gzip_size(path: &Path) -> Result<usize> {
    let out = std::process::Command::new("gzip")
        .args(["-9", "-c", "-n"])
        .arg(path)
        .output()
        .with_context(|| format!("running gzip on {}", path.display()))?;
    anyhow::ensure!(out.status.success(), "gzip failed on {}", path.display());
    Ok(out.stdout.len())
}

/// Most a staker's first visit may download, gzip -9 (wasm, JS, CSS, HTML, snippets): the
/// operator console issue's cap. `cargo xtask test` fails above it.
pub const FIRST_VISIT_BUDGET: usize = 300_000;

/// The gzip bytes of a staker's first visit (see [`bundle_sizes`]).
pub fn first_visit_gzip(dist: &Path) -> Result<usize> {
    Ok(bundle_sizes(dist)?
        .iter()
        .filter(|f| f.3)
        .map(|f| f.2)
        .sum())
}

/// What no file of a build may hold: a private key in PEM form, the devnet's well-known mnemonic,
/// any of anvil's first ten private keys (what a test or the devnet could leak into the app).
const SECRETS: [&str; 12] = [
    "-----BEGIN",
    "test test test test test test test test test test test junk",
    "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
    "47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
    "8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
    "92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
    "4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
    "dbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
    "2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
];

/// The secrets found in the files of `dist` (none, for a build that may be published).
pub fn secrets_in(dist: &Path) -> Result<Vec<String>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dist)? {
        let path = entry?.path();
        if !path.is_file() {
            continue;
        }
        let bytes = std::fs::read(&path)?;
        let text = String::from_utf8_lossy(&bytes).to_lowercase();
        for secret in SECRETS {
            if text.contains(&secret.to_lowercase()) {
                found.push(format!("{} contains {}…", path.display(), &secret[..12]));
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_key_in_a_built_file_is_found() {
        let dir = std::env::temp_dir().join(format!("xtask-secrets-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("app.js"), "const k = 'safe';").unwrap();
        assert!(super::secrets_in(&dir).unwrap().is_empty());
        std::fs::write(
            dir.join("leak.wasm"),
            b"\0\0AC0974BEC39A17E36BA4A6B4D238FF944BACB478CBED5EFCAE784D7BF4F2FF80\0",
        )
        .unwrap();
        assert_eq!(super::secrets_in(&dir).unwrap().len(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_first_visit_counts_the_stakers_files_and_snippets_not_the_consoles() {
        let dir = std::env::temp_dir().join(format!("xtask-bundle-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("snippets/app-1")).unwrap();
        std::fs::write(dir.join("index.html"), "<html></html>").unwrap();
        std::fs::write(
            dir.join("ssv-pool-app-ab.js"),
            "import { f } from './snippets/app-1/inline0.js';",
        )
        .unwrap();
        std::fs::write(dir.join("ssv-pool-app-ab_bg.wasm"), [0u8; 64]).unwrap();
        std::fs::write(
            dir.join("snippets/app-1/inline0.js"),
            "export function f() {}",
        )
        .unwrap();
        std::fs::write(dir.join("ssv-pool-console_bg.wasm"), [0u8; 64]).unwrap();
        std::fs::write(dir.join("pool-checker.js"), "x").unwrap();
        let sizes = super::bundle_sizes(&dir).unwrap();
        let first: Vec<&str> = sizes.iter().filter(|s| s.3).map(|s| s.0.as_str()).collect();
        assert_eq!(
            first,
            [
                "index.html",
                "ssv-pool-app-ab.js",
                "ssv-pool-app-ab_bg.wasm",
                "snippets/app-1/inline0.js"
            ]
        );
        assert_eq!(sizes.len(), 6);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
