//! wpoolETH: wrap poolETH (approve, then deposit) and unwrap (redeem), with the rate exactly as
//! the wrapper computes it (`convertToAssets(1e18)`, every wei shown) and previews computed the
//! way the wrapper rounds (its shares are pool shares: down both ways).

use alloy_primitives::U256;
use leptos::prelude::*;
use pool_chain::reads::WrapperReading;
use pool_core::units::{format_ether, format_ether_exact, parse_ether};

use super::amount::{EthAmount, SHOWN_DECIMALS};
use super::tx_status::TxStatus;
use crate::state::chain::Chain;
use crate::state::pool::PoolData;
use crate::state::tx::TxState;
use crate::state::wrap::{Wrap, WrapStep};

/// Which way the form converts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Wrap,
    Unwrap,
}

#[component]
pub fn WrapForm() -> impl IntoView {
    let chain = expect_context::<Chain>();
    let wallet = chain.wallet();
    let pool = expect_context::<PoolData>();
    let wrap = expect_context::<Wrap>();
    let direction = RwSignal::new(Direction::Wrap);
    let text = RwSignal::new(String::new());
    let chain_id = chain.chain_id();
    Effect::new(move |_| {
        if matches!(wrap.state().get(), TxState::Mined { .. })
            && wrap.step().get() != Some(WrapStep::Approve)
        {
            text.set(String::new());
        }
    });
    let wrapper = move || pool.reading().with(|r| r.as_ref().and_then(|r| r.wrapper));
    let totals = move || pool.reading().with(|r| r.as_ref().map(|r| r.pool.totals));
    let pool_eth = move || {
        pool.reading().with(|r| {
            r.as_ref()
                .and_then(|r| r.pool.account.as_ref().map(|a| a.balance))
        })
    };
    // What the form spends: poolETH to wrap, or wpoolETH to unwrap.
    let held = move || match direction.get() {
        Direction::Wrap => pool_eth(),
        Direction::Unwrap => wrapper().map(|w| w.wrapped),
    };
    // The typed amount and what it gives, or why it cannot be sent.
    let checked = Memo::new(move |_| -> Option<Result<(U256, U256), String>> {
        let wei = match parse_ether(&text.get()) {
            Ok(wei) => wei,
            Err(e) => return Some(Err(e.to_string())),
        };
        let (held, totals) = (held()?, totals()?);
        if wei > held {
            return Some(Err(match direction.get() {
                Direction::Wrap => "That is more than your poolETH.".into(),
                Direction::Unwrap => "That is more than your wpoolETH.".into(),
            }));
        }
        let out = match direction.get() {
            Direction::Wrap => totals.shares_by_pooled_eth(wei),
            Direction::Unwrap => totals.pooled_eth_by_shares(wei),
        };
        Some(match out {
            Ok(out) if out.is_zero() => Err("That is too small to give anything back.".into()),
            Ok(out) => Ok((wei, out)),
            Err(e) => Err(e.to_string()),
        })
    });
    let on_our_chain = move || {
        wallet
            .connection()
            .with(|c| c.as_ref().is_some_and(|c| c.chain_id == chain_id))
    };
    let needs_approval = move |w: &WrapperReading| {
        direction.get() == Direction::Wrap
            && checked.with(|c| matches!(c, Some(Ok((wei, _))) if w.allowance < *wei))
    };
    let can_send =
        move || on_our_chain() && checked.with(|c| matches!(c, Some(Ok(_)))) && !wrap.is_busy();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(Ok((wei, _))), Some(w)) = (
            checked.get_untracked(),
            pool.reading()
                .with_untracked(|r| r.as_ref().and_then(|r| r.wrapper)),
        ) else {
            return;
        };
        match direction.get_untracked() {
            Direction::Wrap => wrap.wrap(w.address, wei, w.allowance),
            Direction::Unwrap => wrap.unwrap(w.address, wei),
        }
    };
    let max = move |_| {
        if let Some(held) = held() {
            text.set(format_ether_exact(held));
        }
    };
    let choose = move |d: Direction| {
        move |_| {
            direction.set(d);
            text.set(String::new());
        }
    };
    let (from, to) = (
        move || {
            if direction.get() == Direction::Wrap {
                "poolETH"
            } else {
                "wpoolETH"
            }
        },
        move || {
            if direction.get() == Direction::Wrap {
                "wpoolETH"
            } else {
                "poolETH"
            }
        },
    );
    let help = move || {
        if text.with(String::is_empty) {
            return held()
                .map(|h| format!("Balance: {} {}", format_ether(h, SHOWN_DECIMALS), from()))
                .unwrap_or_default();
        }
        match checked.get() {
            Some(Ok((_, out))) => format!(
                "You receive {} {}.",
                format_ether(out, SHOWN_DECIMALS),
                to()
            ),
            Some(Err(e)) => e,
            None => String::new(),
        }
    };
    let wrapped = Signal::derive(move || wrapper().map(|w| w.wrapped));
    view! {
        <Show when=move || wallet.connection().with(Option::is_some) && wrapper().is_some()>
            <div class="card">
            <form class="deposit wrap" on:submit=submit novalidate>
                <h2>"wpoolETH"</h2>
                <p class="muted">
                    "poolETH that does not rebase, for DeFi: a wpoolETH balance stays fixed and what it is worth grows. "
                    <span data-testid="wrap-rate">{move || wrapper().map(|w| format!("1 wpoolETH = {} poolETH", format_ether_exact(w.rate)))}</span>
                </p>
                <p>"Your wpoolETH: " <strong data-testid="wpooleth-balance"><EthAmount wei=wrapped unit="wpoolETH"/></strong></p>
                <div class="row" role="group" aria-label="Direction">
                    <button type="button" class="secondary" data-testid="wrap-tab" aria-pressed=move || (direction.get() == Direction::Wrap).to_string() on:click=choose(Direction::Wrap)>"Wrap"</button>
                    <button type="button" class="secondary" data-testid="unwrap-tab" aria-pressed=move || (direction.get() == Direction::Unwrap).to_string() on:click=choose(Direction::Unwrap)>"Unwrap"</button>
                </div>
                <label for="wrap-amount">{move || format!("{} to {}", from(), if direction.get() == Direction::Wrap { "wrap" } else { "unwrap" })}</label>
                <div class="amount-input">
                    <input id="wrap-amount" data-testid="wrap-amount" type="text" inputmode="decimal" autocomplete="off"
                        placeholder="0.0" aria-describedby="wrap-help"
                        prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))/>
                    <span class="unit">{from}</span>
                    <button type="button" class="secondary max" data-testid="wrap-max" on:click=max>"Max"</button>
                </div>
                <p id="wrap-help" class="muted">{help}</p>
                <button type="submit" class="primary wide" data-testid="wrap-submit" disabled=move || !can_send()>
                    {move || match (wrap.state().get(), wrap.step().get()) {
                        (TxState::AwaitingWallet, _) => "Confirm in your wallet…",
                        (TxState::Pending { .. }, Some(WrapStep::Approve)) => "Approving…",
                        (TxState::Pending { .. }, Some(WrapStep::Unwrap)) => "Unwrapping…",
                        (TxState::Pending { .. }, _) => "Wrapping…",
                        _ if !on_our_chain() => "Switch network to wrap",
                        _ if direction.get() == Direction::Unwrap => "Unwrap",
                        _ if wrapper().is_some_and(|w| needs_approval(&w)) => "Approve, then wrap",
                        _ => "Wrap",
                    }}
                </button>
                <TxStatus head=Signal::derive(move || pool.reading().with(|r| r.as_ref().map(|r| r.block))) state=wrap.state()
                    done="Done" what="transaction" testid="wrap-status"
                    reverted="The transaction was mined but reverted; your tokens did not move (you paid the network fee)."/>
            </form>
            </div>
        </Show>
    }
}
