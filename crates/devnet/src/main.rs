//! `pool-devnet`: starts the devnet and keeps it up until its standard input closes.
//!
//! ```text
//! pool-devnet [--port P] [--config-out FILE]
//! ```
//!
//! Prints one line `ready <config json>` once anvil runs with the pool deployed (and writes the
//! same JSON to FILE). Whoever started it stops it by closing its standard input (or Ctrl-C);
//! anvil goes with it. `cargo xtask dev` and `cargo xtask test` drive it this way, so that
//! xtask itself does not depend on the contract bindings it compiles.

use std::io::Read;

use anyhow::Context;
use pool_devnet::{Devnet, DevnetOptions};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
    };
    let port = value("--port")
        .map(|p| p.parse())
        .transpose()
        .context("--port")?
        .unwrap_or(0);
    let devnet = Devnet::start(DevnetOptions {
        port,
        ..Default::default()
    })
    .await?;
    let config = serde_json::to_string(&devnet.config())?;
    if let Some(path) = value("--config-out") {
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
