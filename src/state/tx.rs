//! One transaction from the wallet prompt to the mined receipt, for every sender on the page (a
//! staker's stake, the operator's registry, cluster and activation transactions): simulate, send
//! through the wallet, follow to the receipt or to its replacement by nonce (a speed-up or a
//! cancellation in the wallet). A contract wallet (a Safe) may hold the transaction for its
//! co-signers: then there is nothing to follow but the pool's state.

use std::sync::Arc;

use alloy_primitives::B256;
use alloy_rpc_client::RpcClient;
use leptos::prelude::*;
use leptos::task::spawn_local;
use pool_chain::client::tx::{self, Outcome, Submission, TxError};
use pool_chain::rpc::TxRequest;

use super::chain::Chain;
use super::visibility::page_visible;
use super::wallet::Connection;

/// How often to ask for the receipt of a submitted transaction.
const RECEIPT_POLL_MS: u32 = 1_000;

/// Where a transaction stands.
#[derive(Debug, Clone)]
pub enum TxState {
    Idle,
    /// The wallet is showing its prompt.
    AwaitingWallet,
    /// Sent; waiting to be mined.
    Pending {
        hash: B256,
    },
    /// Accepted by a contract wallet that waits for its co-signers (no hash to follow).
    AwaitingCosigners,
    Mined {
        hash: B256,
        block: u64,
        sped_up: bool,
    },
    Failed {
        failure: Failure,
        hash: Option<B256>,
    },
}

/// Why a transaction did not happen; the view puts it into words.
#[derive(Debug, Clone)]
pub enum Failure {
    /// Nothing was sent: the simulation reverted, the wallet refused, or the chain was wrong.
    NotSent(Arc<TxError>),
    /// Mined, but reverted: only the network fee was spent.
    Reverted,
    /// Replaced in the wallet by a transaction that does something else.
    Cancelled,
    /// Sent, but the network no longer knows it and its nonce is unused: not mined.
    Dropped,
}

impl TxState {
    /// While true, the form must not send again (no double sends from a double click).
    pub fn is_busy(&self) -> bool {
        matches!(self, TxState::AwaitingWallet | TxState::Pending { .. })
    }
}

/// Handle to one sender's transaction flow.
#[derive(Clone, Copy)]
pub struct TxFlow {
    state: RwSignal<TxState>,
}

impl Default for TxFlow {
    fn default() -> Self {
        Self::new()
    }
}

impl TxFlow {
    pub fn new() -> Self {
        TxFlow {
            state: RwSignal::new(TxState::Idle),
        }
    }

    /// Read-only view: only the handle writes it.
    pub fn state(&self) -> ReadSignal<TxState> {
        self.state.read_only()
    }

    /// Back to idle (a form closed, a new preview).
    pub fn reset(self) {
        if !self.state.get_untracked().is_busy() {
            self.state.set(TxState::Idle);
        }
    }

    /// Simulates `tx`, asks the wallet to send it, follows it until it is mined, then calls
    /// `after` (a refresh of what it changed) whatever the outcome. Ignored while busy.
    pub fn send(
        self,
        chain: Chain,
        connection: Connection,
        tx: TxRequest,
        after: impl FnOnce() + 'static,
    ) {
        self.send_boxed(chain, connection, tx, Box::new(after));
    }

    /// [`TxFlow::send`] for every caller at once: one copy of the flow in the download, not one
    /// per sender's `after`.
    fn send_boxed(
        self,
        chain: Chain,
        connection: Connection,
        tx: TxRequest,
        after: Box<dyn FnOnce()>,
    ) {
        if self.state.get_untracked().is_busy() {
            return;
        }
        self.state.set(TxState::AwaitingWallet);
        spawn_local(async move {
            let next = run(self.state, chain, &connection, tx).await;
            self.state.set(next);
            after();
        });
    }

    /// Runs the flow to its end and returns it (for a sequence of transactions, each waiting
    /// for the previous one: the registry's batches).
    pub async fn send_and_wait(
        self,
        chain: Chain,
        connection: &Connection,
        tx: TxRequest,
    ) -> TxState {
        self.state.set(TxState::AwaitingWallet);
        let next = run(self.state, chain, connection, tx).await;
        self.state.set(next.clone());
        next
    }
}

async fn run(
    state: RwSignal<TxState>,
    chain: Chain,
    connection: &Connection,
    tx: TxRequest,
) -> TxState {
    let reader: &RpcClient = &chain.client();
    let not_sent = |error: TxError| TxState::Failed {
        failure: Failure::NotSent(Arc::new(error)),
        hash: None,
    };
    if let Err(error) = tx::simulate(reader, &tx).await {
        return not_sent(error);
    }
    let sent = match tx::send(&connection.client(), reader, &tx, chain.chain_id()).await {
        Ok(Submission::Sent(sent)) => sent,
        Ok(Submission::AwaitingCosigners) => return TxState::AwaitingCosigners,
        Err(error) => return not_sent(error),
    };
    // A Safe hands back the hash of its own proposal, which no block will ever hold.
    if matches!(tx::is_contract(reader, connection.account).await, Ok(true)) {
        return TxState::AwaitingCosigners;
    }
    state.set(TxState::Pending { hash: sent.hash });
    match tx::follow(reader, &sent, RECEIPT_POLL_MS, sleep_while_visible).await {
        Outcome::Mined { receipt, replaced } => TxState::Mined {
            hash: receipt.transaction_hash,
            block: receipt.block_number.to::<u64>(),
            sped_up: replaced,
        },
        Outcome::Reverted { receipt } => TxState::Failed {
            failure: Failure::Reverted,
            hash: Some(receipt.transaction_hash),
        },
        Outcome::Cancelled => TxState::Failed {
            failure: Failure::Cancelled,
            hash: None,
        },
        Outcome::Dropped => TxState::Failed {
            failure: Failure::Dropped,
            hash: Some(sent.hash),
        },
    }
}

/// Waits `ms`, then for as long as the tab is hidden: nothing is polled while nobody looks.
async fn sleep_while_visible(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
    while !page_visible() {
        gloo_timers::future::TimeoutFuture::new(ms).await;
    }
}
