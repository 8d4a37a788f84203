//! Report bounds that clamp instead of refusing: a true move beyond them is applied as far as
//! they allow and the rest carried to later reports (losses at a rate per day, gains at the
//! annual rate); spare ether in the pool's balance is credited like the vault's rewards; the
//! bounds take no floor, so a pool of a few wei cannot be inflated through the vault.

use alloy::primitives::{U256, utils::parse_ether};
use pool_devnet::fixtures::new_cluster;
use pool_devnet::{Devnet, DevnetOptions, MAX_APR_BPS, MAX_LOSS_BPS};

const YEAR: u64 = 365 * 24 * 3600;
const DAY: u64 = 24 * 3600;

fn eth(text: &str) -> U256 {
    parse_ether(text).unwrap()
}

/// 40 ETH from account #1, one validator activated and seen with its 32 ETH.
async fn pool_with_a_validator() -> Devnet {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    devnet.stake(devnet.accounts()[1], eth("40")).await.unwrap();
    devnet.add_and_activate(1..2, new_cluster()).await.unwrap();
    devnet.report(0, 1, eth("32"), U256::ZERO).await.unwrap();
    devnet
}

async fn total(devnet: &Devnet) -> U256 {
    devnet.pool().totalPooledEther().call().await.unwrap()
}

/// The most a report `elapsed` seconds after the last may add to `before`.
fn up(before: U256, elapsed: u64) -> U256 {
    before * U256::from(MAX_APR_BPS) * U256::from(elapsed) / U256::from(10_000 * YEAR)
}

/// The most it may take off: `MAX_LOSS_BPS` a day, pro rata, a day's worth at most.
fn down(before: U256, elapsed: u64) -> U256 {
    before * U256::from(MAX_LOSS_BPS) * U256::from(elapsed.min(DAY)) / U256::from(10_000 * DAY)
}

#[tokio::test]
async fn a_loss_beyond_the_bound_is_applied_clamped_and_the_rest_carried() {
    let devnet = pool_with_a_validator().await;
    let pool = devnet.pool();
    // A mass slashing: the validator is down to 20 ETH, 30 % of the pool. The report is not
    // refused: the day's bound (5 %) comes off at once, the rest in the following reports.
    let mut before = total(&devnet).await;
    assert_eq!(before, eth("40"));
    let mut reports = 0;
    while before > eth("28") {
        devnet
            .report(DAY, 1, eth("20"), U256::ZERO)
            .await
            .expect("an honest report beyond the bound goes through");
        reports += 1;
        let after = total(&devnet).await;
        let expected = before - down(before, DAY).min(before - eth("28"));
        assert_eq!(
            after, expected,
            "report {reports}: clamped to the day's loss"
        );
        before = after;
    }
    assert_eq!(reports, 7, "30 % at 5 % a day of a shrinking total");
    assert_eq!(
        total(&devnet).await,
        eth("28"),
        "the accounts reached the truth"
    );
    assert_eq!(
        U256::from(pool.beaconBalance().call().await.unwrap()),
        eth("20")
    );
    // And stay there.
    devnet.report(DAY, 1, eth("20"), U256::ZERO).await.unwrap();
    assert_eq!(total(&devnet).await, eth("28"));
}

#[tokio::test]
async fn a_gain_beyond_the_bound_is_carried_until_it_fits() {
    let devnet = pool_with_a_validator().await;
    let pool = devnet.pool();
    // 1 ETH more on the beacon chain in a day (a large gift): the day's 10 %/year comes in.
    devnet.report(DAY, 1, eth("33"), U256::ZERO).await.unwrap();
    let allowed = up(eth("40"), DAY);
    assert_eq!(total(&devnet).await, eth("40") + allowed);
    assert_eq!(
        U256::from(pool.beaconBalance().call().await.unwrap()),
        eth("32") + allowed,
        "the rest is carried in the accounted balance"
    );
    // The validator exits with its 33 ETH before the rest fitted: the withdrawal is larger
    // than what the accounts hold for it, and the part beyond the bound stays carried (as
    // ether in the pool not yet in the buffer).
    devnet.sweep(eth("33")).await.unwrap();
    devnet.report(DAY, 1, U256::ZERO, eth("33")).await.unwrap();
    let after_exit = total(&devnet).await;
    assert_eq!(
        after_exit,
        eth("40") + allowed + up(eth("40") + allowed, DAY)
    );
    assert_eq!(pool.beaconBalance().call().await.unwrap(), 0);
    // A year later the whole gift is in, not a wei more.
    devnet.report(YEAR, 1, U256::ZERO, eth("33")).await.unwrap();
    assert_eq!(total(&devnet).await, eth("41"));
    assert_eq!(
        U256::from(pool.bufferedEther().call().await.unwrap()),
        eth("41")
    );
}

#[tokio::test]
async fn losses_are_bounded_per_day_however_often_the_oracle_reports() {
    let devnet = pool_with_a_validator().await;
    let pool = devnet.pool();
    let interval = pool.minReportInterval().call().await.unwrap();
    // A stolen oracle key reports a zero balance as often as it may, for an hour.
    let start = total(&devnet).await;
    let started_at = pool.lastReportAt().call().await.unwrap();
    for _ in 0..60 {
        let _ = devnet.report(interval, 1, U256::ZERO, U256::ZERO).await;
    }
    let elapsed = pool.lastReportAt().call().await.unwrap() - started_at;
    let floor = start - down(start, elapsed);
    let now = total(&devnet).await;
    assert!(
        now >= floor,
        "{elapsed} s of reports took the total from {start} to {now}, below {floor}"
    );
    assert!(now < start, "the reports did go through");
}

#[tokio::test]
async fn spare_ether_in_the_pool_is_credited_within_the_bound() {
    let devnet = pool_with_a_validator().await;
    // A coinbase payment or a self-destruct: ether in the pool's balance that no beacon
    // withdrawal explains. It is credited like the vault's rewards, within the bound.
    devnet.sweep(eth("1")).await.unwrap();
    assert_eq!(
        total(&devnet).await,
        eth("40"),
        "arrival alone moves nothing"
    );
    devnet.report(DAY, 1, eth("32"), U256::ZERO).await.unwrap();
    let allowed = up(eth("40"), DAY);
    assert_eq!(total(&devnet).await, eth("40") + allowed);
    devnet.report(YEAR, 1, eth("32"), U256::ZERO).await.unwrap();
    assert_eq!(total(&devnet).await, eth("41"), "every wei reached stakers");
    let buffered = U256::from(devnet.pool().bufferedEther().call().await.unwrap());
    assert_eq!(buffered, eth("9"));
}

#[tokio::test]
async fn a_sweep_after_the_reference_time_is_not_counted_twice() {
    let devnet = pool_with_a_validator().await;
    devnet
        .report(DAY, 1, eth("32.01"), U256::ZERO)
        .await
        .unwrap();
    assert_eq!(total(&devnet).await, eth("40.01"));
    // The 0.01 ETH is swept after the state the next report describes: that report still
    // sees 32.01 on the beacon chain and no withdrawal, and credits the swept ether as spare.
    devnet.sweep(eth("0.01")).await.unwrap();
    devnet
        .report(DAY, 1, eth("32.01"), U256::ZERO)
        .await
        .unwrap();
    // The report after it states the sweep: it is not refused for claiming ether already in
    // the buffer, and the double count goes away.
    devnet.report(DAY, 1, eth("32"), eth("0.01")).await.unwrap();
    assert_eq!(total(&devnet).await, eth("40.01"));
    let buffered = U256::from(devnet.pool().bufferedEther().call().await.unwrap());
    assert_eq!(buffered, eth("8.01"));
}

#[tokio::test]
async fn the_first_depositor_cannot_inflate_the_price_through_the_vault() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let token = devnet.token();
    let [attacker, victim] = [devnet.accounts()[1], devnet.accounts()[2]];
    // The classic sequence: own the only share (1 wei), donate to the rewards vault, let the
    // oracle report, and wait for a victim whose deposit rounds down to few shares.
    devnet.stake(attacker, U256::from(1)).await.unwrap();
    devnet.pay_execution_rewards(eth("100")).await.unwrap();
    for _ in 0..3 {
        devnet.report(DAY, 0, U256::ZERO, U256::ZERO).await.unwrap();
    }
    let deposit = eth("0.01");
    devnet.stake(victim, deposit).await.unwrap();
    let balance = token.balanceOf(victim).call().await.unwrap();
    assert!(
        balance + U256::from(1) >= deposit,
        "the victim's 0.01 ETH is worth {balance}"
    );
    // Later rewards are shared by shares, at the pool's rate.
    devnet.report(DAY, 0, U256::ZERO, U256::ZERO).await.unwrap();
    let attacker_balance = token.balanceOf(attacker).call().await.unwrap();
    assert!(attacker_balance <= U256::from(2), "{attacker_balance}");
}
