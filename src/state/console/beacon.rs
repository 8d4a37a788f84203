//! The client layer's [`BeaconApi`] over the browser's `fetch`: the console asks the beacon
//! node named by `config.json`'s `beaconUrl` about the keys it is about to activate.

use pool_chain::client::beacon::{BeaconApi, BeaconError};
use serde_json::Value;
use wasm_bindgen::JsValue;

use crate::state::fetch::fetch_text;

/// A beacon node's REST API at a base URL.
#[derive(Debug, Clone)]
pub struct FetchBeacon {
    base: String,
}

impl FetchBeacon {
    pub fn new(base: &str) -> Self {
        FetchBeacon {
            base: base.trim_end_matches('/').to_string(),
        }
    }

    async fn request(&self, path: &str, body: Option<&Value>) -> Result<Value, BeaconError> {
        let unreachable = |e: JsValue| {
            BeaconError::Unreachable(format!(
                "{}: {}",
                self.base,
                e.as_string().unwrap_or_default()
            ))
        };
        let init = web_sys::RequestInit::new();
        let headers = web_sys::Headers::new().map_err(unreachable)?;
        headers
            .set("accept", "application/json")
            .map_err(unreachable)?;
        if let Some(body) = body {
            init.set_method("POST");
            headers
                .set("content-type", "application/json")
                .map_err(unreachable)?;
            init.set_body(&JsValue::from_str(&body.to_string()));
        }
        init.set_headers(&headers);
        let url = format!("{}{path}", self.base);
        let answer = fetch_text(&url, Some(&init)).await.map_err(unreachable)?;
        if !answer.ok {
            return Err(BeaconError::Status {
                path: path.to_string(),
                status: answer.status,
            });
        }
        serde_json::from_str(&answer.text).map_err(|_| BeaconError::Malformed {
            path: path.to_string(),
            what: "JSON",
        })
    }
}

impl BeaconApi for FetchBeacon {
    async fn get(&self, path: &str) -> Result<Value, BeaconError> {
        self.request(path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> Result<Value, BeaconError> {
        self.request(path, Some(&body)).await
    }
}
