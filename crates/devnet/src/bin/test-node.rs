//! `test-node`: the test node of [`pool_devnet::testing::node`] as a program, for the end-to-end
//! tests (JavaScript, e2e/node-control.mjs): a JSON-RPC node on 127.0.0.1 in front of `UPSTREAM`
//! that the test switches between faults and asks what it saw.
//!
//! ```text
//! test-node UPSTREAM
//! ```
//!
//! Prints `ready http://127.0.0.1:<port>` once it listens, then answers one line per command
//! line on its standard input:
//!
//! - `mode forward|down|garbage|stall|wrong-chain` → `ok` (see [`Mode`]; stalled requests are
//!   released, dropped, when the mode changes);
//! - `abandoned` → `abandoned N`: stalled requests the client gave up on itself;
//! - `methods` → `methods ["eth_chainId", …]`: the methods called since the last `clear`;
//! - `clear` → `ok`.
//!
//! Whoever started it stops it by closing its standard input.

use std::io::{BufRead, Write};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use pool_devnet::testing::node::{Counts, Faults, Mode, TestNode};

fn mode(name: &str) -> Result<Mode> {
    Ok(match name {
        "forward" => Mode::Forward,
        "down" => Mode::Down,
        "garbage" => Mode::Garbage,
        "stall" => Mode::Stall,
        "wrong-chain" => Mode::WrongChain,
        other => bail!("no mode {other:?}"),
    })
}

fn main() -> Result<()> {
    let upstream = std::env::args()
        .nth(1)
        .context("usage: test-node UPSTREAM")?;
    let (counts, faults) = (Arc::new(Counts::default()), Arc::new(Faults::default()));
    // Counted first: what the page asked, whatever the fault does with it.
    let node = TestNode::to(&upstream)
        .with(counts.clone())
        .with(faults.clone())
        .start()?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "ready {}", node.url())?;
    out.flush()?;
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let answer = match line.trim().split_once(' ') {
            Some(("mode", name)) => {
                faults.set(mode(name)?);
                "ok".to_string()
            }
            None if line.trim() == "abandoned" => format!("abandoned {}", faults.abandoned()),
            None if line.trim() == "methods" => {
                format!("methods {}", serde_json::to_string(&counts.methods())?)
            }
            None if line.trim() == "clear" => {
                counts.reset();
                "ok".to_string()
            }
            _ => bail!("unknown command {line:?}"),
        };
        writeln!(out, "{answer}")?;
        out.flush()?;
    }
    Ok(())
}
