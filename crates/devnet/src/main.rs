//! `pool-devnet`: starts the devnet and keeps it up until its standard input closes.
//!
//! ```text
//! pool-devnet [--port P] [--config-out FILE] [--validators N] [--ceremony-out DIR]
//!             [--bench-ceremony N]
//! ```
//!
//! Prints one line `ready <config json>` once anvil runs with the pool deployed (and writes the
//! same JSON to FILE). `--validators N` (default 8) runs the devnet key ceremony and fills the
//! pool's registry; `--ceremony-out DIR` writes its `deposit_data.json` and `keyshares.json`
//! there, and those of a second ceremony of 4 validators, not registered, in `DIR/next` (what
//! the operator imports in the console's end-to-end tests). `--bench-ceremony N` also writes an
//! unregistered ceremony of N validators (the same next nonces) in `DIR/bench`: what
//! `cargo xtask bench` checks in the console (e2e/bench-console.mjs). Whoever started it stops
//! it by closing its standard input (or Ctrl-C); anvil goes with it. `cargo xtask dev` and
//! `cargo xtask test` drive it this way, so that xtask itself does not depend on the contract
//! bindings it compiles.

use std::io::Read;
use std::path::Path;

use anyhow::Context;
use pool_devnet::{Devnet, DevnetOptions};

/// Validators in the unregistered ceremony written to `--ceremony-out DIR/next`.
const NEXT_CEREMONY: usize = 4;

/// `deposit_data.json` and `keyshares.json` in `dir`, as the staking deposit CLI and ssv-keys
/// write them.
fn write_ceremony(dir: &Path, ceremony: &pool_devnet::ceremony::Ceremony) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(
        dir.join("deposit_data.json"),
        serde_json::to_string_pretty(&ceremony.deposit_data)?,
    )?;
    std::fs::write(
        dir.join("keyshares.json"),
        serde_json::to_string_pretty(&ceremony.keyshares)?,
    )?;
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
    };
    let number = |name: &str, default: usize| -> anyhow::Result<usize> {
        Ok(value(name)
            .map(|v| v.parse())
            .transpose()
            .with_context(|| name.to_string())?
            .unwrap_or(default))
    };
    let options = DevnetOptions {
        port: number("--port", 0)?.try_into().context("--port")?,
        validators: number("--validators", 8)?,
        ..Default::default()
    };
    let devnet = Devnet::start(options).await?;
    if let (Some(dir), Some(ceremony)) = (value("--ceremony-out"), &devnet.ceremony) {
        let dir = Path::new(dir);
        write_ceremony(dir, ceremony)?;
        // What a ceremony key holder would sign to front-run each registered key: 1 ETH to the
        // credentials of anvil's account #8 (the end-to-end tests' stranger).
        let stranger = pool_core::deposit::eth1_withdrawal_credentials(devnet.accounts()[8]);
        let side: Vec<_> = (0..ceremony.validators.len() as u64)
            .map(|nonce| pool_devnet::ceremony::side_deposit(nonce, stranger, 1_000_000_000))
            .collect();
        std::fs::write(
            dir.join("front-run.json"),
            serde_json::to_string_pretty(&side)?,
        )?;
        // A second ceremony, not registered: what the operator imports in the console.
        let registered = ceremony.validators.len() as u64;
        let plan = pool_devnet::ceremony_plan(&devnet.deployment, registered, NEXT_CEREMONY);
        write_ceremony(&dir.join("next"), &pool_devnet::ceremony::run(&plan))?;
        // Optionally a large one, not registered either: the console's import benchmark.
        let bench = number("--bench-ceremony", 0)?;
        if bench > 0 {
            let plan = pool_devnet::ceremony_plan(&devnet.deployment, registered, bench);
            write_ceremony(&dir.join("bench"), &pool_devnet::ceremony::run(&plan))?;
        }
    }
    let config = serde_json::to_string(&devnet.config())?;
    if let Some(path) = value("--config-out") {
        if let Some(dir) = Path::new(path).parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, serde_json::to_string_pretty(&devnet.config())?)
            .with_context(|| format!("writing {path}"))?;
    }
    println!("ready {config}");
    // Block until the parent closes our stdin (or dies); then drop the devnet, killing anvil.
    tokio::task::spawn_blocking(|| {
        let mut sink = Vec::new();
        let _ = std::io::stdin().read_to_end(&mut sink);
    })
    .await?;
    drop(devnet);
    Ok(())
}
