//! Flags and environment, documented by `--help`.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};

pub const HELP: &str = "\
pool-keeper: activates the pool's validators whenever 32 ETH is pooled.

usage: pool-keeper --config FILE [options]

  --config FILE         the network's config.json (the file the app is deployed with)
  --rpc URL             a node to use instead of the config's rpcUrl
  --keystore FILE       the keeper's key, an encrypted JSON keystore; its password comes from
                        --password-file FILE or $POOL_KEEPER_PASSWORD
                        (without --keystore: $POOL_KEEPER_PRIVATE_KEY, a hex private key)
  --duty DUTY           activation, exits, oracle or upkeep; repeat for several (default:
                        activation and exits). Each needs its role: KEEPER_ROLE for all
                        but oracle (ORACLE_ROLE). exits: when the withdrawal queue asks for
                        more than the buffer and the validators in exit cover, ask the
                        oldest validators' SSV operators to exit them; after the queue's
                        grace period with no exit seen, send the EIP-7002 request from the
                        pool; remove withdrawn validators from their SSV cluster
  --beacon URL          the beacon node's REST API: the oracle's source, and the activation
                        check of keys deposited before the pool (default: the config's
                        beaconUrl; required for activation on any chain but the devnet)
  --report-every SECS   the oracle reports at most this often (default 86400, a day; never
                        sooner than the pool's minimum interval)
  --upkeep-days N       the upkeep duty (implies --duty upkeep) tops a pool cluster up from the
                        fee reserve, for the pool's runway, when it has less than N days of
                        SSV fees left above its collateral (default 30), and alerts when the
                        reserve cannot (metric keeper_fee_reserve_short)
  --send-deadline SECS  how long a transaction may wait for its block before the keeper gives
                        up on it for this round (default 600; the next send replaces it)
  --bump-after SECS     a transaction still waiting after this is sent again, same nonce,
                        fees +10% at least (default 60)
  --once                one round, then exit (for cron)
  --dry-run             say what would be sent; send nothing
  --poll-seconds N      seconds between rounds (default 12, a slot)
  --log-format FORMAT   text (default) or json: one line per decision
  --metrics ADDR        serve Prometheus metrics at http://ADDR/metrics (e.g. 127.0.0.1:9464)
  --help                this text

The key is never printed or logged.

exit codes: 0 done (or idle); 1 unexpected error; 2 bad configuration or key; 3 the account
lacks a duty's role; 4 a registry key was front-run (a person must drop it); 5 the node
could not be reached (with --once).";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// Where the key comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    Keystore {
        path: PathBuf,
        password_file: Option<PathBuf>,
    },
    Environment,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub config: PathBuf,
    pub rpc: Option<String>,
    pub key: KeySource,
    pub once: bool,
    pub dry_run: bool,
    pub poll_seconds: u64,
    pub log_format: LogFormat,
    pub metrics: Option<SocketAddr>,
    pub activation: bool,
    /// The exit duty (validator exits for the withdrawal queue).
    pub exits: bool,
    pub oracle: Option<OracleOptions>,
    /// The beacon node (`--beacon`, else the config's `beaconUrl`): the oracle's source, and
    /// where the activation check finds keys deposited before the pool.
    pub beacon: Option<String>,
    /// The upkeep duty's threshold, in days of fees left.
    pub upkeep_days: Option<f64>,
    pub send_deadline_seconds: u64,
    pub bump_after_seconds: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OracleOptions {
    pub beacon: String,
    pub every: u64,
}

impl Options {
    /// Parses the arguments (without the program name); `Ok(None)` for `--help`.
    pub fn parse(args: &[String]) -> Result<Option<Options>> {
        let mut config = None;
        let mut options = Options {
            config: PathBuf::new(),
            rpc: None,
            key: KeySource::Environment,
            once: false,
            dry_run: false,
            poll_seconds: 12,
            log_format: LogFormat::Text,
            metrics: None,
            activation: false,
            exits: false,
            oracle: None,
            beacon: None,
            upkeep_days: None,
            send_deadline_seconds: 600,
            bump_after_seconds: 60,
        };
        let mut upkeep = false;
        let mut upkeep_days = None;
        let mut oracle = false;
        let mut beacon = None;
        let mut every = 86_400;
        let mut keystore = None;
        let mut password_file = None;
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = || {
                args.next()
                    .cloned()
                    .with_context(|| format!("{arg} needs a value"))
            };
            match arg.as_str() {
                "--help" | "-h" => return Ok(None),
                "--config" => config = Some(PathBuf::from(value()?)),
                "--rpc" => options.rpc = Some(value()?),
                "--keystore" => keystore = Some(PathBuf::from(value()?)),
                "--password-file" => password_file = Some(PathBuf::from(value()?)),
                "--duty" => match value()?.as_str() {
                    "activation" => options.activation = true,
                    "exits" => options.exits = true,
                    "oracle" => oracle = true,
                    "upkeep" => upkeep = true,
                    other => bail!("--duty is activation, exits, oracle or upkeep, not {other}"),
                },
                "--upkeep-days" => {
                    let days: f64 = value()?
                        .parse()
                        .context("--upkeep-days takes a number of days")?;
                    if !(days.is_finite() && days > 0.0) {
                        bail!("--upkeep-days must be more than 0");
                    }
                    upkeep_days = Some(days);
                }
                "--send-deadline" => {
                    options.send_deadline_seconds = value()?
                        .parse()
                        .context("--send-deadline takes a number of seconds")?;
                    if options.send_deadline_seconds == 0 {
                        bail!("--send-deadline must be at least 1");
                    }
                }
                "--bump-after" => {
                    options.bump_after_seconds = value()?
                        .parse()
                        .context("--bump-after takes a number of seconds")?;
                    if options.bump_after_seconds == 0 {
                        bail!("--bump-after must be at least 1");
                    }
                }
                "--beacon" => beacon = Some(value()?),
                "--report-every" => {
                    every = value()?
                        .parse()
                        .context("--report-every takes a number of seconds")?
                }
                "--once" => options.once = true,
                "--dry-run" => options.dry_run = true,
                "--poll-seconds" => {
                    options.poll_seconds = value()?
                        .parse()
                        .context("--poll-seconds takes a number of seconds")?;
                    if options.poll_seconds == 0 {
                        bail!("--poll-seconds must be at least 1");
                    }
                }
                "--log-format" => {
                    options.log_format = match value()?.as_str() {
                        "text" => LogFormat::Text,
                        "json" => LogFormat::Json,
                        other => bail!("--log-format is text or json, not {other}"),
                    }
                }
                "--metrics" => {
                    let address: SocketAddr = value()?
                        .parse()
                        .context("--metrics takes an address such as 127.0.0.1:9464")?;
                    options.metrics = Some(address);
                }
                other => bail!("unknown option {other} (see --help)"),
            }
        }
        options.config = config.context("--config FILE is required (see --help)")?;
        if oracle {
            let beacon = beacon
                .clone()
                .context("the oracle duty needs --beacon URL")?;
            options.oracle = Some(OracleOptions { beacon, every });
        }
        options.beacon = beacon;
        if upkeep || upkeep_days.is_some() {
            options.upkeep_days = Some(upkeep_days.unwrap_or(30.0));
        }
        if !options.activation
            && !options.exits
            && options.oracle.is_none()
            && options.upkeep_days.is_none()
        {
            // A keeper that activates also exits: stakers' ETH goes both ways.
            options.activation = true;
            options.exits = true;
        }
        if let Some(path) = keystore {
            options.key = KeySource::Keystore {
                path,
                password_file,
            };
        } else if password_file.is_some() {
            bail!("--password-file goes with --keystore");
        }
        Ok(Some(options))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Options> {
        let mut all = vec!["--config".to_string(), "c.json".to_string()];
        all.extend(args.iter().map(|a| a.to_string()));
        Options::parse(&all).map(|o| o.expect("not --help"))
    }

    #[test]
    fn the_upkeep_duty_and_the_send_settings() {
        let plain = parse(&[]).unwrap();
        assert!(plain.activation && plain.exits && plain.upkeep_days.is_none());
        let exits = parse(&["--duty", "exits"]).unwrap();
        assert!(exits.exits && !exits.activation);
        let activation = parse(&["--duty", "activation"]).unwrap();
        assert!(activation.activation && !activation.exits);
        assert_eq!(
            (plain.send_deadline_seconds, plain.bump_after_seconds),
            (600, 60)
        );
        // --upkeep-days alone is the upkeep duty alone.
        let upkeep = parse(&["--upkeep-days", "12.5"]).unwrap();
        assert_eq!(upkeep.upkeep_days, Some(12.5));
        assert!(!upkeep.activation && !upkeep.exits);
        let both = parse(&["--duty", "upkeep", "--duty", "activation"]).unwrap();
        assert_eq!(both.upkeep_days, Some(30.0));
        assert!(both.activation);
        let sends = parse(&["--send-deadline", "120", "--bump-after", "24"]).unwrap();
        assert_eq!(
            (sends.send_deadline_seconds, sends.bump_after_seconds),
            (120, 24)
        );
        for bad in [
            &["--upkeep-days", "0"][..],
            &["--upkeep-days", "-3"],
            &["--upkeep-days", "NaN"],
            &["--send-deadline", "0"],
            &["--bump-after", "x"],
            &["--duty", "liquidate"],
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
