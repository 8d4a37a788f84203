//! The pool's totals, progress to the next validator, runway, rebase history and APR.

use alloy_primitives::U256;
use leptos::prelude::*;
use pool_core::funding::BLOCKS_PER_DAY;
use pool_core::rewards::{apr_bps, format_bps};
use pool_core::units::format_ether;

use super::amount::EthAmount;
use super::rebase_chart::RebaseChart;
use crate::components::errors::describe_rpc;
use crate::state::chain::Chain;
use crate::state::{history::History, pool::PoolData};

const DAY: u64 = 86_400;

#[component]
pub fn PoolStats() -> impl IntoView {
    let pool = expect_context::<PoolData>();
    let history = expect_context::<History>();
    let chain = expect_context::<Chain>();
    let (rpc, chain_id) = (chain.rpc(), chain.chain_id());
    // Why the figures are not fresh: the RPC failed its check, or the last read failed (the
    // last figures stay on screen either way).
    let problem = move || {
        rpc.problem()
            .with(|p| p.as_ref().map(|p| describe_rpc(p, chain_id)))
            .or_else(|| pool.error().with(|e| e.as_ref().map(ToString::to_string)))
    };
    let field = move |f: fn(&crate::state::pool::Reading) -> U256| {
        Signal::derive(move || pool.reading().with(|r| r.as_ref().map(f)))
    };
    let pooled = field(|r| r.pool.totals.total_pooled_ether);
    let shares = field(|r| r.pool.totals.total_shares);
    let buffered = field(|r| r.pool.buffered_ether);
    let validator = U256::from(pool_core::deposit::DEPOSIT_WEI);
    // Progress of the buffer towards the next validator's deposit, in whole percent.
    let progress = move || {
        pool.reading().with(|r| {
            r.as_ref().map(|r| {
                let into_next = r.pool.buffered_ether % validator;
                let ready = r.pool.buffered_ether / validator;
                (
                    ready.to::<u64>(),
                    (into_next * U256::from(100u8) / validator).to::<u64>(),
                    into_next,
                )
            })
        })
    };
    let apr = move |window: u64| {
        history.reports().with(|reports| {
            let now = reports.last().map(|r| r.timestamp).unwrap_or_default();
            apr_bps(reports, now, window)
                .map(format_bps)
                .unwrap_or_else(|| "—".into())
        })
    };
    view! {
        <aside class="card stats" aria-label="Pool">
            <h2>"Pool"</h2>
            <dl>
                <dt>"Total pooled ETH"</dt>
                <dd data-testid="total-pooled"><EthAmount wei=pooled unit="ETH"/></dd>
                <dt>"Total shares"</dt>
                <dd data-testid="total-shares"><EthAmount wei=shares unit="shares"/></dd>
                <dt>"Buffered (awaiting a validator)"</dt>
                <dd data-testid="buffered"><EthAmount wei=buffered unit="ETH"/></dd>
                <dt>"Validators activated"</dt>
                <dd data-testid="validators">{move || pool.reading().with(|r| r.as_ref().map(|r| r.pool.activated_validators))}</dd>
                <dt>"Runway per activation"</dt>
                <dd data-testid="runway">{move || pool.reading().with(|r| r.as_ref().map(|r| {
                    format!("{} days ({} blocks)", r.pool.runway_blocks / BLOCKS_PER_DAY, r.pool.runway_blocks)
                }))}</dd>
                <dt>"APR, 7 days"</dt>
                <dd data-testid="apr-7d">{move || apr(7 * DAY)}</dd>
                <dt>"APR, 30 days"</dt>
                <dd data-testid="apr-30d">{move || apr(30 * DAY)}</dd>
            </dl>
            {move || progress().map(|(ready, percent, into_next)| view! {
                <label class="progress-label" for="next-validator">
                    {if ready > 0 { format!("{ready} validator(s) ready to activate; ") } else { String::new() }}
                    {format!("next validator: {} / {} ETH", format_ether(into_next, 2), format_ether(validator, 0))}
                </label>
                <progress id="next-validator" max="100" value=percent.to_string()>{format!("{percent}%")}</progress>
            })}
            <RebaseChart reports=history.reports()/>
            <p class="muted">
                {move || pool.reading().with(|r| r.as_ref().map(|r| format!("As of block {}", r.block)))}
            </p>
            {move || problem().map(|p| view! { <p class="error" role="alert">{p}</p> })}
        </aside>
    }
}
