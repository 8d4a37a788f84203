//! The fee market, for the gas reserve behind "Max" and for sending transactions.

use alloy_primitives::{U64, U256};
use alloy_rpc_client::RpcClient;
use pool_core::gas::FeeMarket;
use serde::Deserialize;

use super::ChainError;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct FeeHistory {
    base_fee_per_gas: Vec<U256>,
    #[serde(default)]
    reward: Vec<Vec<U256>>,
}

/// The next block's base fee and the median priority fee of the last block
/// (`eth_feeHistory` over one block at the 50th percentile).
pub async fn fee_market(client: &RpcClient) -> Result<FeeMarket, ChainError> {
    let history: FeeHistory = super::call(
        client,
        "eth_feeHistory",
        serde_json::json!([U64::from(1), "latest", [50.0]]),
    )
    .await?;
    Ok(FeeMarket {
        // The history's last base fee is the next block's.
        base_fee: history.base_fee_per_gas.last().copied().unwrap_or_default(),
        priority_fee: history
            .reward
            .first()
            .and_then(|r| r.first())
            .copied()
            .unwrap_or_default(),
    })
}
