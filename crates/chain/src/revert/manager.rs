//! The pool manager's errors (deposits, activation, the oracle, the fee reserve), in words.

// The core's exact formatting, the one the app shows amounts with (alloy's `utils` would add a
// second formatter to the staker's download, and pads to 18 decimals).
use pool_core::units::format_ether_exact as format_ether;

use crate::bindings::PoolManager::PoolManagerErrors;

pub(super) fn explain_manager(error: PoolManagerErrors) -> String {
    use PoolManagerErrors as E;
    match error {
        E::ZeroDeposit(_) => "The pool refused an amount of zero.".into(),
        E::UseDeposit(_) => "The pool refuses plain transfers: use the deposit button.".into(),
        E::DepositsArePaused(_) => {
            "Deposits are paused by the pool's admin while an incident is looked into.".into()
        }
        E::RoleGrantDelayed(_) => {
            "Roles are granted in two steps: propose the grant, then execute it after its delay."
                .into()
        }
        E::NoPendingGrant(e) => format!("No grant of role {} to {} is pending.", e.role, e.account),
        E::RoleGrantNotReady(e) => format!(
            "The proposed grant can be executed from chain time {} and block {}.",
            e.readyAt, e.readyBlock
        ),
        E::BelowSafeMinimum(e) => format!(
            "The {} ({}) is below its safe minimum ({}) for a real network.",
            match e.setting {
                0 => "activation delay in blocks",
                1 => "minimum report interval in seconds",
                _ => "admin transfer delay in seconds",
            },
            e.given,
            e.minimum
        ),
        E::FundingBelowFloor(e) => format!(
            "The SSV funding per validator ({}) is below the pool's floor ({}): the network fee \
            for the runway plus the minimum liquidation collateral.",
            format_ether(e.given),
            format_ether(e.floor)
        ),
        E::ZeroAddress(_) => "An address given to the pool is the zero address.".into(),
        E::InvalidRunway(_) => "The runway must be at least one block.".into(),
        E::InvalidBounds(_) => "Report bounds must be above zero, at most 100 % a year up and \
            10 % a day down."
            .into(),
        E::InvalidReportInterval(_) => {
            "The minimum time between oracle reports must be at least one second.".into()
        }
        E::InvalidPubkeyLength(e) => {
            format!("Validator {}: the public key is not 48 bytes.", e.index)
        }
        E::InvalidSignatureLength(e) => format!(
            "Validator {}: the deposit signature is not 96 bytes.",
            e.index
        ),
        E::InvalidOperatorIds(e) => format!(
            "Validator {}: operator ids must be 4, 7, 10 or 13 distinct ids in ascending order.",
            e.index
        ),
        E::InvalidSharesLength(e) => format!(
            "Validator {}: the key shares are {} bytes where this operator set needs {}.",
            e.index, e.actual, e.expected
        ),
        E::InvalidDepositDataRoot(e) => format!(
            "Validator {}: the deposit data root {} is not the root of its key and signature with \
            the pool's withdrawal credentials and 32 ETH ({}): this deposit data was made for \
            other credentials or another amount.",
            e.index, e.given, e.expected
        ),
        E::BlsPointsCountMismatch(e) => format!(
            "{} entries came with {} sets of uncompressed points: each entry needs its own.",
            e.entries, e.points
        ),
        E::BlsPointsMismatch(e) => format!(
            "Validator {}: the uncompressed points sent with it are not its public key and \
            deposit signature (the key or the signature is not a valid BLS12-381 point).",
            e.index
        ),
        E::InvalidBlsPoint(e) => format!(
            "Validator {}: its public key or deposit signature is not a valid BLS12-381 point \
            (off the curve or outside its subgroup): the beacon chain would refuse the deposit.",
            e.index
        ),
        E::InvalidDepositSignature(e) => format!(
            "Validator {}: the deposit signature does not sign a 32 ETH deposit to the pool's \
            withdrawal credentials on this network (a wrong key, other credentials, or deposit \
            data made for another network): the beacon chain would ignore the deposit and the \
            32 ETH would be lost.",
            e.index
        ),
        E::DuplicateValidator(e) => format!("Validator {} is already in the registry.", e.pubkey),
        E::DroppedValidator(e) => format!(
            "Validator {} was dropped from the registry and can never be added again.",
            e.pubkey
        ),
        E::NothingToDrop(e) => format!(
            "Nothing to drop from index {}: only pending entries ({} to {}) can be dropped.",
            e.fromIndex,
            e.firstPending,
            e.length.saturating_sub(alloy_primitives::U256::from(1))
        ),
        E::ValidatorNotReady(e) => format!(
            "Validator {} was added too recently: it can be activated from block {}.",
            e.index, e.readyAt
        ),
        E::NotOperatorOrAdmin(e) => {
            format!("{} is neither the pool operator nor its admin.", e.caller)
        }
        E::NotOperatorOrKeeper(e) => {
            format!("{} is neither the pool operator nor its keeper.", e.caller)
        }
        E::ZeroCount(_) => "Choose at least one validator to activate.".into(),
        E::NotEnoughValidators(e) => format!(
            "Only {} validators are waiting in the registry; {} were asked for.",
            e.pending, e.requested
        ),
        E::InsufficientBuffer(e) => format!(
            "The pool holds {} ETH of deposits; activating needs {} ETH.",
            format_ether(e.buffered),
            format_ether(e.needed)
        ),
        E::InsufficientFeeReserve(e) => format!(
            "The fee reserve holds {} but this needs {}: top it up first.",
            format_ether(e.reserve),
            format_ether(e.needed)
        ),
        E::DepositCountChanged(_) => {
            "Someone deposited to the beacon deposit contract since you looked: \
            check that none of these keys was front-run, then try again."
                .into()
        }
        E::ValidatorDataMismatch(e) => format!(
            "These are not the next {} validators of the registry (from index {}) exactly as \
            registered: activate in registry order, with the data the registry holds.",
            e.count, e.first
        ),
        E::MixedOperatorSets(e) => format!(
            "Validator {} uses another operator set: activate one operator set at a time.",
            e.index
        ),
        E::BulkLimitExceeded(e) => format!(
            "The SSV network takes at most {} validators of this operator set per transaction ({} asked).",
            e.limit, e.count
        ),
        E::EtherTransferFailed(e) => format!("{} refused the ether sent to it.", e.to),
        E::StaleReport(e) => format!(
            "The report's time ({}) is not after the last report ({}) or is in the future.",
            e.timestamp, e.lastTimestamp
        ),
        E::ReportTooSoon(e) => format!(
            "Too soon after the last report: the next one is accepted from {} (chain time).",
            e.nextAllowedAt
        ),
        E::BalanceWithoutValidators(e) => format!(
            "The report gives a beacon balance of {} ETH but no validator of the pool on the beacon chain.",
            format_ether(e.balance)
        ),
        E::NotWithdrawalQueue(e) => {
            format!(
                "Only the pool's withdrawal queue may do this ({}).",
                e.caller
            )
        }
        E::ExitCallRefused(e) => format!(
            "The pool makes only SSV exit and removal calls and EIP-7002 requests for the queue              (refused: {} to {}).",
            e.selector, e.target
        ),
        E::NotRewardsVault(e) => format!(
            "Only the pool's rewards vault pays rewards in ({}).",
            e.caller
        ),
        E::WriteOffRefused(e) => format!(
            "A write-off needs a report of a beacon state from chain time {} on (60 days after the \
             pool's last activation) and between 1 and {} validators (those in transit).",
            e.notBefore, e.inTransit
        ),
        E::InvalidValidatorCount(e) => format!(
            "The report counts {} validators; it must be between {} and {} (activated).",
            e.reported, e.previous, e.activated
        ),
        E::AccessControlUnauthorizedAccount(e) => {
            format!(
                "{} lacks the role this action needs ({}).",
                e.account, e.neededRole
            )
        }
        E::AccessControlBadConfirmation(_) => {
            "Only the account itself can renounce its role.".into()
        }
        E::AccessControlEnforcedDefaultAdminRules(_) => {
            "The admin role moves only through the two-step transfer (begin, wait, accept).".into()
        }
        E::AccessControlEnforcedDefaultAdminDelay(e) => format!(
            "The admin transfer's delay has not passed: it can be accepted from {} (chain time).",
            e.schedule
        ),
        E::AccessControlInvalidDefaultAdmin(e) => {
            format!("{} is not the pending admin of the pool.", e.defaultAdmin)
        }
        E::ReentrancyGuardReentrantCall(_) => "The pool refused a re-entrant call.".into(),
        E::SafeCastOverflowedUintDowncast(e) => {
            format!(
                "{} does not fit the pool's accounting ({} bits).",
                e.value, e.bits
            )
        }
    }
}
