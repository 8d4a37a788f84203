//! Drives the `pool-devnet` program (crates/devnet): anvil on 127.0.0.1 with the pool deployed.
//!
//! It runs as a child process so that xtask does not itself depend on the contract bindings it
//! compiles. Dropping [`DevnetProcess`] closes the child's stdin, which stops it and its anvil.
//!
//! With [`BENCH_CEREMONY`] set to N in xtask's environment (`cargo xtask bench` sets it for the
//! console's import figures), the devnet also writes an unregistered ceremony of N validators
//! beside the others (`bench/` of the ceremony directory); otherwise it does not.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};

use anyhow::{Context, Result, bail};

use pool_core::config::NetworkConfig;

use crate::process::cmd;

/// Environment variable: how many validators the devnet's unregistered bench ceremony has
/// (`pool-devnet --bench-ceremony N`); unset or 0, none is made.
pub const BENCH_CEREMONY: &str = "POOL_DEVNET_BENCH_CEREMONY";

pub struct DevnetProcess {
    child: Child,
    stdin: Option<ChildStdin>,
    /// The app's `config.json` for this devnet.
    pub config: NetworkConfig,
}

/// `cargo run` of a program of the `pool-devnet` crate, with the project's anvil.
pub fn devnet_program(bin: &str) -> Command {
    let mut command = cmd("cargo");
    command
        .args([
            "run",
            "--quiet",
            "--package",
            "pool-devnet",
            "--bin",
            bin,
            "--",
        ])
        .env("ANVIL_BIN", crate::process::anvil());
    command
}

impl DevnetProcess {
    /// Builds and starts the devnet; `port` 0 picks a free port. Writes the config to `config_out`.
    pub fn start(port: u16, config_out: &Path) -> Result<DevnetProcess> {
        let mut command = devnet_program("pool-devnet");
        if let Ok(count) = std::env::var(BENCH_CEREMONY) {
            let count: usize = count
                .parse()
                .with_context(|| format!("{BENCH_CEREMONY}={count}"))?;
            if count > 0 {
                command.arg("--bench-ceremony").arg(count.to_string());
            }
        }
        let mut child = command
            .arg("--port")
            .arg(port.to_string())
            .arg("--config-out")
            .arg(config_out)
            .arg("--ceremony-out")
            .arg(config_out.parent().unwrap_or(Path::new(".")))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .context("starting pool-devnet")?;
        let stdin = child.stdin.take();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let config = loop {
            match lines.next() {
                Some(line) => {
                    if let Some(json) = line?.strip_prefix("ready ") {
                        break NetworkConfig::from_json(json).context("pool-devnet's config")?;
                    }
                }
                None => {
                    let status = child.wait()?;
                    bail!("pool-devnet stopped before the devnet was ready ({status})");
                }
            }
        };
        Ok(DevnetProcess {
            child,
            stdin,
            config,
        })
    }

    pub fn rpc_url(&self) -> &str {
        &self.config.rpc_url
    }
}

impl Drop for DevnetProcess {
    fn drop(&mut self) {
        drop(self.stdin.take());
        // Give it a moment to kill anvil itself; then make sure.
        for _ in 0..50 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
