//! Wrapping poolETH into wpoolETH (ERC-4626 `deposit`, after an exact `approve` when the
//! allowance falls short) and unwrapping (`redeem`), on the page's transaction flow
//! ([`super::tx`]). A wrap that needs an approval is two transactions, each followed to its
//! receipt; the wrap is sent only once the approval is mined. A contract wallet holding the
//! approval for its co-signers ends the sequence there: once the approval is on chain, the
//! allowance the page reads lets the next wrap go straight to `deposit`.

use alloy_primitives::{Address, U256};
use leptos::prelude::*;
use leptos::task::spawn_local;
use pool_chain::config::NetworkConfig;
use pool_chain::reads::{approve_calldata, redeem_calldata, tx, wrap_calldata};

use super::pool::PoolData;
use super::tx::{TxFlow, TxState};
use super::wallet::Connection;

/// Which transaction of a wrap is under way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WrapStep {
    /// poolETH's `approve(wrapper, amount)`.
    Approve,
    /// The wrapper's `deposit(amount, account)`.
    Wrap,
    /// The wrapper's `redeem(shares, account, account)`.
    Unwrap,
}

/// Handle to the wrapper's transactions (one at a time).
#[derive(Clone, Copy)]
pub struct Wrap {
    flow: TxFlow,
    step: RwSignal<Option<WrapStep>>,
    /// A wrap's sequence is under way (set before its first prompt: no second sequence from
    /// a double click).
    running: RwSignal<bool>,
}

impl Default for Wrap {
    fn default() -> Self {
        Self::new()
    }
}

impl Wrap {
    pub fn new() -> Self {
        Wrap {
            flow: TxFlow::new(),
            step: RwSignal::new(None),
            running: RwSignal::new(false),
        }
    }

    pub fn state(&self) -> ReadSignal<TxState> {
        self.flow.state()
    }

    /// The transaction the state is about.
    pub fn step(&self) -> ReadSignal<Option<WrapStep>> {
        self.step.read_only()
    }

    /// While true, the forms must not send.
    pub fn is_busy(&self) -> bool {
        self.running.get() || self.flow.state().with(TxState::is_busy)
    }

    fn busy(&self) -> bool {
        self.running.get_untracked() || self.flow.state().with_untracked(TxState::is_busy)
    }

    /// Wraps `amount` poolETH wei: approves the wrapper for exactly `amount` first when
    /// `allowance` (the page's last reading) is below it, then deposits; refreshes after each.
    pub fn wrap(
        self,
        config: NetworkConfig,
        connection: Connection,
        wrapper: Address,
        amount: U256,
        allowance: U256,
        pool: PoolData,
    ) {
        if self.busy() {
            return;
        }
        self.running.set(true);
        spawn_local(async move {
            self.sequence(config, connection, wrapper, amount, allowance, pool)
                .await;
            self.running.set(false);
        });
    }

    async fn sequence(
        self,
        config: NetworkConfig,
        connection: Connection,
        wrapper: Address,
        amount: U256,
        allowance: U256,
        pool: PoolData,
    ) {
        let account = connection.account;
        if allowance < amount {
            self.step.set(Some(WrapStep::Approve));
            let approve = tx(account, config.pool_eth, approve_calldata(wrapper, amount));
            let approved = self.flow.send_and_wait(&config, &connection, approve).await;
            pool.refresh();
            if !matches!(approved, TxState::Mined { .. }) {
                return;
            }
        }
        self.step.set(Some(WrapStep::Wrap));
        let deposit = tx(account, wrapper, wrap_calldata(amount, account));
        self.flow.send_and_wait(&config, &connection, deposit).await;
        pool.refresh();
    }

    /// Unwraps `shares` wpoolETH into poolETH for the account, then refreshes.
    pub fn unwrap(
        self,
        config: NetworkConfig,
        connection: Connection,
        wrapper: Address,
        shares: U256,
        pool: PoolData,
    ) {
        if self.busy() {
            return;
        }
        self.step.set(Some(WrapStep::Unwrap));
        let account = connection.account;
        let redeem = tx(account, wrapper, redeem_calldata(shares, account));
        self.flow
            .send(config, connection, redeem, move || pool.refresh());
    }
}
