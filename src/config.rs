//! Loads the network configuration served beside the app as `config.json`.

use leptos::prelude::*;
use pool_core::config::{ConfigError, NetworkConfig};

use crate::state::fetch::fetch_text;

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

/// `config.json`, loaded once in the current owner: `None` until it answered. A signal and a
/// task rather than a resource and `<Suspense>`: the staker's module then carries none of
/// Leptos's async-derived machinery (about 14 KB of code before compression).
pub fn use_config() -> ReadSignal<Option<Result<NetworkConfig, ConfigProblem>>> {
    let loaded = RwSignal::new(None);
    leptos::task::spawn_local(async move { loaded.set(Some(load().await)) });
    loaded.read_only()
}

/// Fetches and parses `config.json` relative to the document's base URL, so the app works from
/// any sub-path a static host puts it under.
pub async fn load() -> Result<NetworkConfig, ConfigProblem> {
    let unreachable = |_| ConfigProblem::Unreachable;
    let base = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten())
        .unwrap_or_default();
    let url = web_sys::Url::new_with_base("config.json", &base)
        .map_err(unreachable)?
        .href();
    let answer = fetch_text(&url, None).await.map_err(unreachable)?;
    if !answer.ok {
        return Err(ConfigProblem::Missing {
            url,
            status: answer.status,
        });
    }
    NetworkConfig::from_json(&answer.text).map_err(ConfigProblem::Invalid)
}
