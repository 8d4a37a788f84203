//! The client layer's [`BeaconApi`] over HTTP (reqwest), for the activation planner's check of
//! the finalized beacon state.

use alloy::transports::http::reqwest;
use pool_chain::client::beacon::{BeaconApi, BeaconError};
use serde_json::Value;

/// A beacon node's REST API at a base URL.
#[derive(Debug, Clone)]
pub struct BeaconHttp {
    http: reqwest::Client,
    base: String,
}

impl BeaconHttp {
    pub fn new(base: &str) -> Self {
        BeaconHttp {
            http: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(60))
                .build()
                .unwrap_or_default(),
            base: base.trim_end_matches('/').to_string(),
        }
    }

    async fn answer(
        &self,
        path: &str,
        request: reqwest::RequestBuilder,
    ) -> Result<Value, BeaconError> {
        let response = request
            .header("accept", "application/json")
            .send()
            .await
            .map_err(|e| BeaconError::Unreachable(format!("{}: {e}", self.base)))?;
        let status = response.status();
        if !status.is_success() {
            return Err(BeaconError::Status {
                path: path.to_string(),
                status: status.as_u16(),
            });
        }
        let text = response
            .text()
            .await
            .map_err(|e| BeaconError::Unreachable(format!("{}: {e}", self.base)))?;
        serde_json::from_str(&text).map_err(|_| BeaconError::Malformed {
            path: path.to_string(),
            what: "JSON",
        })
    }
}

impl BeaconApi for BeaconHttp {
    async fn get(&self, path: &str) -> Result<Value, BeaconError> {
        let url = format!("{}{path}", self.base);
        self.answer(path, self.http.get(url)).await
    }

    async fn post(&self, path: &str, body: Value) -> Result<Value, BeaconError> {
        let url = format!("{}{path}", self.base);
        let request = self
            .http
            .post(url)
            .header("content-type", "application/json")
            .body(body.to_string());
        self.answer(path, request).await
    }
}
