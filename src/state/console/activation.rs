//! The activation review: the planner prepares the exact `activateValidators` call right before
//! the wallet is asked (every read at one block, the keys checked against the beacon node and
//! the deposit logs), the operator sees it, and only that call is sent.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use pool_chain::client::planner::{ActivationPlan, ActivationPlanner, PlanRefusal};
use pool_chain::rpc::TxRequest;

use super::Console;
use super::operator;
use crate::state::chain::Chain;
use crate::state::tx::TxFlow;

/// Where the review stands.
#[derive(Debug, Clone)]
pub enum Prepared {
    None,
    Preparing,
    /// The call the wallet will be asked to send, and the plan it came from.
    Ready {
        tx: TxRequest,
        plan: Arc<ActivationPlan>,
    },
    Refused(ReviewRefusal),
}

/// Why no activation was prepared.
#[derive(Debug, Clone)]
pub enum ReviewRefusal {
    /// `config.json` names no fork version and the chain is not a known network: deposit
    /// signatures cannot be checked.
    NoForkVersion { chain_id: u64 },
    /// The planner's refusal.
    Plan(Arc<PlanRefusal>),
}

/// Handle to the activation review and its transaction.
#[derive(Clone, Copy)]
pub struct Activation {
    chain: Chain,
    console: Console,
    prepared: RwSignal<Prepared>,
    flow: TxFlow,
    /// The planner's registry, deposit and cluster reads carry over from one review to the next.
    planner: StoredValue<Option<ActivationPlanner>, LocalStorage>,
}

impl Activation {
    pub fn new(chain: Chain, console: Console) -> Self {
        Activation {
            chain,
            console,
            prepared: RwSignal::new(Prepared::None),
            flow: TxFlow::new(),
            planner: StoredValue::new_local(chain.with_config(operator::planner)),
        }
    }

    pub fn prepared(&self) -> ReadSignal<Prepared> {
        self.prepared.read_only()
    }

    pub fn flow(&self) -> TxFlow {
        self.flow
    }

    /// Forgets the prepared call (the count changed).
    pub fn forget(self) {
        self.prepared.set(Prepared::None);
    }

    /// Prepares the activation of at most `count` entries from the connected account.
    pub fn review(self, count: u64) {
        let Some(connection) = self.chain.connection() else {
            return;
        };
        if matches!(self.prepared.get_untracked(), Prepared::Preparing) {
            return;
        }
        self.prepared.set(Prepared::Preparing);
        self.flow.reset();
        let config = self.chain.config();
        let client = self.chain.client();
        spawn_local(async move {
            // Taken out while it works: a second review cannot run on the same planner.
            let Some(mut planner) = self.planner.try_update_value(Option::take).flatten() else {
                let refusal = ReviewRefusal::NoForkVersion {
                    chain_id: config.chain_id,
                };
                self.prepared.set(Prepared::Refused(refusal));
                return;
            };
            let outcome = operator::prepare_activation(
                &client,
                &config,
                &mut planner,
                connection.account,
                count,
            )
            .await;
            self.planner.set_value(Some(planner));
            self.prepared.set(match outcome {
                Ok(plan) => Prepared::Ready {
                    tx: plan.request(config.pool_manager, connection.account),
                    plan: Arc::new(plan),
                },
                Err(refusal) => Prepared::Refused(ReviewRefusal::Plan(Arc::new(refusal))),
            });
        });
    }

    /// Sends the prepared call, then refreshes the console.
    pub fn activate(self) {
        let (Some(connection), Prepared::Ready { tx, .. }) =
            (self.chain.connection(), self.prepared.get_untracked())
        else {
            return;
        };
        let console = self.console;
        self.flow
            .send(self.chain, connection, tx, move || console.refresh());
        self.prepared.set(Prepared::None);
    }
}
