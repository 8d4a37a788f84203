//! Validators activated but never seen on the beacon chain (a deposit it ignored) written off by
//! the oracle: refused before 60 days after the pool's last activation (as a report of a beacon
//! state shows it), and beyond the validators in transit; the loss then enters at the daily loss
//! bound, the rest carried; a written-off validator the beacon chain shows after all is counted
//! back once, its 32 ETH coming back within the upward bound.

use alloy::primitives::{U256, utils::parse_ether};
use alloy::rpc::types::TransactionReceipt;
use pool_chain::bindings::PoolManager::{self, PoolManagerErrors};
use pool_devnet::fixtures::new_cluster;
use pool_devnet::testing::{Mined, cluster_after, pool_error};
use pool_devnet::{Devnet, DevnetOptions, MAX_APR_BPS, MAX_LOSS_BPS};

const YEAR: u64 = 365 * 24 * 3600;
const DAY: u64 = 24 * 3600;
const WRITE_OFF_DELAY: u64 = 60 * DAY;

fn eth(text: &str) -> U256 {
    parse_ether(text).unwrap()
}

/// 40 ETH from account #1 and one validator activated whose deposit the beacon chain ignores
/// (the devnet's stand-in accepts it; the oracle never sees the key). Returns the devnet and
/// the activation's chain time.
async fn pool_with_a_burned_deposit() -> (Devnet, u64) {
    let (devnet, activated_at, _) = pool_and_cluster().await;
    (devnet, activated_at)
}

/// The same, with the cluster as the activation left it.
async fn pool_and_cluster() -> (Devnet, u64, PoolManager::Cluster) {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    devnet.stake(devnet.accounts()[1], eth("40")).await.unwrap();
    let receipt = devnet.add_and_activate(1..2, new_cluster()).await.unwrap();
    let activated_at = devnet.now().await.unwrap();
    (devnet, activated_at, cluster_after(&receipt).unwrap())
}

async fn total(devnet: &Devnet) -> U256 {
    devnet.pool().totalPooledEther().call().await.unwrap()
}

/// A report at chain time `at` (its reference time too) of `validators` seen with `balance`.
async fn report_at(devnet: &Devnet, at: u64, validators: u64, balance: U256) -> TransactionReceipt {
    let last = devnet.pool().lastReportAt().call().await.unwrap();
    devnet
        .report(at - last, validators, balance, U256::ZERO)
        .await
        .unwrap()
}

/// The write-off's refusal of `count`: (validators in transit, first reference time allowed).
async fn refusal(devnet: &Devnet, count: u64) -> (U256, U256) {
    let error = devnet
        .pool()
        .writeOffValidators(U256::from(count))
        .call()
        .await
        .expect_err("a refused write-off");
    match pool_error(error) {
        PoolManagerErrors::WriteOffRefused(e) => (e.inTransit, e.notBefore),
        other => panic!("expected WriteOffRefused, got {other:?}"),
    }
}

fn down(before: U256, elapsed: u64) -> U256 {
    before * U256::from(MAX_LOSS_BPS) * U256::from(elapsed.min(DAY)) / U256::from(10_000 * DAY)
}

fn up(before: U256, elapsed: u64) -> U256 {
    before * U256::from(MAX_APR_BPS) * U256::from(elapsed) / U256::from(10_000 * YEAR)
}

#[tokio::test]
async fn a_write_off_before_the_bound_or_beyond_the_validators_in_transit_is_refused() {
    let (devnet, activated_at, cluster) = pool_and_cluster().await;
    let pool = devnet.pool();
    // The bound counts from the activation's hour, rounded up.
    let not_before = (activated_at / 3600 + 1) * 3600 + WRITE_OFF_DELAY;
    assert_eq!(
        refusal(&devnet, 1).await,
        (U256::from(1), U256::from(not_before))
    );
    // A report of a beacon state a second too early: still refused, though the chain's own
    // clock is past the bound (the evidence is the reported state, not the time of the call).
    report_at(&devnet, not_before - 1, 0, U256::ZERO).await;
    devnet.warp(not_before + DAY).await.unwrap();
    assert_eq!(refusal(&devnet, 1).await.1, U256::from(not_before));
    // A report of the state at the bound: one validator may go, not two, not none.
    report_at(&devnet, not_before + DAY + 1, 0, U256::ZERO).await;
    assert_eq!(refusal(&devnet, 2).await.0, U256::from(1));
    assert_eq!(refusal(&devnet, 0).await.0, U256::from(1));
    assert!(
        pool.writeOffValidators(U256::from(1))
            .mined()
            .await
            .status()
    );
    // Nothing is left in transit: a second write-off is refused.
    assert_eq!(refusal(&devnet, 1).await.0, U256::ZERO);
    // A new activation restarts the clock.
    devnet.stake(devnet.accounts()[1], eth("32")).await.unwrap();
    devnet.add_and_activate(2..3, cluster).await.unwrap();
    let again = (devnet.now().await.unwrap() / 3600 + 1) * 3600 + WRITE_OFF_DELAY;
    report_at(&devnet, devnet.now().await.unwrap() + DAY, 0, U256::ZERO).await;
    assert_eq!(
        refusal(&devnet, 1).await,
        (U256::from(1), U256::from(again))
    );
}

#[tokio::test]
async fn only_the_oracle_writes_off() {
    let (devnet, activated_at) = pool_with_a_burned_deposit().await;
    let pool = devnet.pool();
    report_at(
        &devnet,
        activated_at + WRITE_OFF_DELAY + 2 * 3600,
        0,
        U256::ZERO,
    )
    .await;
    let stranger = devnet.accounts()[4];
    pool_devnet::assert_pool_error!(
        pool.writeOffValidators(U256::from(1)).from(stranger),
        AccessControlUnauthorizedAccount
    );
    // The devnet's account #0 holds the oracle role: the same call goes through for it.
    pool.writeOffValidators(U256::from(1)).call().await.unwrap();
}

#[tokio::test]
async fn a_write_off_lowers_the_price_at_the_daily_loss_bound_and_carries_the_rest() {
    let (devnet, activated_at) = pool_with_a_burned_deposit().await;
    let pool = devnet.pool();
    // 60 days on, the beacon chain still shows nothing: today the pool counts the 32 ETH in
    // transit forever, and a new depositor buys at 40 ETH for 40 ETH of shares.
    report_at(
        &devnet,
        activated_at + WRITE_OFF_DELAY + 2 * 3600,
        0,
        U256::ZERO,
    )
    .await;
    assert_eq!(
        total(&devnet).await,
        eth("40"),
        "in transit until written off"
    );

    let receipt = pool.writeOffValidators(U256::from(1)).mined().await;
    assert!(receipt.status());
    let event = receipt
        .decoded_log::<PoolManager::ValidatorsWrittenOff>()
        .expect("a ValidatorsWrittenOff event");
    assert_eq!(
        (event.count, event.writtenOff),
        (U256::from(1), U256::from(1))
    );
    assert_eq!(
        total(&devnet).await,
        eth("40"),
        "the write-off moves no value by itself"
    );
    assert_eq!(
        pool.writtenOffValidators()
            .call()
            .await
            .unwrap()
            .to::<u64>(),
        1
    );
    assert_eq!(pool.beaconValidators().call().await.unwrap().to::<u64>(), 0);
    assert_eq!(
        U256::from(pool.beaconBalance().call().await.unwrap()),
        eth("32")
    );

    // The reports take the loss in at 5 % a day of a shrinking total, the rest carried.
    let mut before = eth("40");
    let mut reports = 0;
    while before > eth("8") {
        let last = pool.lastReportAt().call().await.unwrap();
        report_at(&devnet, last + DAY, 0, U256::ZERO).await;
        reports += 1;
        let after = total(&devnet).await;
        assert_eq!(
            after,
            before - down(before, DAY).min(before - eth("8")),
            "report {reports}: the day's loss bound"
        );
        assert_eq!(
            U256::from(pool.beaconBalance().call().await.unwrap()),
            after - eth("8"),
            "the rest is carried in the accounted balance"
        );
        before = after;
    }
    assert_eq!(reports, 32, "32 ETH of 40 at 5 % a day of what is left");
    assert_eq!(
        total(&devnet).await,
        eth("8"),
        "the accounts reached the truth"
    );
    assert_eq!(pool.beaconBalance().call().await.unwrap(), 0);
}

#[tokio::test]
async fn a_written_off_validator_seen_later_is_counted_back_once() {
    let (devnet, activated_at) = pool_with_a_burned_deposit().await;
    let pool = devnet.pool();
    report_at(
        &devnet,
        activated_at + WRITE_OFF_DELAY + 2 * 3600,
        0,
        U256::ZERO,
    )
    .await;
    pool.writeOffValidators(U256::from(1)).mined().await;
    // One day of the loss comes in (2 ETH), 30 ETH still carried.
    let last = pool.lastReportAt().call().await.unwrap();
    report_at(&devnet, last + DAY, 0, U256::ZERO).await;
    assert_eq!(total(&devnet).await, eth("38"));

    // The deposit was only late: the beacon chain shows the validator with its 32 ETH. It
    // leaves the written-off count, and its 32 ETH is not added on top of the accounted
    // balance that already holds 30 of them: the carried loss ends, the 2 ETH taken come back
    // within the upward bound.
    let last = pool.lastReportAt().call().await.unwrap();
    let receipt = report_at(&devnet, last + DAY, 1, eth("32")).await;
    let event = receipt
        .decoded_log::<PoolManager::BeaconReported>()
        .unwrap();
    assert_eq!(event.beaconValidators, 1);
    assert_eq!(
        pool.writtenOffValidators()
            .call()
            .await
            .unwrap()
            .to::<u64>(),
        0
    );
    assert_eq!(pool.beaconValidators().call().await.unwrap().to::<u64>(), 1);
    assert_eq!(total(&devnet).await, eth("38") + up(eth("38"), DAY));
    // However long the oracle goes on reporting it, the total reaches the truth, 40 ETH, and
    // never more (a double count would make it 72).
    for _ in 0..3 {
        let last = pool.lastReportAt().call().await.unwrap();
        report_at(&devnet, last + YEAR, 1, eth("32")).await;
    }
    assert_eq!(total(&devnet).await, eth("40"));
    assert_eq!(
        U256::from(pool.beaconBalance().call().await.unwrap()),
        eth("32")
    );
    // A second sighting of the same validator is no new validator.
    let last = pool.lastReportAt().call().await.unwrap();
    devnet.warp(last + DAY).await.unwrap();
    pool_devnet::assert_pool_error!(
        pool.reportBeacon(last + DAY, 2, eth("64").to::<u128>(), 0),
        InvalidValidatorCount
    );
}

#[tokio::test]
async fn a_loss_fully_taken_in_comes_back_within_the_upward_bound() {
    let (devnet, activated_at) = pool_with_a_burned_deposit().await;
    let pool = devnet.pool();
    report_at(
        &devnet,
        activated_at + WRITE_OFF_DELAY + 2 * 3600,
        0,
        U256::ZERO,
    )
    .await;
    pool.writeOffValidators(U256::from(1)).mined().await;
    for _ in 0..32 {
        let last = pool.lastReportAt().call().await.unwrap();
        report_at(&devnet, last + DAY, 0, U256::ZERO).await;
    }
    assert_eq!(total(&devnet).await, eth("8"));
    // Seen after all: a gain of 32 ETH on 8, at 10 % a year, the rest carried.
    let last = pool.lastReportAt().call().await.unwrap();
    report_at(&devnet, last + DAY, 1, eth("32")).await;
    assert_eq!(total(&devnet).await, eth("8") + up(eth("8"), DAY));
    assert_eq!(
        pool.writtenOffValidators()
            .call()
            .await
            .unwrap()
            .to::<u64>(),
        0
    );
}

#[tokio::test]
async fn a_late_validator_seen_after_a_new_activation_makes_the_total_err_low_never_high() {
    // The choice: newly seen validators are matched with those in transit first (a burned
    // deposit never shows, so new activations must not bring it back into transit). When the
    // written-off one was only late, the total errs low for a while, never high.
    let (devnet, activated_at, cluster) = pool_and_cluster().await;
    let pool = devnet.pool();
    report_at(
        &devnet,
        activated_at + WRITE_OFF_DELAY + 2 * 3600,
        0,
        U256::ZERO,
    )
    .await;
    pool.writeOffValidators(U256::from(1)).mined().await;
    devnet.stake(devnet.accounts()[1], eth("32")).await.unwrap();
    devnet.add_and_activate(2..3, cluster).await.unwrap();
    assert_eq!(
        total(&devnet).await,
        eth("72"),
        "the write-off not yet taken in"
    );
    // The late one shows; the new one is still queued. Truth: 8 + 32 + 32 in transit = 72.
    let last = pool.lastReportAt().call().await.unwrap();
    report_at(&devnet, last + DAY, 1, eth("32")).await;
    let after = total(&devnet).await;
    assert_eq!(
        after,
        eth("72") - down(eth("72"), DAY),
        "taken as the new one: errs low"
    );
    assert_eq!(
        pool.writtenOffValidators()
            .call()
            .await
            .unwrap()
            .to::<u64>(),
        1
    );
    // The new one shows too: the written-off one is counted back, its 32 ETH comes in at the
    // upward bound, and the total reaches the truth, never beyond.
    let last = pool.lastReportAt().call().await.unwrap();
    report_at(&devnet, last + DAY, 2, eth("64")).await;
    assert_eq!(
        pool.writtenOffValidators()
            .call()
            .await
            .unwrap()
            .to::<u64>(),
        0
    );
    assert_eq!(total(&devnet).await, after + up(after, DAY));
    for _ in 0..2 {
        let last = pool.lastReportAt().call().await.unwrap();
        report_at(&devnet, last + YEAR, 2, eth("64")).await;
    }
    assert_eq!(total(&devnet).await, eth("72"));
}
