//! The few Beacon API reads the oracle needs (standard `/eth/v1` and `/eth/v2` endpoints, as
//! every consensus client serves them): the chain's clock (`SECONDS_PER_SLOT`, or
//! `SLOT_DURATION_MS` in the configs that replaced it), the finalized block, the pool's
//! validators' balances and credentials at a state, and the deposits still queued in it
//! (Electra's `pending_deposits`).

use std::collections::HashSet;

use alloy::primitives::{B256, Bytes, U256};
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
    /// The credentials the state holds for it (fixed by the pubkey's first deposit).
    pub withdrawal_credentials: B256,
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

    /// Milliseconds per slot: `SLOT_DURATION_MS` where the node's config has it, else
    /// `SECONDS_PER_SLOT` (both exist in the wild: the specs replaced the second in 2026).
    pub async fn slot_duration_ms(&self) -> Result<u64> {
        let spec = self.get("/eth/v1/config/spec").await?;
        let data = &spec["data"];
        let ms = if !data["SLOT_DURATION_MS"].is_null() {
            number(&data["SLOT_DURATION_MS"], "SLOT_DURATION_MS")?
        } else if !data["SECONDS_PER_SLOT"].is_null() {
            number(&data["SECONDS_PER_SLOT"], "SECONDS_PER_SLOT")?.saturating_mul(1_000)
        } else {
            bail!("the beacon node's config has neither SLOT_DURATION_MS nor SECONDS_PER_SLOT");
        };
        if ms == 0 {
            bail!("the beacon node's config says a slot lasts 0 ms");
        }
        Ok(ms)
    }

    /// The pubkeys with a deposit still queued in the state at `slot` (Electra's
    /// `pending_deposits`: a deposit waits there, for days or weeks under a long churn, before
    /// its validator appears or its balance grows).
    pub async fn pending_deposit_pubkeys(&self, slot: u64) -> Result<HashSet<Bytes>> {
        let answer = self
            .get(&format!("/eth/v1/beacon/states/{slot}/pending_deposits"))
            .await?;
        answer["data"]
            .as_array()
            .context("pending_deposits: no data list")?
            .iter()
            .map(|item| {
                item["pubkey"]
                    .as_str()
                    .and_then(|p| p.parse::<Bytes>().ok())
                    .context("pending_deposits: a pubkey that does not parse")
            })
            .collect()
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
                let withdrawal_credentials: B256 = item["validator"]["withdrawal_credentials"]
                    .as_str()
                    .and_then(|c| c.parse().ok())
                    .context("validators: withdrawal credentials that do not parse")?;
                found.push(BeaconValidator {
                    pubkey,
                    balance_gwei: number(&item["balance"], "balance")?,
                    status: item["status"].as_str().unwrap_or_default().to_string(),
                    withdrawal_credentials,
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
