//! Loads the network configuration served beside the app as `config.json`.

use pool_chain::config::NetworkConfig;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Fetches and parses `config.json` relative to the document's base URL, so the app works from
/// any sub-path a static host puts it under.
pub async fn load() -> Result<NetworkConfig, String> {
    let unreachable =
        |_| "The app could not load its network configuration (config.json).".to_string();
    let window = web_sys::window().ok_or("no window")?;
    let base = window
        .document()
        .and_then(|d| d.base_uri().ok().flatten())
        .unwrap_or_default();
    let url = web_sys::Url::new_with_base("config.json", &base)
        .map_err(unreachable)?
        .href();
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(&url))
        .await
        .map_err(unreachable)?
        .unchecked_into();
    if !response.ok() {
        return Err(format!(
            "The network configuration is missing ({url} answered {}). Serve a config.json beside index.html.",
            response.status()
        ));
    }
    let text = JsFuture::from(response.text().map_err(unreachable)?)
        .await
        .map_err(unreachable)?
        .as_string()
        .unwrap_or_default();
    NetworkConfig::from_json(&text).map_err(|e| e.to_string())
}
