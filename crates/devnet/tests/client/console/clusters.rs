//! The pool's validators on the SSV network as the console reads them: registrations, the
//! newest-first cluster scan and the cursor's refresh.

use super::*;

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
