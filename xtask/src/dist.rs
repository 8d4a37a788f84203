//! `cargo xtask dist`: the release build of the app, for any static host.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::headers::{self, Connect};
use crate::process::{cmd, root, run};
use crate::{flag_value, tools};

/// The app's routes other than `/`, each given its own copy of the page (`admin/index.html`):
/// a reload of `/pool/admin` then works on any static host, IPFS path gateways included, which
/// redirect a folder to its slash form and serve its `index.html` (they have no SPA fallback).
/// Must equal the app's own list (`ROUTES` in `src/app.rs`, tested).
pub const ROUTES: [&str; 1] = ["admin"];

/// Trunk's public URL by default: relative, so one build works at a domain's root, under any
/// sub-path and under an IPFS gateway's `/ipfs/<cid>/`.
const RELATIVE: &str = "./";

/// Builds `dist/` in release mode (wasm-opt included, see `Trunk.toml`) with every asset URL
/// relative to the page's `<base href="./">`, and the route copies and `404.html`; no config
/// and no headers yet (see [`finish`]).
pub fn build_release() -> Result<PathBuf> {
    build(RELATIVE)
}

fn build(public_url: &str) -> Result<PathBuf> {
    tools::setup(tools::Needs::default())?;
    crate::contracts::compile()?;
    run(cmd("trunk").args(["build", "--release", "--public-url", public_url]))?;
    let dist = root().join("dist");
    copy_routes(&dist)?;
    Ok(dist)
}

/// `404.html` (static hosts answer unknown paths with it: the app then says the page does not
/// exist) and each route's `ROUTE/index.html`, whose relative `<base>` climbs back to the app's
/// folder (an absolute public URL is kept as it is).
fn copy_routes(dist: &Path) -> Result<()> {
    let index = std::fs::read_to_string(dist.join("index.html")).context("reading index.html")?;
    std::fs::write(dist.join("404.html"), &index).context("writing 404.html")?;
    let href = base_href(&index)?;
    for route in ROUTES {
        let mut html = index.clone();
        if &html[href.clone()] == RELATIVE {
            html.replace_range(href.clone(), &"../".repeat(route.split('/').count()));
        }
        let folder = dist.join(route);
        std::fs::create_dir_all(&folder)?;
        std::fs::write(folder.join("index.html"), html)?;
    }
    Ok(())
}

/// Where the `href` of the page's `<base>` is (Trunk writes the public URL there; its minifier
/// drops the quotes).
fn base_href(html: &str) -> Result<std::ops::Range<usize>> {
    let tag = html
        .find("<base ")
        .context("the page has no <base>: see index.html")?;
    let start = tag + html[tag..].find("href=").context("<base> without href")? + "href=".len();
    let (start, end) = match html[start..].chars().next() {
        Some(quote @ ('"' | '\'')) => {
            let end = html[start + 1..].find(quote).context("unterminated href")?;
            (start + 1, start + 1 + end)
        }
        // Unquoted: up to a space or the tag's end (`<base href=./>` is `./`).
        _ => {
            let end = html[start..]
                .find([' ', '>'])
                .context("unterminated <base>")?;
            (start, start + end)
        }
    };
    Ok(start..end)
}

/// The HTML files of a build: `index.html`, `404.html` and each route's copy.
pub fn html_files() -> Vec<String> {
    let mut files = vec!["index.html".to_string(), "404.html".to_string()];
    files.extend(ROUTES.iter().map(|r| format!("{r}/index.html")));
    files
}

/// Makes a build ready for a network: `config` (checked) as `dist/config.json`, the wasm fetched
/// with its integrity hash (`wasm_sri.rs`), then the security headers for its RPC and the
/// build's inline scripts (`headers.rs`). Idempotent.
pub fn finish(dist: &Path, config: Option<&str>, connect: Connect) -> Result<headers::Policy> {
    if let Some(text) = config {
        // The checks the app makes when it loads the file: a build never ships a config the
        // page would refuse.
        pool_core::config::NetworkConfig::from_json(text)?;
        std::fs::write(dist.join("config.json"), text)?;
    }
    let files = html_files();
    for name in &files {
        let path = dist.join(name);
        let html = std::fs::read_to_string(&path).with_context(|| format!("reading {name}"))?;
        std::fs::write(&path, crate::wasm_sri::pin(&html)?)?;
    }
    let names: Vec<&str> = files.iter().map(String::as_str).collect();
    headers::write(dist, &names, connect)
}

pub fn run_command(args: &[String]) -> Result<()> {
    let public_url = flag_value(args, "--public-url").unwrap_or(RELATIVE);
    if public_url != RELATIVE && !(public_url.starts_with('/') && public_url.ends_with('/')) {
        bail!("--public-url is `./` (any host, the default) or an absolute path like `/pool/`");
    }
    let dist = if args.iter().any(|a| a == "--no-build") {
        root().join("dist")
    } else {
        build(public_url)?
    };
    let config = match flag_value(args, "--config") {
        Some(path) => {
            Some(std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?)
        }
        None => None,
    };
    let connect = if args.iter().any(|a| a == "--strict-connect") {
        Connect::Configured
    } else {
        Connect::AnySecure
    };
    let policy = finish(&dist, config.as_deref(), connect)?;
    for (name, raw, gzip, _) in bundle_sizes(&dist)? {
        println!("{name}: {raw} bytes, {gzip} bytes gzip");
    }
    println!(
        "staker's first visit: {} bytes gzip (budget {FIRST_VISIT_BUDGET})",
        first_visit_gzip(&dist)?
    );
    println!("Content-Security-Policy: {}", policy.header());
    if !dist.join("config.json").is_file() {
        println!("no config.json yet: rerun with --config (the policy then names its RPC)");
    }
    println!(
        "dist/ is ready: serve it from any static host (README, Deploy); `{}` and `{}` hold its headers",
        headers::HEADERS_FILE,
        headers::NGINX_SNIPPET
    );
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
    fn every_route_of_the_app_has_its_page() {
        let app = std::fs::read_to_string(crate::process::root().join("src/app.rs")).unwrap();
        let declared = app
            .lines()
            .find_map(|line| line.strip_prefix("const ROUTES: "))
            .expect("src/app.rs declares its ROUTES");
        assert_eq!(
            declared,
            format!("[&str; {}] = {:?};", super::ROUTES.len(), super::ROUTES)
        );
    }

    #[test]
    fn a_route_copy_climbs_back_to_the_apps_folder() {
        let dir = std::env::temp_dir().join(format!("xtask-routes-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // As Trunk's minifier writes it.
        let page = "<html><meta charset=utf-8><base href=./><link href=./app.css></html>";
        std::fs::write(dir.join("index.html"), page).unwrap();
        super::copy_routes(&dir).unwrap();
        assert_eq!(std::fs::read_to_string(dir.join("404.html")).unwrap(), page);
        assert_eq!(
            std::fs::read_to_string(dir.join("admin/index.html")).unwrap(),
            "<html><meta charset=utf-8><base href=../><link href=./app.css></html>"
        );
        // An absolute public URL needs no climbing.
        let absolute = page.replace("href=./>", "href=\"/pool/\">");
        std::fs::write(dir.join("index.html"), &absolute).unwrap();
        super::copy_routes(&dir).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.join("admin/index.html")).unwrap(),
            absolute
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

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
