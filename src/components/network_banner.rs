//! Tells the user when the wallet is on another chain, with a one-click switch.

use leptos::prelude::*;

use crate::state::chain::Chain;

#[component]
pub fn NetworkBanner() -> impl IntoView {
    let chain = expect_context::<Chain>();
    let wallet = chain.wallet();
    let config = chain.config();
    let expected = config.chain_id;
    let wrong_chain = move || {
        wallet
            .connection()
            .with(|c| c.as_ref().is_some_and(|c| c.chain_id != expected))
    };
    let name = config.chain_name.clone();
    view! {
        <Show when=wrong_chain>
            <div class="banner warning" role="alert" data-testid="wrong-network">
                <span>
                    "Your wallet is on another network (chain "
                    {move || wallet.connection().with(|c| c.as_ref().map(|c| c.chain_id))}
                    "). Deposits go to " {name.clone()} " only."
                </span>
                <button class="primary" on:click={
                    let config = config.clone();
                    move |_| wallet.switch_chain(config.clone())
                }>"Switch to " {config.chain_name.clone()}</button>
            </div>
        </Show>
    }
}
