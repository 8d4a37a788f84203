//! The oracle's rule from a validator's beacon-chain `status` (the Beacon API's nine, as
//! `/eth/v1/beacon/states/{id}/validators` serves them) to the queue's exit state.
//!
//! - `exiting`: the exit epoch is set. That is every status from `active_exiting` on,
//!   `active_slashed` included (a slashing initiates the exit), whoever asked for it: the pool,
//!   the operators on their own, or the slasher.
//! - `withdrawn`: the balance has been withdrawn after the exit (`withdrawal_done`, or a
//!   balance of 0 in any status with the exit epoch set). `withdrawal_possible` with a balance
//!   left is still exiting: the sweep has not paid the principal yet, and reporting it withdrawn
//!   would take its 32 ETH out of `validatorsExiting` before it arrived.
//!
//! A state never moves back: a validator the queue holds as Exiting is not reported exiting
//! again, and nothing is reported for Withdrawn or Removed. An unknown status (a later fork's)
//! reports nothing.

use super::ExitState;

/// A validator's status as the Beacon API names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BeaconStatus {
    PendingInitialized,
    PendingQueued,
    ActiveOngoing,
    ActiveExiting,
    ActiveSlashed,
    ExitedUnslashed,
    ExitedSlashed,
    WithdrawalPossible,
    WithdrawalDone,
}

impl BeaconStatus {
    pub const ALL: [BeaconStatus; 9] = [
        BeaconStatus::PendingInitialized,
        BeaconStatus::PendingQueued,
        BeaconStatus::ActiveOngoing,
        BeaconStatus::ActiveExiting,
        BeaconStatus::ActiveSlashed,
        BeaconStatus::ExitedUnslashed,
        BeaconStatus::ExitedSlashed,
        BeaconStatus::WithdrawalPossible,
        BeaconStatus::WithdrawalDone,
    ];

    /// The status named `text`; `None` for a name the API does not define.
    pub fn parse(text: &str) -> Option<BeaconStatus> {
        BeaconStatus::ALL.into_iter().find(|s| s.name() == text)
    }

    pub fn name(self) -> &'static str {
        match self {
            BeaconStatus::PendingInitialized => "pending_initialized",
            BeaconStatus::PendingQueued => "pending_queued",
            BeaconStatus::ActiveOngoing => "active_ongoing",
            BeaconStatus::ActiveExiting => "active_exiting",
            BeaconStatus::ActiveSlashed => "active_slashed",
            BeaconStatus::ExitedUnslashed => "exited_unslashed",
            BeaconStatus::ExitedSlashed => "exited_slashed",
            BeaconStatus::WithdrawalPossible => "withdrawal_possible",
            BeaconStatus::WithdrawalDone => "withdrawal_done",
        }
    }

    /// Whether the validator's exit epoch is set in this status.
    pub fn exit_epoch_set(self) -> bool {
        !matches!(
            self,
            BeaconStatus::PendingInitialized
                | BeaconStatus::PendingQueued
                | BeaconStatus::ActiveOngoing
        )
    }
}

/// What the oracle reports for one validator (`reportExits`' two lists).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitReport {
    /// Its exit epoch is set: None or Requested becomes Exiting.
    Exiting,
    /// Its balance was withdrawn after the exit: it becomes Withdrawn.
    Withdrawn,
}

/// What to report for a validator the queue holds in `state` and the beacon state shows with
/// `status` and `balance_gwei`; `None` when nothing changed.
pub fn exit_report(
    state: ExitState,
    status: BeaconStatus,
    balance_gwei: u64,
) -> Option<ExitReport> {
    if !status.exit_epoch_set() {
        return None;
    }
    let withdrawn = status == BeaconStatus::WithdrawalDone || balance_gwei == 0;
    match state {
        ExitState::Withdrawn | ExitState::Removed => None,
        _ if withdrawn => Some(ExitReport::Withdrawn),
        ExitState::Exiting => None,
        ExitState::None | ExitState::Requested => Some(ExitReport::Exiting),
    }
}

/// [`exit_report`] from the API's status text (an unknown status reports nothing).
pub fn exit_report_for(state: ExitState, status: &str, balance_gwei: u64) -> Option<ExitReport> {
    exit_report(state, BeaconStatus::parse(status)?, balance_gwei)
}
