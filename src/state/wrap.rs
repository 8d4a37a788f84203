//! Wrapping poolETH into wpoolETH (ERC-4626 `deposit`, after an exact `approve` when the
//! allowance falls short) and unwrapping (`redeem`), on the page's transaction flow
//! ([`super::tx`]). A wrap that needs an approval is two transactions, each followed to its
//! receipt; the wrap is sent only once the approval is mined. A contract wallet holding the
//! approval for its co-signers ends the sequence there: once the approval is on chain, the
//! allowance the page reads lets the next wrap go straight to `deposit`.

use alloy_primitives::{Address, U256};
use leptos::prelude::*;
use leptos::task::spawn_local;
use pool_chain::reads::{approve_calldata, redeem_calldata, tx, wrap_calldata};

use super::chain::Chain;
use super::pool::PoolData;
use super::tx::{TxFlow, TxState};

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
    chain: Chain,
    pool: PoolData,
    flow: TxFlow,
    step: RwSignal<Option<WrapStep>>,
    /// A wrap's sequence is under way (set before its first prompt: no second sequence from
    /// a double click).
    running: RwSignal<bool>,
}

impl Wrap {
    pub fn new(chain: Chain, pool: PoolData) -> Self {
        Wrap {
            chain,
            pool,
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
    pub fn wrap(self, wrapper: Address, amount: U256, allowance: U256) {
        if self.busy() {
            return;
        }
        let Some(connection) = self.chain.connection_on_chain() else {
            return;
        };
        self.running.set(true);
        spawn_local(async move {
            self.sequence(connection, wrapper, amount, allowance).await;
            self.running.set(false);
        });
    }

    async fn sequence(
        self,
        connection: super::wallet::Connection,
        wrapper: Address,
        amount: U256,
        allowance: U256,
    ) {
        let (chain, pool) = (self.chain, self.pool);
        let account = connection.account;
        if allowance < amount {
            self.step.set(Some(WrapStep::Approve));
            let pool_eth = chain.with_config(|c| c.pool_eth);
            let approve = tx(account, pool_eth, approve_calldata(wrapper, amount));
            let approved = self.flow.send_and_wait(chain, &connection, approve).await;
            pool.refresh();
            if !matches!(approved, TxState::Mined { .. }) {
                return;
            }
        }
        self.step.set(Some(WrapStep::Wrap));
        let deposit = tx(account, wrapper, wrap_calldata(amount, account));
        self.flow.send_and_wait(chain, &connection, deposit).await;
        pool.refresh();
    }

    /// Unwraps `shares` wpoolETH into poolETH for the account, then refreshes.
    pub fn unwrap(self, wrapper: Address, shares: U256) {
        if self.busy() {
            return;
        }
        let Some(connection) = self.chain.connection_on_chain() else {
            return;
        };
        let pool = self.pool;
        self.step.set(Some(WrapStep::Unwrap));
        let account = connection.account;
        let redeem = tx(account, wrapper, redeem_calldata(shares, account));
        self.flow
            .send(self.chain, connection, redeem, move || pool.refresh());
    }
}
