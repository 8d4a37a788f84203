//! The deposit transaction, from the wallet prompt to the mined receipt, including a transaction
//! the user speeds up or cancels in the wallet (detected by its nonce).

use alloy_primitives::{Address, B256, Bytes, U64, U256};
use alloy_rpc_client::RpcClient;
use leptos::prelude::*;
use leptos::task::spawn_local;
use pool_chain::config::NetworkConfig;
use pool_chain::reads::deposit_calldata;
use pool_chain::rpc::{TxReceipt, TxRequest};
use serde::Deserialize;

use super::pool::{PoolData, simulate};
use super::wallet::Connection;
use crate::errors::describe;

/// How often to ask for the receipt of a submitted transaction.
const RECEIPT_POLL_MS: u32 = 1_000;
/// How far back to look for the transaction that replaced ours.
const REPLACEMENT_SEARCH_BLOCKS: u64 = 50;

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
        sped_up: bool,
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
    let failed = |message: String| TxState::Failed {
        message,
        hash: None,
    };
    let tx = TxRequest {
        from: Some(connection.account),
        to: config.pool_manager,
        value: Some(amount),
        data: deposit_calldata(),
    };
    if let Err(message) = simulate(reader, &tx).await {
        return failed(message);
    }
    let start_block = reader
        .request_noparams::<U64>("eth_blockNumber")
        .await
        .map(|b| b.to::<u64>())
        .unwrap_or(0);
    // The nonce the wallet will most likely use, in case the transaction is replaced before we
    // ever see it.
    let expected_nonce = reader
        .request::<_, U64>("eth_getTransactionCount", (connection.account, "pending"))
        .await
        .ok();
    let hash = match connection
        .client()
        .request::<_, B256>("eth_sendTransaction", [&tx])
        .await
    {
        Ok(hash) => hash,
        Err(error) => return failed(describe(&error)),
    };
    state.set(TxState::Pending { hash });
    follow(reader, hash, &tx, start_block, expected_nonce).await
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

/// Polls for the receipt. When the transaction disappears and the account's nonce has moved
/// past it, the wallet replaced it: a deposit with the same nonce is a speed-up (followed to its
/// receipt); anything else means it was cancelled.
async fn follow(
    reader: &RpcClient,
    hash: B256,
    tx: &TxRequest,
    start_block: u64,
    expected_nonce: Option<U64>,
) -> TxState {
    let mut nonce = expected_nonce;
    let from = tx.from.unwrap_or_default();
    loop {
        match reader
            .request::<_, Option<TxReceipt>>("eth_getTransactionReceipt", [hash])
            .await
        {
            Ok(Some(receipt)) => return mined(receipt, false),
            Ok(None) => {}
            Err(_) => {} // a read error is retried: the transaction is already out
        }
        match reader
            .request::<_, Option<SentTx>>("eth_getTransactionByHash", [hash])
            .await
        {
            Ok(Some(sent)) => nonce = Some(sent.nonce),
            Ok(None) => {
                if let Some(nonce) = nonce {
                    let count = reader
                        .request::<_, U64>("eth_getTransactionCount", (from, "latest"))
                        .await;
                    if count.is_ok_and(|count| count > nonce) {
                        return replaced(reader, tx, from, nonce, start_block).await;
                    }
                }
            }
            Err(_) => {}
        }
        gloo_timers::future::TimeoutFuture::new(RECEIPT_POLL_MS).await;
        // Nothing is polled while the tab is hidden; the transaction is followed on return.
        while !super::page_visible() {
            gloo_timers::future::TimeoutFuture::new(RECEIPT_POLL_MS).await;
        }
    }
}

async fn replaced(
    reader: &RpcClient,
    tx: &TxRequest,
    from: Address,
    nonce: U64,
    start_block: u64,
) -> TxState {
    let latest = reader
        .request_noparams::<U64>("eth_blockNumber")
        .await
        .map(|b| b.to::<u64>())
        .unwrap_or(start_block);
    let first = start_block.max(latest.saturating_sub(REPLACEMENT_SEARCH_BLOCKS));
    for number in (first..=latest).rev() {
        let Ok(Some(block)) = reader
            .request::<_, Option<BlockWithTxs>>("eth_getBlockByNumber", (U64::from(number), true))
            .await
        else {
            continue;
        };
        if let Some(replacement) = block
            .transactions
            .into_iter()
            .find(|t| t.from == from && t.nonce == nonce)
        {
            if replacement.to == Some(tx.to)
                && replacement.input == tx.data
                && let Ok(Some(receipt)) = reader
                    .request::<_, Option<TxReceipt>>(
                        "eth_getTransactionReceipt",
                        [replacement.hash],
                    )
                    .await
            {
                return mined(receipt, true);
            }
            break;
        }
    }
    TxState::Failed {
        message: "The transaction was replaced or cancelled in your wallet: nothing was deposited."
            .into(),
        hash: None,
    }
}

fn mined(receipt: TxReceipt, sped_up: bool) -> TxState {
    if receipt.succeeded() {
        TxState::Mined {
            hash: receipt.transaction_hash,
            block: receipt.block_number.to::<u64>(),
            sped_up,
        }
    } else {
        TxState::Failed {
            message: "The deposit was mined but reverted; your ETH stayed in your wallet (minus the network fee).".into(),
            hash: Some(receipt.transaction_hash),
        }
    }
}
