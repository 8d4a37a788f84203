//! SSV v2 as it really is, on the devnet stand-in: a stranger's `updateClusterBalance` on the
//! pool's cluster (the scan follows it, the pool's next calls work), fees scaled by the proven
//! effective balance, the views' reverts for an unknown or liquidated cluster, ETH amounts
//! without a rounding rule, and a legacy operator the views call inactive that registrations
//! still accept.

use alloy::primitives::{Bytes, U256, utils::parse_ether};
use alloy::providers::Provider;
use pool_chain::bindings::PoolManager::Cluster;
use pool_chain::bindings::devnet::{DevnetSSVNetworkV2, DevnetSSVNetworkViews};
use pool_chain::client::{operator_states, scan_clusters};
use pool_chain::revert::{ContractError, SsvNetwork::SsvNetworkErrors as Ssv, decode};
use pool_devnet::fixtures::new_cluster;
use pool_devnet::testing::{Mined, cluster_after, cluster_id};
use pool_devnet::{Devnet, DevnetOptions};

use pool_devnet::testing::network::register_directly;

fn client(devnet: &Devnet) -> alloy::rpc::client::RpcClient {
    alloy::rpc::client::RpcClient::new_http(devnet.rpc_url().parse().unwrap())
}

fn views_cluster(c: &Cluster) -> DevnetSSVNetworkViews::Cluster {
    pool_core::cluster::Cluster::from(c.clone()).into()
}

fn ssv_cluster(c: &Cluster) -> DevnetSSVNetworkV2::Cluster {
    pool_core::cluster::Cluster::from(c.clone()).into()
}

/// The SSV network's error a call reverted with.
fn ssv_error(error: alloy::contract::Error) -> Ssv {
    let data = error.as_revert_data().expect("revert data");
    match decode(&data) {
        Some(ContractError::Ssv(e)) => e,
        other => panic!("not an SSV error: {other:?} ({data})"),
    }
}

/// A devnet (v2) whose pool runs one validator; its cluster.
async fn pool_with_one_validator() -> (Devnet, Cluster) {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    devnet
        .stake(devnet.accounts()[1], parse_ether("64").unwrap())
        .await
        .unwrap();
    let receipt = devnet.add_and_activate(1..2, new_cluster()).await.unwrap();
    let cluster = cluster_after(&receipt).unwrap();
    (devnet, cluster)
}

/// The pool's cluster as the console's scan finds it.
async fn scanned(devnet: &Devnet) -> Cluster {
    let head = devnet.provider().get_block_number().await.unwrap();
    let snapshots = scan_clusters(
        &client(devnet),
        devnet.deployment.ssv_network,
        devnet.deployment.pool_manager,
        (0, head),
        10_000,
    )
    .await
    .unwrap();
    snapshots
        .get(
            devnet.deployment.pool_manager,
            &devnet.deployment.operator_ids,
        )
        .into()
}

#[tokio::test]
async fn a_strangers_balance_update_is_followed_by_the_scan_and_the_pool_goes_on() {
    let (devnet, cluster) = pool_with_one_validator().await;
    let (pool, ops) = (devnet.pool(), devnet.deployment.operator_ids.clone());
    let network = DevnetSSVNetworkV2::new(devnet.deployment.ssv_network, devnet.provider());
    let views = DevnetSSVNetworkViews::new(devnet.deployment.ssv_views, devnet.provider());
    let stranger = devnet.accounts()[4];
    let id = cluster_id(*pool.address(), &ops);
    let rate = views
        .getBurnRate(*pool.address(), ops.clone(), views_cluster(&cluster))
        .call()
        .await
        .unwrap();

    // The oracles prove 40 ETH for the pool's one validator (a 0x02 validator's rewards); a
    // stranger submits it, which settles the fees and rewrites the stored hash.
    let (block, proofs) = devnet
        .commit_effective_balances(&[(id, 40), (cluster_id(stranger, &ops), 64)])
        .await
        .unwrap();
    let wrong = network
        .updateClusterBalance(
            block,
            *pool.address(),
            ops.clone(),
            ssv_cluster(&cluster),
            41,
            proofs[0].clone(),
        )
        .from(stranger)
        .call()
        .await
        .unwrap_err();
    assert!(matches!(ssv_error(wrong), Ssv::InvalidProof(_)));
    let receipt = network
        .updateClusterBalance(
            block,
            *pool.address(),
            ops.clone(),
            ssv_cluster(&cluster),
            40,
            proofs[0].clone(),
        )
        .from(stranger)
        .mined()
        .await;
    assert!(receipt.status());
    let event = receipt
        .decoded_log::<DevnetSSVNetworkV2::ClusterBalanceUpdated>()
        .expect("ClusterBalanceUpdated");
    assert_eq!(
        (event.owner, event.blockNum, event.effectiveBalance),
        (*pool.address(), block, 40)
    );
    assert_eq!(receipt.inner.logs().len(), 1, "its only event");
    let updated = cluster_after(&receipt).expect("the event's cluster");
    assert!(updated.balance < cluster.balance, "fees settled");
    // Fees now scale with 40 ETH: ceil(40 * 10000 / 32) = 12500 units for one validator.
    let scaled = views
        .getBurnRate(*pool.address(), ops.clone(), views_cluster(&updated))
        .call()
        .await
        .unwrap();
    assert_eq!(scaled, rate * U256::from(12_500) / U256::from(10_000));
    // The same proof again is stale.
    let again = network
        .updateClusterBalance(
            block,
            *pool.address(),
            ops.clone(),
            ssv_cluster(&updated),
            40,
            proofs[0].clone(),
        )
        .from(stranger)
        .call()
        .await
        .unwrap_err();
    assert!(matches!(ssv_error(again), Ssv::StaleUpdate(_)));

    // The snapshot the pool held is stale now; the scan reads the new one (before the scan knew
    // `ClusterBalanceUpdated`, it returned the old one, and this top-up reverted
    // `IncorrectClusterState`).
    let stale = pool
        .fundCluster(ops.clone(), parse_ether("0.01").unwrap(), cluster.clone())
        .call()
        .await
        .unwrap_err();
    assert!(matches!(ssv_error(stale), Ssv::IncorrectClusterState(_)));
    let snapshot = scanned(&devnet).await;
    assert_eq!(snapshot, updated);
    let funded = pool
        .fundCluster(ops.clone(), parse_ether("0.01").unwrap(), snapshot)
        .mined()
        .await;
    assert!(funded.status(), "a top-up with the scanned snapshot works");

    // So does the next activation, from the snapshot the scan gives.
    let activation = devnet
        .add_and_activate(2..3, scanned(&devnet).await)
        .await
        .unwrap();
    assert_eq!(cluster_after(&activation).unwrap().validatorCount, 2);
}

#[tokio::test]
async fn a_proof_that_leaves_the_cluster_short_liquidates_it_for_the_caller() {
    let (devnet, cluster) = pool_with_one_validator().await;
    let (pool, ops) = (devnet.pool(), devnet.deployment.operator_ids.clone());
    let network = DevnetSSVNetworkV2::new(devnet.deployment.ssv_network, devnet.provider());
    let stranger = devnet.accounts()[4];
    // 2048 ETH: 64 times the fees, far over what the runway holds.
    let (block, proofs) = devnet
        .commit_effective_balances(&[(cluster_id(*pool.address(), &ops), 2048)])
        .await
        .unwrap();
    let before = devnet.provider().get_balance(stranger).await.unwrap();
    let receipt = network
        .updateClusterBalance(
            block,
            *pool.address(),
            ops.clone(),
            ssv_cluster(&cluster),
            2048,
            proofs[0].clone(),
        )
        .from(stranger)
        .mined()
        .await;
    assert!(receipt.status());
    assert!(
        receipt
            .decoded_log::<DevnetSSVNetworkV2::ClusterLiquidated>()
            .is_some()
    );
    let liquidated = cluster_after(&receipt).unwrap();
    assert!(!liquidated.active);
    assert!(
        devnet.provider().get_balance(stranger).await.unwrap() > before,
        "the caller took the balance"
    );
    assert_eq!(scanned(&devnet).await, liquidated);
    // The views revert for a liquidated cluster's balance, and say it is not liquidatable.
    let views = DevnetSSVNetworkViews::new(devnet.deployment.ssv_views, devnet.provider());
    let balance = views
        .getBalance(*pool.address(), ops.clone(), views_cluster(&liquidated))
        .call()
        .await
        .unwrap_err();
    assert!(matches!(ssv_error(balance), Ssv::ClusterIsLiquidated(_)));
    assert!(
        !views
            .isLiquidatable(*pool.address(), ops.clone(), views_cluster(&liquidated))
            .call()
            .await
            .unwrap()
    );
    // Bounds: below 32 ETH per validator is refused, even with a valid proof.
    let (block, proofs) = devnet
        .commit_effective_balances(&[(cluster_id(*pool.address(), &ops), 31)])
        .await
        .unwrap();
    let low = network
        .updateClusterBalance(
            block,
            *pool.address(),
            ops,
            ssv_cluster(&liquidated),
            31,
            proofs[0].clone(),
        )
        .from(stranger)
        .call()
        .await
        .unwrap_err();
    assert!(matches!(ssv_error(low), Ssv::EBBelowMinimum(_)));
}

#[tokio::test]
async fn the_views_revert_for_an_unknown_cluster_and_eth_amounts_have_no_rounding_rule() {
    let (devnet, cluster) = pool_with_one_validator().await;
    let (pool, ops) = (devnet.pool(), devnet.deployment.operator_ids.clone());
    let views = DevnetSSVNetworkViews::new(devnet.deployment.ssv_views, devnet.provider());
    let network = DevnetSSVNetworkV2::new(devnet.deployment.ssv_network, devnet.provider());
    let stranger = devnet.accounts()[4];
    let unknown = views_cluster(&new_cluster());
    let balance = views
        .getBalance(stranger, ops.clone(), unknown.clone())
        .call()
        .await
        .unwrap_err();
    assert!(matches!(ssv_error(balance), Ssv::ClusterDoesNotExist(_)));
    let liquidatable = views
        .isLiquidatable(stranger, ops.clone(), unknown.clone())
        .call()
        .await
        .unwrap_err();
    assert!(matches!(
        ssv_error(liquidatable),
        Ssv::ClusterDoesNotExist(_)
    ));
    let burn = views
        .getBurnRate(stranger, ops.clone(), unknown)
        .call()
        .await
        .unwrap_err();
    assert!(matches!(ssv_error(burn), Ssv::ClusterDoesNotExist(_)));
    let deposit = network
        .deposit(stranger, ops.clone(), ssv_cluster(&new_cluster()))
        .value(U256::from(1))
        .from(stranger)
        .call()
        .await
        .unwrap_err();
    assert!(matches!(ssv_error(deposit), Ssv::ClusterDoesNotExist(_)));
    assert_eq!(
        views
            .getEffectiveBalance(*pool.address(), ops.clone(), views_cluster(&cluster))
            .call()
            .await
            .unwrap(),
        32
    );

    // Anyone may top up the pool's cluster by any number of wei (v2 takes ETH as it is).
    let odd = U256::from(123_456_789u64);
    let receipt = network
        .deposit(*pool.address(), ops.clone(), ssv_cluster(&cluster))
        .value(odd)
        .from(stranger)
        .mined()
        .await;
    assert!(receipt.status());
    let after = cluster_after(&receipt).unwrap();
    assert_eq!(after.balance, cluster.balance + odd);
    assert_eq!(scanned(&devnet).await, after);
}

#[tokio::test]
async fn an_operator_no_eth_flow_touched_is_inactive_in_the_views_yet_accepted() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let d = devnet.deployment.clone();
    let network = DevnetSSVNetworkV2::new(d.ssv_network, devnet.provider());
    let owner = devnet.accounts()[9];
    let legacy = network
        .registerLegacyOperator(
            Bytes::from(vec![7; 32]),
            U256::from(1_000_000_000u64),
            false,
        )
        .from(owner)
        .mined()
        .await;
    assert!(legacy.status());
    let id = d.operator_ids.len() as u64 + 1;
    let removed_id = 2;
    network
        .removeOperator(removed_id)
        .from(devnet.accounts()[6])
        .mined()
        .await;

    let states = operator_states(
        &client(&devnet),
        d.ssv_views,
        d.pool_manager,
        &[1, removed_id, id],
    )
    .await
    .unwrap();
    assert!(!states[2].is_active, "the views say inactive");
    assert!(!states[2].removed);
    assert_eq!(states[2].problem(), None, "but it is not refused");
    assert_eq!(
        states[2].fee,
        U256::from(1_770_000_000u64),
        "the default ETH fee"
    );
    assert_eq!(
        states[1].problem(),
        Some(pool_chain::client::OperatorProblem::Inactive),
        "a removed one is"
    );
    assert_eq!(states[0].problem(), None);

    // A registration with it works and starts its ETH snapshot.
    let stranger = devnet.accounts()[4];
    let ops = [1, 3, 4, id];
    let receipt = register_directly(&network, stranger, &ops, 7, ssv_cluster(&new_cluster()))
        .await
        .expect("registered with the legacy operator");
    assert!(receipt.status());
    let states = operator_states(&client(&devnet), d.ssv_views, d.pool_manager, &[id])
        .await
        .unwrap();
    assert!(states[0].is_active && !states[0].removed);
    assert_eq!(states[0].validator_count, 1);
}
