//! The SSV network as the console and the keeper read it: the live fee schedule of an operator
//! set from the views contract, and the pool's cluster snapshots from the network's events.

use alloy_primitives::{Address, Bytes};
use alloy_rpc_client::RpcClient;
use alloy_sol_types::SolCall;
use pool_core::cluster::ClusterSnapshots;
use pool_core::funding::FeeSchedule;

use super::scan::{ScanError, scan_logs};
use super::{ChainError, DecodeCause};
use crate::rpc::TxRequest;
use crate::ssv::{cluster_events_filter, decode_cluster_event};

alloy_sol_types::sol!(
    /// SSVNetworkViews v2 (mainnet and Hoodi since 2026), from the reference ABI in
    /// `contracts/reference/`.
    #[derive(Debug)]
    SsvViews,
    "../../contracts/reference/ssv-network-views-v2.abi.json"
);

/// The live fees of `operator_ids` (in ETH, SSV v2), read
/// from the SSV views contract in one JSON-RPC batch: each operator's fee, the network fee, the
/// liquidation threshold period and the minimum collateral.
pub async fn fee_schedule(
    client: &RpcClient,
    views: Address,
    operator_ids: &[u64],
) -> Result<FeeSchedule, ChainError> {
    let mut batch = client.new_batch();
    let mut call = |data: Vec<u8>| {
        batch
            .add_call::<_, Bytes>("eth_call", &(TxRequest::call(views, data), "latest"))
            .map_err(|e| ChainError::Decode {
                what: "an SSV views call",
                cause: DecodeCause::Request(e),
            })
    };
    let network_fee = call(SsvViews::getNetworkFeeCall {}.abi_encode())?;
    let threshold = call(SsvViews::getLiquidationThresholdPeriodCall {}.abi_encode())?;
    let minimum = call(SsvViews::getMinimumLiquidationCollateralCall {}.abi_encode())?;
    let mut operators = Vec::with_capacity(operator_ids.len());
    for id in operator_ids {
        operators.push(call(
            SsvViews::getOperatorFeeCall { operatorId: *id }.abi_encode(),
        )?);
    }
    batch.send().await?;
    let decode = |what: &'static str| {
        move |e: alloy_sol_types::Error| ChainError::Decode {
            what,
            cause: DecodeCause::Abi(e),
        }
    };
    let mut operator_fees = Vec::with_capacity(operators.len());
    for waiter in operators {
        let data = waiter.await?;
        operator_fees.push(
            SsvViews::getOperatorFeeCall::abi_decode_returns(&data)
                .map_err(decode("getOperatorFee"))?,
        );
    }
    Ok(FeeSchedule {
        operator_fees,
        network_fee: SsvViews::getNetworkFeeCall::abi_decode_returns(&network_fee.await?)
            .map_err(decode("getNetworkFee"))?,
        liquidation_threshold_period:
            SsvViews::getLiquidationThresholdPeriodCall::abi_decode_returns(&threshold.await?)
                .map_err(decode("getLiquidationThresholdPeriod"))?,
        minimum_collateral: SsvViews::getMinimumLiquidationCollateralCall::abi_decode_returns(
            &minimum.await?,
        )
        .map_err(decode("getMinimumLiquidationCollateral"))?,
    })
}

/// The live balance of `owner`'s cluster of `operator_ids` whose latest snapshot is `cluster`:
/// the snapshot's balance less the fees burnt since, as the SSV views compute it.
pub async fn cluster_balance(
    client: &RpcClient,
    views: Address,
    owner: Address,
    operator_ids: &[u64],
    cluster: pool_core::cluster::Cluster,
) -> Result<alloy_primitives::U256, ChainError> {
    let data = SsvViews::getBalanceCall {
        clusterOwner: owner,
        operatorIds: operator_ids.to_vec(),
        cluster: cluster.into(),
    }
    .abi_encode();
    let answer: Bytes = client
        .request("eth_call", (TxRequest::call(views, data), "latest"))
        .await?;
    SsvViews::getBalanceCall::abi_decode_returns(&answer).map_err(|e| ChainError::Decode {
        what: "getBalance",
        cause: DecodeCause::Abi(e),
    })
}

/// Every cluster of `owner` as the SSV network's events over blocks `from..=to` leave it (from
/// the network's SSV genesis block, or the owner's first registration, for a full picture):
/// what `registerValidator`, `deposit` and friends must be given as the cluster's snapshot.
pub async fn scan_clusters(
    client: &RpcClient,
    ssv_network: Address,
    owner: Address,
    (from, to): (u64, u64),
    max_window: u64,
) -> Result<ClusterSnapshots, ScanError> {
    let mut snapshots = ClusterSnapshots::default();
    scan_logs(
        client,
        from,
        to,
        max_window,
        |range| vec![cluster_events_filter(ssv_network, owner, range)],
        |_, logs| {
            for event in logs.iter().flatten().filter_map(decode_cluster_event) {
                snapshots.apply(event);
            }
        },
    )
    .await?;
    Ok(snapshots)
}

/// Whether each of `pubkeys` is registered with the SSV network by `owner` (and not removed),
/// from the views' `getValidator` in one JSON-RPC batch: the console tells an activated entry
/// the network runs from one whose registration failed or was removed. The views answer `false`
/// for an unknown validator; older deployments revert with `ValidatorDoesNotExist`, read as
/// `false` too (any other revert is an error).
pub async fn ssv_registered(
    client: &RpcClient,
    views: Address,
    owner: Address,
    pubkeys: &[Bytes],
) -> Result<Vec<bool>, ChainError> {
    use super::calls::{Calls, answer_or};
    use alloy_sol_types::SolError;
    let mut calls = Calls::new(client);
    let mut waiters = Vec::with_capacity(pubkeys.len());
    for pubkey in pubkeys {
        waiters.push(calls.call(
            views,
            &SsvViews::getValidatorCall {
                clusterOwner: owner,
                publicKey: pubkey.clone(),
            },
        )?);
    }
    if waiters.is_empty() {
        return Ok(Vec::new());
    }
    calls.send().await?;
    let unknown = |data: &[u8]| {
        data.starts_with(&SsvViews::ValidatorDoesNotExist::SELECTOR)
            .then_some(false)
    };
    let mut registered = Vec::with_capacity(waiters.len());
    for waiter in waiters {
        registered.push(answer_or::<SsvViews::getValidatorCall>(waiter, unknown).await?);
    }
    Ok(registered)
}
