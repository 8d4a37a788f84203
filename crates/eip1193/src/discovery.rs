//! EIP-6963: wallets announce themselves with a name and an icon, so the user can choose one
//! when several are installed (instead of whichever won the race for `window.ethereum`).

use wasm_bindgen::prelude::*;

use crate::provider::Eip1193Provider;

/// What a wallet says about itself (`EIP6963ProviderInfo`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalletInfo {
    /// Unique per page load; identifies the announcement.
    pub uuid: String,
    pub name: String,
    /// A `data:` URI of the wallet's icon.
    pub icon: String,
    /// Reverse-DNS identifier (`io.metamask`), stable across loads: remember this one.
    pub rdns: String,
}

/// A wallet found on the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnouncedWallet {
    pub info: WalletInfo,
    pub provider: Eip1193Provider,
}

/// Listens for announcements until dropped.
pub struct WalletDiscovery {
    handler: Closure<dyn FnMut(web_sys::Event)>,
}

impl Drop for WalletDiscovery {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            let _ = window.remove_event_listener_with_callback(
                "eip6963:announceProvider",
                self.handler.as_ref().unchecked_ref(),
            );
        }
    }
}

/// Calls `on_wallet` for every wallet announced now or later (a wallet may announce again; the
/// caller keys them by `uuid`). Keep the returned value alive for as long as you listen.
pub fn discover(mut on_wallet: impl FnMut(AnnouncedWallet) + 'static) -> WalletDiscovery {
    let handler = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
        if let Some(wallet) = read_announcement(&event) {
            on_wallet(wallet);
        }
    });
    if let Some(window) = web_sys::window() {
        let _ = window.add_event_listener_with_callback(
            "eip6963:announceProvider",
            handler.as_ref().unchecked_ref(),
        );
        if let Ok(request) = web_sys::Event::new("eip6963:requestProvider") {
            let _ = window.dispatch_event(&request);
        }
    }
    WalletDiscovery { handler }
}

fn read_announcement(event: &web_sys::Event) -> Option<AnnouncedWallet> {
    let detail = event.dyn_ref::<web_sys::CustomEvent>()?.detail();
    let get = |object: &JsValue, key: &str| js_sys::Reflect::get(object, &key.into()).ok();
    let info = get(&detail, "info")?;
    let text = |key: &str| {
        get(&info, key)
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    };
    let info = WalletInfo {
        uuid: text("uuid"),
        name: text("name"),
        icon: text("icon"),
        rdns: text("rdns"),
    };
    if info.uuid.is_empty() || info.name.is_empty() {
        return None;
    }
    let provider = Eip1193Provider::from_js(get(&detail, "provider")?)?;
    Some(AnnouncedWallet { info, provider })
}

/// `window.ethereum`, for wallets that predate EIP-6963.
pub fn injected() -> Option<Eip1193Provider> {
    let window = web_sys::window()?;
    Eip1193Provider::from_js(js_sys::Reflect::get(&window, &"ethereum".into()).ok()?)
}
