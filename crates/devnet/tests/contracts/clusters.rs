//! The pool's own clusters after activation: top-ups from the fee reserve, liquidation by a
//! stranger once the runway is spent, reactivation, withdrawal back into the reserve, and the
//! fee recipient of execution-layer rewards; on SSV v2 (fees in ETH), on a real anvil.

use alloy::primitives::{U256, utils::parse_ether};
use alloy::providers::Provider;
use alloy::sol_types::SolEvent;
use pool_chain::bindings::PoolManager::Cluster;
use pool_chain::bindings::devnet::DevnetSSVNetworkV2;
use pool_chain::history::RawLog;
use pool_chain::revert::explain_revert;
use pool_chain::ssv::{cluster_events_filter, decode_cluster_event};
use pool_core::cluster::ClusterSnapshots;
use pool_devnet::fixtures::{new_cluster, sample_validator};
use pool_devnet::testing::AddValidators as _;
use pool_devnet::testing::{Mined, cluster_after};
use pool_devnet::{Devnet, DevnetOptions};

/// A devnet whose pool has one active validator funded for a 100-block runway; its cluster.
async fn one_validator() -> (Devnet, Cluster) {
    let devnet = Devnet::start(DevnetOptions::default())
        .await
        .expect("devnet starts");
    let pool = devnet.pool();
    let ops = devnet.deployment.operator_ids.clone();
    pool.setRunway(100).mined().await;
    let entry = sample_validator(*pool.address(), 1, &ops);
    pool.add_validators(vec![entry.clone()]).mined().await;
    devnet
        .stake(devnet.accounts()[1], parse_ether("32").unwrap())
        .await
        .unwrap();
    devnet
        .mine(pool.activationDelay().call().await.unwrap())
        .await
        .unwrap();
    let count = devnet.deposit_count().await.unwrap();
    let receipt = pool
        .activateValidators(
            vec![entry],
            count,
            devnet.funding_quote().await.unwrap(),
            new_cluster(),
        )
        .mined()
        .await;
    assert!(receipt.status());
    let cluster = cluster_after(&receipt).expect("the registration's cluster");
    (devnet, cluster)
}

async fn mine(devnet: &Devnet, blocks: u64) {
    let _: serde_json::Value = devnet
        .provider()
        .raw_request("anvil_mine".into(), (U256::from(blocks),))
        .await
        .unwrap();
}

/// The SSV network's revert, explained as the app would.
fn explained(error: alloy::contract::Error) -> String {
    let data = error.as_revert_data().expect("revert data");
    explain_revert(&data).unwrap_or_else(|| panic!("unexplained revert {data}"))
}

#[tokio::test]
async fn clusters_are_topped_up_liquidated_reactivated_and_withdrawn() {
    let (devnet, mut cluster) = one_validator().await;
    let pool = devnet.pool();
    let ops = devnet.deployment.operator_ids.clone();
    let ssv = DevnetSSVNetworkV2::new(devnet.deployment.ssv_network, devnet.provider());
    let stranger = devnet.accounts()[4];
    // SSV v2 keeps ETH in units of 1e5 wei.
    let precision = U256::from(100_000u64);
    // Fifty blocks of fees, in the network's precision.
    let burn_rate = ssv.burnRatePerValidator(ops.clone()).call().await.unwrap();
    let top_up = (burn_rate * U256::from(50)).div_ceil(precision) * precision;

    // A top-up from the fee reserve.
    let reserve = pool.feeReserve().call().await.unwrap();
    let receipt = pool
        .fundCluster(ops.clone(), top_up, cluster.clone())
        .mined()
        .await;
    assert!(receipt.status());
    let funded = cluster_after(&receipt).unwrap();
    assert_eq!(pool.feeReserve().call().await.unwrap(), reserve - top_up);
    assert!(funded.balance > cluster.balance, "the balance grew");
    // The old snapshot is stale now: the network refuses it, and the sentence says so.
    let stale = pool
        .fundCluster(ops.clone(), top_up, cluster.clone())
        .call()
        .await
        .unwrap_err();
    assert!(explained(stale).contains("snapshot is out of date"));
    cluster = funded;

    // Healthy: a stranger cannot liquidate it.
    let healthy = ssv
        .liquidate(*pool.address(), ops.clone(), to_ssv(&cluster))
        .from(stranger)
        .call()
        .await
        .unwrap_err();
    assert!(explained(healthy).contains("cannot be liquidated"));

    // The runway (100 blocks, then 50 more) runs out: the stranger liquidates and takes what
    // is left.
    mine(&devnet, 200).await;
    let receipt = ssv
        .liquidate(*pool.address(), ops.clone(), to_ssv(&cluster))
        .from(stranger)
        .mined()
        .await;
    assert!(receipt.status());
    assert!(
        receipt
            .inner
            .logs()
            .iter()
            .any(|l| l.topic0() == Some(&DevnetSSVNetworkV2::ClusterLiquidated::SIGNATURE_HASH))
    );
    cluster = cluster_after(&receipt).unwrap();
    assert!(!cluster.active);

    // Reactivation needs at least the collateral.
    let too_little = pool
        .fundCluster(ops.clone(), precision, cluster.clone())
        .call()
        .await
        .unwrap_err();
    assert!(explained(too_little).contains("below its liquidation collateral"));
    let funding = pool.fundingPerValidator(ops.clone()).call().await.unwrap();
    let reserve = pool.feeReserve().call().await.unwrap();
    let receipt = pool
        .fundCluster(ops.clone(), funding + top_up, cluster.clone())
        .mined()
        .await;
    assert!(receipt.status());
    cluster = cluster_after(&receipt).unwrap();
    assert!(cluster.active);
    assert_eq!(
        pool.feeReserve().call().await.unwrap(),
        reserve - funding - top_up
    );

    // The extra comes back into the reserve; more than the collateral allows does not.
    let receipt = pool
        .withdrawFromCluster(ops.clone(), top_up, cluster.clone())
        .mined()
        .await;
    assert!(receipt.status());
    assert_eq!(pool.feeReserve().call().await.unwrap(), reserve - funding);
    cluster = cluster_after(&receipt).unwrap();
    let greedy = pool
        .withdrawFromCluster(ops.clone(), cluster.balance, cluster.clone())
        .call()
        .await
        .unwrap_err();
    assert!(explained(greedy).contains("below its liquidation collateral"));

    // A snapshot scanner rebuilds the same cluster from the network's events alone: one
    // eth_getLogs for the pool's cluster events (registration, top-up, liquidation by a stranger,
    // reactivation, withdrawal), folded in chain order.
    let latest = devnet.provider().get_block_number().await.unwrap();
    let filter = cluster_events_filter(devnet.deployment.ssv_network, *pool.address(), (0, latest));
    let logs: Vec<RawLog> = devnet
        .provider()
        .raw_request("eth_getLogs".into(), [filter])
        .await
        .unwrap();
    let mut snapshots = ClusterSnapshots::default();
    for event in logs.iter().filter_map(decode_cluster_event) {
        snapshots.apply(event);
    }
    assert_eq!(
        logs.len(),
        5,
        "added, deposited, liquidated, reactivated, withdrawn"
    );
    let rebuilt = snapshots.get(*pool.address(), &ops);
    assert_eq!(
        (
            rebuilt.validator_count,
            rebuilt.network_fee_index,
            rebuilt.index,
            rebuilt.active,
            rebuilt.balance
        ),
        (
            cluster.validatorCount,
            cluster.networkFeeIndex,
            cluster.index,
            cluster.active,
            cluster.balance
        )
    );

    // Roles: strangers can neither spend the reserve on clusters nor pull balances.
    pool_devnet::assert_pool_error!(
        pool.fundCluster(ops.clone(), top_up, cluster.clone())
            .from(stranger),
        NotOperatorOrKeeper
    );
    pool_devnet::assert_pool_error!(
        pool.withdrawFromCluster(ops.clone(), top_up, cluster.clone())
            .from(stranger),
        AccessControlUnauthorizedAccount
    );
}

#[tokio::test]
async fn execution_layer_rewards_go_to_the_pools_vault_from_deployment_on() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let pool = devnet.pool();
    // Set at deployment, before any validator could run, and no function changes it.
    let filter = alloy::rpc::types::Filter::new()
        .address(devnet.deployment.ssv_network)
        .event_signature(DevnetSSVNetworkV2::FeeRecipientAddressUpdated::SIGNATURE_HASH)
        .from_block(0);
    let logs = devnet.provider().get_logs(&filter).await.unwrap();
    assert_eq!(logs.len(), 1);
    let first =
        DevnetSSVNetworkV2::FeeRecipientAddressUpdated::decode_log_data(logs[0].data()).unwrap();
    assert_eq!(
        (first.owner, first.recipientAddress),
        (*pool.address(), devnet.deployment.rewards_vault)
    );
    assert_eq!(
        pool.rewardsVault().call().await.unwrap(),
        devnet.deployment.rewards_vault
    );
    // Plain ether is still refused from anyone but the SSV network (and the vault's payments
    // come through their own function).
    let plain = alloy::rpc::types::TransactionRequest::default()
        .to(*pool.address())
        .value(U256::from(1));
    assert!(devnet.provider().call(plain).await.is_err());
    pool_devnet::assert_pool_error!(
        pool.receiveExecutionRewards().value(U256::from(1)),
        NotRewardsVault
    );
}

fn to_ssv(c: &Cluster) -> pool_chain::bindings::devnet::DevnetSSVNetworkV2::Cluster {
    pool_core::cluster::Cluster::from(c.clone()).into()
}
