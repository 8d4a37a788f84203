//! Wallet events: the selected account and the chain can change at any time.

use alloy_primitives::Address;
use wasm_bindgen::prelude::*;

use crate::provider::Eip1193Provider;

/// A listener registered on a wallet; dropping it removes the listener.
pub struct Subscription {
    provider: Eip1193Provider,
    event: &'static str,
    handler: Closure<dyn FnMut(JsValue)>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let _ = self
            .provider
            .remove_listener(self.event, self.handler.as_ref().unchecked_ref());
    }
}

fn subscribe(
    provider: &Eip1193Provider,
    event: &'static str,
    handler: impl FnMut(JsValue) + 'static,
) -> Subscription {
    let handler = Closure::<dyn FnMut(JsValue)>::new(handler);
    let _ = provider.on(event, handler.as_ref().unchecked_ref());
    Subscription {
        provider: provider.clone(),
        event,
        handler,
    }
}

/// `accountsChanged`: the accounts the page may use, the selected one first (empty when the
/// user disconnects the site in the wallet).
pub fn on_accounts_changed(
    provider: &Eip1193Provider,
    mut f: impl FnMut(Vec<Address>) + 'static,
) -> Subscription {
    subscribe(provider, "accountsChanged", move |value| {
        f(parse_accounts(&value))
    })
}

/// `chainChanged`: the wallet switched to another chain (id as a number).
pub fn on_chain_changed(
    provider: &Eip1193Provider,
    mut f: impl FnMut(u64) + 'static,
) -> Subscription {
    subscribe(provider, "chainChanged", move |value| {
        if let Some(id) = value.as_string().and_then(|s| parse_chain_id(&s)) {
            f(id)
        }
    })
}

/// The addresses in a JS array, skipping anything that is not one.
pub fn parse_accounts(value: &JsValue) -> Vec<Address> {
    js_sys::Array::from(value)
        .iter()
        .filter_map(|a| a.as_string())
        .filter_map(|a| a.parse().ok())
        .collect()
}

/// A chain id as wallets send it (`"0x7a69"`; some send decimal).
pub fn parse_chain_id(text: &str) -> Option<u64> {
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}
