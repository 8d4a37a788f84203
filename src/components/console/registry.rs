//! The registry's pending entries (in activation order, with when each is ready) and dropping
//! every pending entry from an index on, with what that means shown before the wallet is asked.

use leptos::prelude::*;

use crate::components::tx_status::TxStatus;
use crate::state::chain::Chain;
use crate::state::console::{Console, operator};
use crate::state::tx::TxFlow;

#[component]
pub fn RegistryPanel() -> impl IntoView {
    let chain = expect_context::<Chain>();
    let console = expect_context::<Console>();
    let reading = console.reading();
    let flow = TxFlow::new();
    // The index the operator chose to drop from, awaiting confirmation.
    let dropping = RwSignal::new(None::<u64>);
    let may_drop = move || {
        reading.with(|r| {
            r.as_ref()
                .is_some_and(|r| r.roles.operator || r.roles.admin)
        })
    };
    let rows = move || {
        let Some(r) = reading.get() else {
            return ().into_any();
        };
        let next_block = r.ops.block + 1;
        r.pending.iter().map(|e| {
            let index = e.index;
            let state = if !e.matches_registry {
                "its event data does not match the registry: it cannot be activated".to_string()
            } else if e.ready_at > next_block {
                format!("ready at block {}", e.ready_at)
            } else {
                "ready".to_string()
            };
            view! {
                <tr data-testid="registry-row">
                    <td>{index}</td><td><code>{e.pubkey.to_string()}</code></td><td>{state}</td>
                    <td><Show when=may_drop>
                        <button class="secondary" data-testid="registry-drop" on:click=move |_| { flow.reset(); dropping.set(Some(index)) }>"Drop from here"</button>
                    </Show></td>
                </tr>
            }
        }).collect_view().into_any()
    };
    let confirm = move || {
        let index = dropping.get()?;
        let r = reading.get()?;
        let last = r.ops.validator_count.checked_sub(1)?;
        let count = last + 1 - index;
        Some(view! {
            <div class="preview" data-testid="drop-preview" role="alert">
                <p>{format!(
                    "Drops entries {index} to {last} ({count} validator{}) for good: their pubkeys can never be added again, \
                     no ETH moves, and the next ceremony's key shares must start at owner nonce {index}. \
                     Do this when an entry can never be activated (a front-run key, data for other credentials, an operator gone from SSV): everything behind it waits otherwise.",
                    if count == 1 { "" } else { "s" }
                )}</p>
                <button class="danger" data-testid="drop-confirm" on:click=move |_| {
                    let Some(connection) = chain.connection() else { return };
                    let tx = chain.with_config(|c| operator::drop_validators(c, connection.account, index));
                    flow.send(chain, connection, tx, move || console.refresh());
                    dropping.set(None);
                }>{format!("Drop {count} entr{}", if count == 1 { "y" } else { "ies" })}</button>
                <button class="secondary" on:click=move |_| dropping.set(None)>"Cancel"</button>
            </div>
        })
    };
    view! {
        <section class="card" data-testid="registry-panel">
            <h2>"Registry"</h2>
            <p>{move || reading.with(|r| r.as_ref().map(|r| format!(
                "{} pending, {} dropped for good.", r.ops.pending_validators, r.registry.dropped.len()
            )))}</p>
            <table class="registry">
                <thead><tr><th>"Index"</th><th>"Pubkey"</th><th>"State"</th><th></th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
            {confirm}
            <TxStatus head=Signal::derive(move || console.reading().with(|r| r.as_ref().map(|r| r.ops.block))) state=flow.state() done="Dropped" what="drop" reverted="The transaction was mined but reverted; the registry did not change."/>
        </section>
    }
}
