//! The pool's totals.

use leptos::prelude::*;

use super::amount::EthAmount;
use crate::state::pool::PoolData;

#[component]
pub fn PoolStats() -> impl IntoView {
    let pool = expect_context::<PoolData>();
    let pooled = Signal::derive(move || {
        pool.reading
            .with(|r| r.as_ref().map(|r| r.pool.totals.total_pooled_ether))
    });
    let shares = Signal::derive(move || {
        pool.reading
            .with(|r| r.as_ref().map(|r| r.pool.totals.total_shares))
    });
    let buffered = Signal::derive(move || {
        pool.reading
            .with(|r| r.as_ref().map(|r| r.pool.buffered_ether))
    });
    view! {
        <aside class="card stats" aria-label="Pool">
            <h2>"Pool"</h2>
            <dl>
                <dt>"Total pooled ETH"</dt>
                <dd data-testid="total-pooled"><EthAmount wei=pooled unit="ETH"/></dd>
                <dt>"Total shares"</dt>
                <dd data-testid="total-shares"><EthAmount wei=shares unit="shares"/></dd>
                <dt>"Buffered (awaiting a validator)"</dt>
                <dd><EthAmount wei=buffered unit="ETH"/></dd>
            </dl>
            <p class="muted">
                {move || pool.reading.with(|r| r.as_ref().map(|r| format!("As of block {}", r.block)))}
            </p>
            <Show when=move || pool.error.with(Option::is_some)>
                <p class="error" role="alert">{move || pool.error.get()}</p>
            </Show>
        </aside>
    }
}
