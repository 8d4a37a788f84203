use std::collections::HashSet;

use alloy_primitives::{Bytes, U256};
use proptest::prelude::*;

use super::beacon::{BeaconStatus, ExitReport, exit_report, exit_report_for};
use super::*;

const ETH: u128 = 1_000_000_000_000_000_000;
const DAY: u64 = 86_400;

fn validator(index: u64, ids: &[u64], state: ExitState, requested_at: u64) -> PoolValidator {
    PoolValidator {
        index,
        pubkey: Bytes::from(vec![index as u8; 48]),
        operator_ids: ids.to_vec(),
        state,
        requested_at,
        seen_exiting: false,
    }
}

fn facts(validators: &[PoolValidator], exits_needed: u64) -> ExitFacts<'_> {
    ExitFacts {
        now: 10 * DAY,
        exits_needed,
        grace: 2 * DAY,
        validators,
    }
}

fn eth(n: u128) -> U256 {
    U256::from(n * ETH)
}

#[test]
fn exits_needed_rounds_the_uncovered_demand_up_in_validators() {
    let demand = |unfinalized: U256, buffered: U256, exiting: u64| Demand {
        unfinalized,
        buffered,
        exiting,
    };
    assert_eq!(
        exits_needed(&demand(eth(10), eth(10), 0)),
        0,
        "the buffer covers it"
    );
    assert_eq!(
        exits_needed(&demand(eth(10) + U256::from(1), eth(10), 0)),
        1,
        "one wei short"
    );
    assert_eq!(exits_needed(&demand(eth(70), eth(6), 0)), 2);
    assert_eq!(
        exits_needed(&demand(eth(70), eth(6), 1)),
        1,
        "one in exit brings 32"
    );
    assert_eq!(exits_needed(&demand(eth(70), eth(6), 2)), 0);
    assert_eq!(exits_needed(&demand(eth(70), eth(100), 0)), 0);
    assert_eq!(exits_needed(&demand(U256::ZERO, U256::ZERO, 0)), 0);
}

#[test]
fn the_oldest_validators_in_state_none_exit_grouped_by_operator_set() {
    let a = [1, 2, 3, 4];
    let b = [5, 6, 7, 8];
    let validators = vec![
        validator(4, &a, ExitState::None, 0),
        validator(0, &a, ExitState::Exiting, 0),
        validator(1, &b, ExitState::None, 0),
        validator(2, &a, ExitState::Requested, DAY * 9),
        validator(3, &a, ExitState::None, 0),
        validator(5, &b, ExitState::None, 0),
        validator(6, &a, ExitState::None, 0),
    ];
    let plan = plan_exits(&facts(&validators, 3));
    // Indices 1, 3 and 4: the three lowest in state None; 1 is b's, 3 and 4 are a's.
    assert_eq!(plan.requests.len(), 2);
    assert_eq!(plan.requests[0].operator_ids, b.to_vec());
    assert_eq!(plan.requests[0].indices(), vec![1]);
    assert_eq!(plan.requests[1].operator_ids, a.to_vec());
    assert_eq!(plan.requests[1].indices(), vec![3, 4]);
    assert_eq!(plan.requested_count(), 3);
    assert!(
        plan.forced.is_empty(),
        "requested a day ago, the grace is two"
    );
    assert!(plan.removals.is_empty());
}

#[test]
fn nothing_exits_when_nothing_is_needed() {
    let a = [1, 2, 3, 4];
    let validators: Vec<_> = (0..5)
        .map(|i| validator(i, &a, ExitState::None, 0))
        .collect();
    let plan = plan_exits(&facts(&validators, 0));
    assert!(plan.is_empty(), "{plan:?}");
}

#[test]
fn a_set_larger_than_the_bulk_limit_takes_several_calls() {
    let seven = [1, 2, 3, 4, 5, 6, 7];
    let validators: Vec<_> = (0..45)
        .map(|i| validator(i, &seven, ExitState::None, 0))
        .collect();
    let plan = plan_exits(&facts(&validators, 45));
    let sizes: Vec<usize> = plan.requests.iter().map(|b| b.validators.len()).collect();
    assert_eq!(sizes, vec![40, 5], "40 a call for 7 operators");
    assert_eq!(plan.requests[1].indices(), (40..45).collect::<Vec<_>>());
}

#[test]
fn forced_exits_wait_out_the_grace_and_skip_those_seen_exiting() {
    let a = [1, 2, 3, 4];
    let now = 10 * DAY;
    let mut validators = vec![
        validator(0, &a, ExitState::Requested, now - 2 * DAY), // exactly the grace
        validator(1, &a, ExitState::Requested, now - 2 * DAY + 1), // one second short
        validator(2, &a, ExitState::Requested, now - 5 * DAY), // the longest waiting
        validator(3, &a, ExitState::Requested, now - 6 * DAY), // seen exiting already
        validator(4, &a, ExitState::Exiting, now - 9 * DAY),   // reported exiting
    ];
    validators[3].seen_exiting = true;
    let plan = plan_exits(&facts(&validators, 0));
    let forced: Vec<u64> = plan.forced.iter().map(|(i, _)| *i).collect();
    assert_eq!(forced, vec![2, 0]);
    assert!(plan.requests.is_empty());
}

#[test]
fn withdrawn_validators_leave_their_clusters_one_call_per_set() {
    let a = [1, 2, 3, 4];
    let b = [5, 6, 7, 8];
    let validators = vec![
        validator(0, &a, ExitState::Withdrawn, 0),
        validator(1, &b, ExitState::Withdrawn, 0),
        validator(2, &a, ExitState::Removed, 0),
        validator(3, &a, ExitState::Withdrawn, 0),
        validator(4, &b, ExitState::Exiting, 0),
    ];
    let plan = plan_exits(&facts(&validators, 0));
    let removals: Vec<(Vec<u64>, Vec<u64>)> = plan
        .removals
        .iter()
        .map(|b| (b.operator_ids.clone(), b.indices()))
        .collect();
    assert_eq!(
        removals,
        vec![(a.to_vec(), vec![0, 3]), (b.to_vec(), vec![1])]
    );
}

#[test]
fn exit_states_decode_as_the_contract_orders_them() {
    let states: Vec<_> = (0..=5).map(ExitState::from_u8).collect();
    assert_eq!(
        states,
        vec![
            Some(ExitState::None),
            Some(ExitState::Requested),
            Some(ExitState::Exiting),
            Some(ExitState::Withdrawn),
            Some(ExitState::Removed),
            None
        ]
    );
}

#[test]
fn beacon_statuses_map_to_exit_reports() {
    use BeaconStatus as S;
    let full = 32_000_000_000;
    for status in [S::PendingInitialized, S::PendingQueued, S::ActiveOngoing] {
        assert_eq!(
            exit_report(ExitState::Requested, status, full),
            None,
            "{status:?}"
        );
    }
    for status in [
        S::ActiveExiting,
        S::ActiveSlashed,
        S::ExitedUnslashed,
        S::ExitedSlashed,
        S::WithdrawalPossible,
    ] {
        assert_eq!(
            exit_report(ExitState::None, status, full),
            Some(ExitReport::Exiting),
            "{status:?}: an exit the pool did not ask for is seen too"
        );
        assert_eq!(
            exit_report(ExitState::Requested, status, full),
            Some(ExitReport::Exiting)
        );
        assert_eq!(
            exit_report(ExitState::Exiting, status, full),
            None,
            "reported once"
        );
    }
    assert_eq!(
        exit_report(ExitState::Exiting, S::WithdrawalDone, 0),
        Some(ExitReport::Withdrawn)
    );
    assert_eq!(
        exit_report(ExitState::Requested, S::WithdrawalDone, 0),
        Some(ExitReport::Withdrawn),
        "an exit and its sweep between two reports"
    );
    assert_eq!(
        exit_report(ExitState::Exiting, S::ExitedUnslashed, 0),
        Some(ExitReport::Withdrawn),
        "balance 0 after the exit"
    );
    assert_eq!(
        exit_report(ExitState::Withdrawn, S::WithdrawalDone, 0),
        None
    );
    assert_eq!(exit_report(ExitState::Removed, S::WithdrawalDone, 0), None);
    assert_eq!(
        exit_report_for(ExitState::Exiting, "withdrawal_done", 0),
        Some(ExitReport::Withdrawn)
    );
    assert_eq!(
        exit_report_for(ExitState::Requested, "exited_for_good", 0),
        None,
        "unknown"
    );
    for status in BeaconStatus::ALL {
        assert_eq!(BeaconStatus::parse(status.name()), Some(status));
    }
}

fn state() -> impl Strategy<Value = ExitState> {
    (0u8..5).prop_map(|v| ExitState::from_u8(v).unwrap())
}

fn status() -> impl Strategy<Value = BeaconStatus> {
    (0usize..9).prop_map(|i| BeaconStatus::ALL[i])
}

proptest! {
    /// The plan's requests are exactly the `exits_needed` lowest indices in state None (all of
    /// them when fewer), each in one batch of one operator set, within the bulk limit; nothing
    /// else is ever asked to exit, and nothing when nothing is needed.
    #[test]
    fn requests_are_the_oldest_needed_and_nothing_more(
        raw in proptest::collection::vec((state(), 0usize..3, 0u64..(20 * DAY)), 0..60),
        needed in 0u64..80,
        now in 0u64..(20 * DAY),
    ) {
        let sets: [&[u64]; 3] = [&[1, 2, 3, 4], &[5, 6, 7, 8], &[1, 2, 3, 4, 5, 6, 7]];
        // Distinct indices, shuffled by the strategy's order (every third one skipped).
        let validators: Vec<PoolValidator> = raw
            .iter()
            .enumerate()
            .map(|(i, (s, set, at))| validator((i as u64 * 3 + 7) % 200, sets[*set], *s, *at))
            .collect();
        let indices: HashSet<u64> = validators.iter().map(|v| v.index).collect();
        prop_assume!(indices.len() == validators.len());
        let f = ExitFacts { now, exits_needed: needed, grace: 2 * DAY, validators: &validators };
        let plan = plan_exits(&f);

        let mut expected: Vec<u64> = validators
            .iter()
            .filter(|v| v.state == ExitState::None)
            .map(|v| v.index)
            .collect();
        expected.sort();
        expected.truncate(needed as usize);
        let mut asked: Vec<u64> = plan.requests.iter().flat_map(|b| b.indices()).collect();
        asked.sort();
        prop_assert_eq!(&asked, &expected);
        prop_assert_eq!(asked.iter().collect::<HashSet<_>>().len(), asked.len(), "asked twice");
        if needed == 0 {
            prop_assert!(plan.requests.is_empty());
        }
        let by_index = |i: u64| validators.iter().find(|v| v.index == i).unwrap();
        for batch in plan.requests.iter().chain(&plan.removals) {
            prop_assert!(!batch.validators.is_empty());
            prop_assert!(batch.validators.len() as u64 <= bulk_limit(batch.operator_ids.len()));
            for (index, pubkey) in &batch.validators {
                let v = by_index(*index);
                prop_assert_eq!(&v.operator_ids, &batch.operator_ids);
                prop_assert_eq!(&v.pubkey, pubkey);
            }
        }
        // Forced: Requested and past the grace, each once; removals: every Withdrawn.
        for (index, _) in &plan.forced {
            let v = by_index(*index);
            prop_assert_eq!(v.state, ExitState::Requested);
            prop_assert!(now >= v.requested_at + 2 * DAY);
        }
        let forced_due = validators
            .iter()
            .filter(|v| v.state == ExitState::Requested && now >= v.requested_at + 2 * DAY)
            .count();
        prop_assert_eq!(plan.forced.len(), forced_due);
        let removed: usize = plan.removals.iter().map(|b| b.validators.len()).sum();
        prop_assert_eq!(removed, validators.iter().filter(|v| v.state == ExitState::Withdrawn).count());
        for batch in &plan.removals {
            for (index, _) in &batch.validators {
                prop_assert_eq!(by_index(*index).state, ExitState::Withdrawn);
            }
        }
    }

    /// The demand is covered once the exits are in: the buffer and 32 ETH per validator in
    /// exit, plus the needed exits, pay the queue, and one exit fewer does not.
    #[test]
    fn exits_needed_is_the_least_that_covers_the_demand(
        unfinalized in 0u128..(10_000 * ETH),
        buffered in 0u128..(1_000 * ETH),
        exiting in 0u64..100,
    ) {
        let d = Demand { unfinalized: U256::from(unfinalized), buffered: U256::from(buffered), exiting };
        let n = exits_needed(&d);
        let covers = |k: u64| U256::from(buffered) + eth(32) * U256::from(exiting + k) >= U256::from(unfinalized);
        prop_assert!(covers(n));
        if n > 0 {
            prop_assert!(!covers(n - 1));
        }
    }

    /// A report never moves a state back or repeats one, never calls a validator with a balance
    /// left and the sweep not done withdrawn, and never reports a validator with no exit epoch.
    #[test]
    fn reports_only_move_forward(state in state(), status in status(), balance in prop_oneof![Just(0u64), 1u64..40_000_000_000]) {
        let report = exit_report(state, status, balance);
        match report {
            None => {}
            Some(ExitReport::Exiting) => {
                prop_assert!(status.exit_epoch_set());
                prop_assert!(matches!(state, ExitState::None | ExitState::Requested));
                prop_assert!(status != BeaconStatus::WithdrawalDone && balance > 0);
            }
            Some(ExitReport::Withdrawn) => {
                prop_assert!(status.exit_epoch_set());
                prop_assert!(state < ExitState::Withdrawn);
                prop_assert!(status == BeaconStatus::WithdrawalDone || balance == 0);
            }
        }
        if !status.exit_epoch_set() {
            prop_assert_eq!(report, None);
        }
    }
}
