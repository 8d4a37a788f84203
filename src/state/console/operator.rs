//! The operator's transactions, built from a fresh reading of the chain: each function returns
//! the `TxRequest` the wallet is asked to send (the views show what it will do before that).

use alloy_primitives::{Address, U256};
use alloy_rpc_client::RpcClient;
use alloy_sol_types::SolCall;
use pool_chain::bindings::PoolManager::{self, ValidatorData};
use pool_chain::client::planner::{ActivationPlan, ActivationPlanner, PlanRefusal, PlannerConfig};
use pool_chain::rpc::TxRequest;
use pool_core::activation::{Candidate, Facts, Limits, Waiting, choose};
use pool_core::cluster::Cluster;
use pool_core::config::NetworkConfig;
use pool_core::funding::Precision;

use super::beacon::FetchBeacon;
use super::{ConsoleReading, LOG_WINDOW};
use crate::state::error::AppError;

fn to_pool(config: &NetworkConfig, from: Address, data: Vec<u8>, value: Option<U256>) -> TxRequest {
    TxRequest {
        from: Some(from),
        to: config.pool_manager,
        value,
        data: data.into(),
    }
}

/// `setRunway(blocks)`.
pub fn set_runway(config: &NetworkConfig, from: Address, blocks: u64) -> TxRequest {
    to_pool(
        config,
        from,
        PoolManager::setRunwayCall { blocks }.abi_encode(),
        None,
    )
}

/// `fundFeeReserve()` with `amount` wei (SSV v2 pools, whose fees are in ETH).
pub fn fund_fee_reserve(config: &NetworkConfig, from: Address, amount: U256) -> TxRequest {
    to_pool(
        config,
        from,
        PoolManager::fundFeeReserveCall {}.abi_encode(),
        Some(amount),
    )
}

/// `fundCluster(ids, amount, snapshot)`: a top-up of an active cluster, the reactivation of a
/// liquidated one (the snapshot's `active` flag chooses), from the fee reserve.
pub fn fund_cluster(
    config: &NetworkConfig,
    from: Address,
    ids: &[u64],
    amount: U256,
    snapshot: Cluster,
) -> TxRequest {
    let data = PoolManager::fundClusterCall {
        operatorIds: ids.to_vec(),
        amount,
        cluster: snapshot.into(),
    }
    .abi_encode();
    to_pool(config, from, data, None)
}

/// `withdrawFromCluster(ids, amount, snapshot)`: cluster balance back into the fee reserve.
pub fn withdraw_from_cluster(
    config: &NetworkConfig,
    from: Address,
    ids: &[u64],
    amount: U256,
    snapshot: Cluster,
) -> TxRequest {
    let data = PoolManager::withdrawFromClusterCall {
        operatorIds: ids.to_vec(),
        amount,
        cluster: snapshot.into(),
    }
    .abi_encode();
    to_pool(config, from, data, None)
}

/// `dropValidators(fromIndex)`.
pub fn drop_validators(config: &NetworkConfig, from: Address, index: u64) -> TxRequest {
    let data = PoolManager::dropValidatorsCall {
        fromIndex: U256::from(index),
    }
    .abi_encode();
    to_pool(config, from, data, None)
}

/// `addValidators(entries, points)`, with each entry's pubkey and signature uncompressed for
/// the pool's on-chain signature check.
pub fn add_validators(
    config: &NetworkConfig,
    from: Address,
    entries: Vec<ValidatorData>,
) -> TxRequest {
    let points = pool_chain::registry::bls_points_of(&entries);
    to_pool(
        config,
        from,
        PoolManager::addValidatorsCall { entries, points }.abi_encode(),
        None,
    )
}

/// How many validators can be activated now, and what limits it: the activation planner's own
/// rule (`pool_core::activation::choose`) over the console's last reading, so the count offered
/// is the one the planner will take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activatable {
    pub count: u64,
    pub limits: Limits,
    /// Per validator, in ETH, at the live fees and the pool's runway.
    pub funding: U256,
}

impl Activatable {
    /// What the reading allows, or why nothing can be activated.
    pub fn of(reading: &ConsoleReading) -> Option<Result<Activatable, Waiting>> {
        let cluster = reading.cluster.as_ref()?;
        let funding = cluster
            .fees
            .funding_per_validator(reading.ops.runway, Precision::Eth);
        let candidates: Vec<Candidate> = reading.pending.iter().map(|e| e.candidate()).collect();
        Some(
            choose(&Facts {
                block: reading.ops.block,
                buffered: reading.ops.buffered_ether,
                queued: reading.ops.withdrawals_waiting,
                fee_reserve: reading.ops.fee_reserve,
                funding,
                candidates: &candidates,
                wanted: None,
            })
            .map(|choice| Activatable {
                count: choice.count,
                limits: choice.limits,
                funding,
            }),
        )
    }
}

/// The planner the console keeps across activations (its registry, deposit and cluster reads
/// are incremental), for `config`'s network; `None` when the network's fork version is unknown.
pub fn planner(config: &NetworkConfig) -> Option<ActivationPlanner> {
    Some(ActivationPlanner::new(PlannerConfig {
        chain_id: config.chain_id,
        pool: config.pool_manager,
        deployment_block: config.deployment_block,
        ssv_genesis_block: config.ssv_genesis_block(),
        fork_version: config.fork_version()?,
        max_log_window: LOG_WINDOW,
        // The console checked these entries' files on import, in its workers.
        verify_entries: false,
    }))
}

/// The activation of at most `count` entries from `from`, planned right before the wallet is
/// asked: every read at one block, the keys checked against the beacon node of `beaconUrl`
/// (when configured) and the deposit logs after it.
pub async fn prepare_activation(
    client: &RpcClient,
    config: &NetworkConfig,
    planner: &mut ActivationPlanner,
    from: Address,
    count: u64,
) -> Result<ActivationPlan, PlanRefusal> {
    let beacon = config.beacon_url.as_deref().map(FetchBeacon::new);
    planner
        .plan(client, beacon.as_ref(), from, Some(count))
        .await
}

/// Gas the node estimates for `tx` (shown in previews; the wallet sets its own limit).
pub async fn estimate_gas(client: &RpcClient, tx: &TxRequest) -> Result<u64, AppError> {
    let gas: alloy_primitives::U64 = client
        .request("eth_estimateGas", [tx])
        .await
        .map_err(AppError::from)?;
    Ok(gas.to())
}
