//! How long a new withdrawal request waits, from the chain's own figures.
//!
//! A request is paid from the buffer in an oracle report, oldest first, at most
//! `max_per_report` requests a report. If the buffer (plus the principal of validators already
//! leaving) covers the queue ahead and this request, the wait is the reports that batch takes.
//! Otherwise more validators must exit, and their ETH comes back through the beacon chain:
//!
//! ```text
//! exit asked -> exit epoch      the exit churn (EIP-7251, Electra), after MAX_SEED_LOOKAHEAD
//! exit epoch -> withdrawable    MIN_VALIDATOR_WITHDRAWABILITY_DELAY, 256 epochs (~27 h)
//! withdrawable -> paid          the withdrawal sweep reaches the validator (SWEEP_BOUND at most)
//! paid -> finalized             the next oracle report
//! ```
//!
//! The execution layer sees neither the beacon chain's total active balance nor the exits of
//! other stakers ahead in the churn, so the estimate is a range: soonest at the largest churn
//! the spec allows and an immediate sweep; latest at the smallest churn, with the operators
//! ignoring the SSV exit (anyone may then force it, after `exit_grace`), a full sweep lap and a
//! full report interval. Other validators' exits ahead of ours add to both ends: the view says so.

use alloy_primitives::{U256, uint};

/// ETH of one validator the pool exits (its deposit; its rewards are swept separately).
pub const VALIDATOR_ETH: U256 = uint!(32_000_000_000_000_000_000_U256);
/// Seconds in a beacon epoch: 32 slots of 12 s.
pub const SECONDS_PER_EPOCH: u64 = 384;
/// Epochs from the exit's inclusion to the earliest exit epoch: 1 + MAX_SEED_LOOKAHEAD (4).
pub const EXIT_LOOKAHEAD_EPOCHS: u64 = 5;
/// MIN_VALIDATOR_WITHDRAWABILITY_DELAY: epochs from the exit epoch to the withdrawable epoch.
pub const WITHDRAWABILITY_DELAY_EPOCHS: u64 = 256;
/// Upper bound of the withdrawal sweep's lap, in seconds: the sweep pays 16 validators a slot
/// (MAX_WITHDRAWALS_PER_PAYLOAD), so a lap of mainnet's ~1.1 million validators takes
/// 1.1e6 / 16 x 12 s, about 9.5 days; 10 days leaves room for the set to grow. A validator that
/// became withdrawable waits at most one lap.
pub const SWEEP_BOUND_SECS: u64 = 10 * 86_400;
/// MIN_PER_EPOCH_CHURN_LIMIT_ELECTRA.
pub const MIN_EXIT_CHURN: U256 = uint!(128_000_000_000_000_000_000_U256);
/// MAX_PER_EPOCH_ACTIVATION_EXIT_CHURN_LIMIT.
pub const MAX_EXIT_CHURN: U256 = uint!(256_000_000_000_000_000_000_U256);
/// CHURN_LIMIT_QUOTIENT.
const CHURN_LIMIT_QUOTIENT: u64 = 65_536;
/// EFFECTIVE_BALANCE_INCREMENT: 1 ETH.
const BALANCE_INCREMENT: U256 = uint!(1_000_000_000_000_000_000_U256);

/// Electra's exit churn per epoch, in wei: `min(MAX_PER_EPOCH_ACTIVATION_EXIT_CHURN_LIMIT,
/// max(MIN_PER_EPOCH_CHURN_LIMIT_ELECTRA, total_active_balance / CHURN_LIMIT_QUOTIENT))`, the
/// quotient rounded down to whole ETH as the spec does.
pub fn exit_churn_per_epoch(total_active_balance: U256) -> U256 {
    let by_balance = total_active_balance / U256::from(CHURN_LIMIT_QUOTIENT);
    let by_balance = by_balance - by_balance % BALANCE_INCREMENT;
    by_balance.max(MIN_EXIT_CHURN).min(MAX_EXIT_CHURN)
}

/// The beacon chain's exit churn per epoch, in wei, as far as the page knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Churn {
    /// The largest it can be (the soonest end of the range).
    pub fastest: U256,
    /// The smallest (the latest end).
    pub slowest: U256,
}

impl Churn {
    /// Unknown total active balance: anywhere between the spec's bounds, 128 and 256 ETH.
    pub const UNKNOWN: Churn = Churn {
        fastest: MAX_EXIT_CHURN,
        slowest: MIN_EXIT_CHURN,
    };

    /// The churn of a known total active balance.
    pub fn of_total_active_balance(total_active_balance: U256) -> Churn {
        let churn = exit_churn_per_epoch(total_active_balance);
        Churn {
            fastest: churn,
            slowest: churn,
        }
    }
}

/// The queue's figures at one block (`WithdrawalQueue.summary()`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueFigures {
    /// Requests not finalized yet (`lastRequestId - lastFinalizedId`).
    pub waiting_requests: u64,
    /// ETH they were worth at request: the queue's demand.
    pub unfinalized_ether: U256,
    /// The pool's buffer, which pays them.
    pub buffered_ether: U256,
    /// Validators asked to exit whose principal has not come back yet.
    pub validators_exiting: u64,
}

/// The chain's clock and its cadences, in seconds (timestamps are chain time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// The block's timestamp.
    pub now: u64,
    /// `PoolManager.nextReportAt()`: the earliest time of the next oracle report.
    pub next_report_at: u64,
    /// `PoolManager.minReportInterval()`: reports are at least this far apart.
    pub report_interval: u64,
    /// `WithdrawalQueue.EXIT_GRACE`: how long the operators have to act on an SSV exit.
    pub exit_grace: u64,
    /// `WithdrawalQueue.MAX_FINALIZED_PER_REPORT`.
    pub max_per_report: u64,
}

/// When a new request of some amount would be finalized (ready to claim).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// The buffer pays it: in the `reports`-th oracle report from now (1 = the next), due no
    /// earlier than `at` (a time that may be past: the report is due).
    Reports { reports: u64, at: u64 },
    /// `validators` more of the pool's validators must exit first: finalized between `soonest`
    /// and `latest` (timestamps), unless other stakers' exits crowd the beacon chain's churn.
    Exits {
        validators: u64,
        soonest: u64,
        latest: u64,
    },
}

/// The wait of a request of `amount` wei queued behind `queue`.
pub fn estimate_wait(
    amount: U256,
    queue: &QueueFigures,
    schedule: &Schedule,
    churn: Churn,
) -> Wait {
    let demand = queue.unfinalized_ether.saturating_add(amount);
    if demand <= queue.buffered_ether {
        let per_report = schedule.max_per_report.max(1);
        let reports = queue
            .waiting_requests
            .saturating_add(1)
            .div_ceil(per_report);
        return Wait::Reports {
            reports,
            at: schedule
                .next_report_at
                .saturating_add((reports - 1).saturating_mul(schedule.report_interval)),
        };
    }
    let exiting = VALIDATOR_ETH.saturating_mul(U256::from(queue.validators_exiting));
    let shortfall = demand - queue.buffered_ether;
    let validators = validators_to_exit(shortfall.saturating_sub(exiting));
    // Soonest: the new exits alone through the widest churn (validators already exiting may be
    // all but withdrawn), then an immediate sweep and report. Latest: the operators ignore the
    // SSV exit until it is forced, the exits already under way go first through the narrowest
    // churn, a full sweep lap, then a full report interval.
    let (soonest_exit, grace) = match validators {
        0 => (0, 0),
        n => (exit_seconds(n, churn.fastest), schedule.exit_grace),
    };
    let latest_exit = exit_seconds(
        validators.saturating_add(queue.validators_exiting),
        churn.slowest,
    );
    Wait::Exits {
        validators,
        soonest: schedule
            .now
            .saturating_add(soonest_exit)
            .max(schedule.next_report_at),
        latest: schedule
            .now
            .saturating_add(grace)
            .saturating_add(latest_exit)
            .saturating_add(SWEEP_BOUND_SECS)
            .saturating_add(schedule.report_interval),
    }
}

/// Validators whose exit covers `shortfall` wei (each returns [`VALIDATOR_ETH`]).
pub fn validators_to_exit(shortfall: U256) -> u64 {
    let count = shortfall.div_ceil(VALIDATOR_ETH);
    u64::try_from(count).unwrap_or(u64::MAX)
}

/// Seconds from asking `validators` exits to their withdrawable epoch, at `churn` wei an epoch.
fn exit_seconds(validators: u64, churn: U256) -> u64 {
    let eth = VALIDATOR_ETH.saturating_mul(U256::from(validators));
    let churn_epochs = u64::try_from(eth.div_ceil(churn.max(U256::from(1u8)))).unwrap_or(u64::MAX);
    (EXIT_LOOKAHEAD_EPOCHS + churn_epochs + WITHDRAWABILITY_DELAY_EPOCHS)
        .saturating_mul(SECONDS_PER_EPOCH)
}
