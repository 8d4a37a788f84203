//! The transaction flow every sender uses (a staker's deposit, the operator's registry and
//! cluster transactions, the keeper's activations): simulate, send after checking the sender is
//! on the expected chain, then follow to the receipt, or to the transaction that replaced it by
//! nonce (a speed-up or a cancellation in the wallet).
//!
//! Reads go through `reader` (the configured node), sends through `sender` (the wallet in the
//! browser, a signing node or provider natively). Time comes from the caller's `sleep`.

use std::fmt;
use std::future::Future;

use alloy_primitives::{Address, B256, Bytes, U64};
use alloy_rpc_client::RpcClient;
use serde::Deserialize;

use serde_json::json;

use super::{ChainError, call};
use crate::revert::ContractError;
use crate::rpc::{TxReceipt, TxRequest};

/// How far back to look for the transaction that replaced ours.
pub const REPLACEMENT_SEARCH_BLOCKS: u64 = 50;

/// Polls in a row in which the node knows neither the transaction nor a use of its nonce before
/// it is taken as dropped (evicted from the mempool, or never broadcast): 30 s at the page's
/// 1 s polls, time for a slow node to hear of a fresh transaction.
pub const DROPPED_AFTER_UNSEEN_POLLS: u32 = 30;

/// Why a transaction was not sent.
#[derive(Debug)]
pub enum TxError {
    /// The simulation reverted: nothing was sent. `error` is the contract's, when known.
    Reverted {
        error: Option<ContractError>,
        cause: ChainError,
    },
    /// The sender is on another chain: nothing was sent.
    WrongChain { expected: u64, actual: u64 },
    /// The request failed (a wallet's refusal keeps its EIP-1193 code in the cause).
    Rpc(ChainError),
}

impl TxError {
    /// The contract's own error, when the transaction would revert with one.
    pub fn contract_error(&self) -> Option<&ContractError> {
        match self {
            TxError::Reverted { error, .. } => error.as_ref(),
            _ => None,
        }
    }
}

impl fmt::Display for TxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TxError::Reverted {
                error: Some(error), ..
            } => write!(f, "{error}"),
            TxError::Reverted { cause, .. } => {
                write!(f, "The transaction would fail, so it was not sent: {cause}")
            }
            TxError::WrongChain { expected, actual } => write!(
                f,
                "The wallet is on chain {actual}, not {expected}: switch networks; nothing was sent."
            ),
            TxError::Rpc(cause) => write!(f, "{cause}"),
        }
    }
}

impl std::error::Error for TxError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            TxError::Reverted { cause, .. } | TxError::Rpc(cause) => Some(cause),
            TxError::WrongChain { .. } => None,
        }
    }
}

impl From<ChainError> for TxError {
    fn from(cause: ChainError) -> Self {
        TxError::Rpc(cause)
    }
}

/// Runs `tx` as a call on the latest block: a revert comes back decoded, before anyone signs.
pub async fn simulate(reader: &RpcClient, tx: &TxRequest) -> Result<(), TxError> {
    match call::<Bytes>(reader, "eth_call", json!([tx, "latest"])).await {
        Ok(_) => Ok(()),
        Err(error) => {
            let revert = error
                .as_error_resp()
                .and_then(|payload| payload.as_revert_data());
            match revert {
                Some(data) => Err(TxError::Reverted {
                    error: ContractError::decode(&data),
                    cause: ChainError::Rpc(error),
                }),
                None => Err(TxError::Rpc(ChainError::Rpc(error))),
            }
        }
    }
}

/// The gas the node estimates for `tx` at the latest block (`eth_estimateGas`): a simulation
/// that also says how much gas the transaction needs. A revert comes back decoded.
pub async fn simulate_gas(reader: &RpcClient, tx: &TxRequest) -> Result<u64, TxError> {
    match call::<U64>(reader, "eth_estimateGas", json!([tx, "latest"])).await {
        Ok(gas) => Ok(gas.to()),
        Err(error) => {
            let revert = error
                .as_error_resp()
                .and_then(|payload| payload.as_revert_data());
            match revert {
                Some(data) => Err(TxError::Reverted {
                    error: ContractError::decode(&data),
                    cause: ChainError::Rpc(error),
                }),
                None => Err(TxError::Rpc(ChainError::Rpc(error))),
            }
        }
    }
}

/// A transaction handed to the sender, with what following it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub hash: B256,
    pub tx: TxRequest,
    /// The head when it was sent: replacements are looked for from here.
    pub start_block: u64,
    /// The nonce the sender was most likely to use, in case the transaction is replaced before
    /// it is ever seen.
    pub expected_nonce: Option<U64>,
}

/// Checks that `sender` is on `chain_id`, then sends `tx` with `eth_sendTransaction` (the
/// sender signs: a wallet, or an unlocked node account).
pub async fn send(
    sender: &RpcClient,
    reader: &RpcClient,
    tx: &TxRequest,
    chain_id: u64,
) -> Result<Submission, TxError> {
    let actual = call::<U64>(sender, "eth_chainId", json!([]))
        .await
        .map_err(ChainError::Rpc)?
        .to::<u64>();
    if actual != chain_id {
        return Err(TxError::WrongChain {
            expected: chain_id,
            actual,
        });
    }
    let start_block = call::<U64>(reader, "eth_blockNumber", json!([]))
        .await
        .map_err(ChainError::Rpc)?
        .to::<u64>();
    let expected_nonce = match tx.from {
        Some(from) => call::<U64>(reader, "eth_getTransactionCount", json!([from, "pending"]))
            .await
            .ok(),
        None => None,
    };
    // A contract wallet (a Safe) may answer with no hash: the transaction waits for its
    // co-signers and will be mined, if ever, under a hash nobody knows yet.
    let hash = call::<Option<B256>>(sender, "eth_sendTransaction", json!([tx]))
        .await
        .map_err(ChainError::Rpc)?;
    Ok(match hash {
        Some(hash) => Submission::Sent(Sent {
            hash,
            tx: tx.clone(),
            start_block,
            expected_nonce,
        }),
        None => Submission::AwaitingCosigners,
    })
}

/// What the sender did with a transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submission {
    /// Broadcast under this hash: follow it.
    Sent(Sent),
    /// Accepted without a hash (a multisig collecting signatures): follow the contract's state.
    AwaitingCosigners,
}

/// Whether `account` is a contract (a Safe, a smart account): its transactions may wait for
/// co-signers and reach the chain under another hash, so the pool's state is what to follow.
pub async fn is_contract(reader: &RpcClient, account: Address) -> Result<bool, ChainError> {
    let code: Bytes = call(reader, "eth_getCode", json!([account, "latest"])).await?;
    Ok(!code.is_empty())
}

/// How a sent transaction ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Mined and succeeded; `replaced` when it is the wallet's speed-up of ours (same nonce,
    /// same call).
    Mined { receipt: TxReceipt, replaced: bool },
    /// Mined and reverted (the fee was paid, nothing else happened).
    Reverted { receipt: TxReceipt },
    /// Replaced by another transaction of the same nonce that does something else.
    Cancelled,
    /// Neither it nor another transaction of its nonce reached the node for
    /// [`DROPPED_AFTER_UNSEEN_POLLS`] polls: it is not mined and nothing replaced it.
    Dropped,
}

/// The fields of a transaction the follower needs.
#[derive(Debug, Clone, Deserialize)]
struct SentTx {
    hash: B256,
    from: Address,
    to: Option<Address>,
    nonce: U64,
    #[serde(default)]
    input: Bytes,
}

#[derive(Debug, Clone, Deserialize)]
struct BlockWithTxs {
    transactions: Vec<SentTx>,
}

/// Polls for the receipt every `poll_ms` (through `sleep`, which may also wait for the tab to
/// be visible). When the transaction disappears and the account's nonce has moved past it, it
/// was replaced: a transaction of the same nonce with the same call is a speed-up, followed to
/// its receipt; anything else is a cancellation. When the node knows neither the transaction
/// nor a use of its nonce for [`DROPPED_AFTER_UNSEEN_POLLS`] polls in a row, it was dropped.
/// Read errors are retried (and are no evidence of a drop): the transaction is out already, and
/// only the chain can say how it ends.
pub async fn follow<S, F>(reader: &RpcClient, sent: &Sent, poll_ms: u32, sleep: S) -> Outcome
where
    S: Fn(u32) -> F,
    F: Future<Output = ()>,
{
    let mut follower = Follower::new(sent.clone(), DROPPED_AFTER_UNSEEN_POLLS);
    loop {
        if let Some(outcome) = follower.poll(reader).await {
            return outcome;
        }
        sleep(poll_ms).await;
    }
}

/// [`follow`] one poll at a time, for a sender that keeps its own clock (a deadline, a fee bump
/// of a stuck transaction): the caller sleeps between polls. A sender that replaces its own
/// transaction (same nonce, same call, higher fees) adds the new hash with
/// [`Follower::also`]; whichever of them is mined ends the follow.
#[derive(Debug, Clone)]
pub struct Follower {
    sent: Sent,
    /// Every hash sent for this nonce, the newest last.
    hashes: Vec<B256>,
    nonce: Option<U64>,
    unseen: u32,
    dropped_after: u32,
    seen: bool,
}

impl Follower {
    /// Follows `sent`; it is taken as dropped after `dropped_after` polls in a row in which the
    /// node knows none of its hashes and its nonce is unused.
    pub fn new(sent: Sent, dropped_after: u32) -> Follower {
        Follower {
            nonce: sent.expected_nonce,
            hashes: vec![sent.hash],
            sent,
            unseen: 0,
            dropped_after: dropped_after.max(1),
            seen: false,
        }
    }

    /// Also follows `hash`, a replacement of ours of the same nonce and call.
    pub fn also(&mut self, hash: B256) {
        if !self.hashes.contains(&hash) {
            self.hashes.push(hash);
        }
    }

    /// Whether the last poll found one of the hashes waiting in the node.
    pub fn seen(&self) -> bool {
        self.seen
    }

    /// The nonce the transaction holds, as far as known.
    pub fn nonce(&self) -> Option<U64> {
        self.nonce
    }

    /// One poll: the outcome, or `None` while the transaction waits (or the node could not say).
    pub async fn poll(&mut self, reader: &RpcClient) -> Option<Outcome> {
        self.seen = false;
        let from = self.sent.tx.from.unwrap_or_default();
        for hash in self.hashes.iter().rev() {
            if let Ok(Some(receipt)) =
                call::<Option<TxReceipt>>(reader, "eth_getTransactionReceipt", json!([hash])).await
            {
                return Some(ended(receipt, *hash != self.sent.hash));
            }
        }
        let mut read_failed = false;
        for hash in self.hashes.iter().rev() {
            match call::<Option<SentTx>>(reader, "eth_getTransactionByHash", json!([hash])).await {
                Ok(Some(seen)) => {
                    self.nonce = Some(seen.nonce);
                    self.seen = true;
                    break;
                }
                Ok(None) => {}
                Err(_) => read_failed = true,
            }
        }
        if self.seen {
            self.unseen = 0;
            return None;
        }
        if read_failed {
            return None;
        }
        let count = match self.nonce {
            Some(_) => call::<U64>(reader, "eth_getTransactionCount", json!([from, "latest"]))
                .await
                .ok(),
            None => None,
        };
        match (self.nonce, count) {
            (Some(nonce), Some(count)) if count > nonce => {
                replacement(reader, &self.sent, from, nonce).await
            }
            // Unknown, and its nonce unused: one more poll of evidence of a drop.
            (Some(_), Some(_)) | (None, _) => {
                self.unseen += 1;
                (self.unseen >= self.dropped_after).then_some(Outcome::Dropped)
            }
            (Some(_), None) => None,
        }
    }
}

/// Hands a transaction signed by the caller (its EIP-2718 encoding) to the node:
/// `eth_sendRawTransaction`, its hash back.
pub async fn send_raw(reader: &RpcClient, raw: &Bytes) -> Result<B256, ChainError> {
    Ok(call::<B256>(reader, "eth_sendRawTransaction", json!([raw])).await?)
}

/// Whether a node's refusal of a transaction says its fees are too low to replace the one
/// waiting with its nonce (geth and reth: "replacement transaction underpriced"; Nethermind:
/// "ReplacementNotAllowed"/"FeeTooLowToCompete"; anvil: "replacement transaction underpriced").
pub fn is_underpriced(error: &ChainError) -> bool {
    let ChainError::Rpc(alloy_json_rpc::RpcError::ErrorResp(payload)) = error else {
        return false;
    };
    let message = payload.message.to_ascii_lowercase();
    message.contains("underpriced")
        || message.contains("replacementnotallowed")
        || message.contains("feetoolowtocompete")
}

/// The transaction of `from` with `nonce` mined since `sent` was: `None` while it cannot be
/// read (try again later).
async fn replacement(
    reader: &RpcClient,
    sent: &Sent,
    from: Address,
    nonce: U64,
) -> Option<Outcome> {
    let latest = call::<U64>(reader, "eth_blockNumber", json!([]))
        .await
        .ok()?
        .to::<u64>();
    let first = sent
        .start_block
        .max(latest.saturating_sub(REPLACEMENT_SEARCH_BLOCKS));
    for number in (first..=latest).rev() {
        let block = call::<Option<BlockWithTxs>>(
            reader,
            "eth_getBlockByNumber",
            json!([U64::from(number), true]),
        )
        .await
        .ok()??;
        let Some(replacement) = block
            .transactions
            .into_iter()
            .find(|t| t.from == from && t.nonce == nonce)
        else {
            continue;
        };
        if replacement.to == Some(sent.tx.to) && replacement.input == sent.tx.data {
            let receipt = call::<Option<TxReceipt>>(
                reader,
                "eth_getTransactionReceipt",
                json!([replacement.hash]),
            )
            .await
            .ok()??;
            return Some(ended(receipt, true));
        }
        return Some(Outcome::Cancelled);
    }
    // The nonce moved but its transaction is older than the search: it did something else.
    Some(Outcome::Cancelled)
}

fn ended(receipt: TxReceipt, replaced: bool) -> Outcome {
    if receipt.succeeded() {
        Outcome::Mined { receipt, replaced }
    } else {
        Outcome::Reverted { receipt }
    }
}

/// Blocks on top of `block`, itself included (1 when it is the head).
pub async fn confirmations(reader: &RpcClient, block: u64) -> Result<u64, ChainError> {
    let head = call::<U64>(reader, "eth_blockNumber", json!([]))
        .await?
        .to::<u64>();
    Ok((head + 1).saturating_sub(block))
}
