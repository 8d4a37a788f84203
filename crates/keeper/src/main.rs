//! `pool-keeper`: see `--help` and the README's "Running the keeper".

use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pool_core::config::NetworkConfig;
use pool_keeper::beacon::Beacon;
use pool_keeper::keeper::{Duties, StartError};
use pool_keeper::log::Logger;
use pool_keeper::metrics::{Figures, serve};
use pool_keeper::options::{HELP, Options};
use pool_keeper::{Keeper, signer};

const CONFIG: u8 = 2;
const MISSING_ROLE: u8 = 3;
const FRONT_RUN: u8 = 4;
const UNREACHABLE: u8 = 5;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match Options::parse(&args) {
        Ok(Some(options)) => options,
        Ok(None) => {
            println!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("pool-keeper: {e:#}");
            return ExitCode::from(CONFIG);
        }
    };
    match run(options).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("pool-keeper: {e}");
            ExitCode::from(match e {
                StartError::Config(_) => CONFIG,
                StartError::Unreachable(_) => UNREACHABLE,
                StartError::MissingRole { .. } => MISSING_ROLE,
            })
        }
    }
}

async fn run(options: Options) -> Result<ExitCode, StartError> {
    let text = std::fs::read_to_string(&options.config).map_err(|e| {
        StartError::Config(anyhow::anyhow!("reading {}: {e}", options.config.display()))
    })?;
    let config = NetworkConfig::from_json(&text)
        .map_err(|e| StartError::Config(anyhow::anyhow!("{}: {e}", options.config.display())))?;
    let signer = signer::load(&options.key).map_err(StartError::Config)?;
    let log = Logger {
        format: options.log_format,
    };
    let figures = Arc::new(Mutex::new(Figures::default()));
    if let Some(address) = options.metrics {
        let bound = serve(address, figures.clone())
            .await
            .map_err(StartError::Config)?;
        log.line(
            "metrics",
            &format!("metrics at http://{bound}/metrics"),
            serde_json::json!({ "address": bound.to_string() }),
        );
    }
    let rpc = options
        .rpc
        .clone()
        .unwrap_or_else(|| config.rpc_url.clone());
    let duties = Duties {
        activation: options.activation,
        oracle: options.oracle.is_some(),
        upkeep: options.upkeep_days.is_some(),
        exits: options.exits,
    };
    let mut keeper = Keeper::connect(
        &config,
        &rpc,
        signer,
        options.dry_run,
        log,
        figures.clone(),
        duties,
    )
    .await?;
    keeper.send_deadline = Duration::from_secs(options.send_deadline_seconds);
    keeper.send_options.bump_after = Duration::from_secs(options.bump_after_seconds);
    if let Some(url) = &options.beacon {
        keeper.set_beacon(url);
    }
    if options.activation
        && !keeper.has_beacon()
        && config.chain_id != pool_core::config::DEVNET_CHAIN_ID
    {
        return Err(StartError::Config(anyhow::anyhow!(
            "the activation duty on chain {} needs a beacon node (--beacon URL or beaconUrl in the config): \
             without one, keys deposited before the pool existed cannot be checked",
            config.chain_id
        )));
    }
    let beacon = options
        .oracle
        .as_ref()
        .map(|o| (Beacon::new(&o.beacon), o.every));
    log.line(
        "started",
        &format!(
            "keeping pool {} as {} (activation: {}, exits: {}, oracle: {}, upkeep: {}{})",
            keeper.pool,
            keeper.account,
            options.activation,
            options.exits,
            beacon.is_some(),
            match options.upkeep_days {
                Some(days) => format!("under {days} days"),
                None => "no".into(),
            },
            if options.dry_run { ", dry run" } else { "" }
        ),
        serde_json::json!({ "pool": keeper.pool, "account": keeper.account, "dry_run": options.dry_run,
            "activation": options.activation, "exits": options.exits, "oracle": beacon.is_some(), "upkeep_days": options.upkeep_days }),
    );
    // The exit duty asks the beacon node (when there is one) whether a validator due for a
    // forced exit is exiting already, before the pool pays its EIP-7002 fee.
    let exit_beacon = options
        .beacon
        .as_deref()
        .or(config.beacon_url.as_deref())
        .map(Beacon::new);
    let poll = Duration::from_secs(options.poll_seconds);
    let mut failures = 0u32;
    loop {
        let mut failed = false;
        if let Some((beacon, every)) = &beacon {
            match keeper.oracle_round(beacon, *every).await {
                Ok(decision) => {
                    keeper.report_oracle(&decision);
                }
                Err(e) => {
                    failed = true;
                    log.line(
                        "error",
                        &format!("oracle round failed, will retry: {e:#}"),
                        serde_json::json!({ "duty": "oracle", "failures": failures + 1 }),
                    );
                }
            }
        }
        if let Some(days) = options.upkeep_days {
            match keeper.upkeep_round(days).await {
                Ok(done) => keeper.report_upkeep(&done),
                Err(e) => {
                    failed = true;
                    log.line(
                        "error",
                        &format!("upkeep round failed, will retry: {e:#}"),
                        serde_json::json!({ "duty": "upkeep", "failures": failures + 1 }),
                    );
                }
            }
        }
        if options.exits {
            match keeper.exits_round(exit_beacon.as_ref()).await {
                Ok(round) => keeper.report_exits(&round),
                Err(e) => {
                    failed = true;
                    log.line(
                        "error",
                        &format!("exit round failed, will retry: {e:#}"),
                        serde_json::json!({ "duty": "exits", "failures": failures + 1 }),
                    );
                }
            }
        }
        if options.activation {
            match keeper.round().await {
                Ok(decision) => {
                    keeper.report(&decision);
                    if decision.stops() {
                        return Ok(ExitCode::from(FRONT_RUN));
                    }
                }
                Err(e) => {
                    failed = true;
                    log.line(
                        "error",
                        &format!("round failed, will retry: {e:#}"),
                        serde_json::json!({ "duty": "activation", "failures": failures + 1 }),
                    );
                }
            }
        }
        if failed {
            failures += 1;
            if let Ok(mut figures) = figures.lock() {
                figures.errors += 1;
            }
        } else {
            failures = 0;
        }
        if options.once {
            return Ok(ExitCode::from(if failed { UNREACHABLE } else { 0 }));
        }
        // Back off on repeated faults (up to five minutes); a healthy keeper polls every slot.
        let wait =
            (poll * 2u32.saturating_pow(failures.min(5))).min(Duration::from_secs(300).max(poll));
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = stop_requested() => {
                log.line("stopped", "stopping on request", serde_json::json!({}));
                return Ok(ExitCode::SUCCESS);
            }
        }
    }
}

/// Ctrl-C, or SIGTERM (what systemd sends): the program stops between rounds.
async fn stop_requested() {
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => return std::future::pending().await,
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
