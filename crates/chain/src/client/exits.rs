//! The withdrawal queue's exit bookkeeping as the keeper and the oracle read it, and the calls
//! they make of it. Every figure a plan rests on is read at **one block** (the queue's
//! `summary()`, `EXIT_GRACE`, each activated validator's `exitOf` and the block's timestamp),
//! in JSON-RPC batches pinned to that block number, so a request landing meanwhile cannot make
//! the demand and the states disagree.

use alloy_primitives::{Address, Bytes, U64, U256};
use alloy_rpc_client::RpcClient;
use alloy_sol_types::SolCall;
use pool_core::cluster::Cluster;
use pool_core::exits::{Batch, Demand, ExitState, PoolValidator};
use serde::Deserialize;

use super::calls::{Calls, answer};
use super::{ChainError, DecodeCause};
use crate::bindings::PoolManager::ValidatorData;
use crate::bindings::WithdrawalQueue as Q;

/// `exitOf` calls per JSON-RPC batch: public nodes cap a batch (often at 100 to 1000 calls).
pub const EXIT_READS_PER_BATCH: usize = 100;

/// The queue's figures at one block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueFigures {
    pub block: u64,
    /// The block's timestamp (the chain's clock for the grace period and the request ages).
    pub timestamp: u64,
    pub unfinalized_ether: U256,
    pub buffered_ether: U256,
    pub validators_exiting: u64,
    /// The contract's `exitsNeeded`: the most the keeper role may ask to exit now.
    pub exits_needed: u64,
    /// When the oldest waiting request was made, if one waits.
    pub oldest_waiting_at: Option<u64>,
    pub last_request_id: u64,
    pub last_finalized_id: u64,
    /// `EXIT_GRACE`, seconds.
    pub grace: u64,
}

impl QueueFigures {
    pub fn demand(&self) -> Demand {
        Demand {
            unfinalized: self.unfinalized_ether,
            buffered: self.buffered_ether,
            exiting: self.validators_exiting,
        }
    }
}

/// The queue's figures and the exit states of the validators asked about, all at one block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExitReading {
    pub figures: QueueFigures,
    /// The validators asked about, in the order given, with their states.
    pub validators: Vec<PoolValidator>,
}

#[derive(Debug, Deserialize)]
struct BlockTime {
    timestamp: U64,
}

fn saturate(value: U256) -> u64 {
    value.try_into().unwrap_or(u64::MAX)
}

/// Reads `queue`'s summary and grace and the exit state of each of `validators` (registry
/// index and entry) at `block`.
pub async fn read_exits(
    client: &RpcClient,
    queue: Address,
    validators: &[(u64, ValidatorData)],
    block: u64,
) -> Result<ExitReading, ChainError> {
    let mut calls = Calls::at(client, block);
    let summary = calls.call(queue, &Q::summaryCall {})?;
    let grace = calls.call(queue, &Q::EXIT_GRACECall {})?;
    let time = calls.raw::<Option<BlockTime>>(
        "eth_getBlockByNumber",
        serde_json::json!([U64::from(block), false]),
    )?;
    calls.send().await?;
    let summary = answer::<Q::summaryCall>(summary).await?;
    let grace = saturate(answer::<Q::EXIT_GRACECall>(grace).await?);
    let timestamp = time
        .await?
        .ok_or(ChainError::Decode {
            what: "eth_getBlockByNumber",
            cause: DecodeCause::UnknownBlock(block),
        })?
        .timestamp
        .to::<u64>();
    let figures = QueueFigures {
        block,
        timestamp,
        unfinalized_ether: summary.unfinalizedEther,
        buffered_ether: summary.bufferedEther,
        validators_exiting: saturate(summary.validatorsExiting),
        exits_needed: saturate(summary.exitsNeeded),
        oldest_waiting_at: (summary.oldestWaitingAt != 0).then_some(summary.oldestWaitingAt),
        last_request_id: saturate(summary.lastRequestId),
        last_finalized_id: saturate(summary.lastFinalizedId),
        grace,
    };

    let mut states = Vec::with_capacity(validators.len());
    for chunk in validators.chunks(EXIT_READS_PER_BATCH) {
        let mut calls = Calls::at(client, block);
        let mut waiters = Vec::with_capacity(chunk.len());
        for (_, entry) in chunk {
            waiters.push(calls.call(
                queue,
                &Q::exitOfCall {
                    pubkey: entry.pubkey.clone(),
                },
            )?);
        }
        calls.send().await?;
        for ((index, entry), waiter) in chunk.iter().zip(waiters) {
            let record = answer::<Q::exitOfCall>(waiter).await?;
            let state = ExitState::from_u8(record.state).ok_or(ChainError::Decode {
                what: "exitOf",
                cause: DecodeCause::UnknownExitState {
                    state: record.state,
                    entry: *index,
                },
            })?;
            states.push(PoolValidator {
                index: *index,
                pubkey: entry.pubkey.clone(),
                operator_ids: entry.operatorIds.clone(),
                state,
                requested_at: record.since,
                seen_exiting: false,
            });
        }
    }
    Ok(ExitReading {
        figures,
        validators: states,
    })
}

/// `requestExits` of one batch (one operator set).
pub fn request_exits_call(batch: &Batch) -> Bytes {
    Q::requestExitsCall {
        pubkeys: batch.pubkeys(),
        operatorIds: batch.operator_ids.clone(),
    }
    .abi_encode()
    .into()
}

/// `forceExit` of one validator.
pub fn force_exit_call(pubkey: &Bytes) -> Bytes {
    Q::forceExitCall {
        pubkey: pubkey.clone(),
    }
    .abi_encode()
    .into()
}

/// `removeExited` of one batch, with its cluster's latest snapshot.
pub fn remove_exited_call(batch: &Batch, cluster: Cluster) -> Bytes {
    Q::removeExitedCall {
        pubkeys: batch.pubkeys(),
        operatorIds: batch.operator_ids.clone(),
        cluster: cluster.into(),
    }
    .abi_encode()
    .into()
}

/// `reportExits`: the validators seen exiting, and those seen withdrawn.
pub fn report_exits_call(exiting: &[Bytes], withdrawn: &[Bytes]) -> Bytes {
    Q::reportExitsCall {
        exiting: exiting.to_vec(),
        withdrawn: withdrawn.to_vec(),
    }
    .abi_encode()
    .into()
}
