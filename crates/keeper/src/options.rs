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
  --duty DUTY           activation (the default) or oracle; repeat for both. Each needs its
                        role: KEEPER_ROLE, ORACLE_ROLE
  --beacon URL          the beacon node's REST API: the oracle's source, and the activation
                        check of keys deposited before the pool (default: the config's
                        beaconUrl; required for activation on any chain but the devnet)
  --report-every SECS   the oracle reports at most this often (default 86400, a day; never
                        sooner than the pool's minimum interval)
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
    pub oracle: Option<OracleOptions>,
    /// The beacon node (`--beacon`, else the config's `beaconUrl`): the oracle's source, and
    /// where the activation check finds keys deposited before the pool.
    pub beacon: Option<String>,
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
            oracle: None,
            beacon: None,
        };
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
                    "oracle" => oracle = true,
                    other => bail!("--duty is activation or oracle, not {other}"),
                },
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
        if !options.activation && options.oracle.is_none() {
            options.activation = true;
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
