//! Compiles `contracts/src` (and the devnet stand-ins in `contracts/devnet`) with the pinned
//! solc-js through its Standard JSON interface, and writes one artifact per contract to
//! `contracts/out/<Name>.json` (`abi`, `bytecode`, `deployedBytecode`), the shape alloy's `sol!`
//! reads. Skips the compiler when no source changed since the last run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use crate::process::{cmd, root};

/// Source folders, relative to `contracts/`.
const SOURCE_DIRS: [&str; 2] = ["src", "devnet"];
/// The EVM the bytecode targets (supported by anvil and by mainnet).
const EVM_VERSION: &str = "cancun";

/// Compiles when needed; returns the artifact directory.
pub fn compile() -> Result<PathBuf> {
    let contracts = root().join("contracts");
    let out = contracts.join("out");
    let sources = sources(&contracts)?;
    let stamp = out.join(".sources");
    let settings = json!({
        // 200 runs: the PoolManager must stay under the 24,576-byte code limit (EIP-170); at
        // 10,000 it is 27.7 KB. Its hot paths (deposit, activation) are measured by the gas report.
        "optimizer": {"enabled": true, "runs": 200},
        "evmVersion": EVM_VERSION,
        "outputSelection": {"*": {"*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object", "evm.methodIdentifiers"]}},
    });
    let fingerprint = fingerprint(&sources, &settings.to_string());
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(fingerprint.as_str()) {
        return Ok(out);
    }
    eprintln!(
        "xtask: compiling {} Solidity sources with solc-js",
        sources.len()
    );
    let input = json!({
        "language": "Solidity",
        "sources": sources.iter().map(|(name, text)| (name.clone(), json!({"content": text})))
            .collect::<serde_json::Map<_, _>>(),
        "settings": settings,
    });
    let output = run_solc(&input)?;
    let mut failed = false;
    for error in output["errors"].as_array().into_iter().flatten() {
        // Library warnings are not ours to fix; errors anywhere are.
        let file = error["sourceLocation"]["file"].as_str().unwrap_or("");
        if error["severity"] != "error" && file.starts_with('@') {
            continue;
        }
        let message = error["formattedMessage"].as_str().unwrap_or_default();
        eprintln!("{message}");
        failed |= error["severity"] == "error";
    }
    if failed {
        bail!("the Solidity sources do not compile");
    }
    std::fs::create_dir_all(&out)?;
    let own = |source: &str| {
        SOURCE_DIRS
            .iter()
            .any(|dir| source.starts_with(&format!("{dir}/")))
    };
    for (source, contracts) in output["contracts"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(s, _)| own(s))
    {
        for (name, artifact) in contracts.as_object().into_iter().flatten() {
            let artifact = json!({
                "contractName": name,
                "sourceName": source,
                "abi": artifact["abi"],
                "bytecode": {"object": format!("0x{}", artifact["evm"]["bytecode"]["object"].as_str().unwrap_or_default())},
                "deployedBytecode": {"object": format!("0x{}", artifact["evm"]["deployedBytecode"]["object"].as_str().unwrap_or_default())},
                "methodIdentifiers": artifact["evm"]["methodIdentifiers"],
            });
            write_if_changed(
                &out.join(format!("{name}.json")),
                &serde_json::to_string_pretty(&artifact)?,
            )?;
        }
    }
    std::fs::write(&stamp, fingerprint)?;
    Ok(out)
}

/// Every `.sol` file under the source folders, keyed by its path relative to `contracts/`.
fn sources(contracts: &Path) -> Result<BTreeMap<String, String>> {
    let mut sources = BTreeMap::new();
    for dir in SOURCE_DIRS {
        let dir_path = contracts.join(dir);
        if !dir_path.exists() {
            continue;
        }
        for entry in std::fs::read_dir(&dir_path)? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "sol") {
                let name = format!("{dir}/{}", path.file_name().unwrap().to_string_lossy());
                sources.insert(name, std::fs::read_to_string(&path)?);
            }
        }
    }
    if sources.is_empty() {
        bail!("no Solidity sources under contracts/");
    }
    add_imports(&mut sources)?;
    Ok(sources)
}

/// Adds every file the sources import, transitively: library imports (`@openzeppelin/...`)
/// from the pinned npm packages in `tools/node_modules`, relative ones from beside the
/// importing file. solc-js has no file system access, so it must be handed them all.
fn add_imports(sources: &mut BTreeMap<String, String>) -> Result<()> {
    let mut queue: Vec<String> = sources.keys().cloned().collect();
    while let Some(unit) = queue.pop() {
        for import in imports(&sources[&unit]) {
            let name = if import.starts_with("./") || import.starts_with("../") {
                normalize(&format!(
                    "{}/{import}",
                    unit.rsplit_once('/').map_or("", |(dir, _)| dir)
                ))
            } else {
                import
            };
            if sources.contains_key(&name) {
                continue;
            }
            let local = root().join("contracts").join(&name);
            let path = if local.exists() {
                local
            } else {
                root().join("tools/node_modules").join(&name)
            };
            let text = std::fs::read_to_string(&path).with_context(|| {
                format!("{unit} imports {name}, not found (run `cargo xtask setup`)")
            })?;
            sources.insert(name.clone(), text);
            queue.push(name);
        }
    }
    Ok(())
}

/// The paths named by `import` statements.
fn imports(source: &str) -> Vec<String> {
    source
        .lines()
        .map(str::trim_start)
        .filter(|line| line.starts_with("import "))
        .filter_map(|line| line.split('"').nth(1))
        .map(str::to_string)
        .collect()
}

/// Resolves `.` and `..` segments of a source unit name.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// A digest of the sources and compiler settings (FNV-1a: stable across Rust versions).
fn fingerprint(sources: &BTreeMap<String, String>, settings: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let solc = std::fs::read_to_string(root().join("tools/package-lock.json")).unwrap_or_default();
    let parts = sources.iter().flat_map(|(n, t)| [n.as_str(), t.as_str()]);
    for part in parts.chain([settings, solc.as_str()]) {
        for byte in part.bytes().chain([0]) {
            hash = (hash ^ byte as u64).wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

fn run_solc(input: &Value) -> Result<Value> {
    let solc = root().join("tools/node_modules/solc");
    if !solc.exists() {
        bail!("solc-js is not installed: run `cargo xtask setup`");
    }
    // The solc-js CLI exits before a large output is flushed to a pipe; call the library and
    // write the result to a file synchronously instead.
    let input_path = root().join("target/solc-input.json");
    let output_path = root().join("target/solc-output.json");
    std::fs::create_dir_all(root().join("target"))?;
    std::fs::write(&input_path, input.to_string())?;
    const SCRIPT: &str = "const [solc, input, output] = process.argv.slice(1); \
        const fs = require('fs'); \
        fs.writeFileSync(output, require(solc).compile(fs.readFileSync(input, 'utf8')));";
    let status = cmd("node")
        .args(["-e", SCRIPT])
        .arg(&solc)
        .arg(&input_path)
        .arg(&output_path)
        .status()
        .context("starting node (is Node.js installed?)")?;
    if !status.success() {
        bail!("solc-js failed ({status})");
    }
    let text = std::fs::read_to_string(&output_path)?;
    serde_json::from_str(&text).context("parsing solc-js output")
}

/// Leaves the file (and its timestamp) alone when the content is the same, so that cargo does
/// not rebuild the bindings for nothing.
fn write_if_changed(path: &Path, content: &str) -> Result<()> {
    if std::fs::read_to_string(path).ok().as_deref() != Some(content) {
        std::fs::write(path, content)?;
    }
    Ok(())
}
