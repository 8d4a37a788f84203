//! The keeper's one way to send: every duty's transaction is signed here with the keeper's key,
//! handed to the node raw, and followed with the client layer's flow
//! ([`pool_chain::client::tx::Follower`]) to its receipt, its replacement or its drop, within a
//! deadline. A transaction still waiting after `bump_after` is sent again with the same nonce,
//! the same call and fees 10% higher at least on both fields (what nodes require of a
//! replacement), so there is never more than one live transaction of the keeper's per nonce;
//! one given up at the deadline is remembered, and the next send replaces it (same nonce)
//! rather than queueing a second one behind it.

use std::fmt;
use std::time::{Duration, Instant};

use alloy::eips::eip2718::Encodable2718;
use alloy::network::{NetworkTransactionBuilder, TransactionBuilder};
use alloy::primitives::{Address, B256, Bytes, U64};
use pool_chain::client::tx::{self, Follower, Outcome};
use pool_chain::client::{ChainError, call, fee_market};
use pool_chain::rpc::{TxReceipt, TxRequest};
use pool_core::gas::{Fees, MAX_TRANSACTION_GAS};
use serde_json::json;

use crate::keeper::Keeper;
use crate::send_state::InFlight;
pub use crate::send_state::SendOptions;

/// How a send ended. Every variant but the two mined ones leaves the duty's plan undone; only
/// [`Sent::GaveUp`] leaves a transaction live (its nonce still pending).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    /// Mined and succeeded (possibly as one of the keeper's fee bumps).
    Mined { receipt: TxReceipt, bumps: u32 },
    /// Mined and reverted: the fee was paid, nothing else happened.
    Reverted { receipt: TxReceipt, bumps: u32 },
    /// Another transaction of the keeper's account took the nonce (someone using the same
    /// key): this one will never be mined.
    Replaced { nonce: u64 },
    /// The node forgot the transaction and its nonce is unused: not mined, not re-sent (the
    /// next round plans again from fresh reads).
    Dropped { hash: B256, nonce: u64 },
    /// The deadline passed with the transaction still waiting; the next send replaces it.
    GaveUp { hash: B256, nonce: u64, bumps: u32 },
}

impl Sent {
    /// The receipt of a mined transaction.
    pub fn receipt(&self) -> Option<&TxReceipt> {
        match self {
            Sent::Mined { receipt, .. } | Sent::Reverted { receipt, .. } => Some(receipt),
            _ => None,
        }
    }
}

impl fmt::Display for Sent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Sent::Mined { receipt, bumps } => write!(
                f,
                "mined in {} at block {} (fee bumps: {bumps})",
                receipt.transaction_hash, receipt.block_number
            ),
            Sent::Reverted { receipt, .. } => write!(
                f,
                "{} reverted on chain at block {}",
                receipt.transaction_hash, receipt.block_number
            ),
            Sent::Replaced { nonce } => write!(
                f,
                "another transaction of the keeper's account took nonce {nonce}: is the key used elsewhere?"
            ),
            Sent::Dropped { hash, nonce } => write!(
                f,
                "the node dropped {hash} (nonce {nonce} unused); not re-sent, the next round plans again"
            ),
            Sent::GaveUp { hash, nonce, bumps } => write!(
                f,
                "{hash} was not mined before the deadline (nonce {nonce} still pending after {bumps} fee bump(s)); the next send replaces it"
            ),
        }
    }
}

/// Why nothing was sent.
#[derive(Debug)]
pub enum SendError {
    /// The node would not estimate the transaction: it would revert (the caller's plan is stale).
    WouldRevert(ChainError),
    /// The transaction needs more gas than one transaction may carry (EIP-7825).
    TooMuchGas { estimate: u64 },
    /// Reading the nonce or the fees, or handing the transaction over, failed.
    Rpc(ChainError),
    /// Signing failed (a key or a request the signer refuses): the builder's error, kept.
    Sign(Box<alloy::network::TransactionBuilderError<alloy::network::Ethereum>>),
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendError::WouldRevert(cause) => {
                write!(f, "the transaction would revert, nothing was sent: {cause}")
            }
            SendError::TooMuchGas { estimate } => write!(
                f,
                "the transaction needs {estimate} gas, over the {MAX_TRANSACTION_GAS} one transaction may carry; nothing was sent"
            ),
            SendError::Rpc(cause) => write!(f, "nothing was sent: {cause}"),
            SendError::Sign(cause) => write!(f, "signing failed, nothing was sent: {cause}"),
        }
    }
}

impl std::error::Error for SendError {}

impl From<ChainError> for SendError {
    fn from(cause: ChainError) -> Self {
        SendError::Rpc(cause)
    }
}

/// Replacements tried when the node says the fees do not beat the transaction waiting there.
const UNDERPRICED_RETRIES: u32 = 5;

impl Keeper {
    /// Sends `calldata` to the pool and follows it for at most `deadline`: see [`Sent`].
    pub async fn send(
        &mut self,
        calldata: impl Into<Bytes>,
        deadline: Duration,
    ) -> Result<Sent, SendError> {
        let to = self.pool;
        self.send_to(to, calldata.into(), deadline).await
    }

    /// [`Keeper::send`] to any contract (or account).
    pub async fn send_to(
        &mut self,
        to: Address,
        data: Bytes,
        deadline: Duration,
    ) -> Result<Sent, SendError> {
        let sent = self.send_and_follow(to, data, deadline).await?;
        if sent.receipt().is_none() {
            if let Ok(mut figures) = self.figures.lock() {
                figures.sends_unmined += 1;
            }
            self.log.line(
                "send-unmined",
                &format!("the transaction was not mined: {sent}"),
                json!({ "outcome": format!("{sent:?}") }),
            );
        }
        Ok(sent)
    }

    async fn send_and_follow(
        &mut self,
        to: Address,
        data: Bytes,
        deadline: Duration,
    ) -> Result<Sent, SendError> {
        let started = Instant::now();
        let from = self.account;
        let request = TxRequest {
            from: Some(from),
            to,
            value: None,
            data: data.clone(),
        };
        let estimate = call::<U64>(&self.reader, "eth_estimateGas", json!([request]))
            .await
            .map_err(|e| SendError::WouldRevert(ChainError::Rpc(e)))?
            .to::<u64>();
        // A margin for state that moves between the estimate and the block.
        let gas = (estimate + estimate / 5).min(MAX_TRANSACTION_GAS);
        if estimate > MAX_TRANSACTION_GAS {
            return Err(SendError::TooMuchGas { estimate });
        }
        let mined = call::<U64>(
            &self.reader,
            "eth_getTransactionCount",
            json!([from, "latest"]),
        )
        .await
        .map_err(ChainError::Rpc)?
        .to::<u64>();
        // A transaction given up earlier and not mined since is replaced, not queued behind.
        let previous = self.in_flight.take().filter(|f| f.nonce >= mined);
        let nonce = previous.as_ref().map_or(mined, |f| f.nonce);
        let market = fee_market(&self.reader).await?;
        let minimum = self.send_options.min_priority_fee;
        let mut fees = match &previous {
            Some(old) => old.fees.replacement(market, minimum),
            None => Fees::for_market(market, minimum),
        };
        let start_block = call::<U64>(&self.reader, "eth_blockNumber", json!([]))
            .await
            .map_err(ChainError::Rpc)?
            .to::<u64>();
        let mut tries = 0;
        let hash = loop {
            match self.sign_and_send(to, &data, nonce, gas, fees).await {
                Ok(hash) => break hash,
                // Something of ours waits with this nonce (sent before a restart): outbid it.
                Err(SendError::Rpc(e)) if tx::is_underpriced(&e) && tries < UNDERPRICED_RETRIES => {
                    tries += 1;
                    fees = fees.replacement(market, minimum);
                }
                Err(e) => {
                    // The earlier transaction may still be live: keep it for the next send.
                    self.in_flight = previous;
                    return Err(e);
                }
            }
        };
        let mut follower = Follower::new(
            tx::Sent {
                hash,
                tx: request,
                start_block,
                expected_nonce: Some(U64::from(nonce)),
            },
            self.send_options.dropped_after_polls,
        );
        if let Some(old) = &previous {
            follower.also(old.hash);
        }
        let mut latest = hash;
        let mut bumps = 0;
        let mut last_sent = Instant::now();
        loop {
            if let Some(outcome) = follower.poll(&self.reader).await {
                return Ok(match outcome {
                    Outcome::Mined { receipt, .. } => Sent::Mined { receipt, bumps },
                    Outcome::Reverted { receipt } => Sent::Reverted { receipt, bumps },
                    Outcome::Cancelled => Sent::Replaced { nonce },
                    Outcome::Dropped => Sent::Dropped {
                        hash: latest,
                        nonce,
                    },
                });
            }
            if started.elapsed() >= deadline {
                self.in_flight = Some(InFlight {
                    nonce,
                    fees,
                    hash: latest,
                });
                return Ok(Sent::GaveUp {
                    hash: latest,
                    nonce,
                    bumps,
                });
            }
            // Only a transaction the node holds is bumped: one it forgot is let go as dropped.
            // The transaction is out: a failed read here skips this bump, never ends the follow.
            if follower.seen() && last_sent.elapsed() >= self.send_options.bump_after {
                last_sent = Instant::now();
                let Ok(market) = fee_market(&self.reader).await else {
                    continue;
                };
                let bumped = fees.replacement(market, minimum);
                // Refused ("nonce too low": mined meanwhile, or the node's own reason): the next
                // poll says how it ended.
                if let Ok(hash) = self.sign_and_send(to, &data, nonce, gas, bumped).await {
                    follower.also(hash);
                    latest = hash;
                    fees = bumped;
                    bumps += 1;
                    self.log.line(
                        "fee-bump",
                        &format!(
                            "transaction with nonce {nonce} not mined after {}s: sent again as {hash} with fees {} / {} wei per gas",
                            self.send_options.bump_after.as_secs(),
                            bumped.max_fee,
                            bumped.max_priority_fee
                        ),
                        json!({ "nonce": nonce, "tx": hash, "max_fee": bumped.max_fee.to_string(),
                            "max_priority_fee": bumped.max_priority_fee.to_string() }),
                    );
                    if let Ok(mut figures) = self.figures.lock() {
                        figures.fee_bumps += 1;
                    }
                }
            }
            tokio::time::sleep(self.send_options.poll).await;
        }
    }

    async fn sign_and_send(
        &self,
        to: Address,
        data: &Bytes,
        nonce: u64,
        gas: u64,
        fees: Fees,
    ) -> Result<B256, SendError> {
        let request = alloy::rpc::types::TransactionRequest::default()
            .with_from(self.account)
            .with_to(to)
            .with_input(data.clone())
            .with_nonce(nonce)
            .with_gas_limit(gas)
            .with_chain_id(self.chain_id)
            .with_max_fee_per_gas(fees.max_fee.saturating_to())
            .with_max_priority_fee_per_gas(fees.max_priority_fee.saturating_to());
        let envelope = request
            .build(&self.wallet)
            .await
            .map_err(|e| SendError::Sign(Box::new(e)))?;
        let raw: Bytes = envelope.encoded_2718().into();
        Ok(tx::send_raw(&self.reader, &raw).await?)
    }
}
