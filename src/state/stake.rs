//! The staker's stake transaction (`PoolManager.deposit()`) on the page's transaction flow
//! ([`super::tx`]). "Deposit" in this codebase means the beacon deposit; a staker stakes.

use alloy_primitives::U256;
use leptos::prelude::*;
use pool_chain::config::NetworkConfig;
use pool_chain::reads::stake_calldata;
use pool_chain::rpc::TxRequest;

use super::pool::PoolData;
use super::tx::TxFlow;
use super::wallet::Connection;

pub use super::tx::{Failure, TxState};

/// Handle to the stake flow.
#[derive(Clone, Copy, Default)]
pub struct Stake {
    flow: TxFlow,
}

impl Stake {
    pub fn new() -> Self {
        Stake {
            flow: TxFlow::new(),
        }
    }

    /// Read-only view of the stake's progress.
    pub fn state(&self) -> ReadSignal<TxState> {
        self.flow.state()
    }

    /// Simulates, asks the wallet to send `amount` wei to `deposit()`, follows the transaction
    /// until it is mined, then refreshes the pool figures.
    pub fn send(self, config: NetworkConfig, connection: Connection, amount: U256, pool: PoolData) {
        let tx = TxRequest {
            from: Some(connection.account),
            to: config.pool_manager,
            value: Some(amount),
            data: stake_calldata(),
        };
        self.flow
            .send(config, connection, tx, move || pool.refresh());
    }
}
