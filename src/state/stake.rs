//! The staker's stake transaction (`PoolManager.deposit()`), from the wallet prompt to the mined
//! receipt, including a transaction the user speeds up or cancels in the wallet (detected by its
//! nonce). "Deposit" in this codebase means the beacon deposit; a staker stakes.

use std::sync::Arc;

use alloy_primitives::{B256, U256};
use alloy_rpc_client::RpcClient;
use leptos::prelude::*;
use leptos::task::spawn_local;
use pool_chain::client::tx::{self, Outcome, TxError};
use pool_chain::config::NetworkConfig;
use pool_chain::reads::stake_calldata;
use pool_chain::rpc::TxRequest;

use super::pool::PoolData;
use super::wallet::Connection;

/// How often to ask for the receipt of a submitted transaction.
const RECEIPT_POLL_MS: u32 = 1_000;

/// Where the stake stands.
#[derive(Debug, Clone)]
pub enum TxState {
    Idle,
    /// The wallet is showing its prompt.
    AwaitingWallet,
    /// Sent; waiting to be mined.
    Pending {
        hash: B256,
    },
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

/// Why a stake did not happen; the view puts it into words.
#[derive(Debug, Clone)]
pub enum Failure {
    /// Nothing was sent: the simulation reverted, the wallet refused, or the chain was wrong.
    NotSent(Arc<TxError>),
    /// Mined, but reverted: only the network fee was spent.
    Reverted,
    /// Replaced in the wallet by a transaction that does something else.
    Cancelled,
}

impl TxState {
    /// While true, the form must not send again (no double stakes from a double click).
    pub fn is_busy(&self) -> bool {
        matches!(self, TxState::AwaitingWallet | TxState::Pending { .. })
    }
}

/// Handle to the stake flow.
#[derive(Clone, Copy)]
pub struct Stake {
    state: RwSignal<TxState>,
}

/// Read-only views of the handle's state: only the handle writes it.
impl Stake {
    pub fn state(&self) -> ReadSignal<TxState> {
        self.state.read_only()
    }
}

impl Default for Stake {
    fn default() -> Self {
        Self::new()
    }
}

impl Stake {
    pub fn new() -> Self {
        Stake {
            state: RwSignal::new(TxState::Idle),
        }
    }

    /// Simulates, asks the wallet to send `amount` wei to `deposit()`, follows the transaction
    /// until it is mined, then refreshes the pool figures.
    pub fn send(self, config: NetworkConfig, connection: Connection, amount: U256, pool: PoolData) {
        if self.state.get_untracked().is_busy() {
            return;
        }
        self.state.set(TxState::AwaitingWallet);
        spawn_local(async move {
            let reader = super::http_client(&config);
            let next = run(self.state, &reader, &config, &connection, amount).await;
            self.state.set(next);
            pool.refresh();
        });
    }
}

async fn run(
    state: RwSignal<TxState>,
    reader: &RpcClient,
    config: &NetworkConfig,
    connection: &Connection,
    amount: U256,
) -> TxState {
    let not_sent = |error: TxError| TxState::Failed {
        failure: Failure::NotSent(Arc::new(error)),
        hash: None,
    };
    let tx = TxRequest {
        from: Some(connection.account),
        to: config.pool_manager,
        value: Some(amount),
        data: stake_calldata(),
    };
    if let Err(error) = tx::simulate(reader, &tx).await {
        return not_sent(error);
    }
    let sent = match tx::send(&connection.client(), reader, &tx, config.chain_id).await {
        Ok(sent) => sent,
        Err(error) => return not_sent(error),
    };
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
    }
}

/// Waits `ms`, then for as long as the tab is hidden: nothing is polled while nobody looks.
async fn sleep_while_visible(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
    while !super::page_visible() {
        gloo_timers::future::TimeoutFuture::new(ms).await;
    }
}
