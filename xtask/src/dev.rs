//! `cargo xtask dev`: the whole product on this machine, until Ctrl-C.

use std::sync::mpsc;

use anyhow::{Context, Result};

use crate::devnet::DevnetProcess;
use crate::nginx::{Nginx, Site};
use crate::process::{cmd, root, run};
use crate::{contracts, flag_value, tools};

pub fn run_command(args: &[String]) -> Result<()> {
    let port: u16 = flag_value(args, "--port")
        .unwrap_or("8080")
        .parse()
        .context("--port")?;
    let rpc_port: u16 = flag_value(args, "--rpc-port")
        .unwrap_or("8545")
        .parse()
        .context("--rpc-port")?;

    tools::setup(tools::Needs {
        browser: false,
        server: true,
    })?;
    contracts::compile()?;

    let config_path = root().join(".devnet/config.json");
    std::fs::create_dir_all(config_path.parent().unwrap())?;
    let devnet = DevnetProcess::start(rpc_port, &config_path)?;

    run(cmd("trunk").arg("build"))?;
    // A development build: no security headers (they are written by `cargo xtask dist`), and
    // every unknown path answered with the app (it has no route copies).
    let server = Nginx::start(
        &Site {
            root: root().join("dist"),
            config: config_path,
            mount: "/".into(),
            headers: false,
            fallback: "index.html".into(),
        },
        port,
    )?;
    // Rebuild on every source change; nginx serves the new files (it reads them per request).
    let mut watch = cmd("trunk")
        .args(["watch", "--quiet"])
        .spawn()
        .context("starting trunk watch")?;

    println!();
    println!("  app       {}", server.url());
    println!(
        "  rpc       {} (chain id {})",
        devnet.rpc_url(),
        devnet.config.chain_id
    );
    let wrapper = devnet
        .config
        .wpool_eth
        .map(|address| address.to_string())
        .unwrap_or_default();
    println!(
        "  pool      manager {} / poolETH {} / wpoolETH {wrapper}",
        devnet.config.pool_manager, devnet.config.pool_eth,
    );
    println!("  accounts  anvil's well-known test accounts, 10000 ETH each: import one into your");
    println!("            wallet to deposit (README: \"Trying a deposit by hand\")");
    println!();
    println!("  Ctrl-C stops anvil, trunk and the server.");

    let (stop_tx, stop_rx) = mpsc::channel();
    ctrlc::set_handler(move || {
        let _ = stop_tx.send(());
    })
    .context("installing the Ctrl-C handler")?;
    let _ = stop_rx.recv();
    let _ = watch.kill();
    let _ = watch.wait();
    drop(server);
    drop(devnet);
    println!("stopped");
    Ok(())
}
