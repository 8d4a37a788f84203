//! The invariants ARCHITECTURE.md states that a reading of the tree can check: what each layer
//! may name, that views do no I/O, that the state keeps errors typed, that the core does no I/O.
//! Each check reads the source without its comments, so a comment may still speak of what the
//! code must not do.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Every `.rs` file under `dir`, with its text less its `//` comments.
fn sources(dir: &str) -> Vec<(String, String)> {
    fn walk(path: &Path, into: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(path).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, into);
            } else if path.extension().is_some_and(|e| e == "rs") {
                into.push(path);
            }
        }
    }
    let base = root().join(dir);
    let mut paths = Vec::new();
    walk(&base, &mut paths);
    assert!(!paths.is_empty(), "no Rust source under {dir}");
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let code: Vec<&str> = text
                .lines()
                .map(|line| line.split_once("//").map_or(line, |(code, _)| code))
                .collect();
            let name = path.strip_prefix(root()).unwrap().display().to_string();
            (name, code.join("\n"))
        })
        .collect()
}

/// The files under `dir` that contain any of `words`, with the word found.
fn offenders(dir: &str, words: &[&str]) -> Vec<String> {
    sources(dir)
        .into_iter()
        .flat_map(|(name, code)| {
            words
                .iter()
                .filter(|w| code.contains(**w))
                .map(|w| format!("{name}: {w}"))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn views_do_no_io() {
    // Tasks, clients, transports and fetches belong to `src/state/`: a view calls a handle's
    // method and shows its signals.
    let found = offenders(
        "src/components",
        &[
            "spawn_local",
            "RpcClient",
            "ClientBuilder",
            "FetchTransport",
            ".client()",
            ".reader()",
            "JsFuture",
            "pool_chain::client::call",
            "fetch_with",
            "http_client",
        ],
    );
    assert!(found.is_empty(), "views doing I/O: {found:?}");
}

#[test]
fn the_state_names_no_view() {
    let found = offenders("src/state", &["crate::components", "view!"]);
    assert!(found.is_empty(), "state naming views: {found:?}");
}

#[test]
fn the_state_keeps_errors_typed() {
    // A sentence as an error loses its cause and puts words outside the views.
    let found = offenders(
        "src/state",
        &[
            ", String>",
            "Failed(String)",
            "Refused(String)",
            "reason: String",
            "cause: String",
        ],
    );
    assert!(
        found.is_empty(),
        "words or String errors in the state: {found:?}"
    );
}

#[test]
fn the_keeper_keeps_its_reasons_typed() {
    // A decision's reason keeps its cause (a refusal, a transaction error); the log line is
    // where it becomes words.
    let found = offenders(
        "crates/keeper/src",
        &[", String>", "(String)", "reason: String", "cause: String"],
    );
    assert!(found.is_empty(), "String reasons in the keeper: {found:?}");
}

#[test]
fn the_core_does_no_io() {
    let manifest = std::fs::read_to_string(root().join("crates/core/Cargo.toml")).unwrap();
    let dependencies = manifest
        .split("[dependencies]")
        .nth(1)
        .unwrap()
        .split("\n[")
        .next()
        .unwrap();
    for io in [
        "alloy-rpc-client",
        "alloy-provider",
        "alloy-transport",
        "reqwest",
        "tokio",
        "web-sys",
        "wasm-bindgen",
        "pool-chain",
    ] {
        assert!(
            !dependencies.contains(io),
            "pool-core depends on {io}: the core does no I/O"
        );
    }
    // Its own tests may read the machine (a timing test reads /proc): only the library counts.
    let found: Vec<String> = offenders(
        "crates/core/src",
        &["std::fs", "std::net", "std::process", "pool_chain"],
    )
    .into_iter()
    .filter(|found| !found.contains("/tests/"))
    .collect();
    assert!(found.is_empty(), "I/O in the core: {found:?}");
}

#[test]
fn arrows_point_down() {
    // app -> chain -> core, keeper -> chain -> core: the chain layer names neither caller.
    let found = offenders(
        "crates/chain/src",
        &["ssv_pool_app", "pool_keeper", "leptos"],
    );
    assert!(
        found.is_empty(),
        "the chain layer names a caller: {found:?}"
    );
}
