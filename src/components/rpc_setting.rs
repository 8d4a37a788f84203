//! The staker's own RPC: which endpoint the page reads through, a field to use another (checked
//! for the pool's chain before use) and a way back to the site's. One line of status says all
//! three states (checking, refused, in use): every reactive piece of a view costs the staker's
//! download.

use leptos::prelude::*;

use crate::components::errors::describe_rpc;
use crate::state::chain::Chain;

#[component]
pub fn RpcSetting() -> impl IntoView {
    let chain = expect_context::<Chain>();
    let rpc = chain.rpc();
    let chain_id = chain.chain_id();
    // Read on submit only: nothing on the page depends on the text as it is typed.
    let typed = StoredValue::new(String::new());
    let status = move || {
        if rpc.checking().get() {
            return "Checking…".to_string();
        }
        if let Some(problem) = rpc.refused().get() {
            return describe_rpc(&problem, chain_id);
        }
        let whose = if rpc.is_custom() {
            "yours"
        } else {
            "the site's"
        };
        format!(
            "The page reads the chain through {}, {whose}.",
            rpc.url().get()
        )
    };
    view! {
        <details class="card rpc" data-testid="rpc-setting">
            <summary>"RPC"</summary>
            <form on:submit=move |ev| {
                ev.prevent_default();
                rpc.set_custom(typed.get_value());
            }>
                <label for="rpc-url">"Your own RPC URL, for chain " {chain_id}</label>
                <input id="rpc-url" data-testid="rpc-url" autocomplete="off" placeholder="https://…"
                    on:input=move |ev| typed.set_value(event_target_value(&ev))/>
                <button type="submit" class="secondary" data-testid="rpc-use">"Use"</button>
                <button type="button" class="secondary" data-testid="rpc-reset" on:click=move |_| rpc.reset()>
                    "Use the site's RPC"
                </button>
            </form>
            <p role="status" data-testid="rpc-status">{status}</p>
        </details>
    }
}
