//! The pool's SSV cluster: balance, burn rate, runway left, liquidation threshold; top-up or
//! reactivation from the fee reserve, withdrawal back to it, funding the reserve, each with its
//! effect on the runway shown before the wallet is asked.

use alloy_primitives::U256;
use leptos::prelude::*;
use pool_chain::config::NetworkConfig;
use pool_core::funding::BLOCKS_PER_DAY;
use pool_core::units::parse_ether;

use super::{blocks_in_days, fee_amount};
use crate::components::tx_status::TxStatus;
use crate::state::console::{ClusterHealth, Console};
use crate::state::operator;
use crate::state::tx::TxFlow;
use crate::state::wallet::Wallet;

/// Under this much runway left the console warns.
const WARN_DAYS: u64 = 30;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
    /// Top-up, or reactivation when liquidated: from the fee reserve into the cluster.
    Fund,
    /// From the cluster back into the fee reserve.
    Withdraw,
    /// From the wallet into the fee reserve.
    FundReserve,
}

#[component]
pub fn ClusterPanel() -> impl IntoView {
    let console = expect_context::<Console>();
    let reading = console.reading();
    let health = move || reading.with(|r| r.as_ref().and_then(|r| r.cluster.clone()));
    let status = move || {
        let h = health()?;
        let days = h.runway_left() / BLOCKS_PER_DAY;
        Some(if !h.snapshot.active {
            view! { <p class="error" role="alert" data-testid="cluster-alert">"The cluster is liquidated: its validators are not running. Reactivate it from the fee reserve."</p> }.into_any()
        } else if h.liquidatable() {
            view! { <p class="error" role="alert" data-testid="cluster-alert">"The cluster is liquidatable: anyone may liquidate it now. Top it up at once."</p> }.into_any()
        } else if h.validators() > 0 && days < WARN_DAYS {
            view! { <p class="warning" role="alert" data-testid="cluster-warning">{format!("Under {WARN_DAYS} days of runway left: top the cluster up.")}</p> }.into_any()
        } else {
            ().into_any()
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
    let config = expect_context::<NetworkConfig>();
    let wallet = expect_context::<Wallet>();
    let console = expect_context::<Console>();
    let reading = console.reading();
    let flow = TxFlow::new();
    let action = RwSignal::new(Action::Fund);
    let text = RwSignal::new(String::new());
    let roles = move || reading.with(|r| r.as_ref().map(|r| r.roles).unwrap_or_default());
    let may = move |a: Action| {
        let roles = roles();
        let has_cluster = reading.with(|r| r.as_ref().is_some_and(|r| r.cluster.is_some()));
        match a {
            Action::Fund => has_cluster && (roles.operator || roles.keeper),
            Action::Withdraw => has_cluster && roles.operator,
            Action::FundReserve => roles.operator || roles.admin || roles.keeper,
        }
    };
    let amount = Memo::new(move |_| parse_ether(&text.get()).map_err(|e| e.to_string()));
    // What the action will do, in words, before the wallet is asked; `Err` blocks sending.
    let preview = move || -> Result<String, String> {
        let wei = amount.get()?;
        if wei.is_zero() {
            return Err("Enter an amount above zero.".into());
        }
        reading.with(|r| {
            let r = r.as_ref().ok_or("Reading the pool…")?;
            let h: Option<&ClusterHealth> = r.cluster.as_ref();
            match action.get() {
                Action::Fund => {
                    let h = h.ok_or("The pool has no cluster yet.")?;
                    if wei > r.ops.fee_reserve {
                        return Err(format!("The fee reserve holds only {}.", fee_amount(r.ops.fee_reserve)));
                    }
                    if !h.snapshot.active {
                        if wei < h.threshold() {
                            return Err(format!("Reactivation needs at least the liquidation threshold, {}.", fee_amount(h.threshold())));
                        }
                        return Ok(format!("Reactivates the cluster with {}: runway left becomes {}.", fee_amount(wei), blocks_in_days(h.fees.runway_left(wei, h.validators()))));
                    }
                    Ok(format!("Moves {} from the fee reserve into the cluster: runway left goes from {} to {}.", fee_amount(wei), blocks_in_days(h.runway_left()), blocks_in_days(h.runway_after(wei, true))))
                }
                Action::Withdraw => {
                    let h = h.ok_or("The pool has no cluster yet.")?;
                    let after = h.balance.saturating_sub(wei);
                    if wei > h.balance || (h.validators() > 0 && after < h.threshold()) {
                        return Err(format!("That would leave the cluster liquidatable: at most {} can come out.", fee_amount(h.balance.saturating_sub(h.threshold()))));
                    }
                    Ok(format!("Moves {} from the cluster back into the fee reserve: runway left goes from {} to {}.", fee_amount(wei), blocks_in_days(h.runway_left()), blocks_in_days(h.runway_after(wei, false))))
                }
                Action::FundReserve => Ok(format!("Sends {} from your wallet into the pool's fee reserve (not stakers' ETH; the admin can return it).", fee_amount(wei))),
            }
        })
    };
    let send = move |_| {
        let (Some(connection), Ok(wei)) =
            (wallet.connection().get_untracked(), amount.get_untracked())
        else {
            return;
        };
        if preview().is_err() {
            return;
        }
        let Some(r) = reading.get_untracked() else {
            return;
        };
        let from = connection.account;
        let tx = match (action.get_untracked(), r.cluster) {
            (Action::Fund, Some(h)) => {
                operator::fund_cluster(&config, from, &h.operator_ids, wei, h.snapshot)
            }
            (Action::Withdraw, Some(h)) => {
                operator::withdraw_from_cluster(&config, from, &h.operator_ids, wei, h.snapshot)
            }
            (Action::FundReserve, _) => operator::fund_fee_reserve(&config, from, wei),
            _ => return,
        };
        flow.send(config.clone(), connection, tx, move || console.refresh());
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
                <button class="primary" data-testid="cluster-send" on:click=send.clone()
                    disabled=move || preview().is_err() || flow.state().with(|s| s.is_busy())>"Send"</button>
                <TxStatus head=Signal::derive(move || console.reading().with(|r| r.as_ref().map(|r| r.ops.block))) state=flow.state() done="Done" what="transaction" reverted="The transaction was mined but reverted; nothing moved (the network fee was paid)."/>
            </fieldset>
        </Show>
    }
}
