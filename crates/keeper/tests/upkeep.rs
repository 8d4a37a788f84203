//! The cluster upkeep duty on a devnet whose chain time the test moves (anvil_mine: SSV fees
//! accrue per block): a cluster with time to spare is left alone, one under the threshold is
//! topped up from the fee reserve for the pool's runway, and one the reserve cannot pay raises
//! the alert (log and metric) while runway remains, with nothing sent. The scale is blocks, not
//! days (anvil mines some tens of blocks a second here): a runway of 300 blocks, a threshold
//! of 150.

use std::sync::{Arc, Mutex};

use alloy::primitives::{U256, utils::parse_ether};
use pool_chain::client::{cluster_balance, fee_schedule, latest_cluster};
use pool_core::funding::{BLOCKS_PER_DAY, Precision};
use pool_devnet::fixtures::new_cluster;
use pool_devnet::testing::Mined;
use pool_devnet::{Devnet, DevnetOptions};
use pool_keeper::Keeper;
use pool_keeper::keeper::Duties;
use pool_keeper::log::Logger;
use pool_keeper::metrics::Figures;
use pool_keeper::options::LogFormat;
use pool_keeper::upkeep::Upkeep;

const KEEPER: usize = 7;
/// The pool's runway, in blocks, and the upkeep threshold (half of it), in days.
const RUNWAY: u64 = 300;
const THRESHOLD_DAYS: f64 = 150.0 / BLOCKS_PER_DAY as f64;

/// Blocks of fees left, from a figure in days.
fn blocks(days: f64) -> f64 {
    days * BLOCKS_PER_DAY as f64
}

/// Days of fees the pool's cluster has left above its collateral, read as the network says.
async fn days_left(devnet: &Devnet) -> f64 {
    let reader = alloy::rpc::client::RpcClient::new_http(devnet.rpc_url().parse().unwrap());
    let ids = &devnet.deployment.operator_ids;
    let head = devnet.head().await;
    let found = latest_cluster(
        &reader,
        devnet.deployment.ssv_network,
        devnet.deployment.pool_manager,
        ids,
        (0, head),
        50_000,
        |_, _| {},
    )
    .await
    .unwrap()
    .unwrap();
    let fees = fee_schedule(&reader, devnet.deployment.ssv_views, ids)
        .await
        .unwrap();
    let balance = cluster_balance(
        &reader,
        devnet.deployment.ssv_views,
        devnet.deployment.pool_manager,
        ids,
        found.cluster,
    )
    .await
    .unwrap();
    fees.runway_left(balance, found.cluster.validator_count) as f64 / BLOCKS_PER_DAY as f64
}

trait Head {
    async fn head(&self) -> u64;
}

impl Head for Devnet {
    async fn head(&self) -> u64 {
        use alloy::providers::Provider;
        self.provider().get_block_number().await.unwrap()
    }
}

#[tokio::test]
async fn a_cluster_short_of_days_is_topped_up_and_an_empty_reserve_raises_the_alert() {
    let devnet = Devnet::start(DevnetOptions {
        runway: RUNWAY,
        ..Default::default()
    })
    .await
    .unwrap();
    let pool = devnet.pool();
    devnet
        .grant_role(
            pool.KEEPER_ROLE().call().await.unwrap(),
            devnet.accounts()[KEEPER],
        )
        .await
        .unwrap();
    devnet
        .stake(devnet.accounts()[1], parse_ether("64").unwrap())
        .await
        .unwrap();
    devnet.add_and_activate(1..3, new_cluster()).await.unwrap();
    let figures = Arc::new(Mutex::new(Figures::default()));
    let mut keeper = Keeper::connect(
        &devnet.config(),
        &devnet.rpc_url(),
        devnet.signer(KEEPER),
        false,
        Logger {
            format: LogFormat::Json,
        },
        figures.clone(),
        Duties {
            activation: false,
            oracle: false,
            upkeep: true,
            exits: false,
        },
    )
    .await
    .unwrap();
    let ids = devnet.deployment.operator_ids.clone();

    // Freshly funded: 300 blocks left, over the threshold of 150.
    let fresh = blocks(days_left(&devnet).await);
    assert!((290.0..=300.0).contains(&fresh), "{fresh}");
    match keeper
        .upkeep_round(THRESHOLD_DAYS)
        .await
        .unwrap()
        .as_slice()
    {
        [Upkeep::Healthy { operator_ids, .. }] => assert_eq!(operator_ids, &ids),
        other => panic!("expected a healthy cluster, got {other:?}"),
    }
    let reserve_before = pool.feeReserve().call().await.unwrap();

    // 200 blocks later: about 100 left, under 150. Topped up by the runway's fees.
    devnet.mine(200).await.unwrap();
    let before = blocks(days_left(&devnet).await);
    assert!((85.0..=100.0).contains(&before), "{before}");
    let done = keeper.upkeep_round(THRESHOLD_DAYS).await.unwrap();
    let amount = match done.as_slice() {
        [
            Upkeep::ToppedUp {
                amount, days_left, ..
            },
        ] => {
            assert!((85.0..=100.0).contains(&blocks(*days_left)), "{days_left}");
            *amount
        }
        other => panic!("expected a top-up, got {other:?}"),
    };
    keeper.report_upkeep(&done);
    let reader = alloy::rpc::client::RpcClient::new_http(devnet.rpc_url().parse().unwrap());
    let fees = fee_schedule(&reader, devnet.deployment.ssv_views, &ids)
        .await
        .unwrap();
    assert_eq!(
        amount,
        fees.top_up(2, RUNWAY, Precision::Eth),
        "the pool's runway for both validators, at the live fees"
    );
    assert_eq!(
        pool.feeReserve().call().await.unwrap(),
        reserve_before - amount
    );
    let after = blocks(days_left(&devnet).await);
    assert!((380.0..=400.0).contains(&after), "{after}");
    assert_eq!(figures.lock().unwrap().cluster_top_ups, 1);
    assert!(!figures.lock().unwrap().fee_reserve_short);
    // Healthy again: nothing sent.
    assert!(matches!(
        keeper
            .upkeep_round(THRESHOLD_DAYS)
            .await
            .unwrap()
            .as_slice(),
        [Upkeep::Healthy { .. }]
    ));

    // The reserve is withdrawn; 300 blocks later the cluster is short and cannot be topped up.
    let reserve = pool.feeReserve().call().await.unwrap();
    pool.withdrawFeeReserve(devnet.accounts()[0], reserve)
        .mined()
        .await;
    devnet.mine(300).await.unwrap();
    let done = keeper.upkeep_round(THRESHOLD_DAYS).await.unwrap();
    match done.as_slice() {
        [
            Upkeep::ReserveShort {
                days_left,
                needed,
                reserve,
                ..
            },
        ] => {
            assert!(
                blocks(*days_left) > 50.0,
                "alerted with runway to spare: {days_left}"
            );
            assert_eq!(*reserve, U256::ZERO);
            assert_eq!(*needed, amount);
        }
        other => panic!("expected the reserve alert, got {other:?}"),
    }
    keeper.report_upkeep(&done);
    let metrics = figures.lock().unwrap().render();
    assert!(metrics.contains("keeper_fee_reserve_short 1"), "{metrics}");
    assert!(
        metrics.contains("keeper_cluster_top_ups_total 1"),
        "{metrics}"
    );
    assert_eq!(figures.lock().unwrap().cluster_top_ups, 1, "nothing sent");
    // Funded again, the next round tops up and the alert ends.
    pool.fundFeeReserve().value(amount).mined().await;
    assert!(matches!(
        keeper
            .upkeep_round(THRESHOLD_DAYS)
            .await
            .unwrap()
            .as_slice(),
        [Upkeep::ToppedUp { .. }]
    ));
    assert!(!figures.lock().unwrap().fee_reserve_short);
}
