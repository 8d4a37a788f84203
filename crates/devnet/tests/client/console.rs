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

#[tokio::test]
async fn operator_keys_are_the_key_shares_operator_keys() {
    let devnet = Devnet::start(DevnetOptions {
        validators: 1,
        ..Default::default()
    })
    .await
    .unwrap();
    let d = &devnet.deployment;
    let mut ids = d.operator_ids.clone();
    ids.push(99); // no such operator: left out
    let keys = operator_keys(
        &client(&devnet),
        d.ssv_network,
        &ids,
        (0, head(&devnet).await),
        3,
    )
    .await
    .unwrap();
    let shares = &devnet.ceremony.as_ref().unwrap().keyshares.shares[0].data;
    assert_eq!(keys.len(), d.operator_ids.len());
    for (n, key) in keys.iter().enumerate() {
        assert_eq!(key.id, d.operator_ids[n]);
        assert_eq!(key.owner, devnet.accounts()[5 + n]);
        assert_eq!(key.public_key, d.operator_public_keys[n]);
        assert_eq!(key.public_key, shares.operators[n].operator_key);
    }
}

#[tokio::test]
async fn operator_states_say_why_a_registration_would_fail() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let d = &devnet.deployment;
    let network = DevnetSSVNetworkV2::new(d.ssv_network, devnet.provider());
    let owner = |n: usize| devnet.accounts()[5 + n];
    let stranger = devnet.accounts()[9];
    let fee = U256::from(SsvParameters::MAINNET.operator_fee);

    // The pool runs one validator with operators 1-4; a stranger registers three more operators
    // and a validator with 4-7, so operator 4 runs two.
    devnet
        .stake(devnet.accounts()[1], parse_ether("32").unwrap())
        .await
        .unwrap();
    devnet.add_and_activate(1..2, new_cluster()).await.unwrap();
    for n in 0..3u8 {
        let key = Bytes::from(vec![n; 8]);
        let added = network
            .registerOperator(key, fee, false)
            .from(stranger)
            .mined()
            .await;
        assert!(added.status());
    }
    let theirs = register_directly(
        &network,
        stranger,
        &[4, 5, 6, 7],
        100,
        ssv_cluster(new_cluster()),
    )
    .await
    .unwrap();

    // Two validators an operator at most (500 on mainnet; set by the network's owner).
    let limited = network
        .updateValidatorsPerOperatorLimit(2)
        .from(devnet.accounts()[0])
        .mined()
        .await;
    assert!(limited.status());
    let not_owner = network
        .updateValidatorsPerOperatorLimit(500)
        .from(stranger)
        .call()
        .await
        .unwrap_err();
    assert!(matches!(
        not_owner.as_decoded_interface_error::<SsvErrors>(),
        Some(SsvErrors::CallerNotOwner(_))
    ));
    // Operator 2 removed by its owner (nobody else may).
    let refused = network
        .removeOperator(2)
        .from(stranger)
        .call()
        .await
        .unwrap_err();
    assert!(matches!(
        refused.as_decoded_interface_error::<SsvErrors>(),
        Some(SsvErrors::CallerNotOwnerWithData(e)) if e.caller == stranger && e.owner == owner(1)
    ));
    let removed = network.removeOperator(2).from(owner(1)).mined().await;
    assert!(
        removed
            .decoded_log::<DevnetSSVNetworkV2::OperatorRemoved>()
            .is_some_and(|log| log.operatorId == 2)
    );
    // Operator 3 private; operator 4 private too, with the pool (and the stranger) whitelisted.
    for (id, n) in [(3, 2), (4, 3)] {
        let private = network
            .setOperatorsPrivateUnchecked(vec![id])
            .from(owner(n))
            .mined()
            .await;
        assert!(
            private
                .decoded_log::<DevnetSSVNetworkV2::OperatorPrivacyStatusUpdated>()
                .is_some_and(|log| log.operatorIds == vec![id] && log.toPrivate)
        );
    }
    let whitelisted = network
        .setOperatorsWhitelists(vec![4], vec![d.pool_manager, stranger])
        .from(owner(3))
        .mined()
        .await;
    assert!(
        whitelisted
            .decoded_log::<DevnetSSVNetworkV2::OperatorMultipleWhitelistUpdated>()
            .is_some()
    );

    let ids = [1, 2, 3, 4, 99];
    let states = operator_states(&client(&devnet), d.ssv_views, d.pool_manager, &ids)
        .await
        .unwrap();
    assert_eq!(
        states.iter().map(|s| s.problem()).collect::<Vec<_>>(),
        vec![
            None,
            Some(OperatorProblem::Inactive),
            Some(OperatorProblem::PrivateToOthers),
            Some(OperatorProblem::AtValidatorLimit { count: 2, limit: 2 }),
            Some(OperatorProblem::NotFound),
        ]
    );
    assert_eq!(
        (
            states[0].id,
            states[0].owner,
            states[0].fee,
            states[0].room()
        ),
        (1, owner(0), fee, 1)
    );
    // Removed: its owner stays, its fee and count are zeroed.
    assert_eq!(
        (states[1].owner, states[1].fee, states[1].validator_count),
        (owner(1), U256::ZERO, 0)
    );
    assert!(states[2].is_private && !states[2].whitelists_pool);
    assert!(states[3].whitelists_pool && states[3].is_private);

    // Each problem is the revert a registration meets (the stranger's, with fresh clusters).
    let refusal = |ops: [u64; 4]| {
        let network = &network;
        async move { register_directly(network, stranger, &ops, 101, ssv_cluster(new_cluster())).await }
    };
    assert!(matches!(
        refusal([1, 2, 5, 6]).await.unwrap_err(),
        SsvErrors::OperatorDoesNotExist(_)
    ));
    assert!(matches!(
        refusal([1, 3, 5, 6]).await.unwrap_err(),
        SsvErrors::CallerNotWhitelistedWithData(e) if e.operatorId == 3
    ));
    assert!(matches!(
        refusal([1, 4, 5, 6]).await.unwrap_err(),
        SsvErrors::ExceedValidatorLimitWithData(e) if e.operatorId == 4
    ));
    assert!(matches!(
        refusal([1, 5, 6, 99]).await.unwrap_err(),
        SsvErrors::OperatorDoesNotExist(_)
    ));

    // Room left is room taken: operator 1 reaches the limit, and is back under it once the
    // stranger removes that validator.
    let registered = refusal([1, 5, 6, 7]).await.unwrap();
    let node = client(&devnet);
    let first = || operator_states(&node, d.ssv_views, d.pool_manager, &[1]);
    assert_eq!(
        first().await.unwrap()[0].problem(),
        Some(OperatorProblem::AtValidatorLimit { count: 2, limit: 2 })
    );
    let pubkey = sample_validator(stranger, 101, &[1, 5, 6, 7]).pubkey;
    let cluster = ssv_cluster(cluster_after(&registered).unwrap());
    let removed = network
        .removeValidator(pubkey, vec![1, 5, 6, 7], cluster)
        .from(stranger)
        .mined()
        .await;
    assert!(removed.status());
    assert_eq!(first().await.unwrap()[0].room(), 1);

    // Public again, operator 3 takes the stranger's validators.
    network
        .setOperatorsPublicUnchecked(vec![3])
        .from(owner(2))
        .mined()
        .await;
    let states = operator_states(&client(&devnet), d.ssv_views, stranger, &[3, 4])
        .await
        .unwrap();
    assert_eq!((states[0].problem(), states[0].is_private), (None, false));
    assert!(states[1].whitelists_pool);
    register_directly(
        &network,
        stranger,
        &[1, 3, 5, 6],
        102,
        ssv_cluster(new_cluster()),
    )
    .await
    .unwrap();

    // A liquidated cluster's validators leave their operators' counts until it is reactivated.
    let fourth = || operator_states(&node, d.ssv_views, d.pool_manager, &[4]);
    let liquidated = network
        .liquidate(
            stranger,
            vec![4, 5, 6, 7],
            ssv_cluster(cluster_after(&theirs).unwrap()),
        )
        .from(stranger)
        .mined()
        .await;
    assert!(liquidated.status());
    assert_eq!(fourth().await.unwrap()[0].validator_count, 1);
    let reactivated = network
        .reactivate(
            vec![4, 5, 6, 7],
            ssv_cluster(cluster_after(&liquidated).unwrap()),
        )
        .value(parse_ether("1").unwrap())
        .from(stranger)
        .mined()
        .await;
    assert!(reactivated.status());
    assert_eq!(fourth().await.unwrap()[0].validator_count, 2);
}

#[tokio::test]
async fn ssv_registration_shows_after_activation() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let d = &devnet.deployment;
    let node = client(&devnet);
    let pubkeys: Vec<Bytes> = [1, 2]
        .map(|seed| sample_validator(d.pool_manager, seed, &d.operator_ids).pubkey)
        .to_vec();
    let registered = || ssv_registered(&node, d.ssv_views, d.pool_manager, &pubkeys);
    assert_eq!(registered().await.unwrap(), vec![false, false]);
    devnet
        .stake(devnet.accounts()[1], parse_ether("32").unwrap())
        .await
        .unwrap();
    devnet.add_and_activate(1..2, new_cluster()).await.unwrap();
    assert_eq!(registered().await.unwrap(), vec![true, false]);
    // Registered by the pool, not by anyone else.
    let other = ssv_registered(&node, d.ssv_views, Address::repeat_byte(1), &pubkeys[..1]);
    assert_eq!(other.await.unwrap(), vec![false]);

    // A validator its owner removed is not registered any more.
    let network = DevnetSSVNetworkV2::new(d.ssv_network, devnet.provider());
    let (stranger, ops) = (devnet.accounts()[9], d.operator_ids.clone());
    let pubkey = sample_validator(stranger, 7, &ops).pubkey;
    let theirs = || ssv_registered(&node, d.ssv_views, stranger, std::slice::from_ref(&pubkey));
    assert_eq!(theirs().await.unwrap(), vec![false]);
    let added = register_directly(&network, stranger, &ops, 7, ssv_cluster(new_cluster()))
        .await
        .unwrap();
    assert_eq!(theirs().await.unwrap(), vec![true]);
    let cluster = ssv_cluster(cluster_after(&added).unwrap());
    let removed = network
        .removeValidator(pubkey.clone(), ops, cluster)
        .from(stranger)
        .mined()
        .await;
    assert!(removed.status());
    assert_eq!(theirs().await.unwrap(), vec![false]);
}

#[tokio::test]
async fn the_newest_first_scan_stops_at_the_clusters_last_event() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let d = devnet.deployment.clone();
    let ops = d.operator_ids.clone();
    devnet
        .stake(devnet.accounts()[1], parse_ether("64").unwrap())
        .await
        .unwrap();
    let first = devnet.add_and_activate(1..2, new_cluster()).await.unwrap();
    devnet.mine(50).await.unwrap();
    let second = devnet
        .add_and_activate(2..3, cluster_after(&first).unwrap())
        .await
        .unwrap();
    devnet.mine(5).await.unwrap();
    let head = head(&devnet).await;
    let (node, logs, _counting) = counted(&devnet);

    let forward = scan_clusters(&node, d.ssv_network, d.pool_manager, (0, head), 4)
        .await
        .unwrap()
        .get(d.pool_manager, &ops);
    let forward_requests = take(&logs);
    let mut progress = Vec::new();
    let found = latest_cluster(
        &node,
        d.ssv_network,
        d.pool_manager,
        &ops,
        (0, head),
        4,
        |scanned, total| progress.push((scanned, total)),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(found.cluster, forward);
    assert_eq!(
        found.cluster,
        Cluster::from(cluster_after(&second).unwrap())
    );
    assert_eq!(Some(found.at.block), second.block_number);
    // The last event is 5 blocks below the head: two windows of 4, not the whole chain.
    assert_eq!(progress, vec![(4, head + 1), (8, head + 1)]);
    assert_eq!(take(&logs), 2);
    assert!(forward_requests as u64 >= head / 4, "{forward_requests}");

    // Another operator set has no event: every window down to genesis, then none.
    let mut last = (0, 0);
    let none = latest_cluster(
        &node,
        d.ssv_network,
        d.pool_manager,
        &[1, 2, 3, 5],
        (0, head),
        16,
        |scanned, total| last = (scanned, total),
    )
    .await
    .unwrap();
    assert_eq!((none, last), (None, (head + 1, head + 1)));
}

#[tokio::test]
async fn a_cursor_refresh_reads_only_new_blocks_and_takes_a_top_up() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let d = devnet.deployment.clone();
    let ops = d.operator_ids.clone();
    devnet
        .stake(devnet.accounts()[1], parse_ether("32").unwrap())
        .await
        .unwrap();
    let activated = devnet.add_and_activate(1..2, new_cluster()).await.unwrap();
    let (node, logs, _counting) = counted(&devnet);
    let at = head(&devnet).await;
    let cursor = ClusterCursor::scan(
        &node,
        d.ssv_network,
        d.pool_manager,
        &ops,
        (0, at),
        1_000,
        |_, _| {},
    )
    .await
    .unwrap();
    assert_eq!(
        cursor.cluster,
        Cluster::from(cluster_after(&activated).unwrap())
    );
    assert_eq!(cursor.at_block, at);
    // Kept as JSON between visits.
    let json = serde_json::to_string(&cursor).unwrap();
    let mut cursor: ClusterCursor = serde_json::from_str(&json).unwrap();

    // Nothing new: nothing read.
    logs.reset();
    assert!(
        !cursor
            .refresh(&node, d.ssv_network, at, 1_000)
            .await
            .unwrap()
    );
    assert_eq!(logs.get_logs(), 0);

    devnet.mine(200).await.unwrap();
    let topped = devnet
        .pool()
        .fundCluster(
            ops.clone(),
            parse_ether("0.1").unwrap(),
            cluster_after(&activated).unwrap(),
        )
        .mined()
        .await;
    assert!(topped.status());
    devnet.mine(3).await.unwrap();
    let now = head(&devnet).await;
    // Windows of 100: only the blocks since the cursor (and its reorg margin), not the 200+.
    assert!(
        cursor
            .refresh(&node, d.ssv_network, now, 100)
            .await
            .unwrap()
    );
    assert_eq!(
        cursor.cluster,
        Cluster::from(cluster_after(&topped).unwrap())
    );
    assert_eq!(cursor.event.map(|(block, _)| block), topped.block_number);
    assert_eq!(cursor.at_block, now);
    assert_eq!(logs.get_logs(), 3);
}
