use alloy_primitives::U256;
use proptest::prelude::*;

use super::wait::*;
use super::*;

const ETH: u128 = 1_000_000_000_000_000_000;
const DAY: u64 = 86_400;
const NOW: u64 = 1_000_000;

fn eth(n: u128) -> U256 {
    U256::from(n * ETH)
}

fn schedule() -> Schedule {
    Schedule {
        now: NOW,
        next_report_at: NOW + 3_600,
        report_interval: DAY,
        exit_grace: 2 * DAY,
        max_per_report: 200,
    }
}

fn view(buffered: U256, unfinalized: U256, waiting: u64, exiting: u64) -> QueueView {
    QueueView {
        totals: PoolTotals {
            total_pooled_ether: eth(1_000),
            total_shares: eth(800),
        },
        queue: QueueFigures {
            waiting_requests: waiting,
            unfinalized_ether: unfinalized,
            buffered_ether: buffered,
            validators_exiting: exiting,
        },
        schedule: schedule(),
        minimum: U256::from(ETH / 1_000),
    }
}

fn holding(balance: U256) -> Holding {
    Holding { balance }
}

#[test]
fn a_covered_request_is_paid_in_the_next_report() {
    let view = view(eth(10), eth(3), 2, 0);
    let p = preview(eth(7), holding(eth(9)), &view, Churn::UNKNOWN).unwrap();
    assert_eq!(p.pays_at_most, eth(7));
    assert_eq!(p.queue_ahead, eth(3));
    assert_eq!(p.requests_ahead, 2);
    // 7 ETH at 1.25 ETH a share: 5.6 shares (exact, no rounding needed).
    assert_eq!(p.shares, U256::from(56 * ETH / 10));
    assert_eq!(
        p.wait,
        Wait::Reports {
            reports: 1,
            at: NOW + 3_600
        }
    );
}

#[test]
fn one_wei_more_than_the_buffer_needs_an_exit() {
    let view = view(eth(10), eth(3), 2, 0);
    let p = preview(
        eth(7) + U256::from(1u8),
        holding(eth(9)),
        &view,
        Churn::UNKNOWN,
    )
    .unwrap();
    let Wait::Exits {
        validators,
        soonest,
        latest,
    } = p.wait
    else {
        panic!("expected exits, got {:?}", p.wait);
    };
    assert_eq!(validators, 1);
    // One validator (32 ETH) takes one epoch of churn either way.
    let exit = (EXIT_LOOKAHEAD_EPOCHS + 1 + WITHDRAWABILITY_DELAY_EPOCHS) * SECONDS_PER_EPOCH;
    assert_eq!(soonest, NOW + exit);
    assert_eq!(latest, NOW + 2 * DAY + exit + SWEEP_BOUND_SECS + DAY);
}

#[test]
fn a_long_queue_takes_several_reports() {
    // 450 requests ahead: this one is the 451st, in the third report of 200.
    let view = view(eth(100), eth(50), 450, 0);
    let p = preview(eth(1), holding(eth(1)), &view, Churn::UNKNOWN).unwrap();
    assert_eq!(
        p.wait,
        Wait::Reports {
            reports: 3,
            at: NOW + 3_600 + 2 * DAY
        }
    );
    // The 400th request is still in the second.
    let view = QueueView {
        queue: QueueFigures {
            waiting_requests: 399,
            ..view.queue
        },
        ..view
    };
    let p = preview(eth(1), holding(eth(1)), &view, Churn::UNKNOWN).unwrap();
    assert!(matches!(p.wait, Wait::Reports { reports: 2, .. }));
}

#[test]
fn validators_already_exiting_count_before_new_exits() {
    // Demand 100 ETH, buffer 10: 90 ETH short. Two validators leaving bring 64: one more exit.
    let p = preview(
        eth(60),
        holding(eth(60)),
        &view(eth(10), eth(40), 5, 2),
        Churn::UNKNOWN,
    )
    .unwrap();
    assert!(matches!(p.wait, Wait::Exits { validators: 1, .. }));
    // Three leaving cover it: nothing new to exit, but the wait is theirs, not the buffer's.
    let p = preview(
        eth(60),
        holding(eth(60)),
        &view(eth(10), eth(40), 5, 3),
        Churn::UNKNOWN,
    )
    .unwrap();
    let Wait::Exits {
        validators,
        soonest,
        latest,
    } = p.wait
    else {
        panic!("expected exits, got {:?}", p.wait);
    };
    assert_eq!(validators, 0);
    assert_eq!(
        soonest,
        NOW + 3_600,
        "they may be withdrawn by the next report"
    );
    // No grace: the exits are under way; three validators, one epoch of the slowest churn.
    let exit = (EXIT_LOOKAHEAD_EPOCHS + 1 + WITHDRAWABILITY_DELAY_EPOCHS) * SECONDS_PER_EPOCH;
    assert_eq!(latest, NOW + exit + SWEEP_BOUND_SECS + DAY);
}

#[test]
fn the_churn_spreads_many_exits_over_epochs() {
    // 1,000 validators short: 32,000 ETH, 125 epochs at 256 ETH, 250 at 128 ETH.
    let p = preview(
        eth(32_000),
        holding(eth(32_000)),
        &view(U256::ZERO, U256::ZERO, 0, 0),
        Churn::UNKNOWN,
    )
    .unwrap();
    let Wait::Exits {
        validators,
        soonest,
        latest,
    } = p.wait
    else {
        panic!("expected exits");
    };
    assert_eq!(validators, 1_000);
    let fixed = EXIT_LOOKAHEAD_EPOCHS + WITHDRAWABILITY_DELAY_EPOCHS;
    assert_eq!(soonest, NOW + (fixed + 125) * SECONDS_PER_EPOCH);
    assert_eq!(
        latest,
        NOW + 2 * DAY + (fixed + 250) * SECONDS_PER_EPOCH + SWEEP_BOUND_SECS + DAY
    );
}

#[test]
fn electra_churn_follows_the_total_active_balance_within_its_bounds() {
    // Mainnet's ~34 million ETH: 518.8 ETH by the quotient, capped at 256.
    assert_eq!(exit_churn_per_epoch(eth(34_000_000)), eth(256));
    // A small chain: the floor of 128 ETH.
    assert_eq!(exit_churn_per_epoch(eth(1_000_000)), eth(128));
    // In between, rounded down to whole ETH: 12,000,000 / 65,536 = 183.1 ETH.
    assert_eq!(exit_churn_per_epoch(eth(12_000_000)), eth(183));
    let known = Churn::of_total_active_balance(eth(12_000_000));
    assert_eq!(known.fastest, known.slowest);
}

#[test]
fn refusals_match_the_queue() {
    let view = view(eth(10), U256::ZERO, 0, 0);
    let minimum = view.minimum;
    assert_eq!(
        preview(
            minimum - U256::from(1u8),
            holding(eth(1)),
            &view,
            Churn::UNKNOWN
        ),
        Err(RequestRefusal::BelowMinimum { minimum })
    );
    assert!(preview(minimum, holding(eth(1)), &view, Churn::UNKNOWN).is_ok());
    assert_eq!(
        preview(
            eth(1) + U256::from(1u8),
            holding(eth(1)),
            &view,
            Churn::UNKNOWN
        ),
        Err(RequestRefusal::AboveBalance { balance: eth(1) })
    );
    assert_eq!(
        RequestRefusal::BelowMinimum { minimum }.to_string(),
        "The smallest withdrawal is 0.001 poolETH."
    );
}

fn request(id: u64, finalized: bool, claimed: bool) -> Request {
    Request {
        id: U256::from(id),
        requested_at: NOW,
        shares: eth(8),
        amount: eth(10),
        finalized,
        claimed,
    }
}

#[test]
fn request_states() {
    let last_finalized = U256::from(4u8);
    assert_eq!(
        request(7, false, false).state(last_finalized),
        RequestState::Waiting {
            ahead: U256::from(2u8)
        }
    );
    assert_eq!(
        request(5, false, false).state(last_finalized),
        RequestState::Waiting { ahead: U256::ZERO }
    );
    assert_eq!(
        request(3, true, false).state(last_finalized),
        RequestState::Ready
    );
    assert_eq!(
        request(2, true, true).state(last_finalized),
        RequestState::Claimed
    );
}

#[test]
fn a_waiting_request_pays_the_lower_of_its_amount_and_its_shares_worth() {
    let r = request(1, false, false);
    let gained = PoolTotals {
        total_pooled_ether: eth(1_100),
        total_shares: eth(800),
    };
    assert_eq!(r.payout(&gained), Ok(eth(10)), "no rewards while queued");
    let lost = PoolTotals {
        total_pooled_ether: eth(900),
        total_shares: eth(800),
    };
    assert_eq!(
        r.payout(&lost),
        Ok(eth(9)),
        "a loss reported while queued lowers it"
    );
    // Once finalized the amount is the payout, whatever the rate does next.
    assert_eq!(request(1, true, false).payout(&lost), Ok(eth(10)));
}

proptest! {
    /// A request never pays more than its amount, nor more than its shares are worth.
    #[test]
    fn payout_is_bounded(
        pooled in 1u128..=(1u128 << 100),
        total in 1u128..=(1u128 << 100),
        amount in 0u128..=(1u128 << 100),
        shares in 0u128..=(1u128 << 100),
    ) {
        let totals = PoolTotals { total_pooled_ether: U256::from(pooled), total_shares: U256::from(total) };
        let paid = payout_at(U256::from(amount), U256::from(shares), &totals).unwrap();
        prop_assert!(paid <= U256::from(amount));
        prop_assert!(paid <= totals.pooled_eth_by_shares(U256::from(shares)).unwrap());
    }

    /// More demand never shortens the wait: a request waits at least as long as a smaller one.
    #[test]
    fn a_larger_request_never_waits_less(
        buffered in 0u128..=(1u128 << 80),
        unfinalized in 0u128..=(1u128 << 80),
        small in 0u128..=(1u128 << 80),
        extra in 0u128..=(1u128 << 80),
        exiting in 0u64..1_000,
    ) {
        let queue = QueueFigures {
            waiting_requests: 3,
            unfinalized_ether: U256::from(unfinalized),
            buffered_ether: U256::from(buffered),
            validators_exiting: exiting,
        };
        let end = |w: Wait| match w {
            Wait::Reports { at, .. } => (at, at),
            Wait::Exits { soonest, latest, .. } => (soonest, latest),
        };
        let a = end(estimate_wait(U256::from(small), &queue, &schedule(), Churn::UNKNOWN));
        let b = end(estimate_wait(U256::from(small + extra), &queue, &schedule(), Churn::UNKNOWN));
        prop_assert!(b.1 >= a.1);
        prop_assert!(a.0 <= a.1 && b.0 <= b.1);
    }
}
