//! A transaction's progress in words, announced to screen readers: the same for every sender on
//! the page (a stake, the operator's transactions).

use leptos::prelude::*;

use crate::components::errors::describe_tx;
use crate::state::chain::Chain;
use crate::state::error::tx_rejected_by_user;
use crate::state::tx::{Failure, TxState};

/// `done`: the verb for success ("Deposited"); `what`: the noun ("deposit"); `reverted`: what a
/// mined revert means for the user's funds; `head`: the latest block the page read (for the
/// confirmations count).
#[component]
pub fn TxStatus(
    #[prop(into)] state: Signal<TxState>,
    #[prop(into)] head: Signal<Option<u64>>,
    done: &'static str,
    what: &'static str,
    reverted: &'static str,
    /// The element's test id: each sender on a page has its own.
    #[prop(default = "tx-status")]
    testid: &'static str,
) -> impl IntoView {
    let config = expect_context::<Chain>().config();
    let link = move |hash: alloy_primitives::B256| {
        let hash = hash.to_string();
        match config.tx_url(&hash) {
            Some(url) => view! { <a href=url target="_blank" rel="noopener">{hash}</a> }.into_any(),
            None => view! { <code>{hash}</code> }.into_any(),
        }
    };
    let confirmations = move |block: u64| {
        let latest = head.get().unwrap_or(block).max(block);
        let n = latest.saturating_sub(block) + 1;
        format!("{n} confirmation{}", if n == 1 { "" } else { "s" })
    };
    view! {
        <div class="tx-status" aria-live="polite" data-testid=testid>
            {move || match state.get() {
                TxState::Idle => ().into_any(),
                TxState::AwaitingWallet => view! { <p>"Waiting for your wallet…"</p> }.into_any(),
                TxState::Pending { hash } => view! { <p>"Submitted, waiting to be mined: " {link(hash)}</p> }.into_any(),
                TxState::AwaitingCosigners => view! {
                    <p class="note" data-state="queued">
                        "Your wallet is collecting its co-signers' signatures: nothing is on chain yet. "
                        "This page follows the pool's state and shows the " {what} " once it is mined."
                    </p>
                }.into_any(),
                TxState::Mined { hash, block, sped_up } => view! {
                    <p class="ok" data-state="mined">
                        {if sped_up { format!("Sped up in your wallet and {}", done.to_ascii_lowercase()) } else { done.to_string() }}
                        " in block " {block} " (" {move || confirmations(block)} "): " {link(hash)}
                    </p>
                }.into_any(),
                TxState::Failed { failure: Failure::NotSent(error), .. } if tx_rejected_by_user(&error) => view! {
                    // The user's own choice: said plainly, not as an alert.
                    <p class="note" data-state="rejected">{describe_tx(&error)}</p>
                }.into_any(),
                TxState::Failed { failure, hash } => view! {
                    <p class="error" role="alert" data-state="failed">{hash.map(|hash| view! { {link(hash)} ": " })}{match failure {
                        Failure::NotSent(error) => describe_tx(&error),
                        Failure::Reverted => reverted.to_string(),
                        Failure::Cancelled => format!("The transaction was replaced or cancelled in your wallet: nothing was {}.", done.to_ascii_lowercase()),
                        Failure::Dropped => format!("The network dropped this transaction before it was mined: nothing was {}. If your wallet still shows it as pending, cancel it there before you try again.", done.to_ascii_lowercase()),
                    }}</p>
                }.into_any(),
            }}
        </div>
    }
}
