//! The operator console's chain reads (`pool_chain::client`: roles, the operations view, the
//! registry from events, operators, SSV registrations, the newest-first cluster scan and its
//! cursor) against anvil and the devnet stand-ins, over an HTTP `RpcClient` (through a test node
//! counting `eth_getLogs` where a test counts the windows a scan read). Operator states are
//! set through the stand-in network's real functions (removal, privacy, whitelists) and its
//! devnet-only limit, and each problem the console names is checked to be the revert a
//! registration meets.

use std::sync::Arc;

use alloy::primitives::{Address, Bytes, U256, utils::parse_ether};
use alloy::providers::Provider;
use alloy::rpc::client::RpcClient;
use pool_chain::bindings::devnet::DevnetSSVNetworkV2::{
    self, DevnetSSVNetworkV2Errors as SsvErrors,
};
use pool_chain::client::{
    ClusterCursor, OperatorProblem, Roles, latest_cluster, operator_keys, operator_states,
    pending_entries, read_operations, registry_entries, roles, scan_clusters, ssv_registered,
};
use pool_core::cluster::Cluster;
use pool_devnet::fixtures::{new_cluster, sample_validator};
use pool_devnet::testing::{Mined, cluster_after};
use pool_devnet::{Devnet, DevnetOptions, SsvParameters};

use pool_devnet::testing::AddValidators as _;
use pool_devnet::testing::network::register_directly;
use pool_devnet::testing::node::{Counts, TestNode};

use crate::client;

mod clusters;
mod operators;

/// A client of `devnet` through a node counting its requests (`eth_getLogs`: one per window
/// scanned), so that a test can tell how many windows a scan read, including those without a
/// progress callback (the forward scan, a cursor's refresh). The node stops with its handle.
fn counted(devnet: &Devnet) -> (RpcClient, Arc<Counts>, TestNode) {
    let counts = Arc::new(Counts::default());
    let node = TestNode::to(&devnet.rpc_url())
        .with(counts.clone())
        .start()
        .unwrap();
    let client = RpcClient::new_http(node.url().parse().unwrap());
    (client, counts, node)
}

/// The `eth_getLogs` counted since the last reset, and a reset.
fn take(counts: &Counts) -> usize {
    let logs = counts.get_logs();
    counts.reset();
    logs
}

fn ssv_cluster(cluster: pool_chain::bindings::PoolManager::Cluster) -> DevnetSSVNetworkV2::Cluster {
    Cluster::from(cluster).into()
}

async fn head(devnet: &Devnet) -> u64 {
    devnet.provider().get_block_number().await.unwrap()
}

#[tokio::test]
async fn roles_of_the_admin_and_of_a_stranger() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let (pool, node) = (devnet.deployment.pool_manager, client(&devnet));
    let admin = devnet.accounts()[0];
    let everything = Roles {
        admin: true,
        operator: true,
        keeper: true,
        oracle: true,
    };
    assert_eq!(roles(&node, pool, admin).await.unwrap(), everything);
    let stranger = devnet.accounts()[4];
    assert_eq!(
        roles(&node, pool, stranger).await.unwrap(),
        Roles::default()
    );
    let contract = devnet.pool();
    assert_eq!(
        pool_chain::client::role_id("KEEPER_ROLE"),
        contract.KEEPER_ROLE().call().await.unwrap()
    );
    devnet
        .grant_role(contract.KEEPER_ROLE().call().await.unwrap(), stranger)
        .await
        .unwrap();
    assert_eq!(
        roles(&node, pool, stranger).await.unwrap(),
        Roles {
            keeper: true,
            ..Roles::default()
        }
    );
}

#[tokio::test]
async fn the_operations_view_is_the_contracts_getters() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let pool = devnet.pool();
    devnet
        .stake(devnet.accounts()[1], parse_ether("40").unwrap())
        .await
        .unwrap();
    devnet.add_and_activate(1..2, new_cluster()).await.unwrap();
    let ops = devnet.deployment.operator_ids.clone();
    let pending = sample_validator(devnet.deployment.pool_manager, 2, &ops);
    pool.add_validators(vec![pending]).mined().await;

    let view = read_operations(&client(&devnet), devnet.deployment.pool_manager)
        .await
        .unwrap();
    assert_eq!(view.block, head(&devnet).await);
    assert_eq!(
        view.total_pooled_ether,
        pool.totalPooledEther().call().await.unwrap()
    );
    assert_eq!(
        view.buffered_ether,
        U256::from(pool.bufferedEther().call().await.unwrap())
    );
    assert_eq!(view.buffered_ether, parse_ether("8").unwrap());
    assert_eq!(view.fee_reserve, pool.feeReserve().call().await.unwrap());
    assert_eq!(view.runway, pool.runway().call().await.unwrap());
    assert_eq!(
        (
            view.activated_validators,
            view.validator_count,
            view.pending_validators,
            view.ssv_registrations
        ),
        (1, 2, 1, 1)
    );
    assert_eq!(
        view.activation_delay,
        pool.activationDelay().call().await.unwrap()
    );
    assert_eq!(
        view.last_report_at,
        pool.lastReportAt().call().await.unwrap()
    );
    assert_eq!(
        U256::from(view.next_report_at),
        pool.nextReportAt().call().await.unwrap()
    );
    let d = &devnet.deployment;
    let a = view.addresses;
    assert_eq!(
        (
            a.pool_eth,
            a.ssv_network,
            a.ssv_views,
            a.deposit_contract,
            a.rewards_vault
        ),
        (
            d.pool_eth,
            d.ssv_network,
            d.ssv_views,
            d.deposit_contract,
            d.rewards_vault
        )
    );
    assert_eq!(
        a.withdrawal_credentials,
        pool.withdrawalCredentials().call().await.unwrap()
    );
}

#[tokio::test]
async fn the_registry_view_follows_drops_and_re_additions() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let (pool, node) = (devnet.pool(), client(&devnet));
    let address = devnet.deployment.pool_manager;
    let ops = devnet.deployment.operator_ids.clone();
    let sample = |seed: u16| sample_validator(address, seed, &ops);
    devnet
        .stake(devnet.accounts()[1], parse_ether("32").unwrap())
        .await
        .unwrap();
    devnet.add_and_activate(1..2, new_cluster()).await.unwrap();
    pool.add_validators(vec![sample(2), sample(3), sample(4)])
        .mined()
        .await;
    pool.dropValidators(U256::from(2)).mined().await;
    let readded = pool
        .add_validators(vec![sample(5), sample(6)])
        .mined()
        .await;

    // Windows of 2 blocks: the drop and the re-additions land in different windows.
    let view = registry_entries(&node, address, (0, head(&devnet).await), 2)
        .await
        .unwrap();
    let pubkeys: Vec<Bytes> = view
        .entries
        .values()
        .map(|e| e.data.pubkey.clone())
        .collect();
    assert_eq!(
        pubkeys,
        [1, 2, 5, 6].map(|seed| sample(seed).pubkey).to_vec()
    );
    assert_eq!(view.entries[&2].data, sample(5));
    assert_eq!(view.entries[&2].block, readded.block_number);
    assert_eq!(
        view.dropped_pubkeys(),
        vec![sample(3).pubkey, sample(4).pubkey]
    );
    assert_eq!(
        view.range(1, 3).unwrap(),
        vec![sample(2), sample(5), sample(6)]
    );

    let pending = pending_entries(&node, address, &view, 1).await.unwrap();
    assert_eq!(
        pending.iter().map(|p| p.index).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    for entry in &pending {
        assert!(entry.matches_registry, "entry {}", entry.index);
        assert_eq!(entry.operator_ids, ops);
        let onchain = pool
            .getValidator(U256::from(entry.index))
            .call()
            .await
            .unwrap();
        assert_eq!(U256::from(entry.ready_at), onchain.readyAt);
    }
    assert_eq!(
        pending[1].ready_at,
        readded.block_number.unwrap() + pool.activationDelay().call().await.unwrap()
    );
    // Data the registry does not hold is told apart; the entries after it are still checked.
    let mut tampered = view.clone();
    tampered.entries.get_mut(&2).unwrap().data.signature = sample(9).signature;
    let pending = pending_entries(&node, address, &tampered, 1).await.unwrap();
    assert_eq!(
        pending
            .iter()
            .map(|p| p.matches_registry)
            .collect::<Vec<_>>(),
        vec![true, false, true]
    );
}
