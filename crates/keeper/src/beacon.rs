//! The few Beacon API reads the oracle needs (standard `/eth/v1` and `/eth/v2` endpoints, as
//! every consensus client serves them): the chain's clock, the finalized block, and the pool's
//! validators' balances at a state.

use alloy::primitives::{Bytes, U256};
use alloy::transports::http::reqwest;
use anyhow::{Context, Result, bail};
use serde_json::Value;

/// Ids per `validators` request (URLs stay short; nodes cap the list).
const IDS_PER_REQUEST: usize = 64;

#[derive(Debug, Clone)]
pub struct Beacon {
    http: reqwest::Client,
    base: String,
}

/// The latest finalized block: its slot, and the execution block it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finalized {
    pub slot: u64,
    pub execution_block: u64,
}

/// A validator of the pool as a beacon state shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BeaconValidator {
    pub pubkey: Bytes,
    pub balance_gwei: u64,
    pub status: String,
}

fn number(value: &Value, what: &str) -> Result<u64> {
    value
        .as_str()
        .and_then(|s| s.parse().ok())
        .or_else(|| value.as_u64())
        .with_context(|| format!("the beacon node's {what} is not a number: {value}"))
}

impl Beacon {
    pub fn new(base: &str) -> Self {
        Beacon {
            http: reqwest::Client::new(),
            base: base.trim_end_matches('/').to_string(),
        }
    }

    async fn get(&self, path: &str) -> Result<Value> {
        let url = format!("{}{path}", self.base);
        let response = self
            .http
            .get(&url)
            .header("accept", "application/json")
            .send()
            .await
            .with_context(|| format!("reaching the beacon node at {url}"))?;
        let status = response.status();
        let text = response.text().await?;
        if !status.is_success() {
            bail!("the beacon node answered {status} for {path}: {text}");
        }
        serde_json::from_str(&text).with_context(|| format!("the beacon node's answer for {path}"))
    }

    /// Seconds since the epoch at slot 0.
    pub async fn genesis_time(&self) -> Result<u64> {
        number(
            &self.get("/eth/v1/beacon/genesis").await?["data"]["genesis_time"],
            "genesis_time",
        )
    }

    pub async fn seconds_per_slot(&self) -> Result<u64> {
        number(
            &self.get("/eth/v1/config/spec").await?["data"]["SECONDS_PER_SLOT"],
            "SECONDS_PER_SLOT",
        )
    }

    pub async fn finalized(&self) -> Result<Finalized> {
        let block = self.get("/eth/v2/beacon/blocks/finalized").await?;
        let message = &block["data"]["message"];
        Ok(Finalized {
            slot: number(&message["slot"], "slot")?,
            execution_block: number(
                &message["body"]["execution_payload"]["block_number"],
                "execution block number",
            )?,
        })
    }

    /// The validators among `pubkeys` that the state at `slot` knows (a pubkey the beacon chain
    /// has not seen yet is simply absent).
    pub async fn validators(&self, slot: u64, pubkeys: &[Bytes]) -> Result<Vec<BeaconValidator>> {
        let mut found = Vec::new();
        for chunk in pubkeys.chunks(IDS_PER_REQUEST) {
            let ids: Vec<String> = chunk.iter().map(|p| p.to_string()).collect();
            let answer = self
                .get(&format!(
                    "/eth/v1/beacon/states/{slot}/validators?id={}",
                    ids.join(",")
                ))
                .await?;
            for item in answer["data"]
                .as_array()
                .context("validators: no data list")?
            {
                let pubkey: Bytes = item["validator"]["pubkey"]
                    .as_str()
                    .and_then(|p| p.parse().ok())
                    .context("validators: a pubkey that does not parse")?;
                found.push(BeaconValidator {
                    pubkey,
                    balance_gwei: number(&item["balance"], "balance")?,
                    status: item["status"].as_str().unwrap_or_default().to_string(),
                });
            }
        }
        Ok(found)
    }
}

/// Gwei to wei.
pub fn wei(gwei: u64) -> U256 {
    U256::from(gwei) * U256::from(1_000_000_000u64)
}
