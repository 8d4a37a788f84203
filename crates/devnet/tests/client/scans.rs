//! The client layer's reads (`pool_chain::client`) against anvil, over a plain HTTP
//! `RpcClient`: the SSV fee schedule, the pool's cluster snapshots from a windowed scan, the
//! deposit contract's deposits, front-run included, and a scan through a node capping the range.

use std::sync::Arc;

use alloy::primitives::{Address, U256, utils::parse_ether};
use alloy::rpc::client::RpcClient;
use pool_chain::client::{fee_schedule, scan_clusters, scan_deposits};
use pool_core::deposit::eth1_withdrawal_credentials;
use pool_core::funding::Precision;
use pool_devnet::fixtures::{new_cluster, sample_validator};
use pool_devnet::testing::node::{LogCap, TestNode};
use pool_devnet::testing::{Mined, cluster_after};
use pool_devnet::{Devnet, DevnetOptions, SsvParameters};

use crate::client;

async fn latest(devnet: &Devnet) -> u64 {
    use alloy::providers::Provider;
    devnet.provider().get_block_number().await.unwrap()
}

#[tokio::test]
async fn the_fee_schedule_is_what_the_pool_funds_with() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let ops = devnet.deployment.operator_ids.clone();
    let fees = fee_schedule(&client(&devnet), devnet.deployment.ssv_views, &ops)
        .await
        .unwrap();
    let params = SsvParameters::MAINNET;
    assert_eq!(fees.operator_fees, vec![U256::from(params.operator_fee); 4]);
    assert_eq!(fees.network_fee, U256::from(params.network_fee));
    assert_eq!(
        fees.liquidation_threshold_period,
        params.liquidation_threshold
    );
    assert_eq!(
        fees.minimum_collateral,
        U256::from(params.minimum_collateral)
    );
    let runway = devnet.pool().runway().call().await.unwrap();
    assert_eq!(
        fees.funding_per_validator(runway, Precision::Eth),
        devnet.pool().fundingPerValidator(ops).call().await.unwrap(),
        "the console's figure is the contract's"
    );
}

#[tokio::test]
async fn a_windowed_scan_rebuilds_the_pools_cluster_exactly() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let pool = devnet.pool();
    let ops = devnet.deployment.operator_ids.clone();
    devnet
        .stake(devnet.accounts()[1], parse_ether("64").unwrap())
        .await
        .unwrap();
    let first = devnet.add_and_activate(1..2, new_cluster()).await.unwrap();
    let after_first = cluster_after(&first).unwrap();
    let second = devnet.add_and_activate(2..3, after_first).await.unwrap();
    let cluster = cluster_after(&second).unwrap();
    let topped = pool
        .fundCluster(
            ops.clone(),
            U256::from(100_000u64) * U256::from(1_000u64),
            cluster,
        )
        .mined()
        .await;
    let expected = cluster_after(&topped).unwrap();

    // Windows of 3 blocks: the scan crosses many of them, as on a capped public RPC.
    let head = latest(&devnet).await;
    let snapshots = scan_clusters(
        &client(&devnet),
        devnet.deployment.ssv_network,
        devnet.deployment.pool_manager,
        (0, head),
        3,
    )
    .await
    .unwrap();
    let rebuilt = snapshots.get(devnet.deployment.pool_manager, &ops);
    assert_eq!(rebuilt.validator_count, expected.validatorCount);
    assert_eq!(rebuilt.network_fee_index, expected.networkFeeIndex);
    assert_eq!(rebuilt.index, expected.index);
    assert_eq!(rebuilt.active, expected.active);
    assert_eq!(rebuilt.balance, expected.balance);
    // Another owner has no cluster: the snapshot of a new one.
    let none = snapshots.get(Address::repeat_byte(1), &ops);
    assert_eq!((none.validator_count, none.active), (0, true));
}

#[tokio::test]
async fn deposits_show_who_fixed_each_keys_credentials() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    devnet
        .stake(devnet.accounts()[1], parse_ether("32").unwrap())
        .await
        .unwrap();
    devnet.add_and_activate(1..2, new_cluster()).await.unwrap();
    // A ceremony key holder front-runs key 2 with 1 ETH and their own credentials.
    let thief = Address::repeat_byte(0xee);
    let stolen = devnet.front_run(2, thief).await.unwrap();

    let head = latest(&devnet).await;
    let deposits = scan_deposits(
        &client(&devnet),
        devnet.deployment.deposit_contract,
        (0, head),
        2,
    )
    .await
    .unwrap();
    assert_eq!(deposits.len(), 2);
    let ours = sample_validator(
        devnet.deployment.pool_manager,
        1,
        &devnet.deployment.operator_ids,
    );
    assert_eq!(deposits[0].pubkey, ours.pubkey);
    assert_eq!(
        deposits[0].withdrawal_credentials,
        devnet.pool().withdrawalCredentials().call().await.unwrap()
    );
    assert_eq!(
        (deposits[0].amount_gwei, deposits[0].index),
        (32_000_000_000, 0)
    );
    assert_eq!(deposits[1].pubkey, stolen);
    assert_eq!(
        deposits[1].withdrawal_credentials,
        eth1_withdrawal_credentials(thief)
    );
    assert_eq!(
        (deposits[1].amount_gwei, deposits[1].index),
        (1_000_000_000, 1)
    );
    assert_eq!(devnet.deposit_count().await.unwrap(), 2);
}

#[tokio::test]
async fn a_scan_shrinks_its_window_when_the_node_caps_the_range() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    devnet
        .stake(devnet.accounts()[1], parse_ether("64").unwrap())
        .await
        .unwrap();
    devnet.add_and_activate(1..3, new_cluster()).await.unwrap();
    devnet.mine(40).await.unwrap();
    let head = latest(&devnet).await;
    // A node that refuses, as public RPCs do, any `eth_getLogs` over more than 5 blocks.
    let cap = Arc::new(LogCap::new(5));
    let node = TestNode::to(&devnet.rpc_url())
        .with(cap.clone())
        .start()
        .unwrap();
    let client = RpcClient::new_http(node.url().parse().unwrap());
    // Asked for windows of 64 blocks, answered only up to 5: the scan halves down to 4, goes on.
    let deposits = scan_deposits(&client, devnet.deployment.deposit_contract, (0, head), 64)
        .await
        .unwrap();
    assert_eq!(deposits.len(), 2);
    assert!(cap.refused() >= 4, "the node refused wide ranges");
    // A node that refuses even one block ends the scan with where to resume.
    cap.set(Some(0));
    let error = scan_deposits(&client, devnet.deployment.deposit_contract, (3, head), 64)
        .await
        .unwrap_err();
    assert_eq!(error.resume_from, 3);
    assert!(error.to_string().contains("stopped at block 3"), "{error}");
}
