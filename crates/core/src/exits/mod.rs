//! The exit rules, for the keeper's exit duty and the oracle: how many validators must leave
//! for the withdrawal queue ([`exits_needed`]), which ones and in which calls ([`plan_exits`]),
//! and what the beacon chain's view of a validator means for the queue's exit state
//! ([`beacon::exit_report`]).
//!
//! Order: **oldest first**, the lowest registry index among the activated validators the pool
//! has not asked to exit. The oldest validators are the surest to be past the beacon chain's
//! 256-epoch minimum of activity (a younger one's exit message is invalid and would be wasted),
//! the order is one anyone can check from the registry alone, and two keepers reading the same
//! block pick the same validators, so a duplicate reverts instead of exiting twice as many.
//!
//! The I/O that gathers the facts at one block is `pool_chain::client::exits`; nothing here
//! reads the chain.

pub mod beacon;

use std::collections::BTreeMap;

use alloy_primitives::{Bytes, U256};

use crate::activation::bulk_limit;
use crate::deposit::DEPOSIT_WEI;

/// A validator's place in the withdrawal queue's exit bookkeeping (`WithdrawalQueue.ExitState`,
/// in the contract's order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ExitState {
    /// Running; the pool has not asked it to exit.
    None,
    /// The pool asked SSV's operators to exit it (or sent the EIP-7002 request); not seen
    /// exiting yet.
    Requested,
    /// The oracle saw its exit epoch set on the beacon chain.
    Exiting,
    /// The oracle saw its balance withdrawn: it may leave its SSV cluster.
    Withdrawn,
    /// Removed from its SSV cluster: nothing is left to do.
    Removed,
}

impl ExitState {
    /// The state as the contract's `uint8` encodes it; `None` for a value it does not define.
    pub fn from_u8(value: u8) -> Option<ExitState> {
        Some(match value {
            0 => ExitState::None,
            1 => ExitState::Requested,
            2 => ExitState::Exiting,
            3 => ExitState::Withdrawn,
            4 => ExitState::Removed,
            _ => return None,
        })
    }

    /// Whether the pool still counts it among the validators whose principal is on its way
    /// (`Summary.validatorsExiting`).
    pub fn in_exit(self) -> bool {
        matches!(self, ExitState::Requested | ExitState::Exiting)
    }
}

/// The queue's demand and what already covers it, as `WithdrawalQueue.summary()` states them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Demand {
    /// ETH the waiting requests ask for (`unfinalizedEther`).
    pub unfinalized: U256,
    /// ETH in the pool's buffer (`bufferedEther`).
    pub buffered: U256,
    /// Validators asked to exit (or seen exiting) whose principal has not arrived yet.
    pub exiting: u64,
}

/// How many more validators must exit to cover the demand, as the contract computes
/// `exitsNeeded`: the demand the buffer and the 32 ETH of each validator in exit leave
/// uncovered, in whole validators, rounded up; 0 when they cover it.
pub fn exits_needed(demand: &Demand) -> u64 {
    let deposit = U256::from(DEPOSIT_WEI);
    let covered = demand
        .buffered
        .saturating_add(deposit.saturating_mul(U256::from(demand.exiting)));
    let uncovered = demand.unfinalized.saturating_sub(covered);
    uncovered.div_ceil(deposit).try_into().unwrap_or(u64::MAX)
}

/// An activated validator of the pool with its exit state, read at the plan's block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolValidator {
    /// Its registry index (the order of activation).
    pub index: u64,
    pub pubkey: Bytes,
    pub operator_ids: Vec<u64>,
    pub state: ExitState,
    /// When its exit was last asked for (`exitOf(..).requestedAt`), 0 if never.
    pub requested_at: u64,
    /// A beacon node the keeper asked shows its exit epoch set already (the oracle has not
    /// reported it yet): an EIP-7002 request for it would only spend a fee.
    pub seen_exiting: bool,
}

/// What was read at the plan's block, for [`plan_exits`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExitFacts<'a> {
    /// The block's timestamp: the transactions land later, so a grace period over at `now` is
    /// over when they run.
    pub now: u64,
    /// The contract's `exitsNeeded` (the most the keeper role may request).
    pub exits_needed: u64,
    /// `EXIT_GRACE`: seconds after an exit request before the pool may force it (EIP-7002).
    pub grace: u64,
    /// The pool's activated validators (any order).
    pub validators: &'a [PoolValidator],
}

/// Validators of one operator set: one call (`requestExits`, `removeExited`) takes one set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub operator_ids: Vec<u64>,
    /// (registry index, pubkey), lowest index first.
    pub validators: Vec<(u64, Bytes)>,
}

impl Batch {
    pub fn pubkeys(&self) -> Vec<Bytes> {
        self.validators.iter().map(|(_, p)| p.clone()).collect()
    }

    pub fn indices(&self) -> Vec<u64> {
        self.validators.iter().map(|(i, _)| *i).collect()
    }
}

/// The calls a round of the exit duty makes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExitPlan {
    /// `requestExits` calls: the `exits_needed` oldest validators in state None, per operator
    /// set (and at most SSV's bulk limit each), the call with the oldest validator first.
    pub requests: Vec<Batch>,
    /// `forceExit` calls, one validator each: Requested for at least the grace period and not
    /// seen exiting, the longest waiting first (the contract rate-limits them).
    pub forced: Vec<(u64, Bytes)>,
    /// `removeExited` calls: every Withdrawn validator, per operator set.
    pub removals: Vec<Batch>,
}

impl ExitPlan {
    pub fn is_empty(&self) -> bool {
        self.requests.is_empty() && self.forced.is_empty() && self.removals.is_empty()
    }

    /// Validators the `requestExits` calls name.
    pub fn requested_count(&self) -> u64 {
        self.requests
            .iter()
            .map(|b| b.validators.len() as u64)
            .sum()
    }
}

/// The exit duty's calls for `facts`; see [`ExitPlan`] for each list's rule.
pub fn plan_exits(facts: &ExitFacts<'_>) -> ExitPlan {
    let mut by_index: Vec<&PoolValidator> = facts.validators.iter().collect();
    by_index.sort_by_key(|v| v.index);

    let chosen: Vec<&PoolValidator> = by_index
        .iter()
        .copied()
        .filter(|v| v.state == ExitState::None)
        .take(usize::try_from(facts.exits_needed).unwrap_or(usize::MAX))
        .collect();
    let withdrawn: Vec<&PoolValidator> = by_index
        .iter()
        .copied()
        .filter(|v| v.state == ExitState::Withdrawn)
        .collect();

    let mut forced: Vec<&PoolValidator> = by_index
        .iter()
        .copied()
        .filter(|v| {
            v.state == ExitState::Requested
                && !v.seen_exiting
                && facts.now >= v.requested_at.saturating_add(facts.grace)
        })
        .collect();
    forced.sort_by_key(|v| (v.requested_at, v.index));

    ExitPlan {
        requests: batches(&chosen),
        forced: forced
            .into_iter()
            .map(|v| (v.index, v.pubkey.clone()))
            .collect(),
        removals: batches(&withdrawn),
    }
}

/// `validators` (lowest index first) grouped by operator set, each set cut at SSV's bulk limit
/// for its size; the batches ordered by their first validator.
fn batches(validators: &[&PoolValidator]) -> Vec<Batch> {
    let mut sets: BTreeMap<&[u64], Vec<(u64, Bytes)>> = BTreeMap::new();
    for v in validators {
        sets.entry(v.operator_ids.as_slice())
            .or_default()
            .push((v.index, v.pubkey.clone()));
    }
    let mut out: Vec<Batch> = Vec::new();
    for (ids, members) in sets {
        let limit = usize::try_from(bulk_limit(ids.len())).unwrap_or(usize::MAX);
        for chunk in members.chunks(limit) {
            out.push(Batch {
                operator_ids: ids.to_vec(),
                validators: chunk.to_vec(),
            });
        }
    }
    out.sort_by_key(|b| b.validators.first().map(|(i, _)| *i));
    out
}

#[cfg(test)]
mod tests;
