//! One HTTP request through the browser's `fetch`, its body read as text: the page's requests
//! that are not JSON-RPC (`config.json`, a beacon node's REST API) go through here.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// An answer: its status and its body.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub ok: bool,
    pub status: u16,
    pub text: String,
}

/// Sends `init` (a GET when `None`) to `url`. `Err` holds the browser's reason when the request
/// could not be made or its body not read (offline, blocked by CORS or the page's CSP).
pub async fn fetch_text(
    url: &str,
    init: Option<&web_sys::RequestInit>,
) -> Result<Fetched, JsValue> {
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    let request = match init {
        Some(init) => window.fetch_with_str_and_init(url, init),
        None => window.fetch_with_str(url),
    };
    let response: web_sys::Response = JsFuture::from(request).await?.unchecked_into();
    let text = JsFuture::from(response.text()?)
        .await?
        .as_string()
        .unwrap_or_default();
    Ok(Fetched {
        ok: response.ok(),
        status: response.status(),
        text,
    })
}
