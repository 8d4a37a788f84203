//! The connected account's withdrawal requests, newest first, each with its state (waiting,
//! ready, claimed), what it pays, and a Claim button once it is ready.

use alloy_primitives::U256;
use leptos::prelude::*;
use pool_core::redemption::{Request, RequestState};
use pool_core::units::{format_ether, format_ether_exact};

use super::amount::SHOWN_DECIMALS;
use super::tx_status::TxStatus;
use crate::state::chain::Chain;
use crate::state::pool::PoolData;
use crate::state::tx::TxState;
use crate::state::withdraw::Claims;

#[component]
pub fn Requests() -> impl IntoView {
    let chain = expect_context::<Chain>();
    let wallet = chain.wallet();
    let pool = expect_context::<PoolData>();
    let claims = expect_context::<Claims>();
    // The reading's requests, if it is about the connected account.
    let rows = move || {
        let connected = wallet.connection().with(|c| c.as_ref().map(|c| c.account));
        pool.reading().with(|r| {
            let r = r.as_ref()?;
            r.pool
                .account
                .as_ref()
                .filter(|a| Some(a.address) == connected)?;
            let last = r.queue.last_finalized_id;
            let totals = r.queue.view.totals;
            let mut rows: Vec<(Request, RequestState, U256)> = r
                .queue
                .requests
                .iter()
                .map(|q| {
                    (
                        q.clone(),
                        q.state(last),
                        q.payout(&totals).unwrap_or_default(),
                    )
                })
                .collect();
            rows.reverse();
            Some(rows)
        })
    };
    let claim = move |id: U256| claims.send(id);
    let busy = move || claims.state().with(TxState::is_busy);
    let eth = |wei: U256| format!("{} ETH", format_ether(wei, SHOWN_DECIMALS));
    view! {
        {move || rows().filter(|r| !r.is_empty()).map(|rows| {

            view! {
                <section class="requests">
                    <h2>"Your withdrawal requests"</h2>
                    <ul class="request-list">
                        {rows.into_iter().map(|(request, state, payout)| {
                            let id = request.id;

                            let (tag, words) = match state {
                                RequestState::Waiting { ahead } if ahead.is_zero() => ("waiting", "Waiting: next in the queue".to_string()),
                                RequestState::Waiting { ahead } => ("waiting", format!("Waiting: {ahead} ahead in the queue")),
                                RequestState::Ready => ("ready", "Ready to claim".to_string()),
                                RequestState::Claimed => ("claimed", "Claimed".to_string()),
                            };
                            let figure = match state {
                                RequestState::Waiting { .. } if payout < request.amount => format!(
                                    "pays at most {}; {} at the pool's current rate",
                                    eth(request.amount), eth(payout)),
                                RequestState::Waiting { .. } => format!("pays at most {}", eth(request.amount)),
                                RequestState::Ready => format!("{} to claim", eth(request.amount)),
                                RequestState::Claimed => format!("{} paid", eth(request.amount)),
                            };
                            view! {
                                <li data-testid=format!("request-{id}") data-state=tag>
                                    <span class="label">{format!("Request #{id}")}</span>
                                    <span class="state">{words}</span>
                                    <span class="amount" title=format!("{} ETH", format_ether_exact(request.amount))>{figure}</span>
                                    {(state == RequestState::Ready).then(|| view! {
                                        <button type="button" class="primary" data-testid=format!("claim-{id}")
                                            disabled=busy on:click=move |_| claim(id)>"Claim"</button>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            }
        })}
        <TxStatus head=Signal::derive(move || pool.reading().with(|r| r.as_ref().map(|r| r.block))) state=claims.state()
            done="Claimed" what="claim"
            reverted="The claim was mined but reverted; the ETH stays in the queue for you to claim (you paid the network fee)."
            testid="claim-status"/>
    }
}
