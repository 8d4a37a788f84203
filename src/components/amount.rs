//! An ETH amount on screen: a readable precision, every wei on hover.

use alloy_primitives::U256;
use leptos::prelude::*;
use pool_core::units::{format_ether, format_ether_exact};

/// Decimals shown by default; the exact value is in the tooltip.
pub const SHOWN_DECIMALS: usize = 6;

#[component]
pub fn EthAmount(#[prop(into)] wei: Signal<Option<U256>>, unit: &'static str) -> impl IntoView {
    move || match wei.get() {
        Some(wei) => view! {
            <span class="amount" title=format!("{} {unit}", format_ether_exact(wei))>
                {format_ether(wei, SHOWN_DECIMALS)} " " {unit}
            </span>
        }
        .into_any(),
        None => view! { <span class="amount placeholder">"…"</span> }.into_any(),
    }
}
