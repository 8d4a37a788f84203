//! The deposit transaction, from the wallet prompt to the mined receipt.

use alloy_primitives::{B256, U256};
use alloy_rpc_client::RpcClient;
use leptos::prelude::*;
use leptos::task::spawn_local;
use pool_chain::config::NetworkConfig;
use pool_chain::reads::deposit_calldata;
use pool_chain::rpc::{TxReceipt, TxRequest};

use super::pool::{PoolData, simulate};
use super::wallet::Connection;
use crate::errors::describe;

/// How often to ask for the receipt of a submitted transaction.
const RECEIPT_POLL_MS: u32 = 1_000;

/// Where the deposit stands.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    },
    Failed {
        message: String,
        hash: Option<B256>,
    },
}

impl TxState {
    /// While true, the form must not send again (no double deposits from a double click).
    pub fn is_busy(&self) -> bool {
        matches!(self, TxState::AwaitingWallet | TxState::Pending { .. })
    }
}

/// Handle to the deposit flow.
#[derive(Clone, Copy)]
pub struct Deposit {
    pub state: RwSignal<TxState>,
}

impl Deposit {
    pub fn new() -> Self {
        Deposit {
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
    let failed = |message: String, hash| TxState::Failed { message, hash };
    let tx = TxRequest {
        from: Some(connection.account),
        to: config.pool_manager,
        value: Some(amount),
        data: deposit_calldata(),
    };
    if let Err(message) = simulate(reader, &tx).await {
        return failed(message, None);
    }
    let hash = match connection
        .client()
        .request::<_, B256>("eth_sendTransaction", [&tx])
        .await
    {
        Ok(hash) => hash,
        Err(error) => return failed(describe(&error), None),
    };
    state.set(TxState::Pending { hash });
    wait_for_receipt(reader, hash).await
}

async fn wait_for_receipt(reader: &RpcClient, hash: B256) -> TxState {
    loop {
        match reader
            .request::<_, Option<TxReceipt>>("eth_getTransactionReceipt", [hash])
            .await
        {
            Ok(Some(receipt)) if receipt.succeeded() => {
                return TxState::Mined {
                    hash,
                    block: receipt.block_number.to::<u64>(),
                };
            }
            Ok(Some(_)) => {
                return TxState::Failed { message: "The deposit was mined but reverted; your ETH stayed in your wallet (minus the network fee).".into(), hash: Some(hash) };
            }
            // Not mined yet; a read error is retried too (the transaction is already out).
            Ok(None) | Err(_) => gloo_timers::future::TimeoutFuture::new(RECEIPT_POLL_MS).await,
        }
    }
}
