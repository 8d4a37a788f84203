//! The runway each activation funds: presets (30, 182, 366 days) or custom, the funding per
//! validator it means at the live fees (in ETH, rounded to the network's precision),
//! and `setRunway` with that preview.

use leptos::prelude::*;
use pool_core::funding::{BLOCKS_PER_DAY, Precision};

use super::{blocks_in_days, fee_amount};
use crate::components::tx_status::TxStatus;
use crate::state::chain::Chain;
use crate::state::console::{Console, operator};
use crate::state::tx::TxFlow;

const PRESETS: [u64; 3] = [30, 182, 366];
/// Below this the console warns: the cluster would need topping up within the month.
const WARN_DAYS: u64 = 30;

#[component]
pub fn RunwayPanel() -> impl IntoView {
    let chain = expect_context::<Chain>();
    let console = expect_context::<Console>();
    let reading = console.reading();
    let flow = TxFlow::new();
    let days_text = RwSignal::new(String::new());
    let days = Memo::new(move |_| -> Result<u64, String> {
        let text = days_text.get();
        let days: u64 = text
            .trim()
            .parse()
            .map_err(|_| "Enter a whole number of days.".to_string())?;
        if days == 0 {
            return Err("The runway must be at least one day: a validator registered with less would be liquidatable almost at once.".into());
        }
        if days > 3_660 {
            return Err("That is more than ten years of fees locked in the cluster.".into());
        }
        Ok(days)
    });
    // The funding per validator for `days`, at the live fees.
    let funding = move |days: u64| {
        reading.with(|r| {
            let r = r.as_ref()?;
            let h = r.cluster.as_ref()?;
            Some(fee_amount(h.fees.funding_per_validator(
                days * BLOCKS_PER_DAY,
                Precision::Eth,
            )))
        })
    };
    let preview = move || -> Result<String, String> {
        let d = days.get()?;
        let per = funding(d)
            .map(|f| format!(" Each validator activated will carry {f} at today's fees."))
            .unwrap_or_else(|| " The funding it means shows once the pool has a cluster.".into());
        let warn = if d < WARN_DAYS {
            format!(" Under {WARN_DAYS} days: clusters will need frequent top-ups.")
        } else {
            String::new()
        };
        Ok(format!(
            "Sets the runway to {}.{per}{warn}",
            blocks_in_days(d * BLOCKS_PER_DAY)
        ))
    };
    let is_operator = move || reading.with(|r| r.as_ref().is_some_and(|r| r.roles.operator));
    let send = move |_| {
        let (Some(connection), Ok(d)) = (chain.connection(), days.get_untracked()) else {
            return;
        };
        let tx =
            chain.with_config(|c| operator::set_runway(c, connection.account, d * BLOCKS_PER_DAY));
        flow.send(chain, connection, tx, move || console.refresh());
    };
    view! {
        <section class="card" data-testid="runway-panel">
            <h2>"Runway"</h2>
            <p>"Each activation funds: " {move || reading.with(|r| r.as_ref().map(|r| blocks_in_days(r.ops.runway)))}
                {move || reading.with(|r| r.as_ref().and_then(|r| funding(r.ops.runway / BLOCKS_PER_DAY).map(|f| format!(", about {f} per validator"))))}</p>
            <ul class="presets">
                {PRESETS.iter().map(|&d| view! {
                    <li>{format!("{d} days: ")}{move || funding(d).unwrap_or_else(|| "…".into())}" per validator"</li>
                }).collect_view()}
            </ul>
            <Show when=is_operator>
                <div class="row">
                    {PRESETS.iter().map(|&d| view! {
                        <button class="secondary" on:click=move |_| { flow.reset(); days_text.set(d.to_string()) }>{format!("{d} days")}</button>
                    }).collect_view()}
                    <input type="text" inputmode="numeric" data-testid="runway-days" placeholder="days"
                        prop:value=move || days_text.get() on:input=move |ev| { flow.reset(); days_text.set(event_target_value(&ev)) }/>
                </div>
                <p class="muted" data-testid="runway-preview">{move || if days_text.with(String::is_empty) { String::new() } else { preview().unwrap_or_else(|e| e) }}</p>
                <button class="primary" data-testid="runway-send" on:click=send
                    disabled=move || days.with(Result::is_err) || flow.state().with(|s| s.is_busy())>"Set runway"</button>
                <TxStatus head=Signal::derive(move || console.reading().with(|r| r.as_ref().map(|r| r.ops.block))) state=flow.state() done="Set" what="runway change" reverted="The transaction was mined but reverted; the runway did not change."/>
            </Show>
        </section>
    }
}
