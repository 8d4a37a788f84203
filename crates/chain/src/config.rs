//! The runtime configuration of one network, served as `config.json` beside the app so that one
//! build can point at the devnet, Hoodi or mainnet.

use alloy_primitives::Address;
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
    /// Block the pool was deployed at: where event history starts (0 when unknown).
    #[serde(default)]
    pub deployment_block: u64,
    /// How often the page reads the chain while visible, in milliseconds (default 4000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_interval_ms: Option<u32>,
}

impl NetworkConfig {
    /// Parses `config.json`, with a sentence saying what is wrong when it does not parse.
    pub fn from_json(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|e| format!("config.json is not valid: {e}"))
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
        assert!(
            NetworkConfig::from_json("{}")
                .unwrap_err()
                .contains("config.json")
        );
    }
}
