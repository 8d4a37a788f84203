//! The oracle's beacon node and execution client as the tests see them: a Beacon API on
//! 127.0.0.1 (the standard response shapes, values the test sets) and, since anvil makes no
//! beacon withdrawals, a test node in front of anvil that adds the sweeps the test
//! simulates (anvil_setBalance) to the blocks' `withdrawals` lists, as an execution client
//! shows them.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use alloy::primitives::Address;
use serde_json::{Value, json};
use tokio::net::TcpListener;

use pool_devnet::testing::node::{Rewrite, TestNode};

use super::{read_request, respond};

/// What the fake beacon node says.
#[derive(Debug, Default)]
pub struct BeaconState {
    pub slot: u64,
    pub execution_block: u64,
    /// pubkey (0x…, lower case) → balance in gwei.
    pub balances: HashMap<String, u64>,
    /// pubkey → status, for those not `active_ongoing`.
    pub statuses: HashMap<String, String>,
    /// The credentials of every validator (the pool's), but for those in `other_credentials`.
    pub credentials: String,
    pub other_credentials: HashMap<String, String>,
    /// Pubkeys with a deposit in the state's `pending_deposits`.
    pub pending: Vec<String>,
    /// The config as the 2026 specs have it: `SLOT_DURATION_MS`, no `SECONDS_PER_SLOT`.
    pub slot_duration_ms: bool,
}

impl BeaconState {
    fn answer(&self, path: &str) -> Option<Value> {
        if path == "/eth/v1/beacon/genesis" {
            return Some(
                json!({ "data": { "genesis_time": "0", "genesis_validators_root": format!("0x{}", "00".repeat(32)), "genesis_fork_version": "0x00000000" } }),
            );
        }
        if path == "/eth/v1/config/spec" {
            return Some(if self.slot_duration_ms {
                json!({ "data": { "SLOT_DURATION_MS": "12000", "SLOTS_PER_EPOCH": "32" } })
            } else {
                json!({ "data": { "SECONDS_PER_SLOT": "12", "SLOTS_PER_EPOCH": "32" } })
            });
        }
        if path == format!("/eth/v1/beacon/states/{}/pending_deposits", self.slot) {
            let data: Vec<Value> = self
                .pending
                .iter()
                .map(|pubkey| json!({
                    "pubkey": pubkey, "withdrawal_credentials": self.credentials,
                    "amount": "32000000000", "signature": format!("0x{}", "00".repeat(96)), "slot": "1"
                }))
                .collect();
            return Some(
                json!({ "version": "electra", "execution_optimistic": false, "finalized": true, "data": data }),
            );
        }
        if path == "/eth/v2/beacon/blocks/finalized" {
            return Some(
                json!({ "version": "deneb", "execution_optimistic": false, "finalized": true, "data": { "message": {
                "slot": self.slot.to_string(), "proposer_index": "1",
                "body": { "execution_payload": { "block_number": self.execution_block.to_string() } } } } }),
            );
        }
        let rest = path.strip_prefix(&format!(
            "/eth/v1/beacon/states/{}/validators?id=",
            self.slot
        ))?;
        let data: Vec<Value> = rest
            .split(',')
            .filter_map(|id| {
                let id = id.to_lowercase();
                let credentials = self.other_credentials.get(&id).unwrap_or(&self.credentials);
                let status = self
                    .statuses
                    .get(&id)
                    .map_or("active_ongoing", String::as_str);
                self.balances.get(&id).map(|gwei| json!({
                    "index": "0", "balance": gwei.to_string(), "status": status,
                    "validator": { "pubkey": id, "effective_balance": "32000000000", "slashed": false,
                        "withdrawal_credentials": credentials }
                }))
            })
            .collect();
        Some(json!({ "execution_optimistic": false, "finalized": true, "data": data }))
    }
}

/// A Beacon API on 127.0.0.1 answering from `state`.
pub async fn serve_beacon(state: Arc<Mutex<BeaconState>>) -> SocketAddr {
    serve_api(move |_, path, _| state.lock().unwrap().answer(path)).await
}

/// An HTTP API on 127.0.0.1 whose JSON answers `answer` gives for each request (its request
/// line, path and body); 404 where it gives none. The one server of the tests' beacon nodes.
pub async fn serve_api<A>(answer: A) -> SocketAddr
where
    A: Fn(&str, &str, &[u8]) -> Option<Value> + Send + Sync + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let answer = Arc::new(answer);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let answer = answer.clone();
            tokio::spawn(async move {
                let Some((line, body)) = read_request(&mut stream).await else {
                    return;
                };
                let path = line.split(' ').nth(1).unwrap_or_default().to_string();
                match answer(&line, &path, &body) {
                    Some(body) => respond(&mut stream, "200 OK", &body.to_string()).await,
                    None => {
                        respond(
                            &mut stream,
                            "404 Not Found",
                            r#"{"code":404,"message":"not found"}"#,
                        )
                        .await
                    }
                }
            });
        }
    });
    address
}

/// A test node in front of `upstream` that adds `withdrawals[block]` (gwei to `pool`) to the
/// blocks it returns, as an execution client shows the beacon chain's sweeps. It stops when
/// dropped.
pub fn withdrawals_node(
    upstream: &str,
    pool: Address,
    withdrawals: Arc<Mutex<HashMap<u64, u64>>>,
) -> TestNode {
    let add = Rewrite::new(move |_, answer| {
        let Some(number) = answer["result"]["number"].as_str() else {
            return;
        };
        let number = u64::from_str_radix(number.trim_start_matches("0x"), 16).unwrap();
        if let Some(gwei) = withdrawals.lock().unwrap().get(&number) {
            answer["result"]["withdrawals"] = json!([{
                "index": "0x0", "validatorIndex": "0x0", "address": pool, "amount": format!("{gwei:#x}")
            }]);
        }
    });
    TestNode::to(upstream).with(Arc::new(add)).start().unwrap()
}
