//! A local devnet for development and tests: anvil on 127.0.0.1 with the pool deployed.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! let devnet = pool_devnet::Devnet::start(pool_devnet::DevnetOptions::default()).await?;
//! println!("RPC at {}, pool manager at {}", devnet.rpc_url(), devnet.deployment.pool_manager);
//! # Ok(()) }
//! ```
//!
//! The anvil process belongs to the [`Devnet`] value and is killed when it is dropped.

use std::path::PathBuf;

use alloy::node_bindings::{Anvil, AnvilInstance};
use alloy::primitives::Address;
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use anyhow::{Context, Result};
use pool_chain::bindings::PoolManager;
use pool_chain::config::NetworkConfig;

/// The devnet's chain id (anvil's default, what wallets know as a local chain).
pub const CHAIN_ID: u64 = 31337;

/// How to start the devnet.
#[derive(Debug, Clone)]
pub struct DevnetOptions {
    /// The anvil binary; by default `$ANVIL_BIN`, else the project's pinned npm copy.
    pub anvil: PathBuf,
    /// Port on 127.0.0.1; 0 lets the system choose a free one.
    pub port: u16,
}

impl Default for DevnetOptions {
    fn default() -> Self {
        DevnetOptions {
            anvil: anvil_path(),
            port: 0,
        }
    }
}

/// Where the pool contracts live on a chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deployment {
    pub pool_manager: Address,
    pub pool_eth: Address,
}

/// A running anvil with the pool deployed.
pub struct Devnet {
    anvil: AnvilInstance,
    pub deployment: Deployment,
}

impl Devnet {
    /// Starts anvil and deploys the pool from its first account.
    pub async fn start(options: DevnetOptions) -> Result<Devnet> {
        let anvil = Anvil::at(&options.anvil)
            .host("127.0.0.1")
            .port(options.port)
            .chain_id(CHAIN_ID)
            .try_spawn()
            .with_context(|| {
                format!(
                    "starting anvil ({}) on 127.0.0.1:{} (is the port free? is `cargo xtask setup` done?)",
                    options.anvil.display(),
                    options.port
                )
            })?;
        let provider = provider_for(&anvil);
        let deployment = deploy(&provider).await?;
        Ok(Devnet { anvil, deployment })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn rpc_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.anvil.port())
    }

    pub fn port(&self) -> u16 {
        self.anvil.port()
    }

    /// anvil's funded, unlocked accounts; the first deployed the pool.
    pub fn accounts(&self) -> &[Address] {
        self.anvil.addresses()
    }

    /// A provider that signs with every anvil account (choose one with `.from(...)`).
    pub fn provider(&self) -> DynProvider {
        provider_for(&self.anvil)
    }

    /// The app's `config.json` for this devnet.
    pub fn config(&self) -> NetworkConfig {
        NetworkConfig {
            chain_id: CHAIN_ID,
            chain_name: "SSV pool devnet".into(),
            rpc_url: self.rpc_url(),
            explorer_url: None,
            pool_manager: self.deployment.pool_manager,
            pool_eth: self.deployment.pool_eth,
        }
    }
}

fn provider_for(anvil: &AnvilInstance) -> DynProvider {
    let wallet = anvil.wallet().expect("anvil reports its accounts' keys");
    let url = format!("http://127.0.0.1:{}", anvil.port())
        .parse()
        .expect("a valid URL");
    ProviderBuilder::new()
        .wallet(wallet)
        .connect_http(url)
        .erased()
}

/// Deploys the pool manager (which deploys its poolETH) from the provider's default signer.
pub async fn deploy(provider: &DynProvider) -> Result<Deployment> {
    let manager = PoolManager::deploy(provider.clone())
        .await
        .context("deploying PoolManager")?;
    let pool_eth = manager
        .poolETH()
        .call()
        .await
        .context("reading PoolManager.poolETH")?;
    Ok(Deployment {
        pool_manager: *manager.address(),
        pool_eth,
    })
}

/// `$ANVIL_BIN`, else `tools/node_modules/.bin/anvil` in this repository.
pub fn anvil_path() -> PathBuf {
    std::env::var_os("ANVIL_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tools/node_modules/.bin/anvil")
        })
}

/// Checks that `provider` is on the devnet chain; a guard for tools that send transactions.
pub async fn ensure_devnet(provider: &DynProvider) -> Result<()> {
    let chain = provider
        .get_chain_id()
        .await
        .context("reading the chain id")?;
    anyhow::ensure!(
        chain == CHAIN_ID,
        "expected the devnet (chain {CHAIN_ID}), found chain {chain}"
    );
    Ok(())
}
