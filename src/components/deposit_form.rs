//! The deposit form: exact amount parsing, plain-word validation, the transaction's progress.

use alloy_primitives::U256;
use leptos::prelude::*;
use pool_chain::config::NetworkConfig;
use pool_core::units::{format_ether, parse_ether};

use super::amount::SHOWN_DECIMALS;
use crate::state::deposit::{Deposit, TxState};
use crate::state::{pool::PoolData, wallet::Wallet};

#[component]
pub fn DepositForm() -> impl IntoView {
    let config = expect_context::<NetworkConfig>();
    let wallet = expect_context::<Wallet>();
    let pool = expect_context::<PoolData>();
    let deposit = expect_context::<Deposit>();
    let text = RwSignal::new(String::new());
    let chain_id = config.chain_id;
    // A mined deposit empties the field, so that the same amount is not sent twice by mistake.
    Effect::new(move |_| {
        if matches!(deposit.state.get(), TxState::Mined { .. }) {
            text.set(String::new());
        }
    });

    // The typed amount in wei, or why it cannot be deposited.
    let amount = Memo::new(move |_| -> Result<U256, String> {
        let wei = parse_ether(&text.get()).map_err(|e| e.to_string())?;
        let balance = pool
            .reading
            .with(|r| r.as_ref().and_then(|r| r.eth_balance));
        if balance.is_some_and(|balance| wei > balance) {
            return Err("That is more than your ETH balance.".into());
        }
        Ok(wei)
    });
    let on_our_chain = move || {
        wallet
            .connection
            .with(|c| c.as_ref().is_some_and(|c| c.chain_id == chain_id))
    };
    let preview = move || {
        let wei = amount.get().ok()?;
        let minted = pool
            .reading
            .with(|r| r.as_ref().map(|r| r.pool.totals.shares_by_pooled_eth(wei)))?;
        Some(match minted {
            Ok(shares) => format!(
                "You receive about {} shares, worth {} poolETH now.",
                format_ether(shares, SHOWN_DECIMALS),
                format_ether(wei, SHOWN_DECIMALS)
            ),
            Err(e) => e.to_string(),
        })
    };
    let can_send = move || {
        on_our_chain() && amount.with(Result::is_ok) && !deposit.state.with(TxState::is_busy)
    };
    let submit = {
        let config = config.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let (Some(connection), Ok(wei)) =
                (wallet.connection.get_untracked(), amount.get_untracked())
            else {
                return;
            };
            if connection.chain_id != config.chain_id {
                return;
            }
            deposit.send(config.clone(), connection, wei, pool);
        }
    };
    // The message under the field: only once something was typed.
    let problem = move || {
        if text.with(String::is_empty) {
            None
        } else {
            amount.get().err()
        }
    };
    let balance = move || {
        pool.reading
            .with(|r| r.as_ref().and_then(|r| r.eth_balance))
            .map(|b| format!("Balance: {} ETH", format_ether(b, SHOWN_DECIMALS)))
    };

    view! {
        <form class="deposit" on:submit=submit novalidate>
            <label for="deposit-amount">"Amount to stake"</label>
            <div class="amount-input">
                <input
                    id="deposit-amount"
                    data-testid="deposit-amount"
                    type="text"
                    inputmode="decimal"
                    autocomplete="off"
                    placeholder="0.0"
                    aria-describedby="deposit-help"
                    aria-invalid=move || problem().is_some().to_string()
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))
                />
                <span class="unit">"ETH"</span>
            </div>
            <p id="deposit-help" class="muted">
                {move || problem().or_else(preview).or_else(balance).unwrap_or_default()}
            </p>
            <button type="submit" class="primary wide" data-testid="deposit-submit" disabled=move || !can_send()>
                {move || match deposit.state.get() {
                    TxState::AwaitingWallet => "Confirm in your wallet…",
                    TxState::Pending { .. } => "Depositing…",
                    _ if wallet.connection.with(Option::is_none) => "Connect a wallet to deposit",
                    _ if !on_our_chain() => "Switch network to deposit",
                    _ => "Deposit",
                }}
            </button>
            <TxStatus/>
        </form>
    }
}

/// The transaction's progress, announced to screen readers.
#[component]
fn TxStatus() -> impl IntoView {
    let deposit = expect_context::<Deposit>();
    let config = expect_context::<NetworkConfig>();
    let link = move |hash: alloy_primitives::B256| {
        let hash = hash.to_string();
        match config.tx_url(&hash) {
            Some(url) => view! { <a href=url target="_blank" rel="noopener">{hash}</a> }.into_any(),
            None => view! { <code>{hash}</code> }.into_any(),
        }
    };
    view! {
        <div class="tx-status" aria-live="polite" data-testid="tx-status">
            {move || match deposit.state.get() {
                TxState::Idle => ().into_any(),
                TxState::AwaitingWallet => view! { <p>"Waiting for your wallet…"</p> }.into_any(),
                TxState::Pending { hash } => view! { <p>"Submitted, waiting to be mined: " {link(hash)}</p> }.into_any(),
                TxState::Mined { hash, block } => view! {
                    <p class="ok" data-state="mined">"Deposited in block " {block} ": " {link(hash)}</p>
                }.into_any(),
                TxState::Failed { message, .. } => view! { <p class="error" role="alert" data-state="failed">{message}</p> }.into_any(),
            }}
        </div>
    }
}
