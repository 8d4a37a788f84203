//! The activation rules, in one place for the operator console and the keeper: which registry
//! entries one `activateValidators` call takes, given what was read at one block
//! ([`choose`]), and whether a key may receive the pool's 32 ETH given every deposit the chain
//! shows for it ([`deposits::verdict`]).
//!
//! The I/O that gathers the facts (all at one block number) is `pool_chain::client::planner`;
//! nothing here reads the chain.

pub mod deposits;
mod entry;
mod limits;

use alloy_primitives::U256;

pub use entry::{EntryFields, EntryProblem, check_entry};
pub use limits::bulk_limit;

use crate::deposit::DEPOSIT_WEI;

/// A pending registry entry, as read at the plan's block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub index: u64,
    pub operator_ids: Vec<u64>,
    /// The first block it may be activated in.
    pub ready_at: u64,
    /// Its event's data hashes to the registry's link for its index: only then does the
    /// contract take it back.
    pub matches_registry: bool,
}

/// What was read at the plan's block, for [`choose`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts<'a> {
    /// The block every figure was read at; the transaction lands in a later one.
    pub block: u64,
    pub buffered: U256,
    /// The ether waiting withdrawal requests ask for: activations leave it in the buffer.
    pub queued: U256,
    pub fee_reserve: U256,
    /// The pool's own quote per validator for the first candidate's operator set (what the
    /// transaction carries as `perValidatorFunding`).
    pub funding: U256,
    /// Pending entries from the first one not activated, in registry order.
    pub candidates: &'a [Candidate],
    /// The most the caller wants (the console's count); `None`: as many as possible.
    pub wanted: Option<u64>,
}

/// Each bound on the count, as [`choose`] found them (the console shows them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Buffered ether beyond the waiting withdrawal requests' / 32 ETH.
    pub by_buffer: u64,
    /// Candidates past their delay (counting the next block) and matching the registry, in
    /// order from the first.
    pub ready: u64,
    /// Of those, how many share the first one's operator set (one SSV call takes one set).
    pub same_set: u64,
    /// Fee reserve / funding per validator (`u64::MAX` when the funding is zero).
    pub by_reserve: u64,
    /// SSV's per-transaction convention for the set's size.
    pub bulk_limit: u64,
}

impl Limits {
    /// The count these bounds allow.
    pub fn count(&self) -> u64 {
        self.by_buffer
            .min(self.ready)
            .min(self.same_set)
            .min(self.by_reserve)
            .min(self.bulk_limit)
    }
}

/// How many entries to activate, and why not more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    pub count: u64,
    pub limits: Limits,
}

/// Why no activation can be made now; the order is the order [`choose`] checks them in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Waiting {
    /// Less than 32 ETH buffered beyond what waiting withdrawal requests ask for (`queued`).
    BufferBelowDeposit { buffered: U256, queued: U256 },
    /// No registry entry waits.
    RegistryEmpty,
    /// The next entry's event data is not what the registry holds (an event the node did not
    /// return, or one it returned wrong): the contract would refuse it.
    RegistryMismatch { index: u64 },
    /// The next entry waits out its activation delay.
    NotReady { index: u64, ready_at: u64 },
    /// The fee reserve cannot fund even one validator's cluster runway.
    FeeReserveShort { reserve: U256, needed: U256 },
}

/// The entries an activation at `facts.block + 1` takes: the least of the buffer, the entries
/// ready in order (a gap stops it), one operator set, the fee reserve at the quoted funding,
/// SSV's bulk limit and the caller's count. A `wanted` of 0 is taken as 1.
pub fn choose(facts: &Facts<'_>) -> Result<Choice, Waiting> {
    let deposit = U256::from(DEPOSIT_WEI);
    let free = facts.buffered.saturating_sub(facts.queued);
    if free < deposit {
        return Err(Waiting::BufferBelowDeposit {
            buffered: facts.buffered,
            queued: facts.queued,
        });
    }
    let Some(first) = facts.candidates.first() else {
        return Err(Waiting::RegistryEmpty);
    };
    if !first.matches_registry {
        return Err(Waiting::RegistryMismatch { index: first.index });
    }
    let next_block = facts.block + 1;
    if first.ready_at > next_block {
        return Err(Waiting::NotReady {
            index: first.index,
            ready_at: first.ready_at,
        });
    }
    let by_reserve = if facts.funding.is_zero() {
        u64::MAX
    } else {
        saturate(facts.fee_reserve / facts.funding)
    };
    if by_reserve == 0 {
        return Err(Waiting::FeeReserveShort {
            reserve: facts.fee_reserve,
            needed: facts.funding,
        });
    }
    let ready = facts
        .candidates
        .iter()
        .enumerate()
        .take_while(|(offset, c)| {
            c.index == first.index + *offset as u64
                && c.matches_registry
                && c.ready_at <= next_block
        })
        .count() as u64;
    let same_set = facts
        .candidates
        .iter()
        .take(ready as usize)
        .take_while(|c| c.operator_ids == first.operator_ids)
        .count() as u64;
    let limits = Limits {
        by_buffer: saturate(free / deposit),
        ready,
        same_set,
        by_reserve,
        bulk_limit: bulk_limit(first.operator_ids.len()),
    };
    let count = match facts.wanted {
        Some(wanted) => limits.count().min(wanted.max(1)),
        None => limits.count(),
    };
    Ok(Choice { count, limits })
}

fn saturate(value: U256) -> u64 {
    value.try_into().unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests;
