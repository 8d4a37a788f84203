//! The staker's withdrawal request (`WithdrawalQueue.requestWithdrawal(amount)`) and claims
//! (`claim(id, owner)`), on the page's transaction flow ([`super::tx`]: simulate, send, follow
//! speed-ups, cancellations, drops and contract wallets), like a stake.

use alloy_primitives::U256;
use leptos::prelude::*;
use pool_chain::reads::{claim_calldata, request_withdrawal_calldata, tx};

use super::chain::Chain;
use super::pool::PoolData;
use super::tx::{TxFlow, TxState};

/// Handle to the request flow.
#[derive(Clone, Copy)]
pub struct Withdraw {
    chain: Chain,
    pool: PoolData,
    flow: TxFlow,
}

impl Withdraw {
    pub fn new(chain: Chain, pool: PoolData) -> Self {
        Withdraw {
            chain,
            pool,
            flow: TxFlow::new(),
        }
    }

    /// Read-only view of the request's progress.
    pub fn state(&self) -> ReadSignal<TxState> {
        self.flow.state()
    }

    /// Requests `amount` poolETH wei back from the queue the last reading named, then refreshes
    /// the figures (the balance falls, the request appears in the list). Nothing happens
    /// before the page has read the queue's address.
    pub fn send(self, amount: U256) {
        let (Some(connection), Some(queue)) =
            (self.chain.connection_on_chain(), queue_address(self.pool))
        else {
            return;
        };
        let pool = self.pool;
        let request = tx(
            connection.account,
            queue,
            request_withdrawal_calldata(amount),
        );
        self.flow
            .send(self.chain, connection, request, move || pool.refresh());
    }
}

/// Handle to the claims: one at a time, the request being claimed named.
#[derive(Clone, Copy)]
pub struct Claims {
    chain: Chain,
    pool: PoolData,
    flow: TxFlow,
    /// The request the flow is (or was last) about.
    claiming: RwSignal<Option<U256>>,
}

impl Claims {
    pub fn new(chain: Chain, pool: PoolData) -> Self {
        Claims {
            chain,
            pool,
            flow: TxFlow::new(),
            claiming: RwSignal::new(None),
        }
    }

    pub fn state(&self) -> ReadSignal<TxState> {
        self.flow.state()
    }

    /// The request of the current (or last) claim.
    pub fn claiming(&self) -> ReadSignal<Option<U256>> {
        self.claiming.read_only()
    }

    /// Claims request `id` to its owner, then refreshes. Ignored while a claim is under way.
    pub fn send(self, id: U256) {
        if self.flow.state().with_untracked(TxState::is_busy) {
            return;
        }
        let (Some(connection), Some(queue)) =
            (self.chain.connection_on_chain(), queue_address(self.pool))
        else {
            return;
        };
        let pool = self.pool;
        self.claiming.set(Some(id));
        let claim = tx(connection.account, queue, claim_calldata(id));
        self.flow
            .send(self.chain, connection, claim, move || pool.refresh());
    }
}

fn queue_address(pool: PoolData) -> Option<alloy_primitives::Address> {
    pool.reading()
        .with_untracked(|r| r.as_ref().map(|r| r.queue.address))
}
