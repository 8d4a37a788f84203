//! `cargo xtask dev`: the whole product on this machine, until Ctrl-C.

use std::sync::mpsc;

use anyhow::{Context, Result};

use crate::devnet::DevnetProcess;
use crate::process::{cmd, root, run};
use crate::{contracts, flag_value, serve, tools};

pub fn run_command(args: &[String]) -> Result<()> {
    let port: u16 = flag_value(args, "--port")
        .unwrap_or("8080")
        .parse()
        .context("--port")?;
    let rpc_port: u16 = flag_value(args, "--rpc-port")
        .unwrap_or("8545")
        .parse()
        .context("--rpc-port")?;

    tools::setup(tools::Needs::default())?;
    contracts::compile()?;

    let config_path = root().join(".devnet/config.json");
    std::fs::create_dir_all(config_path.parent().unwrap())?;
    let devnet = DevnetProcess::start(rpc_port, &config_path)?;

    run(cmd("trunk").arg("build"))?;
    let server = serve::start(
        serve::Site {
            root: root().join("dist"),
            config: config_path,
        },
        port,
    )?;
    // Rebuild on every source change; the server picks up the new files.
    let mut watch = cmd("trunk")
        .args(["watch", "--quiet"])
        .spawn()
        .context("starting trunk watch")?;

    println!();
    println!("  app       {}", server.url());
    println!(
        "  rpc       {} (chain id {})",
        devnet.rpc_url(),
        devnet.config["chainId"]
    );
    println!(
        "  pool      manager {} / poolETH {}",
        devnet.config["poolManager"], devnet.config["poolEth"]
    );
    println!(
        "  accounts  anvil's default accounts, each with 10000 ETH; import the first into your"
    );
    println!("            wallet with anvil's well-known test key to try a deposit");
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
    drop(devnet);
    println!("stopped");
    Ok(())
}
