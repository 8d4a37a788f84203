//! The devnet SSV network used directly, as another owner would (not through the pool): what the
//! console's reads and the SSV v2 tests need to see strangers' clusters beside the pool's.

use alloy::primitives::{Address, Bytes, utils::parse_ether};
use alloy::providers::DynProvider;
use alloy::rpc::types::TransactionReceipt;
use pool_chain::bindings::devnet::DevnetSSVNetworkV2::{
    self, DevnetSSVNetworkV2Errors as SsvErrors, DevnetSSVNetworkV2Instance,
};

use super::Mined;
use crate::fixtures::sample_validator;

pub type Network = DevnetSSVNetworkV2Instance<DynProvider>;

/// A validator registered with the stand-in network by `owner` itself (not through the pool),
/// into `cluster` of `ops` with 1 ETH of fees: the receipt, or the network's error.
pub async fn register_directly(
    network: &Network,
    owner: Address,
    ops: &[u64],
    seed: u16,
    cluster: DevnetSSVNetworkV2::Cluster,
) -> Result<TransactionReceipt, SsvErrors> {
    let pubkey = sample_validator(owner, seed, ops).pubkey;
    let call = network
        .registerValidator(
            pubkey,
            ops.to_vec(),
            Bytes::from(vec![seed as u8; 8]),
            cluster,
        )
        .value(parse_ether("1").unwrap())
        .from(owner);
    // Simulated first, so that a refusal comes back as the network's typed error.
    if let Err(error) = call.call().await {
        return Err(error
            .as_decoded_interface_error::<SsvErrors>()
            .unwrap_or_else(|| panic!("not an SSV network error: {error:?}")));
    }
    let receipt = call.mined().await;
    assert!(receipt.status());
    Ok(receipt)
}
