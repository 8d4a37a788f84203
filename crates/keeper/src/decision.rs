//! What a round of the activation duty decided, and its log line.

use std::fmt;

use alloy::primitives::{B256, Bytes, U256};
use pool_chain::client::tx::TxError;
use pool_chain::revert::ContractError;
use serde_json::json;

/// Why a round did nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Idle {
    /// Less than 32 ETH buffered beyond what waiting withdrawal requests ask for.
    BufferBelowDeposit { buffered: U256, queued: U256 },
    /// No registry entry waits.
    RegistryEmpty,
    /// The next entry waits out its activation delay until `ready_at`.
    NotReady { index: u64, ready_at: u64 },
    /// The fee reserve cannot fund even one more validator's cluster runway.
    FeeReserveShort { reserve: U256, needed: U256 },
    /// The next entry's event data does not match the registry's hash chain (the node did not
    /// return its event, or returned another).
    RegistryMismatch { index: u64 },
}

/// What a round decided.
#[derive(Debug)]
pub enum Decision {
    Idle(Idle),
    /// Sent and mined.
    Activated {
        first: u64,
        count: u64,
        tx: B256,
    },
    /// `--dry-run`: what would have been sent.
    WouldActivate {
        first: u64,
        count: u64,
        calldata: Bytes,
    },
    /// Another keeper (or the operator) activated these entries first; nothing was lost.
    AnotherKeeperWasFaster,
    /// The chain moved under the reading (a deposit, a cluster change): the next round re-reads.
    StaleReading {
        reason: Stale,
    },
    /// A registry key was deposited with other withdrawal credentials: it must never get the
    /// pool's 32 ETH. The duty stops until a person drops it (`dropValidators`).
    FrontRun {
        index: u64,
        pubkey: Bytes,
        credentials: B256,
    },
    /// A registry key already has a validator with the pool's own credentials: 32 ETH more
    /// would only be swept back. The duty stops until a person drops it.
    AlreadyDeposited {
        index: u64,
        pubkey: Bytes,
    },
    /// A registry entry fails the checks the beacon chain and SSV apply silently (its deposit
    /// signature, its key shares' length or ownership signature): the duty stops until a
    /// person drops it.
    InvalidEntry {
        index: u64,
        problem: pool_core::activation::EntryProblem,
    },
    /// The SSV network refuses the cluster snapshot the events give, even after a fresh scan:
    /// a person must look (a cluster event the scan does not decode?).
    ClusterStale {
        operator_ids: Vec<u64>,
    },
    /// The pool refused the activation for a reason a person must look at.
    Refused {
        reason: Refusal,
    },
    /// The duty is stopped (a front-run was found earlier).
    Stopped,
}

/// How the chain moved under a round's reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stale {
    /// The activation was mined and reverted, and no other keeper had activated the entries
    /// (a deposit moved the count the plan carried, say).
    RevertedOnChain,
    /// The simulation reverted with an error that says the reading is stale
    /// ([`ContractError::is_stale_reading`]: a moved deposit count, a changed cluster).
    Contract(ContractError),
}

/// Why the pool refused an activation, for a person to look at.
#[derive(Debug)]
pub enum Refusal {
    /// No beacon node is configured on a chain other than the devnet: keys deposited before
    /// the pool existed cannot be checked.
    BeaconNeeded,
    /// One validator's activation alone is beyond what a node accepts.
    TooLarge { bytes: usize, gas: Option<u64> },
    /// The simulation reverted with the pool's own error.
    Contract(ContractError),
    /// The simulation failed otherwise (a revert without a known error, the wrong chain, an
    /// answer that does not decode).
    Simulation(TxError),
}

impl fmt::Display for Stale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stale::RevertedOnChain => f.write_str("the activation reverted on chain; re-reading"),
            Stale::Contract(error) => write!(f, "{error}"),
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::BeaconNeeded => f.write_str(
                "no beacon node is configured (--beacon URL): keys deposited before the pool existed cannot be checked, so nothing is activated on this chain",
            ),
            Refusal::TooLarge { bytes, gas } => write!(
                f,
                "one validator's activation is {bytes} bytes{}: more than a node accepts",
                gas.map(|g| format!(" and {g} gas")).unwrap_or_default()
            ),
            Refusal::Contract(error) => write!(f, "{error}"),
            Refusal::Simulation(error) => write!(f, "{error}"),
        }
    }
}

impl Decision {
    /// Whether the duty stopped for a person (the program exits with the front-run code).
    pub fn stops(&self) -> bool {
        matches!(
            self,
            Decision::FrontRun { .. }
                | Decision::AlreadyDeposited { .. }
                | Decision::InvalidEntry { .. }
        )
    }
}

fn eth(wei: U256) -> String {
    pool_core::units::format_ether(wei, 6)
}

/// (event name, sentence, figures) for the log.
pub fn describe(decision: &Decision) -> (&'static str, String, serde_json::Value) {
    match decision {
        Decision::Idle(Idle::BufferBelowDeposit { buffered, queued }) => (
            "idle",
            format!(
                "waiting: {} ETH buffered, {} ETH of it for withdrawal requests, 32 needed beyond them",
                eth(*buffered),
                eth(*queued)
            ),
            json!({
                "reason": "buffer",
                "buffered_wei": buffered.to_string(),
                "queued_wei": queued.to_string(),
            }),
        ),
        Decision::Idle(Idle::RegistryEmpty) => (
            "idle",
            "waiting: no registry entry to activate (the operator adds the ceremony's keys)".into(),
            json!({ "reason": "registry-empty" }),
        ),
        Decision::Idle(Idle::NotReady { index, ready_at }) => (
            "idle",
            format!("waiting: entry {index} can be activated from block {ready_at}"),
            json!({ "reason": "activation-delay", "index": index, "ready_at": ready_at }),
        ),
        Decision::Idle(Idle::FeeReserveShort { reserve, needed }) => (
            "idle",
            format!(
                "waiting: the fee reserve holds {} but one validator's cluster funding needs {}: top it up",
                eth(*reserve),
                eth(*needed)
            ),
            json!({ "reason": "fee-reserve", "reserve": reserve.to_string(), "needed": needed.to_string() }),
        ),
        Decision::Idle(Idle::RegistryMismatch { index }) => (
            "idle",
            format!("waiting: registry entry {index}'s event does not match the registry; re-reading"),
            json!({ "reason": "registry-mismatch", "index": index }),
        ),
        Decision::AlreadyDeposited { index, pubkey } => (
            "already-deposited",
            format!(
                "STOPPED: registry entry {index} ({pubkey}) already has a beacon deposit with the pool's credentials; \
                 32 ETH more would only be swept back. Drop it (dropValidators({index})) and restart the keeper"
            ),
            json!({ "index": index, "pubkey": pubkey }),
        ),
        Decision::InvalidEntry { index, problem } => (
            "invalid-entry",
            format!(
                "STOPPED: registry entry {index} would lose its 32 ETH or never run: {}. Drop it (dropValidators({index})) and restart the keeper",
                entry_problem(problem)
            ),
            json!({ "index": index, "problem": format!("{problem:?}") }),
        ),
        Decision::ClusterStale { operator_ids } => (
            "cluster-stale",
            format!(
                "the SSV network refuses the snapshot of cluster {operator_ids:?} rebuilt from its events, even after a fresh scan: nothing was sent; check the cluster's events"
            ),
            json!({ "operator_ids": operator_ids }),
        ),
        Decision::Activated { first, count, tx } => (
            "activated",
            format!("activated {count} validator(s) from registry index {first} in {tx}"),
            json!({ "first": first, "count": count, "tx": tx }),
        ),
        Decision::WouldActivate { first, count, calldata } => (
            "dry-run",
            format!("would activate {count} validator(s) from registry index {first} (dry run: nothing sent)"),
            json!({ "first": first, "count": count, "calldata": calldata }),
        ),
        Decision::AnotherKeeperWasFaster => (
            "another-keeper",
            "another keeper (or the operator) activated these entries first; nothing was sent twice".into(),
            json!({}),
        ),
        Decision::StaleReading { reason } => (
            "stale",
            format!("the chain moved under this round ({reason}); the next round re-reads"),
            json!({ "reason": reason.to_string() }),
        ),
        Decision::FrontRun { index, pubkey, credentials } => (
            "front-run",
            format!(
                "STOPPED: registry entry {index} ({pubkey}) was deposited with other withdrawal credentials ({credentials}); \
                 it must never get the pool's 32 ETH. Drop it (dropValidators({index})) and restart the keeper"
            ),
            json!({ "index": index, "pubkey": pubkey, "credentials": credentials }),
        ),
        Decision::Refused { reason } => (
            "refused",
            format!("the pool refused the activation: {reason}"),
            json!({ "reason": reason.to_string() }),
        ),
        Decision::Stopped => (
            "stopped",
            "stopped after a front-run; drop the entry and restart".into(),
            json!({}),
        ),
    }
}

fn entry_problem(problem: &pool_core::activation::EntryProblem) -> String {
    use pool_core::activation::EntryProblem as P;
    match problem {
        P::Malformed => "its pubkey or signature has the wrong length".into(),
        P::DepositSignature => "its deposit signature does not verify for the pool's credentials on this network (the beacon chain would burn the deposit)".into(),
        P::SharesLength { expected, actual } => {
            format!("its key shares are {actual} bytes, not {expected}")
        }
        P::OwnershipSignature { nonce } => format!(
            "its key shares are not signed for the pool as SSV registration {nonce} (SSV would never run it)"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The causes stay typed in the decision; the log line reads as it did when they were text.
    #[test]
    fn the_log_line_puts_the_typed_cause_into_words() {
        let (event, line, figures) = describe(&Decision::StaleReading {
            reason: Stale::RevertedOnChain,
        });
        assert_eq!(event, "stale");
        assert_eq!(
            line,
            "the chain moved under this round (the activation reverted on chain; re-reading); the next round re-reads"
        );
        assert_eq!(
            figures["reason"],
            "the activation reverted on chain; re-reading"
        );
        let (event, line, _) = describe(&Decision::Refused {
            reason: Refusal::TooLarge {
                bytes: 140_000,
                gas: Some(31_000_000),
            },
        });
        assert_eq!(event, "refused");
        assert_eq!(
            line,
            "the pool refused the activation: one validator's activation is 140000 bytes and 31000000 gas: more than a node accepts"
        );
        let (_, line, _) = describe(&Decision::Refused {
            reason: Refusal::Simulation(TxError::WrongChain {
                expected: 1,
                actual: 2,
            }),
        });
        assert!(
            line.starts_with("the pool refused the activation: ") && line.len() > 40,
            "{line}"
        );
    }
}
