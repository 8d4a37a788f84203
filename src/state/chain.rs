//! The one way into the chain: the network's configuration, the RPC endpoint the page reads
//! through (checked, [`Rpc`]) and the wallet ([`Wallet`]), provided once as a context value.
//! Every read and every send of the state handles takes its clients from here; nothing else
//! builds a client.

use alloy_primitives::Address;
use alloy_rpc_client::RpcClient;
use leptos::prelude::*;
use pool_core::config::NetworkConfig;

use super::rpc::Rpc;
use super::wallet::{Connection, Wallet};

/// Handle to the way into the chain (cheap to copy into views and tasks).
#[derive(Clone, Copy)]
pub struct Chain {
    config: StoredValue<NetworkConfig>,
    rpc: Rpc,
    wallet: Wallet,
}

impl Chain {
    pub fn new(config: NetworkConfig, rpc: Rpc, wallet: Wallet) -> Self {
        Chain {
            config: StoredValue::new(config),
            rpc,
            wallet,
        }
    }

    /// The network's configuration (`config.json`).
    pub fn config(&self) -> NetworkConfig {
        self.config.get_value()
    }

    pub fn with_config<T>(&self, f: impl FnOnce(&NetworkConfig) -> T) -> T {
        self.config.with_value(f)
    }

    pub fn chain_id(&self) -> u64 {
        self.config.with_value(|c| c.chain_id)
    }

    pub fn rpc(&self) -> Rpc {
        self.rpc
    }

    pub fn wallet(&self) -> Wallet {
        self.wallet
    }

    /// The connected account, tracked.
    pub fn account(&self) -> Option<Address> {
        self.wallet
            .connection()
            .with(|c| c.as_ref().map(|c| c.account))
    }

    /// The wallet's connection now (untracked), for a click's handler.
    pub fn connection(&self) -> Option<Connection> {
        self.wallet.connection().get_untracked()
    }

    /// The connection when the wallet is on the pool's chain: nothing is sent otherwise.
    pub fn connection_on_chain(&self) -> Option<Connection> {
        self.connection().filter(|c| c.chain_id == self.chain_id())
    }

    /// A client to the RPC endpoint: the staker's own once it passed its check, else the
    /// configured one. Reads time out.
    pub fn client(&self) -> RpcClient {
        self.rpc.client()
    }

    /// Where a refresh reads now, tracked: through the wallet when it is on our chain, else
    /// through the RPC once it answered for our chain; `None` while neither can (the last
    /// reading stays on screen meanwhile).
    pub fn reader(&self) -> Option<RpcClient> {
        let chain_id = self.chain_id();
        let on_our_chain = self.wallet.connection().with(|c| {
            c.as_ref()
                .filter(|c| c.chain_id == chain_id)
                .map(Connection::reader)
        });
        match on_our_chain {
            Some(reader) => Some(reader),
            None if self.rpc.verified().get() => Some(self.rpc.client()),
            None => None,
        }
    }
}
