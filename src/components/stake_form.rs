//! The deposit form: exact amount parsing, "Max" with a gas reserve, plain-word validation, a
//! preview of the shares minted, and the transaction's progress.

use alloy_primitives::U256;
use leptos::prelude::*;
use pool_core::units::{format_ether, format_ether_exact, parse_ether};

use super::amount::SHOWN_DECIMALS;
use super::tx_status::TxStatus;
use crate::state::chain::Chain;
use crate::state::pool::PoolData;
use crate::state::stake::{Stake, TxState};

#[component]
pub fn StakeForm() -> impl IntoView {
    let chain = expect_context::<Chain>();
    let wallet = chain.wallet();
    let pool = expect_context::<PoolData>();
    let stake = expect_context::<Stake>();
    let text = RwSignal::new(String::new());
    let chain_id = chain.chain_id();
    // "Max" fills the field with the amount and says what it keeps for the fee.
    let max = move |_| {
        stake.ask_max(move |amount| {
            text.set(if amount.is_zero() {
                "0".into()
            } else {
                format_ether_exact(amount)
            })
        })
    };
    let max_note = move || {
        stake.max().with(|m| {
            m.as_ref().map(|m| match m {
                Ok(max) => format!(
                    "Max keeps {} ETH for the network fee.",
                    format_ether(max.reserve, SHOWN_DECIMALS)
                ),
                Err(error) => error.to_string(),
            })
        })
    };
    // A mined deposit empties the field, so that the same amount is not sent twice by mistake.
    Effect::new(move |_| {
        if matches!(stake.state().get(), TxState::Mined { .. }) {
            text.set(String::new());
        }
    });

    // The typed amount in wei, or why it cannot be deposited.
    let amount = Memo::new(move |_| -> Result<U256, String> {
        let wei = parse_ether(&text.get()).map_err(|e| e.to_string())?;
        let balance = pool.reading().with(|r| {
            r.as_ref()
                .and_then(|r| r.pool.account.as_ref().map(|a| a.eth_balance))
        });
        if balance.is_some_and(|balance| wei > balance) {
            return Err("That is more than your ETH balance.".into());
        }
        Ok(wei)
    });
    let on_our_chain = move || {
        wallet
            .connection()
            .with(|c| c.as_ref().is_some_and(|c| c.chain_id == chain_id))
    };
    // Shares minted at the current rate, and what they are worth once the deposit is in.
    let preview = move || {
        let wei = amount.get().ok()?;
        let totals = pool.reading().with(|r| r.as_ref().map(|r| r.pool.totals))?;
        Some(match totals.shares_by_pooled_eth(wei) {
            Ok(shares) if shares.is_zero() => {
                "That is too small to buy a single share at the current rate.".into()
            }
            Ok(shares) => {
                let worth = totals
                    .after_stake(wei, shares)
                    .pooled_eth_by_shares(shares)
                    .unwrap_or_default();
                format!(
                    "You receive {} shares, worth {} poolETH.",
                    format_ether(shares, SHOWN_DECIMALS),
                    format_ether(worth, SHOWN_DECIMALS)
                )
            }
            Err(e) => e.to_string(),
        })
    };
    let can_send = move || {
        on_our_chain() && amount.with(Result::is_ok) && !stake.state().with(TxState::is_busy)
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Ok(wei) = amount.get_untracked() {
            stake.send(wei);
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
        pool.reading()
            .with(|r| {
                r.as_ref()
                    .and_then(|r| r.pool.account.as_ref().map(|a| a.eth_balance))
            })
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
                    on:input=move |ev| {
                        stake.clear_max();
                        text.set(event_target_value(&ev))
                    }
                />
                <span class="unit">"ETH"</span>
                <button type="button" class="secondary max" data-testid="max" on:click=max
                    disabled=move || wallet.connection().with(Option::is_none)>"Max"</button>
            </div>
            <p id="deposit-help" class="muted">
                {move || problem().or_else(preview).or_else(balance).unwrap_or_default()}
                {move || max_note().map(|n| format!(" {n}"))}
            </p>
            <button type="submit" class="primary wide" data-testid="deposit-submit" disabled=move || !can_send()>
                {move || match stake.state().get() {
                    TxState::AwaitingWallet => "Confirm in your wallet…",
                    TxState::Pending { .. } => "Depositing…",
                    _ if wallet.connection().with(Option::is_none) => "Connect a wallet to deposit",
                    _ if !on_our_chain() => "Switch network to deposit",
                    _ => "Deposit",
                }}
            </button>
            <TxStatus head=Signal::derive(move || pool.reading().with(|r| r.as_ref().map(|r| r.block))) state=stake.state() done="Deposited" what="deposit"
                reverted="The deposit was mined but reverted; your ETH stayed in your wallet (minus the network fee)."/>
        </form>
    }
}
