//! The runtime configuration of one network, served as `config.json` beside the app so that one
//! build can point at the devnet, Hoodi or mainnet.

use alloy_primitives::Address;
use pool_core::deposit::ForkVersion;
use serde::{Deserialize, Serialize};

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

/// The devnet's chain id (anvil's): the one chain whose history may start at block 0.
pub const DEVNET_CHAIN_ID: u64 = 31_337;

/// The SSV network's deployment block on the networks it publishes (BRIEF "Networks").
fn known_ssv_genesis(chain_id: u64) -> Option<u64> {
    match chain_id {
        1 => Some(17_507_487),
        560_048 => Some(1_065),
        _ => None,
    }
}

/// Why a `config.json` cannot be used, naming the field at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// Not JSON, a field missing or of the wrong type (the parser's message names it).
    Malformed(String),
    /// A field whose value the app cannot use.
    Invalid { field: &'static str, reason: String },
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigError::Malformed(message) => write!(f, "config.json is not valid: {message}"),
            ConfigError::Invalid { field, reason } => {
                write!(f, "config.json: \"{field}\" {reason}")
            }
        }
    }
}

impl std::error::Error for ConfigError {}

impl NetworkConfig {
    /// Parses and checks `config.json`; the error names the field at fault.
    pub fn from_json(text: &str) -> Result<Self, ConfigError> {
        let config: NetworkConfig =
            serde_json::from_str(text).map_err(|e| ConfigError::Malformed(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    /// Checks the values: a chain id, a name, http(s) URLs, the pool's own two contracts (the
    /// example configs ship them empty, to be filled in with the deployment), a sane refresh.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |field: &'static str, reason: &str| {
            Err(ConfigError::Invalid {
                field,
                reason: reason.into(),
            })
        };
        let http = |url: &str| url.starts_with("https://") || url.starts_with("http://");
        if self.chain_id == 0 {
            return invalid("chainId", "must be the network's chain id, not 0");
        }
        if self.chain_name.trim().is_empty() {
            return invalid("chainName", "is empty");
        }
        if !http(&self.rpc_url) {
            return invalid("rpcUrl", "must be an http:// or https:// URL");
        }
        if self.explorer_url.as_deref().is_some_and(|url| !http(url)) {
            return invalid("explorerUrl", "must be an http:// or https:// URL");
        }
        if self.beacon_url.as_deref().is_some_and(|url| !http(url)) {
            return invalid("beaconUrl", "must be an http:// or https:// URL");
        }
        if self.pool_manager.is_zero() {
            return invalid(
                "poolManager",
                "is empty: put the address of this network's PoolManager deployment",
            );
        }
        if self.pool_eth.is_zero() {
            return invalid(
                "poolEth",
                "is empty: put the PoolManager's poolETH() address",
            );
        }
        if self.pool_eth == self.pool_manager {
            return invalid("poolEth", "is the pool manager's address, not its poolETH");
        }
        if let Some(wrapper) = self.wpool_eth {
            if wrapper.is_zero() {
                return invalid(
                    "wpoolEth",
                    "is empty: put the wrapper's address, or leave the field out (no wrapper)",
                );
            }
            if wrapper == self.pool_eth || wrapper == self.pool_manager {
                return invalid(
                    "wpoolEth",
                    "is one of the pool's own addresses, not the wrapper",
                );
            }
        }
        if self
            .refresh_interval_ms
            .is_some_and(|ms| !(250..=600_000).contains(&ms))
        {
            return invalid("refreshIntervalMs", "must be between 250 and 600000");
        }
        if self.chain_id != DEVNET_CHAIN_ID {
            if self.deployment_block == 0 {
                return invalid(
                    "deploymentBlock",
                    "is 0: put the block the PoolManager was deployed in (every history scan starts there; from 0 it would read the whole chain)",
                );
            }
            match self.ssv_genesis_block.or(known_ssv_genesis(self.chain_id)) {
                None => {
                    return invalid(
                        "ssvGenesisBlock",
                        "is missing: put the block the SSV network was deployed in on this chain",
                    );
                }
                Some(0) => {
                    return invalid(
                        "ssvGenesisBlock",
                        "is 0: put the block the SSV network was deployed in on this chain",
                    );
                }
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
        self.refresh_interval_ms.unwrap_or(4_000).max(250)
    }

    /// Link to a transaction on the explorer, when the network has one.
    pub fn tx_url(&self, hash: &str) -> Option<String> {
        self.explorer_url
            .as_ref()
            .map(|base| format!("{}/tx/{hash}", base.trim_end_matches('/')))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_formats_chain_id() {
        let text = r#"{"chainId":31337,"chainName":"Devnet","rpcUrl":"http://127.0.0.1:8545",
            "poolManager":"0x5FbDB2315678afecb367f032d93F642f64180aa3",
            "poolEth":"0xa16E02E87b7454126E5E10d957A927A7F5B5d2be"}"#;
        let config = NetworkConfig::from_json(text).unwrap();
        assert_eq!(config.chain_id_hex(), "0x7a69");
        assert_eq!(config.tx_url("0xab"), None);
        let again = NetworkConfig::from_json(&serde_json::to_string(&config).unwrap()).unwrap();
        assert_eq!(again, config);
        assert!(matches!(
            NetworkConfig::from_json("{}"),
            Err(ConfigError::Malformed(m)) if m.contains("chainId")
        ));
    }

    fn field_at_fault(text: &str) -> &'static str {
        match NetworkConfig::from_json(text) {
            Err(ConfigError::Invalid { field, .. }) => field,
            other => panic!("expected an invalid field, got {other:?}"),
        }
    }

    #[test]
    fn a_bad_value_is_named() {
        let good = serde_json::json!({"chainId": 1, "chainName": "Mainnet", "rpcUrl": "https://rpc.example",
            "poolManager": "0x5FbDB2315678afecb367f032d93F642f64180aa3",
            "poolEth": "0xa16E02E87b7454126E5E10d957A927A7F5B5d2be", "deploymentBlock": 21000000});
        assert!(NetworkConfig::from_json(&good.to_string()).is_ok());
        let with = |key: &str, value: serde_json::Value| {
            let mut config = good.clone();
            config[key] = value;
            config.to_string()
        };
        let zero = "0x0000000000000000000000000000000000000000";
        assert_eq!(field_at_fault(&with("chainId", 0.into())), "chainId");
        assert_eq!(field_at_fault(&with("rpcUrl", "ws://x".into())), "rpcUrl");
        assert_eq!(
            field_at_fault(&with("explorerUrl", "etherscan.io".into())),
            "explorerUrl"
        );
        assert_eq!(
            field_at_fault(&with("poolManager", zero.into())),
            "poolManager"
        );
        assert_eq!(field_at_fault(&with("poolEth", zero.into())), "poolEth");
        assert_eq!(
            field_at_fault(&with("refreshIntervalMs", 10.into())),
            "refreshIntervalMs"
        );
        let message = NetworkConfig::from_json(&with("poolManager", zero.into()))
            .unwrap_err()
            .to_string();
        assert!(
            message.starts_with("config.json: \"poolManager\" is empty"),
            "{message}"
        );
    }

    /// The wrapper is optional: absent means none (the app offers no wrapping); present, it
    /// must be a third address.
    #[test]
    fn the_wrapper_is_optional_and_distinct() {
        let base = serde_json::json!({"chainId": 31337, "chainName": "Devnet", "rpcUrl": "http://127.0.0.1:8545",
            "poolManager": "0x5FbDB2315678afecb367f032d93F642f64180aa3",
            "poolEth": "0xa16E02E87b7454126E5E10d957A927A7F5B5d2be"});
        let none = NetworkConfig::from_json(&base.to_string()).unwrap();
        assert_eq!(none.wpool_eth, None);
        assert!(
            !serde_json::to_string(&none).unwrap().contains("wpoolEth"),
            "absent stays absent"
        );
        let with = |value: &str| {
            let mut config = base.clone();
            config["wpoolEth"] = value.into();
            config.to_string()
        };
        let wrapper = "0xB7f8BC63BbcaD18155201308C8f3540b07f84F5e";
        let some = NetworkConfig::from_json(&with(wrapper)).unwrap();
        assert_eq!(some.wpool_eth, Some(wrapper.parse().unwrap()));
        assert_eq!(
            NetworkConfig::from_json(&serde_json::to_string(&some).unwrap()).unwrap(),
            some
        );
        for bad in [
            "0x0000000000000000000000000000000000000000",
            "0xa16E02E87b7454126E5E10d957A927A7F5B5d2be",
            "0x5FbDB2315678afecb367f032d93F642f64180aa3",
        ] {
            assert_eq!(field_at_fault(&with(bad)), "wpoolEth", "{bad}");
        }
    }

    #[test]
    fn the_fork_version_is_configured_or_known_by_chain() {
        let base = serde_json::json!({"chainId": 560048, "chainName": "Hoodi", "rpcUrl": "https://rpc.example",
            "poolManager": "0x5FbDB2315678afecb367f032d93F642f64180aa3",
            "poolEth": "0xa16E02E87b7454126E5E10d957A927A7F5B5d2be", "deploymentBlock": 5000});
        let config =
            |value: serde_json::Value| NetworkConfig::from_json(&value.to_string()).unwrap();
        assert_eq!(
            config(base.clone()).fork_version(),
            Some(ForkVersion::HOODI)
        );
        let mut other = base.clone();
        other["chainId"] = 31337.into();
        assert_eq!(config(other.clone()).fork_version(), None);
        other["genesisForkVersion"] = "0x00007a69".into();
        assert_eq!(config(other).fork_version(), Some(ForkVersion::DEVNET));
    }

    /// A real chain's history never starts at block 0: the pool's deployment block is required
    /// on every chain but the devnet, and so is the SSV network's unless known by chain id.
    #[test]
    fn history_from_block_0_is_the_devnets_alone() {
        let base = serde_json::json!({"chainId": 11155111, "chainName": "Sepolia", "rpcUrl": "https://rpc.example",
            "poolManager": "0x5FbDB2315678afecb367f032d93F642f64180aa3",
            "poolEth": "0xa16E02E87b7454126E5E10d957A927A7F5B5d2be"});
        let with = |pairs: &[(&str, serde_json::Value)]| {
            let mut config = base.clone();
            for (key, value) in pairs {
                config[*key] = value.clone();
            }
            config.to_string()
        };
        assert_eq!(field_at_fault(&with(&[])), "deploymentBlock");
        assert_eq!(
            field_at_fault(&with(&[("deploymentBlock", 0.into())])),
            "deploymentBlock"
        );
        assert_eq!(
            field_at_fault(&with(&[("deploymentBlock", 7.into())])),
            "ssvGenesisBlock"
        );
        assert_eq!(
            field_at_fault(&with(&[
                ("deploymentBlock", 7.into()),
                ("ssvGenesisBlock", 0.into())
            ])),
            "ssvGenesisBlock"
        );
        let sepolia = NetworkConfig::from_json(&with(&[
            ("deploymentBlock", 7.into()),
            ("ssvGenesisBlock", 3.into()),
        ]))
        .unwrap();
        assert_eq!(sepolia.ssv_genesis_block(), 3);
        // Mainnet and Hoodi: the SSV network's block is known.
        let mainnet = NetworkConfig::from_json(&with(&[
            ("chainId", 1.into()),
            ("deploymentBlock", 21_000_000.into()),
        ]))
        .unwrap();
        assert_eq!(mainnet.ssv_genesis_block(), 17_507_487);
        // The devnet starts at 0.
        let devnet = NetworkConfig::from_json(&with(&[("chainId", 31337.into())])).unwrap();
        assert_eq!(
            (devnet.deployment_block, devnet.ssv_genesis_block()),
            (0, 0)
        );
    }

    /// The example configs in `config/` parse, and are refused until the pool's own addresses
    /// and its deployment block are filled in.
    #[test]
    fn the_examples_need_only_the_pools_addresses() {
        for (name, text) in [
            ("mainnet", include_str!("../../../config/mainnet.json")),
            ("hoodi", include_str!("../../../config/hoodi.json")),
        ] {
            assert_eq!(field_at_fault(text), "poolManager", "{name}");
            let mut filled: serde_json::Value = serde_json::from_str(text).unwrap();
            filled["poolManager"] = "0x5FbDB2315678afecb367f032d93F642f64180aa3".into();
            filled["poolEth"] = "0xa16E02E87b7454126E5E10d957A927A7F5B5d2be".into();
            assert_eq!(
                field_at_fault(&filled.to_string()),
                "deploymentBlock",
                "{name}"
            );
            filled["deploymentBlock"] = 21_000_000.into();
            assert!(
                NetworkConfig::from_json(&filled.to_string()).is_ok(),
                "{name}"
            );
        }
    }
}
