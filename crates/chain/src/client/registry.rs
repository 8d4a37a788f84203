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
use crate::history::{LogFilter, RawLog, Topic};

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

/// The registry kept across reads, for a program that reads it every round (the keeper): a
/// refresh reads only the blocks after those read before. Events older than the reorg margin
/// are applied for good; the newest `margin` blocks are read again at every refresh and applied
/// over a copy, so an event a reorganisation removed or replaced there is never kept.
#[derive(Debug, Clone)]
pub struct RegistryCursor {
    pool: Address,
    /// The registry as the events of blocks before `next` leave it: final.
    settled: RegistryView,
    /// The first block not applied to `settled`.
    next: u64,
    /// `settled` with the events of the blocks above it as last read.
    current: RegistryView,
}

impl RegistryCursor {
    /// A cursor over `pool`'s registry from `from_block` (its deployment block) on.
    pub fn new(pool: Address, from_block: u64) -> Self {
        RegistryCursor {
            pool,
            settled: RegistryView::default(),
            next: from_block,
            current: RegistryView::default(),
        }
    }

    /// The first block the next refresh reads.
    pub fn next_block(&self) -> u64 {
        self.next
    }

    /// The registry up to `head`: blocks from the last settled one on are read (windows of at
    /// most `max_window`), the events of blocks up to `head - margin` become final. On error
    /// nothing changes.
    pub async fn refresh(
        &mut self,
        client: &RpcClient,
        head: u64,
        max_window: u64,
        margin: u64,
    ) -> Result<&RegistryView, ScanError> {
        if self.next > head {
            // The head went back (a reorganisation deeper than the blocks above the settled
            // view, or another node): what is settled stands, the rest is not known.
            self.current = self.settled.clone();
            return Ok(&self.current);
        }
        let mut found: Vec<RawLog> = Vec::new();
        let pool = self.pool;
        scan_logs(
            client,
            self.next,
            head,
            max_window,
            |range| registry_filters(pool, range),
            |_, logs| found.extend(logs.into_iter().flatten()),
        )
        .await?;
        found.sort_by_key(position);
        let settle_to = head.saturating_sub(margin);
        let mut current = None;
        for log in &found {
            let block = log.block_number.map_or(u64::MAX, |b| b.to::<u64>());
            if block <= settle_to {
                self.settled.apply(log);
            } else {
                current
                    .get_or_insert_with(|| self.settled.clone())
                    .apply(log);
            }
        }
        if settle_to >= self.next {
            self.next = settle_to + 1;
        }
        self.current = current.unwrap_or_else(|| self.settled.clone());
        Ok(&self.current)
    }

    /// The registry as the last refresh left it.
    pub fn view(&self) -> &RegistryView {
        &self.current
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
    let pending: Vec<&RegistryEntry> = view
        .entries
        .range(first_pending..)
        .map(|(_, e)| e)
        .collect();
    if pending.is_empty() {
        return Ok(Vec::new());
    }
    let mut calls = Calls::new(client);
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
