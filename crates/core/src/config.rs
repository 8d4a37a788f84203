//! The runtime configuration of one network, served as `config.json` beside the app so that one
//! build can point at the devnet, Hoodi or mainnet.

use alloy_primitives::Address;
use serde::{Deserialize, Serialize};

use crate::deposit::ForkVersion;

mod error;

pub use error::{ConfigError, InvalidReason};

/// What the app needs to know about the network it serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkConfig {
    /// EIP-155 chain id; the wallet must be on this chain to send transactions.
    pub chain_id: u64,
    /// Name shown to the user and given to `wallet_addEthereumChain`.
    pub chain_name: String,
    /// JSON-RPC endpoint for reads before a wallet is connected (and for adding the chain).
    pub rpc_url: String,
    /// Block explorer base URL, if the network has one (none on the devnet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explorer_url: Option<String>,
    /// The pool manager contract (deposits, accounting).
    pub pool_manager: Address,
    /// The poolETH token contract.
    pub pool_eth: Address,
    /// The wpoolETH wrapper (ERC-4626 over poolETH, 1 wpoolETH = 1 pool share), when the
    /// network has one deployed; absent, the app offers no wrapping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wpool_eth: Option<Address>,
    /// Block the pool was deployed at: where event history starts. Required (not 0) on every
    /// chain but the devnet: a scan from block 0 of a real chain reads millions of empty blocks.
    #[serde(default)]
    pub deployment_block: u64,
    /// How often the page reads the chain while visible, in milliseconds (default 4000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_interval_ms: Option<u32>,
    /// The beacon chain's `GENESIS_FORK_VERSION` (deposit signatures are made for it); known
    /// for mainnet, Hoodi, Sepolia and Holesky by chain id, required for any other network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub genesis_fork_version: Option<alloy_primitives::FixedBytes<4>>,
    /// The block the SSV network was deployed at: where scans for operators and clusters start;
    /// known for mainnet and Hoodi by chain id, required for any other chain but the devnet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssv_genesis_block: Option<u64>,
    /// A beacon node's standard REST API (optional): the activation check asks its finalized
    /// state for keys deposited before the pool existed or waiting in `pending_deposits`.
    /// Without it, activation is refused on every chain but the devnet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beacon_url: Option<String>,
}

/// The devnet's chain id (anvil's): the one chain whose history may start at block 0, and whose
/// deposit history the logs alone cover (no deposits before the pool existed).
pub const DEVNET_CHAIN_ID: u64 = 31_337;

/// The SSV network's deployment block on the networks it publishes (BRIEF "Networks").
fn known_ssv_genesis(chain_id: u64) -> Option<u64> {
    match chain_id {
        1 => Some(17_507_487),
        560_048 => Some(1_065),
        _ => None,
    }
}

/// The page's refresh interval a config may set, in milliseconds: under 250 would flood the
/// RPC, over ten minutes would leave the page stale.
pub const REFRESH_MS_RANGE: std::ops::RangeInclusive<u32> = 250..=600_000;

impl NetworkConfig {
    /// Parses and checks `config.json`; the error names the field at fault. Inline: its JSON
    /// parser is then compiled in the caller's crate, at the caller's opt-level (the core is at
    /// 3 for the import checks; the staker's page wants this code small).
    #[inline]
    pub fn from_json(text: &str) -> Result<Self, ConfigError> {
        let config: NetworkConfig =
            serde_json::from_str(text).map_err(|e| ConfigError::Malformed(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    /// Checks the values: a chain id, a name, http(s) URLs, the pool's own two contracts (the
    /// example configs ship them empty, to be filled in with the deployment), a sane refresh.
    pub fn validate(&self) -> Result<(), ConfigError> {
        use InvalidReason::*;
        let invalid = |field: &'static str, reason: InvalidReason| {
            Err(ConfigError::Invalid { field, reason })
        };
        let http = |url: &str| url.starts_with("https://") || url.starts_with("http://");
        if self.chain_id == 0 {
            return invalid("chainId", ZeroChainId);
        }
        if self.chain_name.trim().is_empty() {
            return invalid("chainName", Empty);
        }
        if !http(&self.rpc_url) {
            return invalid("rpcUrl", NotHttpUrl);
        }
        if self.explorer_url.as_deref().is_some_and(|url| !http(url)) {
            return invalid("explorerUrl", NotHttpUrl);
        }
        if self.beacon_url.as_deref().is_some_and(|url| !http(url)) {
            return invalid("beaconUrl", NotHttpUrl);
        }
        if self.pool_manager.is_zero() {
            return invalid("poolManager", NoPoolManager);
        }
        if self.pool_eth.is_zero() {
            return invalid("poolEth", NoPoolEth);
        }
        if self.pool_eth == self.pool_manager {
            return invalid("poolEth", PoolEthIsManager);
        }
        if let Some(wrapper) = self.wpool_eth {
            if wrapper.is_zero() {
                return invalid("wpoolEth", NoWrapper);
            }
            if wrapper == self.pool_eth || wrapper == self.pool_manager {
                return invalid("wpoolEth", WrapperIsPoolAddress);
            }
        }
        if self
            .refresh_interval_ms
            .is_some_and(|ms| !REFRESH_MS_RANGE.contains(&ms))
        {
            return invalid("refreshIntervalMs", RefreshOutOfRange);
        }
        if self.chain_id != DEVNET_CHAIN_ID {
            if self.deployment_block == 0 {
                return invalid("deploymentBlock", NoDeploymentBlock);
            }
            match self.ssv_genesis_block.or(known_ssv_genesis(self.chain_id)) {
                None => return invalid("ssvGenesisBlock", NoSsvGenesis),
                Some(0) => return invalid("ssvGenesisBlock", ZeroSsvGenesis),
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// The fork version deposit data must be signed for: the configured one, else the known
    /// network's of this chain id; `None` when neither (the console then refuses to check keys).
    pub fn fork_version(&self) -> Option<ForkVersion> {
        self.genesis_fork_version
            .map(ForkVersion)
            .or(match self.chain_id {
                1 => Some(ForkVersion::MAINNET),
                560_048 => Some(ForkVersion::HOODI),
                11_155_111 => Some(ForkVersion::SEPOLIA),
                17_000 => Some(ForkVersion::HOLESKY),
                _ => None,
            })
    }

    /// Where the SSV network's history starts: the configured block, else the known network's
    /// of this chain id, else 0 (the devnet, which [`NetworkConfig::validate`] alone allows).
    pub fn ssv_genesis_block(&self) -> u64 {
        self.ssv_genesis_block
            .or(known_ssv_genesis(self.chain_id))
            .unwrap_or(0)
    }

    /// The chain id as the `0x`-prefixed hex the wallet RPC methods use.
    pub fn chain_id_hex(&self) -> String {
        format!("{:#x}", self.chain_id)
    }

    /// The refresh interval, defaulting to 4 s (a third of a mainnet slot).
    pub fn refresh_interval_ms(&self) -> u32 {
        self.refresh_interval_ms
            .unwrap_or(4_000)
            .max(*REFRESH_MS_RANGE.start())
    }

    /// Link to a transaction on the explorer, when the network has one.
    pub fn tx_url(&self, hash: &str) -> Option<String> {
        self.explorer_url
            .as_ref()
            .map(|base| format!("{}/tx/{hash}", base.trim_end_matches('/')))
    }
}

#[cfg(test)]
mod tests;
