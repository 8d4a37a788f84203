//! The withdrawal queue's errors (requests, claims and exits), in words.

use pool_core::units::format_ether_exact as format_ether;

use crate::bindings::WithdrawalQueue::WithdrawalQueueErrors;

pub(super) fn explain_queue(error: WithdrawalQueueErrors) -> String {
    use WithdrawalQueueErrors as E;
    match error {
        E::RequestTooSmall(e) => format!(
            "A withdrawal request must be at least {} poolETH ({} asked).",
            format_ether(e.minimum),
            format_ether(e.amount)
        ),
        E::NotPool(_) => "Only the pool manager may do this.".into(),
        E::NotRequestOwner(e) => format!(
            "Request {} is not this account's: only the account that made it can claim it.",
            e.id
        ),
        E::NotFinalized(e) => format!(
            "Request {} is still waiting: an oracle report finalizes requests in order (the last \
             finalized is {}).",
            e.id, e.lastFinalizedId
        ),
        E::AlreadyClaimed(e) => format!("Request {} was claimed already.", e.id),
        E::EtherTransferFailed(e) => format!("{} refused the ether sent to it.", e.to),
        E::NotOperatorOrKeeper(e) => {
            format!("{} is neither the pool operator nor its keeper.", e.caller)
        }
        E::NotOracle(e) => format!("{} is not the pool's oracle.", e.caller),
        E::NoValidators(_) => "Choose at least one validator.".into(),
        E::ExitsNotNeeded(e) => format!(
            "The withdrawal queue needs {} more exits; {} were asked for (the keeper may exit \
             only what the queue needs).",
            e.needed, e.asked
        ),
        E::NotPoolValidator(e) => format!(
            "0x{} is not an activated validator of the pool.",
            alloy_primitives::hex::encode(&e.pubkey)
        ),
        E::InvalidExitState(e) => format!(
            "Validator {} is not in the state this step needs (it is {}).",
            e.index,
            exit_state_words(e.state)
        ),
        E::ExitGraceNotOver(e) => format!(
            "Validator {}'s operators have until chain time {} to exit it; the pool's own request \
             can be sent from then on.",
            e.index, e.from
        ),
        E::ForcedExitsRateLimited(e) => format!(
            "The pool has sent its daily share of exit requests; the next one can be sent from \
             chain time {}.",
            e.from
        ),
        E::ExitFeeTooHigh(e) => format!(
            "The EIP-7002 fee is {} now, above the pool's limit of {}: wait for it to fall.",
            format_ether(e.fee),
            format_ether(e.limit)
        ),
        E::WithdrawalRequestsUnavailable(_) => {
            "This chain has no EIP-7002 withdrawal request contract (it is before Prague).".into()
        }
    }
}

/// A validator's exit state (the queue's `ExitState`), in words.
pub fn exit_state_words(state: u8) -> &'static str {
    match state {
        0 => "not asked to exit",
        1 => "asked to exit",
        2 => "exiting",
        3 => "withdrawn",
        4 => "removed from its cluster",
        _ => "in an unknown state",
    }
}
