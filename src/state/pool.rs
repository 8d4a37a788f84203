//! The pool's numbers and the connected account's position, read in one JSON-RPC batch.

use alloy_primitives::{Bytes, U64, U256};
use alloy_rpc_client::RpcClient;
use leptos::prelude::*;
use leptos::task::spawn_local;
use pool_chain::config::NetworkConfig;
use pool_chain::reads::{PoolReads, PoolSnapshot};
use pool_chain::rpc::TxRequest;

use super::wallet::Wallet;
use crate::errors::describe;

/// How often the page reads the chain again while it is open.
const REFRESH_MS: u32 = 4_000;

/// One consistent reading of the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    pub block: u64,
    pub pool: PoolSnapshot,
    /// The account's ETH balance (for the deposit form), when an account is connected.
    pub eth_balance: Option<U256>,
}

/// Handle to the latest reading.
#[derive(Clone, Copy)]
pub struct PoolData {
    pub reading: RwSignal<Option<Reading>>,
    /// Why the last read failed, as a sentence (the previous reading stays on screen).
    pub error: RwSignal<Option<String>>,
    /// Bumped to ask for a read now (after a transaction, on account change).
    generation: RwSignal<u64>,
}

impl PoolData {
    /// Reads now, again whenever the account or chain changes, and every few seconds.
    pub fn new(config: NetworkConfig, wallet: Wallet) -> Self {
        let data = PoolData {
            reading: RwSignal::new(None),
            error: RwSignal::new(None),
            generation: RwSignal::new(0),
        };
        let http = super::http_client(&config);
        Effect::new(move |_| {
            data.generation.track();
            let connection = wallet.connection.get();
            let account = connection.as_ref().map(|c| c.account);
            // Read through the wallet when it is on our chain, else through our own RPC.
            let client = match &connection {
                Some(c) if c.chain_id == config.chain_id => c.client(),
                _ => http.clone(),
            };
            let reads = PoolReads {
                pool_manager: config.pool_manager,
                pool_eth: config.pool_eth,
                account,
            };
            spawn_local(async move {
                match read(&client, reads).await {
                    Ok(reading) => {
                        // Drop a late answer about an account that is no longer selected.
                        let current = wallet
                            .connection
                            .with_untracked(|c| c.as_ref().map(|c| c.account));
                        if current == account {
                            data.reading.set(Some(reading));
                            data.error.set(None);
                        }
                    }
                    Err(message) => data.error.set(Some(message)),
                }
            });
        });
        spawn_local(async move {
            loop {
                gloo_timers::future::TimeoutFuture::new(REFRESH_MS).await;
                data.refresh();
            }
        });
        data
    }

    /// Reads again now.
    pub fn refresh(self) {
        self.generation.update(|g| *g += 1);
    }
}

/// Block number, every pool call and the account's ETH balance, in one round trip.
pub async fn read(client: &RpcClient, reads: PoolReads) -> Result<Reading, String> {
    let mut batch = client.new_batch();
    let encode = |e: crate::errors::RpcError| format!("could not encode a request: {e}");
    let block = batch
        .add_call::<_, U64>("eth_blockNumber", &())
        .map_err(encode)?;
    let calls = reads
        .calls()
        .into_iter()
        .map(|call| batch.add_call::<_, Bytes>("eth_call", &(call, "latest")))
        .collect::<Result<Vec<_>, _>>()
        .map_err(encode)?;
    let balance = match reads.account {
        Some(account) => Some(
            batch
                .add_call::<_, U256>("eth_getBalance", &(account, "latest"))
                .map_err(encode)?,
        ),
        None => None,
    };
    batch.send().await.map_err(|e| describe(&e))?;
    let block = block.await.map_err(|e| describe(&e))?.to::<u64>();
    let mut results = Vec::with_capacity(calls.len());
    for call in calls {
        results.push(call.await.map_err(|e| describe(&e))?);
    }
    let pool = reads.decode(&results).map_err(|e| e.to_string())?;
    let eth_balance = match balance {
        Some(waiter) => Some(waiter.await.map_err(|e| describe(&e))?),
        None => None,
    };
    Ok(Reading {
        block,
        pool,
        eth_balance,
    })
}

/// `eth_call` of a transaction, to learn before signing whether it would revert (and why).
pub async fn simulate(client: &RpcClient, tx: &TxRequest) -> Result<(), String> {
    client
        .request::<_, Bytes>("eth_call", (tx, "latest"))
        .await
        .map(|_| ())
        .map_err(|e| describe(&e))
}
