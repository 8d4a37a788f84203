//! Loads the network configuration served beside the app as `config.json`.

use pool_chain::config::{ConfigError, NetworkConfig};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Why the configuration could not be loaded.
#[derive(Debug, Clone)]
pub enum ConfigProblem {
    /// The request failed (offline, blocked) or its body could not be read.
    Unreachable,
    /// The server answered `status` for `url`.
    Missing { url: String, status: u16 },
    /// It is there but not a valid configuration.
    Invalid(ConfigError),
}

/// Fetches and parses `config.json` relative to the document's base URL, so the app works from
/// any sub-path a static host puts it under.
pub async fn load() -> Result<NetworkConfig, ConfigProblem> {
    let unreachable = |_| ConfigProblem::Unreachable;
    let window = web_sys::window().ok_or(ConfigProblem::Unreachable)?;
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
        return Err(ConfigProblem::Missing {
            url,
            status: response.status(),
        });
    }
    let text = JsFuture::from(response.text().map_err(unreachable)?)
        .await
        .map_err(unreachable)?
        .as_string()
        .unwrap_or_default();
    NetworkConfig::from_json(&text).map_err(ConfigProblem::Invalid)
}
