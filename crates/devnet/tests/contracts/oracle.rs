//! Oracle reports as on a live beacon chain: sweeps and exits credited without moving the
//! share price, execution-layer rewards pulled from the vault within the bounds, and bounds
//! that hold over chain time (minimum interval, annual rate up, daily rate down). Moves beyond
//! the bounds are clamped and carried: see `bounds`.

use alloy::primitives::{U256, utils::parse_ether};
use alloy::providers::Provider;
use pool_chain::bindings::PoolManager;
use pool_devnet::fixtures::new_cluster;
use pool_devnet::testing::{Mined, cluster_after};
use pool_devnet::{Devnet, DevnetOptions};

const YEAR: u64 = 365 * 24 * 3600;
const DAY: u64 = 24 * 3600;

fn eth(text: &str) -> U256 {
    parse_ether(text).unwrap()
}

/// A devnet whose pool holds 40 ETH from account #1, one validator activated and seen on the
/// beacon chain with its 32 ETH (no rewards yet).
async fn pool_with_a_validator() -> Devnet {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    devnet.stake(devnet.accounts()[1], eth("40")).await.unwrap();
    devnet.add_and_activate(1..2, new_cluster()).await.unwrap();
    devnet.report(0, 1, eth("32"), U256::ZERO).await.unwrap();
    devnet
}

async fn buffered(devnet: &Devnet) -> U256 {
    U256::from(devnet.pool().bufferedEther().call().await.unwrap())
}

fn reported(receipt: &alloy::rpc::types::TransactionReceipt) -> PoolManager::BeaconReported {
    receipt
        .decoded_log::<PoolManager::BeaconReported>()
        .expect("a BeaconReported event")
        .data
}

#[tokio::test]
async fn a_sweep_is_credited_to_the_buffer_without_moving_the_share_price() {
    let devnet = pool_with_a_validator().await;
    let pool = devnet.pool();
    // A day of consensus rewards (0.01 ETH; the bound allows 10 % a year of 40 ETH, 0.01095).
    devnet
        .report(DAY, 1, eth("32.01"), U256::ZERO)
        .await
        .unwrap();
    let before = devnet.totals().await.unwrap();
    assert_eq!(before.total_pooled_ether, eth("40.01"));
    let buffer = buffered(&devnet).await;

    // The beacon chain sweeps the 0.01 ETH above 32 to the pool: a balance credit, no call.
    devnet.sweep(eth("0.01")).await.unwrap();
    assert_eq!(
        devnet.totals().await.unwrap(),
        before,
        "arrival alone moves nothing"
    );
    // The next report sees 32 ETH on the beacon chain and 0.01 ETH withdrawn in total.
    let receipt = devnet.report(0, 1, eth("32"), eth("0.01")).await.unwrap();
    let event = reported(&receipt);
    assert_eq!(event.newWithdrawals, eth("0.01"));
    assert_eq!(event.preTotalPooledEther, event.postTotalPooledEther);
    assert_eq!(
        devnet.totals().await.unwrap(),
        before,
        "the share price did not move"
    );
    assert_eq!(buffered(&devnet).await, buffer + eth("0.01"));
    assert_eq!(
        pool.withdrawalsCredited().call().await.unwrap(),
        eth("0.01")
    );
    println!("gas: oracle report with a sweep: {}", receipt.gas_used);
}

#[tokio::test]
async fn an_exit_returns_the_principal_to_the_buffer_where_it_activates_again() {
    let devnet = pool_with_a_validator().await;
    let pool = devnet.pool();
    assert_eq!(
        buffered(&devnet).await,
        eth("8"),
        "not enough for a second validator"
    );
    // The validator exits: its 32 ETH comes back, the beacon balance goes to 0.
    devnet.sweep(eth("32")).await.unwrap();
    let before = devnet.totals().await.unwrap();
    devnet.report(0, 1, U256::ZERO, eth("32")).await.unwrap();
    assert_eq!(devnet.totals().await.unwrap(), before);
    assert_eq!(buffered(&devnet).await, eth("40"));
    // The principal is staked again. The first activation left the cluster with one validator.
    let activation = pool
        .ValidatorsActivated_filter()
        .from_block(0)
        .query()
        .await
        .unwrap();
    assert_eq!(activation.len(), 1);
    let receipt = devnet
        .provider()
        .get_transaction_receipt(activation[0].1.transaction_hash.unwrap())
        .await
        .unwrap()
        .unwrap();
    let cluster = cluster_after(&receipt).unwrap();
    devnet.add_and_activate(2..3, cluster).await.unwrap();
    assert_eq!(buffered(&devnet).await, eth("8"));
    assert_eq!(devnet.totals().await.unwrap(), before);
}

#[tokio::test]
async fn withdrawals_are_credited_only_once_and_only_when_they_arrived() {
    let devnet = pool_with_a_validator().await;
    let pool = devnet.pool();
    // Ether forced in from outside (a self-destruct, a sweep not yet reported) moves nothing
    // until a report.
    devnet.sweep(eth("5")).await.unwrap();
    let before = devnet.totals().await.unwrap();
    devnet.mine(1).await.unwrap();
    assert_eq!(devnet.totals().await.unwrap(), before);
    // The sweep reported: the balance fell by what arrived; nothing moves but the buffer.
    let receipt = devnet.report(3600, 1, eth("27"), eth("5")).await.unwrap();
    assert_eq!(reported(&receipt).newWithdrawals, eth("5"));
    assert_eq!(devnet.totals().await.unwrap(), before);
    assert_eq!(buffered(&devnet).await, eth("13"));
    // The same total again credits nothing new (the 5 ETH is in the buffer, not spare).
    let receipt = devnet.report(3600, 1, eth("27"), eth("5")).await.unwrap();
    assert_eq!(reported(&receipt).newWithdrawals, U256::ZERO);
    assert_eq!(devnet.totals().await.unwrap(), before);
    // A lower cumulative figure (an oracle's mistake) is taken as the new reference and
    // credits nothing; back at 5 ETH, the same ether is not credited twice.
    devnet.report(3600, 1, eth("27"), eth("4")).await.unwrap();
    assert_eq!(pool.withdrawalsCredited().call().await.unwrap(), eth("4"));
    devnet.report(3600, 1, eth("27"), eth("5")).await.unwrap();
    assert_eq!(devnet.totals().await.unwrap(), before);
    // Withdrawals claimed beyond what reached the pool bring nothing in.
    let receipt = devnet.report(3600, 1, eth("27"), eth("8")).await.unwrap();
    assert_eq!(reported(&receipt).newWithdrawals, eth("3"));
    assert_eq!(devnet.totals().await.unwrap(), before);
    assert_eq!(buffered(&devnet).await, eth("13"));
}

#[tokio::test]
async fn execution_layer_rewards_reach_stakers_within_the_bound() {
    let devnet = pool_with_a_validator().await;
    let pool = devnet.pool();
    let vault = devnet.deployment.rewards_vault;
    devnet.pay_execution_rewards(eth("1")).await.unwrap();
    let before = devnet.totals().await.unwrap();
    assert_eq!(before.total_pooled_ether, eth("40"), "waiting in the vault");

    // A day later the bound lets in 10 % a year of 40 ETH for a day; the rest waits.
    let receipt = devnet.report(DAY, 1, eth("32"), U256::ZERO).await.unwrap();
    let event = reported(&receipt);
    let allowed = eth("40") * U256::from(1_000) * U256::from(DAY) / U256::from(10_000 * YEAR);
    assert_eq!(event.executionRewards, allowed);
    assert_eq!(event.postTotalPooledEther, eth("40") + allowed);
    let left = devnet.provider().get_balance(vault).await.unwrap();
    assert_eq!(left, eth("1") - allowed);
    println!(
        "gas: oracle report pulling from the vault: {}",
        receipt.gas_used
    );

    // A year later the rest comes in; the vault is empty.
    let receipt = devnet.report(YEAR, 1, eth("32"), U256::ZERO).await.unwrap();
    assert_eq!(reported(&receipt).executionRewards, left);
    assert_eq!(
        devnet.provider().get_balance(vault).await.unwrap(),
        U256::ZERO
    );
    assert_eq!(
        pool.totalPooledEther().call().await.unwrap(),
        eth("41"),
        "every wei reached stakers"
    );
    // Rewards offset a loss in the same report: the net move is what the bound measures.
    devnet.pay_execution_rewards(eth("0.05")).await.unwrap();
    let receipt = devnet
        .report(DAY, 1, eth("31.9"), U256::ZERO)
        .await
        .unwrap();
    let event = reported(&receipt);
    assert_eq!(event.executionRewards, eth("0.05"));
    assert_eq!(event.postTotalPooledEther, eth("40.95"));
}

#[tokio::test]
async fn reports_are_spaced_by_chain_time_and_ordered() {
    let devnet = pool_with_a_validator().await;
    let pool = devnet.pool();
    let interval = pool.minReportInterval().call().await.unwrap();
    let last = pool.lastReportAt().call().await.unwrap();
    assert_eq!(
        pool.nextReportAt().call().await.unwrap(),
        U256::from(last + interval)
    );

    // A burst: the next report in the following second is refused, whatever it says.
    let at = last + 1;
    devnet.warp(at).await.unwrap();
    pool_devnet::assert_pool_error!(pool.reportBeacon(at, 1, eth("32").to(), 0), ReportTooSoon);
    let at = last + interval;
    devnet.warp(at).await.unwrap();
    // Not in the future, not before the last one.
    pool_devnet::assert_pool_error!(
        pool.reportBeacon(at + 3600, 1, eth("32").to(), 0),
        StaleReport
    );
    let reference = pool.lastReportTimestamp().call().await.unwrap();
    pool_devnet::assert_pool_error!(
        pool.reportBeacon(reference, 1, eth("32").to(), 0),
        StaleReport
    );
    // Validators seen never fall and never exceed those activated.
    pool_devnet::assert_pool_error!(
        pool.reportBeacon(at, 2, eth("64").to(), 0),
        InvalidValidatorCount
    );
    pool_devnet::assert_pool_error!(pool.reportBeacon(at, 0, 0, 0), InvalidValidatorCount);
    let stranger = devnet.accounts()[3];
    pool_devnet::assert_pool_error!(
        pool.reportBeacon(at, 1, eth("32").to(), 0).from(stranger),
        AccessControlUnauthorizedAccount
    );
    let receipt = pool.reportBeacon(at, 1, eth("32").to(), 0).mined().await;
    assert!(receipt.status());
}

#[tokio::test]
async fn no_validator_seen_means_no_beacon_balance() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    devnet.stake(devnet.accounts()[1], eth("10")).await.unwrap();
    let pool = devnet.pool();
    let at = devnet.now().await.unwrap() + DAY;
    devnet.warp(at).await.unwrap();
    pool_devnet::assert_pool_error!(pool.reportBeacon(at, 0, 1, 0), BalanceWithoutValidators);
}

/// The share price, in wei per 1e18 shares.
async fn price(devnet: &Devnet) -> U256 {
    let totals = devnet.totals().await.unwrap();
    totals.total_pooled_ether * eth("1") / totals.total_shares
}

#[tokio::test]
async fn a_stolen_oracle_key_moves_the_price_no_faster_than_the_configured_rates() {
    let devnet = pool_with_a_validator().await;
    let pool = devnet.pool();
    let interval = pool.minReportInterval().call().await.unwrap();
    // The attacker fills the vault and reports as often as allowed, each time claiming far
    // more than the bound gives: the report goes through, clamped to the bound.
    devnet.pay_execution_rewards(eth("1000")).await.unwrap();
    let start = price(&devnet).await;
    let started_at = pool.lastReportAt().call().await.unwrap();
    let reports = 40;
    for _ in 0..reports {
        let at = pool.lastReportAt().call().await.unwrap() + interval;
        devnet.set_next_block_time(at).await.unwrap();
        let total = pool.totalPooledEther().call().await.unwrap();
        let allowed = total * U256::from(1_000) * U256::from(interval) / U256::from(10_000 * YEAR);
        pool.reportBeacon(at, 1, eth("1032").to(), 0).mined().await;
        assert_eq!(
            pool.totalPooledEther().call().await.unwrap(),
            total + allowed,
            "clamped to the bound"
        );
    }
    let elapsed = pool.lastReportAt().call().await.unwrap() - started_at;
    let growth = price(&devnet).await * eth("1") / start;
    // At most exp(10 % × elapsed / year), compounding included (in 1e18 fixed point).
    let bound = (0.10 * elapsed as f64 / YEAR as f64).exp();
    assert!(
        (growth.to::<u128>() as f64) <= bound * 1e18 + 1.0,
        "{reports} reports in {elapsed} s grew the price by {growth} (bound {bound})"
    );

    // Down: claiming a zero balance, at most 5 % a day pro rata, however often it reports (on
    // a pool whose vault is empty: the vault's ether would offset the claimed loss).
    let devnet = pool_with_a_validator().await;
    let pool = devnet.pool();
    let start = price(&devnet).await;
    let started_at = pool.lastReportAt().call().await.unwrap();
    for _ in 0..5 {
        let at = pool.lastReportAt().call().await.unwrap() + interval;
        devnet.set_next_block_time(at).await.unwrap();
        let total = pool.totalPooledEther().call().await.unwrap();
        let limit = total * U256::from(500) * U256::from(interval) / U256::from(10_000 * DAY);
        pool.reportBeacon(at, 1, 0, 0).mined().await;
        assert_eq!(pool.totalPooledEther().call().await.unwrap(), total - limit);
    }
    let elapsed = pool.lastReportAt().call().await.unwrap() - started_at;
    let floor = start - start * U256::from(500 * elapsed) / U256::from(10_000 * DAY);
    assert!(price(&devnet).await + U256::from(1) >= floor);
}

#[tokio::test]
async fn an_empty_pool_can_still_take_a_report() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let pool = devnet.pool();
    // Nothing staked, but ether reached the vault (or was sent there): the report goes
    // through and takes none of it, since the bound is of the pool's own total (no floor: a
    // first depositor of a few wei could otherwise collect it).
    devnet.pay_execution_rewards(eth("1")).await.unwrap();
    let receipt = devnet.report(DAY, 0, U256::ZERO, U256::ZERO).await.unwrap();
    assert_eq!(reported(&receipt).executionRewards, U256::ZERO);
    assert_eq!(pool.totalPooledEther().call().await.unwrap(), U256::ZERO);
    // Deposits go on 1:1; the vault's ether then comes in at the pool's own rate.
    devnet.stake(devnet.accounts()[1], eth("1")).await.unwrap();
    devnet.stake(devnet.accounts()[2], eth("1")).await.unwrap();
    let receipt = devnet.report(DAY, 0, U256::ZERO, U256::ZERO).await.unwrap();
    let allowed = eth("2") * U256::from(1_000) * U256::from(DAY) / U256::from(10_000 * YEAR);
    assert_eq!(reported(&receipt).executionRewards, allowed);
    let totals = devnet.totals().await.unwrap();
    assert_eq!(totals.total_pooled_ether, eth("2") + allowed);
}
