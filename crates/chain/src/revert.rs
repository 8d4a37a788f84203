//! Custom errors of the pool contracts, decoded from revert data into sentences a staker or the
//! operator can act on. Every error the contracts define has its sentence (the match is
//! exhaustive, so a new error does not compile until it is explained).

use alloy_primitives::utils::format_ether;
use alloy_sol_types::SolInterface;

use crate::bindings::{PoolETH::PoolETHErrors, PoolManager::PoolManagerErrors};

/// Explains revert `data` when it is one of the pool's custom errors.
pub fn explain_revert(data: &[u8]) -> Option<String> {
    if let Ok(error) = PoolManagerErrors::abi_decode(data) {
        return Some(explain_manager(error));
    }
    if let Ok(error) = PoolETHErrors::abi_decode(data) {
        return Some(explain_token(error));
    }
    None
}

fn explain_manager(error: PoolManagerErrors) -> String {
    use PoolManagerErrors as E;
    match error {
        E::ZeroDeposit(_) => "The pool refused an amount of zero.".into(),
        E::UseDeposit(_) => "The pool refuses plain transfers: use the deposit button.".into(),
        E::ZeroAddress(_) => "An address given to the pool is the zero address.".into(),
        E::InvalidRunway(_) => "The runway must be at least one block.".into(),
        E::InvalidBounds(_) => {
            "Report bounds must be above zero, and a loss bound at most 100%.".into()
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
        E::DuplicateValidator(e) => format!("Validator {} is already in the registry.", e.pubkey),
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
        E::DepositRootChanged(_) => {
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
        E::WrongFeeAsset(_) => "This pool pays SSV fees in the other asset (ETH or SSV).".into(),
        E::StaleReport(e) => format!(
            "The report's time ({}) is not after the last report ({}) or is in the future.",
            e.timestamp, e.lastTimestamp
        ),
        E::InvalidValidatorCount(e) => format!(
            "The report counts {} validators; it must be between {} and {} (activated).",
            e.reported, e.previous, e.activated
        ),
        E::ReportOutOfBounds(e) => format!(
            "The report would move the pool's total by {} wei, beyond the {} wei one report may move it.",
            e.change, e.limit
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
        E::ReentrancyGuardReentrantCall(_) => "The pool refused a re-entrant call.".into(),
        E::SafeERC20FailedOperation(e) => format!("The token {} refused the transfer.", e.token),
        E::SafeCastOverflowedUintDowncast(e) => {
            format!(
                "{} does not fit the pool's accounting ({} bits).",
                e.value, e.bits
            )
        }
    }
}

fn explain_token(error: PoolETHErrors) -> String {
    use PoolETHErrors as E;
    match error {
        E::NoSharesMinted(e) => {
            format!(
                "{} wei is too small to buy a single share at the current rate.",
                e.amount
            )
        }
        E::EmptyPoolWithShares(_) => {
            "The pool has shares outstanding but no ether: deposits are paused.".into()
        }
        E::InsufficientShares(_) => "The balance is too low for this transfer.".into(),
        E::InsufficientAllowance(_) => "The allowance is too low.".into(),
        E::NotManager(_) => "Only the pool manager may mint poolETH.".into(),
        E::ZeroAddress(_) => "That address cannot receive poolETH.".into(),
    }
}
