//! The connected account's poolETH, computed from its shares, with its rewards, the exchange
//! rate on demand, exact copy, and "Add poolETH to wallet" (EIP-747).

use alloy_primitives::U256;
use leptos::prelude::*;
use pool_core::rewards::rewards;
use pool_core::units::{format_ether, format_ether_exact};

use super::amount::{EthAmount, SHOWN_DECIMALS};
use crate::state::chain::Chain;
use crate::state::watch_asset::add_pool_eth;
use crate::state::{history::History, pool::PoolData};

#[component]
pub fn Position() -> impl IntoView {
    let pool = expect_context::<PoolData>();
    let chain = expect_context::<Chain>();
    let wallet = chain.wallet();
    let history = expect_context::<History>();
    let account = move || {
        let connected = wallet.connection().with(|c| c.as_ref().map(|c| c.account));
        pool.reading().with(|r| {
            r.as_ref()
                .and_then(|r| r.pool.account.clone())
                .filter(|a| Some(a.address) == connected)
        })
    };
    let balance = Signal::derive(move || account().map(|a| a.balance));
    let shares = Signal::derive(move || account().map(|a| a.shares));
    let earned = move || {
        let position = account()?;
        let flows = history
            .flows()
            .get()
            // Flows read at another share count (a deposit just landed) would count that
            // deposit as a reward: wait for the fetch that matches.
            .filter(|f| f.account == position.address && f.shares == position.shares)?;
        let amount = rewards(position.balance, flows.received, flows.sent);
        let sign = if amount.is_negative() { "−" } else { "+" };
        Some(format!(
            "{sign}{} poolETH",
            format_ether(amount.unsigned_abs(), SHOWN_DECIMALS)
        ))
    };
    let rate = move || {
        pool.reading().with(|r| {
            r.as_ref().and_then(|r| {
                r.pool
                    .totals
                    .pooled_eth_by_shares(U256::from(10u64).pow(U256::from(18)))
                    .ok()
            })
        })
    };
    let note = RwSignal::new(None::<String>);
    let copy = move |_| {
        if let (Some(wei), Some(window)) = (balance.get_untracked(), web_sys::window()) {
            let _ = window
                .navigator()
                .clipboard()
                .write_text(&format_ether_exact(wei));
            note.set(Some("Exact balance copied.".into()));
        }
    };
    let watch = move |_| {
        add_pool_eth(chain, move |answer| {
            note.set(Some(match answer {
                Ok(()) => "poolETH is in your wallet's token list.".into(),
                Err(e) => e.to_string(),
            }))
        })
    };
    view! {
        <Show when=move || wallet.connection().with(Option::is_some) fallback=|| view! {
            <p class="muted">"Connect a wallet to see your poolETH and deposit."</p>
        }>
            <div class="position">
                <span class="label">"Your poolETH"</span>
                <strong class="big" data-testid="pooleth-balance"><EthAmount wei=balance unit="poolETH"/></strong>
                <span class="muted" data-testid="rewards">
                    {move || earned().map(|e| format!("Rewards since your first deposit: {e}"))}
                </span>
                <details>
                    <summary>"Details"</summary>
                    <dl class="details">
                        <dt>"Shares"</dt>
                        <dd data-testid="shares"><EthAmount wei=shares unit="shares"/></dd>
                        <dt>"Exchange rate"</dt>
                        <dd data-testid="rate">{move || rate().map(|r| format!("1 share = {} poolETH", format_ether(r, 9)))}</dd>
                        <dt>"Exact balance"</dt>
                        <dd class="exact">{move || balance.get().map(format_ether_exact)}</dd>
                    </dl>
                    <div class="row">
                        <button type="button" class="secondary" on:click=copy>"Copy exact balance"</button>
                        <button type="button" class="secondary" on:click=watch data-testid="watch-asset">"Add poolETH to wallet"</button>
                    </div>
                    <p class="muted" role="status">{move || note.get()}</p>
                </details>
            </div>
        </Show>
    }
}
