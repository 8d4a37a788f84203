//! The pool's SSV cluster: balance, burn rate, runway left, liquidation threshold; top-up or
//! reactivation from the fee reserve, withdrawal back to it, funding the reserve, each with its
//! effect on the runway shown before the wallet is asked.

use alloy_primitives::U256;
use leptos::prelude::*;
use pool_core::funding::BLOCKS_PER_DAY;
use pool_core::units::parse_ether;

use super::{blocks_in_days, fee_amount};
use crate::components::tx_status::TxStatus;
use crate::state::chain::Chain;
use crate::state::console::Console;
use crate::state::console::cluster::{
    ClusterAction as Action, ClusterAlert, ClusterEffect, ClusterRefusal, WARN_DAYS,
};
use crate::state::tx::TxFlow;

#[component]
pub fn ClusterPanel() -> impl IntoView {
    let console = expect_context::<Console>();
    let reading = console.reading();
    let health = move || reading.with(|r| r.as_ref().and_then(|r| r.cluster.clone()));
    let status = move || {
        Some(match health()?.alert()? {
            ClusterAlert::Liquidated => view! { <p class="error" role="alert" data-testid="cluster-alert">"The cluster is liquidated: its validators are not running. Reactivate it from the fee reserve."</p> }.into_any(),
            ClusterAlert::Liquidatable => view! { <p class="error" role="alert" data-testid="cluster-alert">"The cluster is liquidatable: anyone may liquidate it now. Top it up at once."</p> }.into_any(),
            ClusterAlert::RunwayShort => view! { <p class="warning" role="alert" data-testid="cluster-warning">{format!("Under {WARN_DAYS} days of runway left: top the cluster up.")}</p> }.into_any(),
        })
    };
    view! {
        <section class="card" data-testid="cluster-panel">
            <h2>"SSV cluster"</h2>
            {move || match health() {
                None => view! { <p>"The pool has no cluster yet: it is created by the first activation."</p> }.into_any(),
                Some(h) => {
                    view! {
                        <dl class="figures">
                            <dt>"Operators"</dt><dd>{h.operator_ids.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")}</dd>
                            <dt>"Validators"</dt><dd data-testid="cluster-validators">{h.validators()}</dd>
                            <dt>"Balance"</dt><dd data-testid="cluster-balance">{fee_amount(h.balance)}</dd>
                            <dt>"Burn rate"</dt><dd>{format!("{} per day", fee_amount(h.burn_rate() * U256::from(BLOCKS_PER_DAY)))}</dd>
                            <dt>"Runway left"</dt><dd data-testid="cluster-runway-left">{blocks_in_days(h.runway_left())}</dd>
                            <dt>"Liquidation threshold"</dt><dd>{fee_amount(h.threshold())}</dd>
                        </dl>
                    }.into_any()
                }
            }}
            {status}
            <ClusterActions/>
        </section>
    }
}

#[component]
fn ClusterActions() -> impl IntoView {
    let chain = expect_context::<Chain>();
    let console = expect_context::<Console>();
    let reading = console.reading();
    let flow = TxFlow::new();
    let action = RwSignal::new(Action::Fund);
    let text = RwSignal::new(String::new());
    let may = move |a: Action| reading.with(|r| r.as_ref().is_some_and(|r| a.allowed(r)));
    let amount = Memo::new(move |_| parse_ether(&text.get()).map_err(|e| e.to_string()));
    // What the action will do, in words, before the wallet is asked; `Err` blocks sending.
    let preview = move || -> Result<String, String> {
        let wei = amount.get()?;
        reading
            .with(|r| action.get().effect(r.as_ref(), wei))
            .map(effect_words)
            .map_err(refusal_words)
    };
    let send = move |_| {
        let (Some(connection), Ok(wei), Some(r)) = (
            chain.connection(),
            amount.get_untracked(),
            reading.get_untracked(),
        ) else {
            return;
        };
        let request = chain.with_config(|config| {
            action
                .get_untracked()
                .request(config, &r, connection.account, wei)
        });
        if let Some(tx) = request {
            flow.send(chain, connection, tx, move || console.refresh());
        }
    };
    let choice = move |a: Action, label: &'static str| {
        view! {
            <Show when=move || may(a)>
                <label><input type="radio" name="cluster-action" prop:checked=move || action.get() == a
                    on:change=move |_| { action.set(a); flow.reset(); }/> {label}</label>
            </Show>
        }
    };
    view! {
        <Show when=move || may(Action::Fund) || may(Action::Withdraw) || may(Action::FundReserve)>
            <fieldset class="actions" data-testid="cluster-actions">
                <legend>"Fund"</legend>
                {choice(Action::Fund, "Top up (or reactivate) from the fee reserve")}
                {choice(Action::Withdraw, "Withdraw to the fee reserve")}
                {choice(Action::FundReserve, "Fund the fee reserve from your wallet")}
                <div class="amount-input">
                    <input type="text" inputmode="decimal" data-testid="cluster-amount" placeholder="0.0"
                        prop:value=move || text.get() on:input=move |ev| { flow.reset(); text.set(event_target_value(&ev)) }/>
                    <span class="unit">"ETH"</span>
                </div>
                <p class="muted" data-testid="cluster-preview">{move || if text.with(String::is_empty) { String::new() } else { preview().unwrap_or_else(|e| e) }}</p>
                <button class="primary" data-testid="cluster-send" on:click=send
                    disabled=move || preview().is_err() || flow.state().with(|s| s.is_busy())>"Send"</button>
                <TxStatus head=Signal::derive(move || console.reading().with(|r| r.as_ref().map(|r| r.ops.block))) state=flow.state() done="Done" what="transaction" reverted="The transaction was mined but reverted; nothing moved (the network fee was paid)."/>
            </fieldset>
        </Show>
    }
}

/// What a cluster action will do, in words.
fn effect_words(effect: ClusterEffect) -> String {
    match effect {
        ClusterEffect::Reactivates {
            amount,
            runway_after,
        } => format!(
            "Reactivates the cluster with {}: runway left becomes {}.",
            fee_amount(amount),
            blocks_in_days(runway_after)
        ),
        ClusterEffect::TopsUp {
            amount,
            runway_before,
            runway_after,
        } => format!(
            "Moves {} from the fee reserve into the cluster: runway left goes from {} to {}.",
            fee_amount(amount),
            blocks_in_days(runway_before),
            blocks_in_days(runway_after)
        ),
        ClusterEffect::Withdraws {
            amount,
            runway_before,
            runway_after,
        } => format!(
            "Moves {} from the cluster back into the fee reserve: runway left goes from {} to {}.",
            fee_amount(amount),
            blocks_in_days(runway_before),
            blocks_in_days(runway_after)
        ),
        ClusterEffect::FundsReserve { amount } => format!(
            "Sends {} from your wallet into the pool's fee reserve (not stakers' ETH; the admin can return it).",
            fee_amount(amount)
        ),
    }
}

/// Why a cluster action is not offered, in words.
fn refusal_words(refusal: ClusterRefusal) -> String {
    match refusal {
        ClusterRefusal::Zero => "Enter an amount above zero.".into(),
        ClusterRefusal::NotRead => "Reading the pool…".into(),
        ClusterRefusal::NoCluster => "The pool has no cluster yet.".into(),
        ClusterRefusal::ReserveShort { reserve } => {
            format!("The fee reserve holds only {}.", fee_amount(reserve))
        }
        ClusterRefusal::BelowThreshold { threshold } => format!(
            "Reactivation needs at least the liquidation threshold, {}.",
            fee_amount(threshold)
        ),
        ClusterRefusal::WouldLiquidate { at_most } => format!(
            "That would leave the cluster liquidatable: at most {} can come out.",
            fee_amount(at_most)
        ),
    }
}
