//! Activation: how many validators can start now and what limits it, a preview of the next ones
//! (each pubkey, 32 ETH each, the SSV funding, the total, the gas), prepared right before the
//! wallet is asked (deposit count, the deposit contract's logs, a fresh cluster snapshot).

use alloy_primitives::U256;
use leptos::prelude::*;
use pool_chain::client::planner::{ActivationPlan, DepositCoverage, PlanRefusal};
use pool_core::activation::Waiting;
use pool_core::activation::deposits::{DepositSource, Verdict};
use pool_core::deposit::DEPOSIT_WEI;

use super::fee_amount;
use crate::components::errors::{describe_chain, describe_tx};
use crate::components::tx_status::TxStatus;
use crate::state::chain::Chain;
use crate::state::console::Console;
use crate::state::console::activation::{Activation, Prepared, ReviewRefusal};
use crate::state::console::operator::Activatable;

#[component]
pub fn ActivationPanel() -> impl IntoView {
    let chain = expect_context::<Chain>();
    let console = expect_context::<Console>();
    let reading = console.reading();
    let activation = Activation::new(chain, console);
    let (prepared, flow) = (activation.prepared(), activation.flow());
    let count_text = RwSignal::new("1".to_string());
    let activatable = Memo::new(move |_| reading.with(|r| r.as_ref().and_then(Activatable::of)));
    let count = Memo::new(move |_| -> Result<u64, String> {
        let n: u64 = count_text
            .get()
            .trim()
            .parse()
            .map_err(|_| "Enter a whole number.".to_string())?;
        let max = activatable
            .get()
            .and_then(Result::ok)
            .map_or(0, |a| a.count);
        if n == 0 || n > max {
            return Err(format!("Between 1 and {max} can be activated now."));
        }
        Ok(n)
    });
    let is_keeper = move || reading.with(|r| r.as_ref().is_some_and(|r| r.roles.keeper));
    let limits = move || match activatable.get() {
        Some(Ok(a)) => {
            let l = a.limits;
            format!(
                "{} can be activated now: the buffer pays for {}, {} registry entries are ready ({} with the first one's operators), the fee reserve funds {}, and SSV takes at most {} per transaction.",
                a.count,
                l.by_buffer,
                l.ready,
                l.same_set,
                if l.by_reserve == u64::MAX {
                    "any number".into()
                } else {
                    l.by_reserve.to_string()
                },
                l.bulk_limit
            )
        }
        Some(Err(waiting)) => waiting_words(&waiting),
        None => "Nothing to activate: the registry has no pending entry.".into(),
    };
    let review = move |_| {
        if let Ok(n) = count.get_untracked() {
            activation.review(n);
        }
    };
    let activate = move |_| activation.activate();
    let preview = move || {
        match prepared.get() {
        Prepared::None => ().into_any(),
        Prepared::Preparing => view! { <p>"Checking the pubkeys against the deposit contract and reading the cluster…"</p> }.into_any(),
        Prepared::Refused(refusal) => view! { <p class="error" role="alert" data-testid="activation-refused">{review_words(&refusal)}</p> }.into_any(),
        Prepared::Ready { plan, .. } => {
            let (count, gas, funding) = (plan.count(), plan.gas, plan.funding);
            let pubkeys: Vec<String> = plan.entries.iter().map(|e| e.pubkey.to_string()).collect();
            let checked = coverage_words(&plan);
            let n = U256::from(count);
            let ether = U256::from(DEPOSIT_WEI) * n;
            let total = format!("{} in all from the pool", fee_amount(ether + funding * n));
            view! {
                <div class="preview" data-testid="activation-preview">
                    <ol>{pubkeys.into_iter().map(|p| view! { <li><code>{p}</code>" — 32 ETH"</li> }).collect_view()}</ol>
                    <p>{format!("SSV funding {} per validator; {total}; gas about {gas}.", fee_amount(funding))}</p>
                    <p class="muted" data-testid="activation-checked">{checked}</p>
                    <button class="primary" data-testid="activation-send" on:click=activate
                        disabled=move || flow.state().with(|s| s.is_busy())>{format!("Activate {count} validator{}", if count == 1 { "" } else { "s" })}</button>
                </div>
            }.into_any()
        }
    }
    };
    view! {
        <section class="card" data-testid="activation-panel">
            <h2>"Activation"</h2>
            <p data-testid="activation-limits">{limits}</p>
            <Show when=is_keeper>
                <div class="row">
                    <input type="text" inputmode="numeric" data-testid="activation-count" prop:value=move || count_text.get()
                        on:input=move |ev| { activation.forget(); count_text.set(event_target_value(&ev)) }/>
                    <button class="secondary" data-testid="activation-review" on:click=review
                        disabled=move || count.with(Result::is_err)>"Review"</button>
                </div>
                <p class="muted">{move || count.get().err()}</p>
                {preview}
                <TxStatus head=Signal::derive(move || console.reading().with(|r| r.as_ref().map(|r| r.ops.block))) state=flow.state() done="Activated" what="activation" reverted="The activation was mined but reverted: no ETH left the pool (the network fee was paid)."/>
            </Show>
        </section>
    }
}

/// Why nothing can be activated yet, in words.
fn waiting_words(waiting: &Waiting) -> String {
    match waiting {
        Waiting::BufferBelowDeposit { buffered, queued } if queued.is_zero() => format!(
            "Nothing to activate yet: the buffer holds {}, and a validator needs 32 ETH.",
            fee_amount(*buffered)
        ),
        Waiting::BufferBelowDeposit { buffered, queued } => format!(
            "Nothing to activate yet: the buffer holds {}, of which withdrawal requests wait for {}, and a validator needs 32 ETH more.",
            fee_amount(*buffered),
            fee_amount(*queued)
        ),
        Waiting::RegistryEmpty => "Nothing to activate: the registry has no pending entry.".into(),
        Waiting::RegistryMismatch { index } => format!(
            "Registry entry {index} could not be read as the registry holds it; the console reads it again at the next refresh."
        ),
        Waiting::NotReady { index, ready_at } => {
            format!("Registry entry {index} waits out its activation delay until block {ready_at}.")
        }
        Waiting::FeeReserveShort { reserve, needed } => format!(
            "The fee reserve holds {reserve} wei, and one validator's cluster funding needs {needed} wei: fund the reserve first."
        ),
    }
}

/// What the deposit check covered, and the deposits it ignored.
fn coverage_words(plan: &ActivationPlan) -> String {
    let covered = match plan.coverage {
        DepositCoverage::Beacon {
            slot,
            execution_block,
        } => format!(
            "Keys checked against the beacon node's finalized state (slot {slot}: validators and pending deposits up to block {execution_block}) and the deposit contract's logs up to block {}.",
            plan.block
        ),
        DepositCoverage::LogsOnly { from } => format!(
            "Keys checked against the deposit contract's logs from block {from} to {} (no beacon node configured: complete on the devnet only).",
            plan.block
        ),
    };
    if plan.ignored.is_empty() {
        covered
    } else {
        format!(
            "{covered} {} deposit(s) for these keys carry a signature that does not verify: the beacon chain ignores them (their ether is burned), so they fix nothing.",
            plan.ignored.len()
        )
    }
}

/// Why no activation was prepared, in words.
fn review_words(refusal: &ReviewRefusal) -> String {
    match refusal {
        ReviewRefusal::NoForkVersion { chain_id } => format!(
            "config.json names no \"genesisForkVersion\" and chain {chain_id} is not a known network: deposit signatures cannot be checked, so nothing is activated."
        ),
        ReviewRefusal::Plan(refusal) => refusal_words(refusal),
    }
}

/// Why the planner refused, in words.
fn refusal_words(refusal: &PlanRefusal) -> String {
    match refusal {
        PlanRefusal::Waiting(waiting) => waiting_words(waiting),
        PlanRefusal::MissingEntry(i) => {
            format!("Registry entry {i} could not be read from the pool's events; try again.")
        }
        PlanRefusal::KeyDeposited { index, check } => {
            let (credentials, to_pool, source) = match &check.verdict {
                Verdict::Deposited { credentials, to_pool, source } => (*credentials, *to_pool, *source),
                Verdict::Clear => return "Refused.".into(),
            };
            let seen = match source {
                DepositSource::BeaconValidator => "is already a validator on the beacon chain".to_string(),
                DepositSource::PendingDeposit => "waits in the beacon chain's pending deposits".to_string(),
                DepositSource::Log { block } => format!("was deposited in block {block}"),
            };
            if to_pool {
                format!("Refused: registry entry {index} ({}) {seen} with the pool's own credentials: 32 ETH more would only be swept back. Drop it and the entries after it.", check.pubkey)
            } else {
                format!("Refused: registry entry {index} ({}) {seen} with withdrawal credentials {credentials}. Someone front-ran the pool with a ceremony key: drop this entry and everything after it, and never use that ceremony's keys.", check.pubkey)
            }
        }
        PlanRefusal::InvalidEntry { index, problem } => format!(
            "Refused: registry entry {index} fails its checks ({problem:?}): its deposit would be burned or SSV would never run it. Drop it and the entries after it."
        ),
        PlanRefusal::BeaconNeeded => "Refused: config.json names no \"beaconUrl\". Without a beacon node, keys deposited before the pool existed (or waiting in the beacon chain's pending deposits) cannot be checked, so nothing is activated on this network.".into(),
        PlanRefusal::Beacon(e) => format!("The beacon node could not be asked about the keys, so nothing was prepared: {e}."),
        PlanRefusal::Simulation(e) => format!("The activation would fail, so it was not prepared: {}", describe_tx(e)),
        PlanRefusal::ClusterStale { operator_ids } => format!("The SSV network refuses the snapshot of cluster {operator_ids:?} rebuilt from its events, even after a fresh scan: nothing was prepared. Check the cluster's latest events (an event this version does not read?)."),
        PlanRefusal::TooLarge { bytes, .. } => format!("One validator's activation is {bytes} bytes: more than a node accepts."),
        PlanRefusal::Chain(e) => format!("Could not prepare the activation: {}", describe_chain(e)),
        PlanRefusal::Scan(e) => format!("Could not prepare the activation: {e}"),
    }
}
