//! A local devnet for development and tests: anvil on 127.0.0.1 (Osaka, with the per-transaction
//! gas cap) behind a real-node proxy (transactions over 128 KiB refused as geth refuses them),
//! with the pool deployed.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! let devnet = pool_devnet::Devnet::start(pool_devnet::DevnetOptions::default()).await?;
//! println!("RPC at {}, pool manager at {}", devnet.rpc_url(), devnet.deployment.pool_manager);
//! # Ok(()) }
//! ```
//!
//! The anvil process belongs to the [`Devnet`] value and is killed when it is dropped.

pub mod ceremony;
pub mod eip7002;
pub mod fixtures;
pub mod operators;
pub mod testing;

use std::path::PathBuf;
use std::sync::Arc;

use alloy::node_bindings::{Anvil, AnvilInstance};
use alloy::primitives::{Address, U256, utils::parse_ether};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use anyhow::{Context, Result};
use pool_chain::bindings::deployment::PoolMath;
use pool_chain::bindings::devnet::{
    DevnetDepositContract, DevnetSSVNetworkV2, DevnetSSVNetworkViews,
};
use pool_chain::bindings::{PoolManager, WpoolETH};
use pool_core::config::NetworkConfig;

/// The devnet's chain id (anvil's default, what wallets know as a local chain).
pub const CHAIN_ID: u64 = 31337;

/// The EVM hardfork anvil runs: mainnet's (Osaka, "Fusaka" with the consensus side).
pub const HARDFORK: &str = "osaka";

/// About 7160 blocks a day.
pub const BLOCKS_PER_DAY: u64 = 7160;

/// How to start the devnet.
#[derive(Debug, Clone)]
pub struct DevnetOptions {
    /// The anvil binary; by default `$ANVIL_BIN`, else the project's pinned npm copy.
    pub anvil: PathBuf,
    /// Port of the devnet's RPC on 127.0.0.1 (the real-node proxy's when there is one, else
    /// anvil's); 0 lets the system choose a free one.
    pub port: u16,
    /// Put a [`testing::node::RealNode`] in front of anvil (the RPC everything uses refuses
    /// what geth refuses: over 128 KiB, over 2^24 gas). On by default.
    pub real_node: bool,
    /// The pool's runway, in blocks.
    pub runway: u64,
    /// Validators to generate in a key ceremony and add to the pool's registry (0: none).
    pub validators: usize,
    /// Blocks a registry entry waits before it can be activated.
    pub activation_delay: u64,
    /// Seconds of chain time between two oracle reports, at least.
    pub min_report_interval: u64,
    /// Seconds before a new admin can accept the role (and before a proposed role grant).
    pub admin_transfer_delay: u64,
    /// The chain id anvil runs with: [`CHAIN_ID`] unless a test plays a real network (where
    /// the pool refuses delays below its safe minimums).
    pub chain_id: u64,
}

/// The devnet pool's report bounds: up to 10 % a year, down 5 % a day, as a mainnet deployment
/// would start (the contract caps them at 100 % a year and 10 % a day).
pub const MAX_APR_BPS: u16 = 1_000;
pub const MAX_LOSS_BPS: u16 = 500;
/// Seconds before a new admin can accept the role.
pub const ADMIN_TRANSFER_DELAY: u64 = 3_600;

impl Default for DevnetOptions {
    fn default() -> Self {
        DevnetOptions {
            anvil: anvil_path(),
            port: 0,
            real_node: true,
            runway: 30 * BLOCKS_PER_DAY,
            validators: 0,
            // Short on the devnet, where anvil mines a block only per transaction; a real
            // deployment waits long enough for its admin to look (e.g. a day, 7160 blocks).
            activation_delay: 2,
            // The devnet may report every minute; a real deployment about once a day.
            min_report_interval: 60,
            admin_transfer_delay: ADMIN_TRANSFER_DELAY,
            chain_id: CHAIN_ID,
        }
    }
}

/// Where the contracts live on the devnet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deployment {
    pub pool_manager: Address,
    pub pool_eth: Address,
    /// wpoolETH, the non-rebasing ERC-4626 wrapper of poolETH, deployed right after the pool.
    pub wpool_eth: Address,
    /// Where the pool's validators' execution-layer rewards go until a report pulls them.
    pub rewards_vault: Address,
    /// Stakers' withdrawal requests and the validators' exits (`PoolManager.withdrawalQueue()`).
    pub withdrawal_queue: Address,
    pub deposit_contract: Address,
    pub ssv_network: Address,
    pub ssv_views: Address,
    /// Operators registered on the devnet SSV network, ascending.
    pub operator_ids: Vec<u64>,
    /// Their public keys, in SSV's form (base64 PEM; see [`operators::ssv_public_key`]).
    pub operator_public_keys: Vec<String>,
}

/// Fee parameters of the devnet SSV network, in wei of ETH, from the mainnet configuration of
/// SSV v2 (contracts/reference/README.md); all are multiples of the network's precision.
#[derive(Debug, Clone, Copy)]
pub struct SsvParameters {
    pub network_fee: u64,
    pub operator_fee: u64,
    pub liquidation_threshold: u64,
    pub minimum_collateral: u128,
}

impl SsvParameters {
    /// SSV v2 on mainnet (since 2026-04-20), what the devnet stand-in charges.
    pub const MAINNET: SsvParameters = SsvParameters {
        network_fee: 3_366_600_000,
        operator_fee: 1_770_000_000,
        liquidation_threshold: 50_120,
        minimum_collateral: 324_862_599_900_000,
    };
}

/// A running anvil with the pool deployed.
pub struct Devnet {
    /// In front of anvil unless `DevnetOptions::real_node` was off; dropped before anvil.
    real_node: Option<(testing::node::TestNode, Arc<testing::node::RealNode>)>,
    anvil: AnvilInstance,
    pub deployment: Deployment,
    /// The key ceremony whose validators fill the registry, when asked for.
    pub ceremony: Option<ceremony::Ceremony>,
    /// One provider for everything sent to this devnet: its nonce cache must see every
    /// transaction, or a second instance would reuse a nonce ("nonce too low").
    provider: DynProvider,
}

impl Devnet {
    /// Starts anvil and deploys the pool from its first account.
    pub async fn start(options: DevnetOptions) -> Result<Devnet> {
        let anvil_port = if options.real_node { 0 } else { options.port };
        let anvil = Anvil::at(&options.anvil)
            .host("127.0.0.1")
            .port(anvil_port)
            .chain_id(options.chain_id)
            // The hardfork mainnet runs (Fusaka since 3 Dec 2025), with its per-transaction gas
            // cap (EIP-7825), which anvil checks only when asked.
            .args(["--hardfork", HARDFORK, "--enable-tx-gas-limit"])
            .try_spawn()
            .with_context(|| {
                format!(
                    "starting anvil ({}) on 127.0.0.1:{} (is the port free? is `cargo xtask setup` done?)",
                    options.anvil.display(),
                    anvil_port
                )
            })?;
        let anvil_url = format!("http://127.0.0.1:{}", anvil.port());
        let real_node = match options.real_node {
            true => {
                let refusals = Arc::new(testing::node::RealNode::default());
                let node = testing::node::TestNode::to(&anvil_url)
                    .port(options.port)
                    .with(refusals.clone())
                    .start()?;
                Some((node, refusals))
            }
            false => None,
        };
        let url = real_node.as_ref().map_or(anvil_url, |(node, _)| node.url());
        let provider = provider_for(&anvil, &url);
        let deployment = deploy(&provider, anvil.addresses(), &options).await?;
        let ceremony = match options.validators {
            0 => None,
            count => Some(fill_registry(&provider, &deployment, count).await?),
        };
        Ok(Devnet {
            real_node,
            anvil,
            deployment,
            ceremony,
            provider,
        })
    }

    /// `http://127.0.0.1:<port>`: the real-node proxy's (see [`DevnetOptions::real_node`]),
    /// else anvil's.
    pub fn rpc_url(&self) -> String {
        self.real_node
            .as_ref()
            .map_or_else(|| self.anvil_url(), |(node, _)| node.url())
    }

    /// The real-node proxy in front of anvil, if any (its refusal count).
    pub fn real_node(&self) -> Option<&testing::node::RealNode> {
        self.real_node
            .as_ref()
            .map(|(_, refusals)| refusals.as_ref())
    }

    /// anvil's own URL (what the real-node proxy forwards to).
    pub fn anvil_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.anvil.port())
    }

    /// The port of [`Devnet::rpc_url`].
    pub fn port(&self) -> u16 {
        self.rpc_url()
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| self.anvil.port())
    }

    /// anvil's funded, unlocked accounts; the first deployed the pool.
    pub fn accounts(&self) -> &[Address] {
        self.anvil.addresses()
    }

    /// A local signer of anvil's account `index` (its well-known devnet key), for programs that
    /// sign for themselves (the keeper).
    pub fn signer(&self, index: usize) -> alloy::signers::local::PrivateKeySigner {
        alloy::signers::local::PrivateKeySigner::from_signing_key(
            self.anvil.keys()[index].clone().into(),
        )
    }

    /// The provider that signs with every anvil account (choose one with `.from(...)`); clones
    /// share one nonce cache.
    pub fn provider(&self) -> DynProvider {
        self.provider.clone()
    }

    /// The app's `config.json` for this devnet.
    pub fn config(&self) -> NetworkConfig {
        NetworkConfig {
            chain_id: self.anvil.chain_id(),
            chain_name: "SSV pool devnet".into(),
            rpc_url: self.rpc_url(),
            explorer_url: None,
            pool_manager: self.deployment.pool_manager,
            pool_eth: self.deployment.pool_eth,
            wpool_eth: Some(self.deployment.wpool_eth),
            deployment_block: 0,
            // anvil mines on demand: poll often so that the page follows at once.
            refresh_interval_ms: Some(1_000),
            genesis_fork_version: Some(pool_core::deposit::ForkVersion::DEVNET.0),
            ssv_genesis_block: None,
            beacon_url: None,
        }
    }
}

fn provider_for(anvil: &AnvilInstance, url: &str) -> DynProvider {
    let wallet = anvil.wallet().expect("anvil reports its accounts' keys");
    let url = url.parse().expect("a valid URL");
    ProviderBuilder::new()
        .wallet(wallet)
        .connect_http(url)
        .erased()
}

/// Deploys the stand-ins and the pool from `accounts[0]`, which receives every pool role at
/// deployment (admin, operator, oracle, keeper: one person runs the devnet; a real deployment
/// separates them; later grants wait their delay), registers the devnet operators and funds the
/// fee reserve.
pub async fn deploy(
    provider: &DynProvider,
    accounts: &[Address],
    options: &DevnetOptions,
) -> Result<Deployment> {
    let deployer = accounts[0];
    let params = SsvParameters::MAINNET;
    eip7002::install(provider).await?;
    let deposit_contract = *DevnetDepositContract::deploy(provider.clone())
        .await
        .context("deploying the deposit contract")?
        .address();
    let ssv_network = *DevnetSSVNetworkV2::deploy(
        provider.clone(),
        U256::from(params.network_fee),
        params.liquidation_threshold,
        U256::from(params.minimum_collateral),
    )
    .await
    .context("deploying the SSV network (v2)")?
    .address();
    let ssv_views = *DevnetSSVNetworkViews::deploy(provider.clone(), ssv_network)
        .await
        .context("deploying the SSV views")?
        .address();

    let network = DevnetSSVNetworkV2::new(ssv_network, provider.clone());
    // Operators owned by anvil accounts 5 to 8, with real RSA keys.
    let mut operator_ids = Vec::new();
    let mut operator_public_keys = Vec::new();
    let owners = accounts.iter().skip(5).take(operators::DEVNET_OPERATORS);
    for ((n, owner), key) in owners.enumerate().zip(operators::operator_keys()) {
        let public_key = key.to_public_key();
        operator_public_keys.push(operators::ssv_public_key(&public_key));
        network
            .registerOperator(
                operators::registration_bytes(&public_key).into(),
                U256::from(params.operator_fee),
                false,
            )
            .from(*owner)
            .send()
            .await?
            .get_receipt()
            .await?;
        operator_ids.push(n as u64 + 1);
    }

    let pool_math = *PoolMath::deploy(provider.clone())
        .await
        .context("deploying PoolMath")?
        .address();
    let config = PoolManager::Config {
        admin: deployer,
        operator: deployer,
        oracle: deployer,
        keeper: deployer,
        adminTransferDelay: alloy::primitives::aliases::U48::from(options.admin_transfer_delay),
        depositContract: deposit_contract,
        ssvNetwork: ssv_network,
        ssvViews: ssv_views,
        runway: options.runway,
        minReportInterval: options.min_report_interval,
        maxAprBps: MAX_APR_BPS,
        maxLossBps: MAX_LOSS_BPS,
        activationDelay: options.activation_delay,
        // What the devnet ceremony signs with: the registry refuses signatures for another.
        genesisForkVersion: pool_core::deposit::ForkVersion::DEVNET.0,
        poolMath: pool_math,
    };
    let manager = PoolManager::deploy(provider.clone(), config)
        .await
        .context("deploying PoolManager")?;
    let pool_eth = manager
        .poolETH()
        .call()
        .await
        .context("reading PoolManager.poolETH")?;
    let rewards_vault = manager.rewardsVault().call().await?;
    let withdrawal_queue = manager.withdrawalQueue().call().await?;
    let wpool_eth = *WpoolETH::deploy(provider.clone(), pool_eth)
        .await
        .context("deploying WpoolETH")?
        .address();
    manager
        .fundFeeReserve()
        .value(parse_ether("10")?)
        .send()
        .await?
        .get_receipt()
        .await?;
    Ok(Deployment {
        pool_manager: *manager.address(),
        pool_eth,
        wpool_eth,
        rewards_vault,
        withdrawal_queue,
        deposit_contract,
        ssv_network,
        ssv_views,
        operator_ids,
        operator_public_keys,
    })
}

/// A ceremony of `count` validators for the pool on the devnet operators, whose key shares start
/// at owner nonce `first_nonce` (keys differ by nonce: a later ceremony makes new validators).
pub fn ceremony_plan(
    deployment: &Deployment,
    first_nonce: u64,
    count: usize,
) -> ceremony::CeremonyPlan {
    ceremony::CeremonyPlan {
        pool: deployment.pool_manager,
        operators: deployment
            .operator_ids
            .iter()
            .copied()
            .zip(deployment.operator_public_keys.iter().cloned())
            .collect(),
        count,
        first_nonce,
    }
}

/// Runs the devnet key ceremony for `count` validators on the devnet operators and appends
/// them to the pool's registry.
pub async fn fill_registry(
    provider: &DynProvider,
    deployment: &Deployment,
    count: usize,
) -> Result<ceremony::Ceremony> {
    let ceremony = ceremony::run(&ceremony_plan(deployment, 0, count));
    let pool = PoolManager::new(deployment.pool_manager, provider.clone());
    for chunk in ceremony.validators.chunks(10) {
        let receipt = pool
            .addValidators(chunk.to_vec(), pool_chain::registry::bls_points_of(chunk))
            .send()
            .await?
            .get_receipt()
            .await?;
        anyhow::ensure!(receipt.status(), "addValidators reverted");
    }
    Ok(ceremony)
}

/// `$ANVIL_BIN`, else `tools/node_modules/.bin/anvil` in this repository.
pub fn anvil_path() -> PathBuf {
    std::env::var_os("ANVIL_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tools/node_modules/.bin/anvil")
        })
}
