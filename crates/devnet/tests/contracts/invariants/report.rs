//! The invariant test's oracle report: the true beacon side after a random change, reported
//! and checked against the model's clamp-and-carry rule, the bounds and the write-off counters.

use alloy::primitives::{U256, utils::parse_ether};
use alloy::providers::Provider;
use pool_chain::bindings::PoolManager;
use pool_devnet::Devnet;
use pool_devnet::testing::Mined;

use super::settle::{Settle, bounds, settle};
use super::{Model, milli};

/// A report action's figures (see `Action::Report`).
pub struct Change {
    pub elapsed: u64,
    pub change_bps: i64,
    pub sweep_per_mille: u64,
    pub rewards_milli_eth: u64,
}

/// An oracle report of the true beacon side after `change`, at chain time `at_least` or later,
/// checked against the model's clamp-and-carry rule and the bounds; the model follows it.
pub async fn report(
    devnet: &Devnet,
    model: &mut Model,
    total_before: U256,
    change: Change,
    at_least: u64,
) {
    let pool = devnet.pool();
    let provider = devnet.provider();
    let thirty_two = parse_ether("32").unwrap();
    let rewards = milli(change.rewards_milli_eth);
    if !rewards.is_zero() {
        devnet.pay_execution_rewards(rewards).await.unwrap();
    }
    let activated = pool.activatedValidators().call().await.unwrap().to::<u64>();
    // What the beacon chain shows: every activated validator but the unseen ones, the newly
    // seen with their 32 ETH.
    let seen = activated - model.unseen;
    let mut balance = model.true_balance + thirty_two * U256::from(seen - model.seen);
    // What the pool should account for them: written-off validators seen after all are counted
    // back (and bring nothing new to the accounts: the write-off kept their 32 ETH there).
    let off = model.written_off.min(activated - seen);
    let newly = thirty_two * U256::from(seen + off - model.settled);
    let last = pool.lastReportAt().call().await.unwrap();
    let interval = pool.minReportInterval().call().await.unwrap();
    let at = (last + change.elapsed.max(interval))
        .max(devnet.now().await.unwrap() + 1)
        .max(at_least);
    let wanted = total_before * U256::from(change.change_bps.unsigned_abs()) / U256::from(10_000);
    if seen == 0 {
        balance = U256::ZERO; // nothing on the beacon chain to gain or lose
    } else if change.change_bps >= 0 {
        balance += wanted;
    } else {
        balance -= wanted.min(balance);
    }
    // The sweep takes part of what is above 32 ETH per validator (a loss below it is not
    // swept).
    let principal = thirty_two * U256::from(seen - model.exits.withdrawn);
    let excess = balance.saturating_sub(principal);
    let swept = excess * U256::from(change.sweep_per_mille) / U256::from(1000);
    if !swept.is_zero() {
        devnet.sweep(swept).await.unwrap();
        balance -= swept;
        model.withdrawals += swept;
    }
    let vault = provider
        .get_balance(devnet.deployment.rewards_vault)
        .await
        .unwrap();
    let held = provider
        .get_balance(devnet.deployment.pool_manager)
        .await
        .unwrap();
    let expected = settle(Settle {
        before: total_before,
        expected: model.beacon_balance + newly,
        balance,
        new_withdrawals: swept + model.exits.unreported,
        unaccounted: held - model.buffer - model.fee_reserve,
        vault,
        elapsed: at - last,
    });
    devnet.set_next_block_time(at).await.unwrap();
    let receipt = pool
        .reportBeacon(at, seen, balance.to(), model.withdrawals.to())
        .mined()
        .await;
    assert!(receipt.status(), "a report goes through, whatever it says");
    let event = receipt
        .decoded_log::<PoolManager::BeaconReported>()
        .unwrap();
    assert_eq!(
        (
            event.accountedBalance,
            event.executionRewards,
            event.spareEther
        ),
        (expected.beacon_balance, expected.from_vault, expected.spare),
        "the clamp-and-carry rule"
    );
    // Exits' principal (withdrawn since the last report) is credited here, once.
    assert_eq!(event.newWithdrawals, swept + model.exits.unreported);
    model.exits.unreported = U256::ZERO;
    assert_eq!(event.reportedBalance, balance);
    // The report's own move (its event's total, before the queue's finalization).
    let after = event.postTotalPooledEther;
    let (up, down) = bounds(total_before, at - last);
    assert!(
        after <= total_before + up && after + down >= total_before,
        "{total_before} -> {after} beyond +{up} / -{down}"
    );
    model.buffer += expected.from_pool + expected.from_vault;
    model.beacon_balance = expected.beacon_balance;
    model.true_balance = balance;
    model.seen = seen;
    model.settled = seen + off;
    model.written_off = off;
    super::withdrawals::finalized(devnet, model, &receipt, &event).await;
}

/// A write-off of none, refused: (validators in transit, first reference time allowed).
pub async fn write_off_refusal(devnet: &Devnet) -> (u64, u64) {
    let error = devnet
        .pool()
        .writeOffValidators(U256::ZERO)
        .call()
        .await
        .expect_err("a write-off of none is refused");
    match pool_devnet::testing::pool_error(error) {
        pool_devnet::testing::PoolManagerErrors::WriteOffRefused(e) => {
            (e.inTransit.to(), e.notBefore.to())
        }
        other => panic!("expected WriteOffRefused, got {other:?}"),
    }
}
