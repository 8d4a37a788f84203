//! The pool's validator registry as its events tell it. The contract stores only a hash chain
//! (one word per entry), so the entries themselves — what activation must pass back exactly —
//! come from `ValidatorRegistered` events, and which were dropped from `ValidatorsDropped`.
//! Read by the console (what is queued, what was dropped, what is ready) and by the keeper (what
//! to activate).

use std::collections::BTreeMap;

use alloy_primitives::{Address, B256, Bytes, U64, U256, keccak256};
use alloy_rpc_client::RpcClient;
use alloy_sol_types::SolEvent;

use super::ChainError;
use super::calls::{Calls, answer};
use super::scan::{ScanError, scan_logs};
use crate::bindings::PoolManager::{self, ValidatorData};
use crate::logs::{LogFilter, REORG_MARGIN, RawLog, Topic};

/// One registry entry, as its `ValidatorRegistered` event carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryEntry {
    pub index: u64,
    pub data: ValidatorData,
    /// The block it was added in (`None` for a pending log).
    pub block: Option<u64>,
}

/// The registry rebuilt from the pool's events over a span of blocks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegistryView {
    /// The entries in the registry now, by index (activated or pending).
    pub entries: BTreeMap<u64, RegistryEntry>,
    /// Entries that were dropped, in the order they were (a dropped pubkey can never come back).
    pub dropped: Vec<RegistryEntry>,
}

impl RegistryView {
    /// Applies one event; events must come in chain order (a drop removes what was registered
    /// before it, a later registration at a dropped index is the new entry).
    fn apply(&mut self, log: &RawLog) {
        let topics = || log.topics.iter().copied();
        if let Ok(event) = PoolManager::ValidatorRegistered::decode_raw_log(topics(), &log.data) {
            let index = event.index.saturating_to::<u64>();
            let entry = RegistryEntry {
                index,
                block: log.block_number.map(|b| b.to()),
                data: ValidatorData {
                    pubkey: event.pubkey,
                    signature: event.signature,
                    depositDataRoot: event.depositDataRoot,
                    operatorIds: event.operatorIds,
                    sharesData: event.sharesData,
                },
            };
            self.entries.insert(index, entry);
        } else if let Ok(event) =
            PoolManager::ValidatorsDropped::decode_raw_log(topics(), &log.data)
        {
            let from = event.fromIndex.saturating_to::<u64>();
            let gone = self.entries.split_off(&from);
            self.dropped.extend(gone.into_values());
        }
    }

    /// The entries `first..first + count`, or the first index the events did not cover (the
    /// scan started after it was added).
    pub fn range(&self, first: u64, count: u64) -> Result<Vec<ValidatorData>, u64> {
        (first..first + count)
            .map(|index| {
                self.entries
                    .get(&index)
                    .map(|e| e.data.clone())
                    .ok_or(index)
            })
            .collect()
    }

    /// The pubkeys dropped from the registry.
    pub fn dropped_pubkeys(&self) -> Vec<Bytes> {
        self.dropped.iter().map(|e| e.data.pubkey.clone()).collect()
    }
}

/// `ValidatorRegistered` and `ValidatorsDropped` of `pool` in blocks `from..=to`.
fn registry_filters(pool: Address, (from, to): (u64, u64)) -> Vec<LogFilter> {
    [
        PoolManager::ValidatorRegistered::SIGNATURE_HASH,
        PoolManager::ValidatorsDropped::SIGNATURE_HASH,
    ]
    .into_iter()
    .map(|topic| LogFilter {
        address: pool,
        topics: vec![Some(Topic::One(topic))],
        from_block: U64::from(from),
        to_block: U64::from(to),
    })
    .collect()
}

/// Chain order of a log; a pending log (no position) goes last.
fn position(log: &RawLog) -> (u64, u64) {
    let at = |n: Option<U64>| n.map_or(u64::MAX, |n| n.to());
    (at(log.block_number), at(log.log_index))
}

/// The registry as `pool`'s events over blocks `from..=to` leave it (scan from the pool's
/// deployment block for every entry): the current entries with their full data, and the
/// dropped ones. Windows of at most `max_window` blocks, one batch of both filters each.
pub async fn registry_entries(
    client: &RpcClient,
    pool: Address,
    (from, to): (u64, u64),
    max_window: u64,
) -> Result<RegistryView, ScanError> {
    let mut view = RegistryView::default();
    scan_logs(
        client,
        from,
        to,
        max_window,
        |range| registry_filters(pool, range),
        |_, logs| {
            // Windows come in block order; within one, merge the two filters' logs.
            let mut window: Vec<&RawLog> = logs.iter().flatten().collect();
            window.sort_by_key(|log| position(log));
            for log in window {
                view.apply(log);
            }
        },
    )
    .await?;
    Ok(view)
}

/// The registry kept across reads: the events deeper than [`REORG_MARGIN`] are applied once
/// and kept (`settled`), the recent ones are read again at each refresh and applied over a copy,
/// so a round reads the blocks since the last one and the margin, not the pool's whole life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryCursor {
    pool: Address,
    settled: RegistryView,
    /// The first block not settled.
    next: u64,
    /// The registry as of the last refresh.
    current: RegistryView,
    read_to: Option<u64>,
}

impl RegistryCursor {
    /// A cursor over `pool`'s registry events from its deployment block on.
    pub fn new(pool: Address, deployment_block: u64) -> Self {
        RegistryCursor {
            pool,
            settled: RegistryView::default(),
            next: deployment_block,
            current: RegistryView::default(),
            read_to: None,
        }
    }

    /// Brings the registry up to block `to`.
    pub async fn refresh(
        &mut self,
        client: &RpcClient,
        to: u64,
        max_window: u64,
    ) -> Result<&RegistryView, ScanError> {
        let mut logs: Vec<RawLog> = Vec::new();
        if self.next <= to {
            scan_logs(
                client,
                self.next,
                to,
                max_window,
                |range| registry_filters(self.pool, range),
                |_, window| logs.extend(window.into_iter().flatten()),
            )
            .await?;
        }
        logs.sort_by_key(position);
        let settle_through = to.saturating_sub(REORG_MARGIN);
        let (deep, recent): (Vec<RawLog>, Vec<RawLog>) = logs.into_iter().partition(|log| {
            log.block_number
                .is_some_and(|b| b.to::<u64>() <= settle_through)
        });
        for log in &deep {
            self.settled.apply(log);
        }
        if settle_through >= self.next {
            self.next = settle_through + 1;
        }
        let mut current = self.settled.clone();
        for log in &recent {
            current.apply(log);
        }
        self.current = current;
        self.read_to = Some(to);
        Ok(&self.current)
    }

    /// The registry as of the last refresh.
    pub fn view(&self) -> &RegistryView {
        &self.current
    }

    /// The first block the next refresh reads (the settled view ends before it).
    pub fn next_block(&self) -> u64 {
        self.next
    }

    /// The block the last refresh read up to.
    pub fn read_to(&self) -> Option<u64> {
        self.read_to
    }
}

/// A registry entry waiting for activation, with what the console needs to say about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingEntry {
    pub index: u64,
    pub pubkey: Bytes,
    pub operator_ids: Vec<u64>,
    /// The first block it may be activated in (`getValidator(index).readyAt`).
    pub ready_at: u64,
    /// Whether the event's data is what the registry holds (its hash chain link matches): only
    /// then will an activation with it pass the contract's check.
    pub matches_registry: bool,
}

impl PendingEntry {
    /// The entry as the activation rules take it.
    pub fn candidate(&self) -> pool_core::activation::Candidate {
        pool_core::activation::Candidate {
            index: self.index,
            operator_ids: self.operator_ids.clone(),
            ready_at: self.ready_at,
            matches_registry: self.matches_registry,
        }
    }
}

/// The entries of `view` from `first_pending` (the pool's `activatedValidators`) on, with their
/// readiness and their check against the registry's hash chain, read in one batch of
/// `getValidator` (the entry before the first pending one too, whose link the chain starts
/// from). An index `view` lacks is left out.
pub async fn pending_entries(
    client: &RpcClient,
    pool: Address,
    view: &RegistryView,
    first_pending: u64,
) -> Result<Vec<PendingEntry>, ChainError> {
    pending_entries_at(client, pool, view, first_pending, None).await
}

/// [`pending_entries`] read at `block` (`None`: the latest).
pub(super) async fn pending_entries_at(
    client: &RpcClient,
    pool: Address,
    view: &RegistryView,
    first_pending: u64,
    block: Option<u64>,
) -> Result<Vec<PendingEntry>, ChainError> {
    let pending: Vec<&RegistryEntry> = view
        .entries
        .range(first_pending..)
        .map(|(_, e)| e)
        .collect();
    if pending.is_empty() {
        return Ok(Vec::new());
    }
    let mut calls = match block {
        Some(block) => Calls::at(client, block),
        None => Calls::new(client),
    };
    let previous = match first_pending {
        0 => None,
        n => Some(calls.call(
            pool,
            &PoolManager::getValidatorCall {
                index: U256::from(n - 1),
            },
        )?),
    };
    let mut answers = Vec::with_capacity(pending.len());
    for entry in &pending {
        answers.push(calls.call(
            pool,
            &PoolManager::getValidatorCall {
                index: U256::from(entry.index),
            },
        )?);
    }
    calls.send().await?;
    let mut link = match previous {
        None => B256::ZERO,
        Some(waiter) => answer::<PoolManager::getValidatorCall>(waiter).await?.link,
    };
    let mut expected_index = first_pending;
    let mut entries = Vec::with_capacity(pending.len());
    for (entry, waiter) in pending.into_iter().zip(answers) {
        let onchain = answer::<PoolManager::getValidatorCall>(waiter).await?;
        // A gap in the view breaks the chain: the entry after it cannot be checked.
        let chained = entry.index == expected_index;
        let matches_registry = chained
            && onchain.pubkeyHash == keccak256(&entry.data.pubkey)
            && crate::registry::link(link, &entry.data) == onchain.link;
        link = onchain.link;
        expected_index = entry.index + 1;
        entries.push(PendingEntry {
            index: entry.index,
            pubkey: entry.data.pubkey.clone(),
            operator_ids: entry.data.operatorIds.clone(),
            ready_at: onchain.readyAt.saturating_to(),
            matches_registry,
        });
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(byte: u8) -> ValidatorData {
        ValidatorData {
            pubkey: Bytes::from(vec![byte; 48]),
            signature: Bytes::from(vec![byte; 96]),
            depositDataRoot: B256::repeat_byte(byte),
            operatorIds: vec![1, 2, 3, 4],
            sharesData: Bytes::new(),
        }
    }

    fn registered(index: u64, byte: u8, block: u64) -> RawLog {
        let e = entry(byte);
        let data = PoolManager::ValidatorRegistered {
            index: U256::from(index),
            pubkey: e.pubkey,
            signature: e.signature,
            depositDataRoot: e.depositDataRoot,
            operatorIds: e.operatorIds,
            sharesData: e.sharesData,
        }
        .encode_log_data();
        raw(data, block)
    }

    fn dropped(from: u64, count: u64, block: u64) -> RawLog {
        let data = PoolManager::ValidatorsDropped {
            fromIndex: U256::from(from),
            count: U256::from(count),
            by: Address::ZERO,
        }
        .encode_log_data();
        raw(data, block)
    }

    fn raw(data: alloy_primitives::LogData, block: u64) -> RawLog {
        RawLog {
            address: Address::ZERO,
            topics: data.topics().to_vec(),
            data: data.data,
            block_number: Some(U64::from(block)),
            log_index: Some(U64::ZERO),
        }
    }

    #[test]
    fn a_drop_removes_the_suffix_and_a_later_registration_takes_the_index() {
        let mut view = RegistryView::default();
        for log in [
            registered(0, 1, 1),
            registered(1, 2, 1),
            registered(2, 3, 1),
            dropped(1, 2, 2),
            registered(1, 4, 3),
        ] {
            view.apply(&log);
        }
        assert_eq!(view.entries.len(), 2);
        assert_eq!(view.entries[&1].data.pubkey, entry(4).pubkey);
        assert_eq!(view.entries[&1].block, Some(3));
        assert_eq!(
            view.dropped_pubkeys(),
            vec![entry(2).pubkey, entry(3).pubkey]
        );
        assert_eq!(view.range(0, 2).unwrap()[1], entry(4));
        assert_eq!(view.range(1, 2), Err(2));
    }

    #[test]
    fn chain_order_puts_pending_logs_last() {
        let mut pending = registered(0, 1, 5);
        pending.block_number = None;
        assert!(position(&pending) > position(&registered(0, 1, 9)));
    }
}
