//! The staker's stake transaction (`PoolManager.deposit()`) on the page's transaction flow
//! ([`super::tx`]), and "Max": the balance less a reserve for the network fee at the node's fee
//! history. "Deposit" in this codebase means the beacon deposit; a staker stakes.

use alloy_primitives::U256;
use leptos::prelude::*;
use leptos::task::spawn_local;
use pool_chain::reads::stake_calldata;
use pool_chain::rpc::TxRequest;
use pool_core::gas::STAKE_GAS_LIMIT;

use super::chain::Chain;
use super::error::AppError;
use super::pool::PoolData;
use super::tx::TxFlow;

pub use super::tx::{Failure, TxState};

/// The most a stake may be, keeping `reserve` for its network fee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaxStake {
    pub amount: U256,
    pub reserve: U256,
}

/// Handle to the stake flow.
#[derive(Clone, Copy)]
pub struct Stake {
    chain: Chain,
    pool: PoolData,
    flow: TxFlow,
    max: RwSignal<Option<Result<MaxStake, AppError>>>,
}

impl Stake {
    pub fn new(chain: Chain, pool: PoolData) -> Self {
        Stake {
            chain,
            pool,
            flow: TxFlow::new(),
            max: RwSignal::new(None),
        }
    }

    /// Read-only view of the stake's progress.
    pub fn state(&self) -> ReadSignal<TxState> {
        self.flow.state()
    }

    /// The last "Max" asked for, or why it could not be worked out.
    pub fn max(&self) -> ReadSignal<Option<Result<MaxStake, AppError>>> {
        self.max.read_only()
    }

    /// Forgets "Max" (the staker typed an amount).
    pub fn clear_max(self) {
        self.max.set(None);
    }

    /// Works out "Max" from the account's balance (the last reading) and the fee market; `fill`
    /// receives the amount (for the form's field).
    pub fn ask_max(self, fill: impl FnOnce(U256) + 'static) {
        let Some(balance) = self.pool.reading().with_untracked(|r| {
            r.as_ref()
                .and_then(|r| r.pool.account.as_ref().map(|a| a.eth_balance))
        }) else {
            return;
        };
        let client = self.chain.client();
        spawn_local(async move {
            let max = pool_chain::client::fee_market(&client)
                .await
                .map(|market| MaxStake {
                    amount: market.max_stake(balance, STAKE_GAS_LIMIT),
                    reserve: market.reserve(STAKE_GAS_LIMIT),
                })
                .map_err(AppError::from);
            if let Ok(max) = &max {
                fill(max.amount);
            }
            self.max.set(Some(max));
        });
    }

    /// Simulates, asks the wallet to send `amount` wei to `deposit()`, follows the transaction
    /// until it is mined, then refreshes the pool figures. Only on the pool's chain.
    pub fn send(self, amount: U256) {
        let Some(connection) = self.chain.connection_on_chain() else {
            return;
        };
        let tx = TxRequest {
            from: Some(connection.account),
            to: self.chain.with_config(|c| c.pool_manager),
            value: Some(amount),
            data: stake_calldata(),
        };
        let pool = self.pool;
        self.flow
            .send(self.chain, connection, tx, move || pool.refresh());
    }
}
