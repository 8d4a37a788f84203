//! What a beacon node's finalized state says of the pool's keys, through the standard Beacon
//! API: the validators that already exist for them (their withdrawal credentials are fixed),
//! and the deposits waiting in the state's `pending_deposits` (Electra: a deposit can wait
//! there for weeks before its validator appears). A key split by ssv-keys may have been
//! deposited years before the pool existed: only the beacon state knows, since the deposit
//! contract's logs would have to be read from its genesis.
//!
//! The HTTP requests are the caller's ([`BeaconApi`]: `fetch` in the browser, reqwest in the
//! keeper); the reads and their decoding are here, so the console and the keeper ask the same
//! questions of the same state.

use std::collections::HashMap;
use std::fmt;

use alloy_primitives::{B256, Bytes, FixedBytes};
use pool_core::activation::deposits::{DepositSource, SeenDeposit};
use serde_json::{Value, json};

/// Ids per GET `validators` request: nodes cap the list (the POST form takes more).
pub const IDS_PER_GET: usize = 64;

/// A failed Beacon API request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BeaconError {
    /// The node could not be reached (the transport's message).
    Unreachable(String),
    /// The node answered with an HTTP error status.
    Status { path: String, status: u16 },
    /// The answer is not what the API specifies.
    Malformed { path: String, what: &'static str },
}

impl fmt::Display for BeaconError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BeaconError::Unreachable(cause) => {
                write!(f, "the beacon node could not be reached: {cause}")
            }
            BeaconError::Status { path, status } => {
                write!(f, "the beacon node answered {status} for {path}")
            }
            BeaconError::Malformed { path, what } => {
                write!(f, "the beacon node's answer for {path} has no valid {what}")
            }
        }
    }
}

impl std::error::Error for BeaconError {}

/// The two kinds of request the checks make of a beacon node, by path below its base URL.
#[allow(async_fn_in_trait)]
pub trait BeaconApi {
    /// GET `path`, the answer's JSON.
    async fn get(&self, path: &str) -> Result<Value, BeaconError>;
    /// POST `body` as JSON to `path`, the answer's JSON. A node that does not serve the POST
    /// form answers [`BeaconError::Status`] 404 or 405.
    async fn post(&self, path: &str, body: Value) -> Result<Value, BeaconError>;
}

/// The finalized beacon state's word on a set of keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinalizedKeys {
    pub slot: u64,
    /// The execution block the finalized state includes: every deposit made in it or before
    /// is in the state (as a validator or a pending deposit); the logs after it are not.
    pub execution_block: u64,
    /// Per key asked: what the state shows, in the order the beacon chain processes it (the
    /// validator first, then pending deposits in queue order).
    pub seen: HashMap<Bytes, Vec<SeenDeposit>>,
    /// Requests made (a figure for the bench).
    pub requests: u32,
}

fn malformed(path: &str, what: &'static str) -> BeaconError {
    BeaconError::Malformed {
        path: path.to_string(),
        what,
    }
}

fn number(value: &Value) -> Option<u64> {
    value
        .as_str()
        .and_then(|s| s.parse().ok())
        .or_else(|| value.as_u64())
}

fn hex_bytes(value: &Value) -> Option<Bytes> {
    value.as_str().and_then(|s| s.parse().ok())
}

/// Reads the finalized state once (its root pins every later request to the same state, even
/// if finality moves meanwhile) and collects what it shows of `pubkeys`.
pub async fn finalized_keys(
    beacon: &impl BeaconApi,
    pubkeys: &[Bytes],
) -> Result<FinalizedKeys, BeaconError> {
    let block_path = "/eth/v2/beacon/blocks/finalized";
    let block = beacon.get(block_path).await?;
    let message = &block["data"]["message"];
    let slot = number(&message["slot"]).ok_or_else(|| malformed(block_path, "slot"))?;
    let execution_block = number(&message["body"]["execution_payload"]["block_number"])
        .ok_or_else(|| malformed(block_path, "execution payload block number"))?;
    let state = message["state_root"]
        .as_str()
        .filter(|s| s.parse::<B256>().is_ok())
        .ok_or_else(|| malformed(block_path, "state root"))?
        .to_string();
    let mut requests = 1;
    let mut seen: HashMap<Bytes, Vec<SeenDeposit>> = HashMap::new();
    if !pubkeys.is_empty() {
        let (validators, asked) = validators(beacon, &state, pubkeys).await?;
        requests += asked;
        for (pubkey, credentials) in validators {
            seen.entry(pubkey).or_default().push(SeenDeposit {
                withdrawal_credentials: credentials,
                amount_gwei: 0,
                signature: None,
                source: DepositSource::BeaconValidator,
            });
        }
        let pending_path = format!("/eth/v1/beacon/states/{state}/pending_deposits");
        let pending = beacon.get(&pending_path).await?;
        requests += 1;
        let list = pending["data"]
            .as_array()
            .ok_or_else(|| malformed(&pending_path, "list of pending deposits"))?;
        for item in list {
            let deposit =
                pending_deposit(item).ok_or_else(|| malformed(&pending_path, "pending deposit"))?;
            if pubkeys.contains(&deposit.0) {
                seen.entry(deposit.0).or_default().push(deposit.1);
            }
        }
    }
    Ok(FinalizedKeys {
        slot,
        execution_block,
        seen,
        requests,
    })
}

/// `(pubkey, withdrawal credentials)` of the validators the state has for `pubkeys`, and the
/// requests made: one POST, or GETs of [`IDS_PER_GET`] ids where the node has no POST form.
async fn validators(
    beacon: &impl BeaconApi,
    state: &str,
    pubkeys: &[Bytes],
) -> Result<(Vec<(Bytes, B256)>, u32), BeaconError> {
    let path = format!("/eth/v1/beacon/states/{state}/validators");
    let ids: Vec<String> = pubkeys.iter().map(|p| p.to_string()).collect();
    let mut requests = 1;
    let answers = match beacon.post(&path, json!({ "ids": ids })).await {
        Ok(answer) => vec![answer],
        Err(BeaconError::Status {
            status: 404 | 405, ..
        }) => {
            let mut answers = Vec::new();
            for chunk in ids.chunks(IDS_PER_GET) {
                answers.push(
                    beacon
                        .get(&format!("{path}?id={}", chunk.join(",")))
                        .await?,
                );
                requests += 1;
            }
            answers
        }
        Err(other) => return Err(other),
    };
    let mut found = Vec::new();
    for answer in &answers {
        let list = answer["data"]
            .as_array()
            .ok_or_else(|| malformed(&path, "list of validators"))?;
        for item in list {
            let validator = &item["validator"];
            let pubkey =
                hex_bytes(&validator["pubkey"]).ok_or_else(|| malformed(&path, "pubkey"))?;
            let credentials = validator["withdrawal_credentials"]
                .as_str()
                .and_then(|s| s.parse::<B256>().ok())
                .ok_or_else(|| malformed(&path, "withdrawal credentials"))?;
            found.push((pubkey, credentials));
        }
    }
    Ok((found, requests))
}

/// One entry of `pending_deposits`: `{pubkey, withdrawal_credentials, amount, signature, slot}`.
fn pending_deposit(item: &Value) -> Option<(Bytes, SeenDeposit)> {
    let pubkey = hex_bytes(&item["pubkey"])?;
    let withdrawal_credentials = item["withdrawal_credentials"].as_str()?.parse().ok()?;
    let amount_gwei = number(&item["amount"])?;
    let signature: FixedBytes<96> = item["signature"].as_str()?.parse().ok()?;
    Some((
        pubkey,
        SeenDeposit {
            withdrawal_credentials,
            amount_gwei,
            signature: Some(signature),
            source: DepositSource::PendingDeposit,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    /// A beacon node answering from JSON held here, counting requests; `post` optional.
    struct Answers {
        post: bool,
        validators: Vec<Value>,
        pending: Vec<Value>,
        paths: RefCell<Vec<String>>,
    }

    impl BeaconApi for Answers {
        async fn get(&self, path: &str) -> Result<Value, BeaconError> {
            self.paths.borrow_mut().push(format!("GET {path}"));
            if path == "/eth/v2/beacon/blocks/finalized" {
                return Ok(json!({"data": {"message": {"slot": "320",
                    "state_root": format!("{}", B256::repeat_byte(7)),
                    "body": {"execution_payload": {"block_number": "1234"}}}}}));
            }
            if path.ends_with("/pending_deposits") {
                return Ok(json!({ "data": self.pending }));
            }
            if path.contains("/validators?id=") {
                let ids = path.split("id=").nth(1).unwrap();
                let data: Vec<Value> = self
                    .validators
                    .iter()
                    .filter(|v| ids.contains(v["validator"]["pubkey"].as_str().unwrap()))
                    .cloned()
                    .collect();
                return Ok(json!({ "data": data }));
            }
            Err(BeaconError::Status {
                path: path.into(),
                status: 404,
            })
        }

        async fn post(&self, path: &str, _body: Value) -> Result<Value, BeaconError> {
            self.paths.borrow_mut().push(format!("POST {path}"));
            if !self.post {
                return Err(BeaconError::Status {
                    path: path.into(),
                    status: 405,
                });
            }
            Ok(json!({ "data": self.validators }))
        }
    }

    fn key(byte: u8) -> Bytes {
        Bytes::from(vec![byte; 48])
    }

    fn node(post: bool) -> Answers {
        Answers {
            post,
            validators: vec![
                json!({"index": "5", "balance": "32000000000", "status": "active_ongoing",
                "validator": {"pubkey": key(1).to_string(),
                    "withdrawal_credentials": B256::repeat_byte(0).to_string()}}),
            ],
            pending: vec![
                json!({"pubkey": key(2).to_string(), "withdrawal_credentials": B256::repeat_byte(9).to_string(),
                    "amount": "1000000000", "signature": FixedBytes::<96>::repeat_byte(3).to_string(), "slot": "300"}),
                json!({"pubkey": key(8).to_string(), "withdrawal_credentials": B256::repeat_byte(9).to_string(),
                    "amount": "32000000000", "signature": FixedBytes::<96>::repeat_byte(3).to_string(), "slot": "301"}),
            ],
            paths: RefCell::new(Vec::new()),
        }
    }

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        // The answers are ready at once: one poll finishes.
        let waker = std::task::Waker::noop();
        let mut cx = std::task::Context::from_waker(waker);
        let mut future = std::pin::pin!(future);
        match future.as_mut().poll(&mut cx) {
            std::task::Poll::Ready(out) => out,
            std::task::Poll::Pending => panic!("pending"),
        }
    }

    #[test]
    fn the_state_shows_old_validators_and_pending_deposits_of_the_keys_asked() {
        for post in [true, false] {
            let beacon = node(post);
            let found = block_on(finalized_keys(&beacon, &[key(1), key(2), key(3)])).unwrap();
            assert_eq!((found.slot, found.execution_block), (320, 1234));
            assert_eq!(
                found.seen[&key(1)][0].source,
                DepositSource::BeaconValidator
            );
            assert_eq!(found.seen[&key(1)][0].withdrawal_credentials, B256::ZERO);
            assert_eq!(found.seen[&key(2)][0].source, DepositSource::PendingDeposit);
            assert_eq!(found.seen[&key(2)][0].amount_gwei, 1_000_000_000);
            assert!(!found.seen.contains_key(&key(3)));
            assert!(!found.seen.contains_key(&key(8)), "not asked");
            let paths = beacon.paths.borrow();
            let state = B256::repeat_byte(7).to_string();
            assert!(
                paths.iter().skip(1).all(|p| p.contains(&state)),
                "{paths:?}"
            );
            assert_eq!(found.requests as usize, paths.len());
        }
    }

    #[test]
    fn a_malformed_answer_is_an_error_not_a_clear_key() {
        let mut beacon = node(true);
        beacon.pending = vec![json!({"pubkey": "0x12"})];
        assert!(matches!(
            block_on(finalized_keys(&beacon, &[key(1)])),
            Err(BeaconError::Malformed { .. })
        ));
    }
}
