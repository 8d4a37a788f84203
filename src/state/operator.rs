//! The operator's transactions, built from a fresh reading of the chain: each function returns
//! the `TxRequest` the wallet is asked to send (the views show what it will do before that).

use alloy_primitives::{Address, Bytes, U256};
use alloy_rpc_client::RpcClient;
use alloy_sol_types::SolCall;
use pool_chain::bindings::PoolManager::{self, ValidatorData};
use pool_chain::client::{
    ClusterCursor, deposit_count, funding_quote, read_operations, registry_entries, scan_deposits,
};
use pool_chain::config::NetworkConfig;
use pool_chain::rpc::TxRequest;
use pool_core::cluster::Cluster;
use pool_core::deposit::DEPOSIT_WEI;

use super::console::{ConsoleReading, LOG_WINDOW};
use crate::errors::AppError;

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

/// How many validators can be activated now, and what limits it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activatable {
    pub count: u64,
    pub by_buffer: u64,
    pub ready: u64,
    pub by_reserve: u64,
    pub bulk_limit: u64,
    /// Per validator, in the network's fee asset, at the live fees and the pool's runway.
    pub funding: U256,
}

/// SSV's per-transaction bulk limit for a cluster of `operators`.
pub fn bulk_limit(operators: usize) -> u64 {
    match operators {
        4 => 80,
        7 => 40,
        10 => 30,
        _ => 20,
    }
}

impl Activatable {
    /// The least of: buffer / 32 ETH, pending entries ready and matching the registry (in order,
    /// from the first), what the fee reserve funds, the bulk limit.
    pub fn of(reading: &ConsoleReading) -> Option<Activatable> {
        let cluster = reading.cluster.as_ref()?;
        let funding = cluster
            .fees
            .funding_per_validator(reading.ops.runway, reading.ops.fee_asset.precision());
        let by_buffer: u64 = (reading.ops.buffered_ether / U256::from(DEPOSIT_WEI))
            .try_into()
            .unwrap_or(u64::MAX);
        let next_block = reading.ops.block + 1;
        let ready = reading
            .pending
            .iter()
            .take_while(|e| e.matches_registry && e.ready_at <= next_block)
            .count() as u64;
        let by_reserve: u64 = if funding.is_zero() {
            u64::MAX
        } else {
            (reading.ops.fee_reserve / funding)
                .try_into()
                .unwrap_or(u64::MAX)
        };
        let bulk_limit = bulk_limit(cluster.operator_ids.len());
        Some(Activatable {
            count: by_buffer.min(ready).min(by_reserve).min(bulk_limit),
            by_buffer,
            ready,
            by_reserve,
            bulk_limit,
            funding,
        })
    }
}

/// Why an activation is not offered to the wallet.
#[derive(Debug, Clone)]
pub enum ActivationRefused {
    /// A pubkey about to be activated already has a beacon deposit: someone front-ran the pool.
    FrontRun {
        pubkey: Bytes,
        credentials: alloy_primitives::B256,
    },
    /// The registry's entries could not all be read from its events.
    MissingEntry(u64),
    /// A read failed.
    Chain(AppError),
}

/// An activation ready for the wallet, and the funding per validator it carries (what the
/// preview shows).
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedActivation {
    pub tx: TxRequest,
    pub funding: U256,
}

/// The activation of the next `count` entries, prepared right before the wallet is asked: the
/// deposit count read first, then the deposit contract's logs since the pool's deployment
/// checked for every pubkey (a deposit in between changes the count, and the contract
/// reverts), a fresh cluster snapshot and the pool's funding quote at the live fees.
pub async fn prepare_activation(
    client: &RpcClient,
    config: &NetworkConfig,
    from: Address,
    count: u64,
) -> Result<PreparedActivation, ActivationRefused> {
    let chain = |e: AppError| ActivationRefused::Chain(e);
    let ops = read_operations(client, config.pool_manager)
        .await
        .map_err(|e| chain(e.into()))?;
    let deposits = deposit_count(client, ops.addresses.deposit_contract)
        .await
        .map_err(|e| chain(e.into()))?;
    let head = ops.block;
    let registry = registry_entries(
        client,
        config.pool_manager,
        (config.deployment_block, head),
        LOG_WINDOW,
    )
    .await
    .map_err(|e| chain(e.cause.into()))?;
    let entries = registry
        .range(ops.activated_validators, count)
        .map_err(ActivationRefused::MissingEntry)?;
    let deposited = scan_deposits(
        client,
        ops.addresses.deposit_contract,
        (config.deployment_block, head),
        LOG_WINDOW,
    )
    .await
    .map_err(|e| chain(e.cause.into()))?;
    if let Some(found) = deposited
        .iter()
        .find(|d| entries.iter().any(|e| e.pubkey == d.pubkey))
    {
        return Err(ActivationRefused::FrontRun {
            pubkey: found.pubkey.clone(),
            credentials: found.withdrawal_credentials,
        });
    }
    let ids = entries[0].operatorIds.clone();
    let cursor = ClusterCursor::scan(
        client,
        ops.addresses.ssv_network,
        config.pool_manager,
        &ids,
        (config.deployment_block, head),
        LOG_WINDOW,
        |_, _| {},
    )
    .await
    .map_err(|e| chain(e.cause.into()))?;
    let funding = funding_quote(client, config.pool_manager, ids)
        .await
        .map_err(|e| chain(e.into()))?;
    let data = PoolManager::activateValidatorsCall {
        validators: entries,
        expectedDepositCount: deposits,
        perValidatorFunding: funding,
        cluster: cursor.cluster.into(),
    }
    .abi_encode();
    Ok(PreparedActivation {
        tx: to_pool(config, from, data, None),
        funding,
    })
}

/// Gas the node estimates for `tx` (shown in previews; the wallet sets its own limit).
pub async fn estimate_gas(client: &RpcClient, tx: &TxRequest) -> Result<u64, AppError> {
    let gas: alloy_primitives::U64 = client
        .request("eth_estimateGas", [tx])
        .await
        .map_err(AppError::from)?;
    Ok(gas.to())
}
