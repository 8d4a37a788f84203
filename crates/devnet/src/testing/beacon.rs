//! A beacon node's finalized state for the devnet, in process: the standard Beacon API answers
//! the deposit check asks for ([`pool_chain::client::beacon::finalized_keys`]: the finalized
//! block, POST `validators` by pubkey, `pending_deposits`), built from the deposit contract's
//! own logs up to the finalized execution block, and counting its requests and the bytes of
//! its JSON answers (what a node on the network would send, HTTP headers aside).
//!
//! The state's deposits: those of the last `pending_blocks` blocks before finality wait in
//! `pending_deposits` (Electra's queue), the older ones are validators (a pubkey's first
//! deposit fixes its credentials; later ones are top-ups). Signatures are not checked: the
//! bench's strangers' deposits carry filler, and the figure is about reads, not verdicts.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use alloy::primitives::{B256, Bytes};
use pool_chain::client::DepositedKey;
use pool_chain::client::beacon::{BeaconApi, BeaconError};
use serde_json::{Value, json};

/// The finalized state, and what was asked of it.
pub struct FinalizedState {
    pub slot: u64,
    pub execution_block: u64,
    pub state_root: B256,
    /// pubkey → (validator index, withdrawal credentials).
    validators: HashMap<Bytes, (usize, B256)>,
    pending: Vec<Value>,
    requests: AtomicUsize,
    bytes: AtomicUsize,
}

impl FinalizedState {
    /// The state including every deposit of `deposits` (chain order) up to `execution_block`,
    /// those after `execution_block - pending_blocks` still pending. The devnet's slot is its
    /// block number.
    pub fn new(deposits: &[DepositedKey], execution_block: u64, pending_blocks: u64) -> Self {
        let pending_after = execution_block.saturating_sub(pending_blocks);
        let mut validators = HashMap::new();
        let mut pending = Vec::new();
        for deposit in deposits {
            let block = deposit.block.unwrap_or(0);
            if block > execution_block {
                continue;
            }
            if block > pending_after {
                pending.push(json!({
                    "pubkey": deposit.pubkey.to_string(),
                    "withdrawal_credentials": deposit.withdrawal_credentials.to_string(),
                    "amount": deposit.amount_gwei.to_string(),
                    "signature": deposit.signature.to_string(),
                    "slot": block.to_string(),
                }));
            } else {
                let index = validators.len();
                validators
                    .entry(deposit.pubkey.clone())
                    .or_insert((index, deposit.withdrawal_credentials));
            }
        }
        let mut root = [0u8; 32];
        root[..8].copy_from_slice(&execution_block.to_be_bytes());
        root[31] = 0x5a;
        FinalizedState {
            slot: execution_block,
            execution_block,
            state_root: B256::from(root),
            validators,
            pending,
            requests: AtomicUsize::new(0),
            bytes: AtomicUsize::new(0),
        }
    }

    pub fn validator_count(&self) -> usize {
        self.validators.len()
    }

    pub fn pending_count(&self) -> usize {
        self.pending.len()
    }

    /// Requests answered so far.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// Bytes of the JSON answers so far.
    pub fn bytes(&self) -> usize {
        self.bytes.load(Ordering::SeqCst)
    }

    fn answer(&self, path: &str, value: Option<Value>) -> Result<Value, BeaconError> {
        self.requests.fetch_add(1, Ordering::SeqCst);
        let value = value.ok_or_else(|| BeaconError::Status {
            path: path.to_string(),
            status: 404,
        })?;
        let text = value.to_string();
        self.bytes.fetch_add(text.len(), Ordering::SeqCst);
        Ok(value)
    }

    fn state_path(&self, path: &str, rest: &str) -> bool {
        path == format!("/eth/v1/beacon/states/{}/{rest}", self.state_root)
    }

    fn block(&self) -> Value {
        let zero = B256::ZERO.to_string();
        json!({
            "version": "electra",
            "execution_optimistic": false,
            "finalized": true,
            "data": {"message": {
                "slot": self.slot.to_string(),
                "proposer_index": "0",
                "parent_root": zero,
                "state_root": self.state_root.to_string(),
                "body": {
                    "eth1_data": {"deposit_root": zero, "deposit_count": "0", "block_hash": zero},
                    "execution_payload": {
                        "block_number": self.execution_block.to_string(),
                        "block_hash": zero,
                        "transactions": [],
                        "withdrawals": [],
                    },
                    "execution_requests": {"deposits": [], "withdrawals": [], "consolidations": []},
                },
            }},
        })
    }

    fn validators(&self, body: &Value) -> Option<Value> {
        let ids = body["ids"].as_array()?;
        let mut data = Vec::new();
        for id in ids {
            let pubkey: Bytes = id.as_str()?.parse().ok()?;
            if let Some((index, credentials)) = self.validators.get(&pubkey) {
                data.push(json!({
                    "index": index.to_string(),
                    "balance": "32000000000",
                    "status": "active_ongoing",
                    "validator": {
                        "pubkey": pubkey.to_string(),
                        "withdrawal_credentials": credentials.to_string(),
                        "effective_balance": "32000000000",
                        "slashed": false,
                        "activation_eligibility_epoch": "0",
                        "activation_epoch": "0",
                        "exit_epoch": "18446744073709551615",
                        "withdrawable_epoch": "18446744073709551615",
                    },
                }));
            }
        }
        Some(json!({"execution_optimistic": false, "finalized": true, "data": data}))
    }
}

impl BeaconApi for FinalizedState {
    async fn get(&self, path: &str) -> Result<Value, BeaconError> {
        let value = if path == "/eth/v2/beacon/blocks/finalized" {
            Some(self.block())
        } else if self.state_path(path, "pending_deposits") {
            Some(json!({"version": "electra", "execution_optimistic": false,
                "finalized": true, "data": self.pending}))
        } else {
            None
        };
        self.answer(path, value)
    }

    async fn post(&self, path: &str, body: Value) -> Result<Value, BeaconError> {
        let value = if self.state_path(path, "validators") {
            Some(self.validators(&body).ok_or_else(|| BeaconError::Status {
                path: path.to_string(),
                status: 400,
            })?)
        } else {
            None
        };
        self.answer(path, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pool_chain::client::beacon::finalized_keys;
    use pool_core::activation::deposits::DepositSource;

    fn deposit(byte: u8, block: u64) -> DepositedKey {
        DepositedKey {
            pubkey: Bytes::from(vec![byte; 48]),
            withdrawal_credentials: B256::repeat_byte(byte),
            amount_gwei: 32_000_000_000,
            signature: Bytes::from(vec![byte; 96]),
            index: byte as u64,
            block: Some(block),
        }
    }

    #[tokio::test]
    async fn the_state_holds_old_deposits_as_validators_recent_ones_pending_and_nothing_later() {
        let deposits = [
            deposit(1, 10),
            deposit(2, 20),
            deposit(3, 30),
            deposit(1, 21),
        ];
        let state = FinalizedState::new(&deposits, 25, 10);
        assert_eq!((state.validator_count(), state.pending_count()), (1, 2));
        let keys: Vec<Bytes> = (1..=3).map(|b| Bytes::from(vec![b; 48])).collect();
        let found = finalized_keys(&state, &keys).await.unwrap();
        assert_eq!((found.slot, found.execution_block), (25, 25));
        let sources = |b: u8| -> Vec<DepositSource> {
            found
                .seen
                .get(&Bytes::from(vec![b; 48]))
                .map(|seen| seen.iter().map(|s| s.source).collect())
                .unwrap_or_default()
        };
        // Key 1: a validator, then its top-up waiting in the queue.
        assert_eq!(
            sources(1),
            [
                DepositSource::BeaconValidator,
                DepositSource::PendingDeposit
            ]
        );
        assert_eq!(sources(2), [DepositSource::PendingDeposit]);
        assert!(sources(3).is_empty(), "deposited after the finalized block");
        assert_eq!(found.requests as usize, state.requests());
        assert!(state.bytes() > 0);
    }

    #[tokio::test]
    async fn another_state_root_is_not_found() {
        let state = FinalizedState::new(&[deposit(1, 10)], 25, 10);
        let path = format!("/eth/v1/beacon/states/{}/pending_deposits", B256::ZERO);
        assert!(matches!(
            state.get(&path).await,
            Err(BeaconError::Status { status: 404, .. })
        ));
    }
}
