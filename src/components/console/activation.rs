//! Activation: how many validators can start now and what limits it, a preview of the next ones
//! (each pubkey, 32 ETH each, the SSV funding, the total, the gas), prepared right before the
//! wallet is asked (deposit count, the deposit contract's logs, a fresh cluster snapshot).

use alloy_primitives::U256;
use leptos::prelude::*;
use leptos::task::spawn_local;
use pool_chain::config::NetworkConfig;
use pool_chain::rpc::TxRequest;
use pool_core::deposit::DEPOSIT_WEI;

use super::fee_amount;
use crate::components::tx_status::TxStatus;
use crate::state::console::Console;
use crate::state::operator::{self, Activatable};
use crate::state::tx::TxFlow;
use crate::state::wallet::Wallet;
use pool_chain::client::planner::{ActivationPlan, DepositCoverage, PlanRefusal};
use pool_core::activation::Waiting;
use pool_core::activation::deposits::{DepositSource, Verdict};

#[derive(Clone)]
enum Prepared {
    None,
    Preparing,
    Ready {
        tx: TxRequest,
        plan: Box<ActivationPlan>,
    },
    Refused(String),
}

#[component]
pub fn ActivationPanel() -> impl IntoView {
    let config = expect_context::<NetworkConfig>();
    let wallet = expect_context::<Wallet>();
    let console = expect_context::<Console>();
    let reading = console.reading();
    let flow = TxFlow::new();
    let count_text = RwSignal::new("1".to_string());
    let prepared = RwSignal::new(Prepared::None);
    let activatable = Memo::new(move |_| reading.with(|r| r.as_ref().and_then(Activatable::of)));
    // The planner's registry, deposit and cluster reads carry over from one review to the next.
    let planner = StoredValue::new_local(operator::planner(&config));
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
    let review = {
        let config = config.clone();
        move |_| {
            let (Some(connection), Ok(n)) =
                (wallet.connection().get_untracked(), count.get_untracked())
            else {
                return;
            };
            prepared.set(Prepared::Preparing);
            flow.reset();
            let config = config.clone();
            spawn_local(async move {
                let client = crate::state::http_client(&config);
                let Some(mut current) = planner.try_update_value(Option::take).flatten() else {
                    prepared.set(Prepared::Refused(format!(
                        "config.json names no \"genesisForkVersion\" and chain {} is not a known network: deposit signatures cannot be checked, so nothing is activated.",
                        config.chain_id
                    )));
                    return;
                };
                let outcome = operator::prepare_activation(
                    &client,
                    &config,
                    &mut current,
                    connection.account,
                    n,
                )
                .await;
                planner.set_value(Some(current));
                prepared.set(match outcome {
                    Ok(plan) => Prepared::Ready {
                        tx: plan.request(config.pool_manager, connection.account),
                        plan: Box::new(plan),
                    },
                    Err(refusal) => Prepared::Refused(refusal_words(&refusal)),
                });
            });
        }
    };
    let activate = move |_| {
        let (Some(connection), Prepared::Ready { tx, .. }) = (
            wallet.connection().get_untracked(),
            prepared.get_untracked(),
        ) else {
            return;
        };
        flow.send(config.clone(), connection, tx, move || console.refresh());
        prepared.set(Prepared::None);
    };
    let preview = move || {
        match prepared.get() {
        Prepared::None => ().into_any(),
        Prepared::Preparing => view! { <p>"Checking the pubkeys against the deposit contract and reading the cluster…"</p> }.into_any(),
        Prepared::Refused(reason) => view! { <p class="error" role="alert" data-testid="activation-refused">{reason}</p> }.into_any(),
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
                    <button class="primary" data-testid="activation-send" on:click=activate.clone()
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
                        on:input=move |ev| { prepared.set(Prepared::None); count_text.set(event_target_value(&ev)) }/>
                    <button class="secondary" data-testid="activation-review" on:click=review.clone()
                        disabled=move || count.with(Result::is_err)>"Review"</button>
                </div>
                <p class="muted">{move || count.get().err()}</p>
                {preview.clone()}
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
        PlanRefusal::Simulation(e) => format!("The activation would fail, so it was not prepared: {}", crate::errors::describe_tx(e)),
        PlanRefusal::ClusterStale { operator_ids } => format!("The SSV network refuses the snapshot of cluster {operator_ids:?} rebuilt from its events, even after a fresh scan: nothing was prepared. Check the cluster's latest events (an event this version does not read?)."),
        PlanRefusal::TooLarge { bytes, .. } => format!("One validator's activation is {bytes} bytes: more than a node accepts."),
        PlanRefusal::Chain(e) => format!("Could not prepare the activation: {}", crate::errors::describe_chain(e)),
        PlanRefusal::Scan(e) => format!("Could not prepare the activation: {e}"),
    }
}
