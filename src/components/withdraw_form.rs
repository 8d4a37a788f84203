//! The withdrawal form: an amount of poolETH (Max: the whole balance), what the request pays at
//! most, the queue ahead and the estimated wait in words, and the request's progress.

use alloy_primitives::U256;
use leptos::prelude::*;
use pool_core::redemption::{Churn, Holding, Preview, Wait, preview};
use pool_core::units::{format_ether, format_ether_exact, parse_ether};

use super::amount::SHOWN_DECIMALS;
use super::tx_status::TxStatus;
use crate::state::chain::Chain;
use crate::state::pool::PoolData;
use crate::state::tx::TxState;
use crate::state::withdraw::Withdraw;

#[component]
pub fn WithdrawForm() -> impl IntoView {
    let chain = expect_context::<Chain>();
    let wallet = chain.wallet();
    let pool = expect_context::<PoolData>();
    let withdraw = expect_context::<Withdraw>();
    let text = RwSignal::new(String::new());
    let chain_id = chain.chain_id();
    Effect::new(move |_| {
        if matches!(withdraw.state().get(), TxState::Mined { .. }) {
            text.set(String::new());
        }
    });
    let balance = Memo::new(move |_| {
        pool.reading().with(|r| {
            r.as_ref()
                .and_then(|r| r.pool.account.as_ref().map(|a| a.balance))
        })
    });
    // The preview of the typed amount, or why the queue would refuse it.
    let checked = Memo::new(move |_| -> Option<Result<(U256, Preview), String>> {
        let wei = match parse_ether(&text.get()) {
            Ok(wei) => wei,
            Err(e) => return Some(Err(e.to_string())),
        };
        let balance = balance.get()?;
        pool.reading().with(|r| {
            let r = r.as_ref()?;
            Some(
                preview(wei, Holding { balance }, &r.queue.view, Churn::UNKNOWN)
                    .map(|p| (wei, p))
                    .map_err(|e| e.to_string()),
            )
        })
    });
    let now = move || {
        pool.reading()
            .with(|r| r.as_ref().map_or(0, |r| r.timestamp))
    };
    let on_our_chain = move || {
        wallet
            .connection()
            .with(|c| c.as_ref().is_some_and(|c| c.chain_id == chain_id))
    };
    let can_send = move || {
        on_our_chain()
            && checked.with(|c| matches!(c, Some(Ok(_))))
            && !withdraw.state().with(TxState::is_busy)
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(Ok((wei, _))) = checked.get_untracked() {
            withdraw.send(wei);
        }
    };
    let max = move |_| {
        if let Some(balance) = balance.get_untracked() {
            text.set(format_ether_exact(balance));
        }
    };
    let problem = move || {
        if text.with(String::is_empty) {
            None
        } else {
            checked.get().and_then(Result::err)
        }
    };
    let shown = |wei: U256| format!("{} ETH", format_ether(wei, SHOWN_DECIMALS));
    let details = move || {
        let (_, p) = checked.get()?.ok()?;
        let ahead = match p.requests_ahead {
            0 => "No request is waiting ahead of yours.".to_string(),
            1 => format!(
                "1 request waits ahead of yours, for {}.",
                shown(p.queue_ahead)
            ),
            n => format!(
                "{n} requests wait ahead of yours, for {}.",
                shown(p.queue_ahead)
            ),
        };
        Some(view! {
            <dl class="details" data-testid="withdraw-preview">
                <dt>"Pays at most"</dt>
                <dd data-testid="pays-at-most" title=format!("{} ETH", format_ether_exact(p.pays_at_most))>
                    {shown(p.pays_at_most)}
                    <span class="muted">" (less if the pool reports a loss before it is paid; rewards from now on stay with the pool)"</span>
                </dd>
                <dt>"Queue ahead"</dt>
                <dd data-testid="queue-ahead">{ahead}</dd>
                <dt>"Estimated wait"</dt>
                <dd data-testid="wait">{wait_words(p.wait, now())}</dd>
            </dl>
        })
    };
    let help = move || {
        problem().unwrap_or_else(|| {
            balance
                .get()
                .map(|b| format!("Balance: {} poolETH", format_ether(b, SHOWN_DECIMALS)))
                .unwrap_or_default()
        })
    };
    view! {
        <Show when=move || wallet.connection().with(Option::is_some) fallback=|| view! {
            <h2>"Withdraw"</h2>
            <p class="muted">"Connect a wallet to redeem your poolETH for ETH."</p>
        }>
            <form class="deposit withdraw" on:submit=submit novalidate>
                <h2>"Withdraw"</h2>
                <label for="withdraw-amount">"poolETH to redeem for ETH"</label>
                <div class="amount-input">
                    <input
                        id="withdraw-amount"
                        data-testid="withdraw-amount"
                        type="text"
                        inputmode="decimal"
                        autocomplete="off"
                        placeholder="0.0"
                        aria-describedby="withdraw-help"
                        aria-invalid=move || problem().is_some().to_string()
                        prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))
                    />
                    <span class="unit">"poolETH"</span>
                    <button type="button" class="secondary max" data-testid="withdraw-max" on:click=max>"Max"</button>
                </div>
                <p id="withdraw-help" class="muted">{help}</p>
                {details}
                <button type="submit" class="primary wide" data-testid="withdraw-submit" disabled=move || !can_send()>
                    {move || match withdraw.state().get() {
                        TxState::AwaitingWallet => "Confirm in your wallet…",
                        TxState::Pending { .. } => "Requesting…",
                        _ if !on_our_chain() => "Switch network to withdraw",
                        _ => "Request withdrawal",
                    }}
                </button>
                <TxStatus head=Signal::derive(move || pool.reading().with(|r| r.as_ref().map(|r| r.block))) state=withdraw.state()
                    done="Requested" what="withdrawal request"
                    reverted="The request was mined but reverted; your poolETH stayed in your wallet (you paid the network fee)."
                    testid="withdraw-status"/>
            </form>
        </Show>
    }
}

/// The estimated wait in words, `now` being the reading's chain time.
pub fn wait_words(wait: Wait, now: u64) -> String {
    match wait {
        Wait::Reports { reports: 1, at } if at <= now => {
            "Paid in the next oracle report, which is due now.".into()
        }
        Wait::Reports { reports: 1, at } => format!(
            "Paid in the next oracle report, in about {}.",
            duration(at - now)
        ),
        Wait::Reports { reports, at } => format!(
            "Paid in the oracle report {reports} from now (each pays a bounded batch of requests), in about {}.",
            duration(at.saturating_sub(now))
        ),
        Wait::Exits {
            validators: 0,
            soonest,
            latest,
        } => format!(
            "Paid once the validators already leaving the beacon chain are withdrawn: in {} to {}.",
            duration(soonest.saturating_sub(now)),
            duration(latest.saturating_sub(now))
        ),
        Wait::Exits {
            validators,
            soonest,
            latest,
        } => format!(
            "{validators} of the pool's validators must exit the beacon chain first: paid in {} to {}, longer if many other validators are leaving at the same time.",
            duration(soonest.saturating_sub(now)),
            duration(latest.saturating_sub(now))
        ),
    }
}

/// A rough duration: minutes, hours or days, rounded up.
fn duration(seconds: u64) -> String {
    let (n, unit) = match seconds {
        s if s < 3_600 => (s.div_ceil(60).max(1), "minute"),
        s if s < 48 * 3_600 => (s.div_ceil(3_600), "hour"),
        s => (s.div_ceil(86_400), "day"),
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}
