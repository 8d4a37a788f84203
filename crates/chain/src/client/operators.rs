//! SSV operators as the console checks them before a ceremony or an activation: their public
//! keys (what key shares are encrypted to, from the network's `OperatorAdded` events), and their
//! live state (removed, private, at the validators-per-operator limit), any of which makes a
//! registration with them revert.
//!
//! "Removed" is the real network's rule, not the views' `isActive`: on v2, `getOperatorById`
//! says `isActive = false` for an operator no ETH flow touched yet (registered before v2), which
//! still accepts registrations (the first one starts its ETH snapshot). The network refuses an
//! operator only when it has neither an ETH nor an SSV snapshot (never registered, or removed by
//! its owner, which zeroes both): `isActive` of `getOperatorById` and of `getOperatorByIdSSV`
//! both false. Should `getOperatorByIdSSV` revert (views without it), `isActive` alone is the
//! rule.

use alloy_primitives::{Address, B256, U64, U256};
use alloy_rpc_client::RpcClient;
use alloy_sol_types::{SolEvent, SolValue};

use super::ChainError;
use super::calls::{Calls, answer, decode};
use super::scan::{ScanError, scan_logs};
use super::ssv::SsvViews;
use crate::logs::{LogFilter, RawLog, Topic};

alloy_sol_types::sol! {
    /// The SSV network's operator registration event (as in the v2 ABI).
    interface SsvOperatorEvents {
        event OperatorAdded(uint64 indexed operatorId, address indexed owner, bytes publicKey, uint256 fee);
    }
}

use SsvOperatorEvents::OperatorAdded;

/// An operator's public key as registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorKey {
    pub id: u64,
    pub owner: Address,
    /// In the key-shares files' form (`operatorKey`): base64 of the PEM text.
    pub public_key: String,
}

/// The key-shares form of an `OperatorAdded` event's `publicKey`: the SSV webapp registers the
/// base64 PEM text ABI-encoded as a `string` (what ssv-keys decodes); raw text is accepted too.
pub fn operator_key_text(public_key: &[u8]) -> Option<String> {
    let text = String::abi_decode(public_key)
        .ok()
        .or_else(|| String::from_utf8(public_key.to_vec()).ok())?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// `OperatorAdded` events of operators `ids` on `ssv_network` in blocks `from..=to`.
fn operators_filter(ssv_network: Address, ids: &[u64], (from, to): (u64, u64)) -> LogFilter {
    let words = ids.iter().map(|id| B256::from(U256::from(*id))).collect();
    LogFilter {
        address: ssv_network,
        topics: vec![
            Some(Topic::One(OperatorAdded::SIGNATURE_HASH)),
            Some(Topic::AnyOf(words)),
        ],
        from_block: U64::from(from),
        to_block: U64::from(to),
    }
}

fn decode_operator_added(log: &RawLog) -> Option<OperatorKey> {
    let event = OperatorAdded::decode_raw_log(log.topics.iter().copied(), &log.data).ok()?;
    Some(OperatorKey {
        id: event.operatorId,
        owner: event.owner,
        public_key: operator_key_text(&event.publicKey)?,
    })
}

/// The public keys of operators `ids`, from `ssv_network`'s `OperatorAdded` events in blocks
/// `from..=to` (from the network's SSV genesis block), in the order of `ids`; an id without an
/// event there (no such operator) is left out.
pub async fn operator_keys(
    client: &RpcClient,
    ssv_network: Address,
    ids: &[u64],
    (from, to): (u64, u64),
    max_window: u64,
) -> Result<Vec<OperatorKey>, ScanError> {
    let mut found: Vec<OperatorKey> = Vec::new();
    if ids.is_empty() {
        return Ok(found);
    }
    scan_logs(
        client,
        from,
        to,
        max_window,
        |range| vec![operators_filter(ssv_network, ids, range)],
        |_, logs| found.extend(logs.iter().flatten().filter_map(decode_operator_added)),
    )
    .await?;
    Ok(ids
        .iter()
        .filter_map(|id| found.iter().find(|key| key.id == *id).cloned())
        .collect())
}

/// An operator as the SSV views contract shows it, and what that means for the pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorState {
    pub id: u64,
    /// Zero when no such operator exists.
    pub owner: Address,
    /// Per block, in wei of ETH.
    pub fee: U256,
    pub validator_count: u32,
    /// The network's validators-per-operator limit.
    pub validator_limit: u32,
    /// The views' `isActive` (on v2: the operator has an ETH snapshot).
    pub is_active: bool,
    /// Registrations with it revert `OperatorDoesNotExist`: removed by its owner (see the
    /// module's notes for the rule).
    pub removed: bool,
    /// Only whitelisted addresses may register validators with it.
    pub is_private: bool,
    /// The pool is among them (legacy address, whitelist or whitelisting contract).
    pub whitelists_pool: bool,
}

/// Why a registration of the pool's validators with an operator would revert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperatorProblem {
    NotFound,
    /// Removed by its owner.
    Inactive,
    /// Private, and the pool is not whitelisted.
    PrivateToOthers,
    /// It already runs as many validators as the network allows.
    AtValidatorLimit {
        count: u32,
        limit: u32,
    },
}

impl OperatorState {
    /// The first reason the pool cannot register a validator with this operator, if any.
    pub fn problem(&self) -> Option<OperatorProblem> {
        if self.owner == Address::ZERO {
            Some(OperatorProblem::NotFound)
        } else if self.removed {
            Some(OperatorProblem::Inactive)
        } else if self.is_private && !self.whitelists_pool {
            Some(OperatorProblem::PrivateToOthers)
        } else if self.validator_count >= self.validator_limit {
            Some(OperatorProblem::AtValidatorLimit {
                count: self.validator_count,
                limit: self.validator_limit,
            })
        } else {
            None
        }
    }

    /// Validators the pool may still add with this operator before its limit.
    pub fn room(&self) -> u32 {
        self.validator_limit.saturating_sub(self.validator_count)
    }
}

/// The state of operators `ids` for registrations by `pool`, from the SSV views contract in
/// one JSON-RPC batch: `getOperatorById` and `getOperatorByIdSSV` each,
/// `getValidatorsPerOperatorLimit`, and `getWhitelistedOperators(ids, pool)` (which knows
/// every whitelisting mechanism of v2).
pub async fn operator_states(
    client: &RpcClient,
    views: Address,
    pool: Address,
    ids: &[u64],
) -> Result<Vec<OperatorState>, ChainError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sorted = ids.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut calls = Calls::new(client);
    let limit = calls.call(views, &SsvViews::getValidatorsPerOperatorLimitCall {})?;
    let whitelisted = calls.call(
        views,
        &SsvViews::getWhitelistedOperatorsCall {
            operatorIds: sorted,
            whitelistedAddress: pool,
        },
    )?;
    let mut operators = Vec::with_capacity(ids.len());
    for id in ids {
        operators.push((
            calls.call(views, &SsvViews::getOperatorByIdCall { operatorId: *id })?,
            calls.call(views, &SsvViews::getOperatorByIdSSVCall { operatorId: *id })?,
        ));
    }
    calls.send().await?;
    let limit = answer::<SsvViews::getValidatorsPerOperatorLimitCall>(limit).await?;
    let whitelisted = answer::<SsvViews::getWhitelistedOperatorsCall>(whitelisted).await?;
    let mut states = Vec::with_capacity(ids.len());
    for (id, (waiter, ssv_waiter)) in ids.iter().zip(operators) {
        let op = answer::<SsvViews::getOperatorByIdCall>(waiter).await?;
        // `None` where the views have no SSV side (the call reverts).
        let ssv_active = match ssv_waiter.await {
            Ok(data) => Some(decode::<SsvViews::getOperatorByIdSSVCall>(&data)?.isActive),
            Err(error)
                if error
                    .as_error_resp()
                    .is_some_and(|e| e.code == 3 || e.message.contains("revert")) =>
            {
                None
            }
            Err(error) => return Err(ChainError::Rpc(error)),
        };
        states.push(OperatorState {
            id: *id,
            owner: op.owner,
            fee: op.fee,
            validator_count: op.validatorCount,
            validator_limit: limit,
            is_active: op.isActive,
            removed: !op.isActive && !ssv_active.unwrap_or(false),
            is_private: op.isPrivate,
            whitelists_pool: whitelisted.contains(id) || op.whitelistedAddress == pool,
        });
    }
    Ok(states)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_event_is_the_real_networks() {
        let events = crate::reference::signatures("ssv-network-v2.abi.json", "event");
        assert!(events.iter().any(|s| s == OperatorAdded::SIGNATURE));
    }

    #[test]
    fn a_key_registered_as_an_abi_string_reads_as_its_text() {
        let text = "LS0tLS1CRUdJTiBSU0EgUFVCTElDIEtFWS0tLS0tCg==";
        assert_eq!(
            operator_key_text(&text.to_string().abi_encode()).as_deref(),
            Some(text)
        );
        assert_eq!(operator_key_text(text.as_bytes()).as_deref(), Some(text));
        assert_eq!(operator_key_text(&[0xff, 0xfe]), None);
    }

    #[test]
    fn the_first_problem_is_named() {
        let ok = OperatorState {
            id: 1,
            owner: Address::repeat_byte(1),
            fee: U256::ZERO,
            validator_count: 3,
            validator_limit: 4,
            is_active: true,
            removed: false,
            is_private: true,
            whitelists_pool: true,
        };
        assert_eq!((ok.problem(), ok.room()), (None, 1));
        let full = OperatorState {
            validator_count: 4,
            ..ok.clone()
        };
        assert_eq!(
            full.problem(),
            Some(OperatorProblem::AtValidatorLimit { count: 4, limit: 4 })
        );
        let private = OperatorState {
            whitelists_pool: false,
            ..ok.clone()
        };
        assert_eq!(private.problem(), Some(OperatorProblem::PrivateToOthers));
        // v2: no ETH snapshot yet, but not removed: registrations work.
        let legacy = OperatorState {
            is_active: false,
            ..ok.clone()
        };
        assert_eq!(legacy.problem(), None);
        let removed = OperatorState {
            is_active: false,
            removed: true,
            ..private
        };
        assert_eq!(removed.problem(), Some(OperatorProblem::Inactive));
        let none = OperatorState {
            owner: Address::ZERO,
            ..ok
        };
        assert_eq!(none.problem(), Some(OperatorProblem::NotFound));
    }
}
