//! The connected account's poolETH, computed from its shares.

use leptos::prelude::*;

use super::amount::EthAmount;
use crate::state::{pool::PoolData, wallet::Wallet};

#[component]
pub fn Position() -> impl IntoView {
    let pool = expect_context::<PoolData>();
    let wallet = expect_context::<Wallet>();
    let account = move || {
        let connected = wallet.connection.with(|c| c.as_ref().map(|c| c.account));
        pool.reading.with(|r| {
            r.as_ref()
                .and_then(|r| r.pool.account.clone())
                .filter(|a| Some(a.address) == connected)
        })
    };
    let balance = Signal::derive(move || account().map(|a| a.balance));
    let shares = Signal::derive(move || account().map(|a| a.shares));
    view! {
        <Show when=move || wallet.connection.with(Option::is_some) fallback=|| view! {
            <p class="muted">"Connect a wallet to see your poolETH and deposit."</p>
        }>
            <div class="position">
                <span class="label">"Your poolETH"</span>
                <strong class="big" data-testid="pooleth-balance"><EthAmount wei=balance unit="poolETH"/></strong>
                <span class="muted">"Shares: " <span data-testid="shares"><EthAmount wei=shares unit=""/></span></span>
            </div>
        </Show>
    }
}
