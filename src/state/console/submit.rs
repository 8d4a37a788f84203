//! Adding checked entries to the registry in batches a real node accepts (under 128 KiB and
//! the per-transaction gas cap, by their encoded bytes: `pool_chain::bulk`) and within a third
//! of the block gas limit, resumable after a failure or a closed tab. The registry on chain is the truth: it is read again before every
//! batch, entries already in it are skipped (nothing is sent twice), and a registry that moved
//! in a way the checked key shares no longer fit (their nonces) stops the submission.
//!
//! The plan (the entries and the nonce of the first) is kept in localStorage until every entry
//! is in the registry, so a reopened console offers to resume it.

use alloy_primitives::U64;
use alloy_rpc_client::RpcClient;
use leptos::prelude::*;
use leptos::task::spawn_local;
use pool_chain::bindings::PoolManager::ValidatorData;
use pool_chain::bulk::add_validators_batches;
use pool_chain::client::{read_operations, registry_entries};
use pool_core::ceremony::RegistryEntry;
use pool_core::config::NetworkConfig;
use pool_core::limits::TxLimits;
use serde::{Deserialize, Serialize};

use super::LOG_WINDOW;
use super::operator;
use crate::state::chain::Chain;
use crate::state::error::AppError;
use crate::state::tx::{TxFlow, TxState};
use crate::state::wallet::Connection;

/// Most entries per `addValidators` transaction.
const MAX_BATCH: usize = 50;
/// A batch uses at most this share of the block gas limit (it must fit beside other traffic).
const GAS_LIMIT_SHARE: u64 = 3;

/// What is being added: the checked entries in nonce order, the first at `first_nonce`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    pub first_nonce: u64,
    pub entries: Vec<RegistryEntry>,
}

/// Where the submission stands.
#[derive(Debug, Clone)]
pub enum SubmitState {
    Idle,
    /// `done` of `total` entries are in the registry; a batch of `batch` is on its way.
    Running {
        done: usize,
        total: usize,
        batch: usize,
    },
    /// Every entry is in the registry.
    Done {
        total: usize,
    },
    /// Stopped; the plan is kept (resume), unless the registry moved past it.
    Stopped {
        done: usize,
        total: usize,
        reason: StopReason,
    },
}

/// Why a submission stopped (registry indexes are owner nonces).
#[derive(Debug, Clone)]
pub enum StopReason {
    /// The registry could not be read.
    RegistryUnread(AppError),
    /// The entry at `nonce` was dropped from the registry: it can never be added again.
    Dropped {
        nonce: u64,
        pubkey: alloy_primitives::Bytes,
    },
    /// Registry index `nonce` holds another validator.
    IndexTaken { nonce: u64 },
    /// The registry's next index is not the next entry's nonce: it changed since the check.
    RegistryMoved { next_index: u64, first_nonce: u64 },
    /// The node's estimate says the registry would refuse the entry at `nonce`.
    WouldRefuse { nonce: u64, error: AppError },
    /// The entry at `nonce` is too large for one transaction a node accepts.
    TooLarge { nonce: u64 },
    /// The batch waits for a contract wallet's co-signers.
    AwaitingCosigners,
    /// The batch's transaction was not mined (see its own status).
    BatchNotAdded,
}

/// Handle to the submission.
#[derive(Clone, Copy)]
pub struct Submit {
    chain: Chain,
    state: RwSignal<SubmitState>,
    /// The batch transaction under way (its own words, from the shared flow).
    flow: TxFlow,
    /// A stored, unfinished plan (offered for resumption).
    stored: RwSignal<Option<Plan>>,
}

impl Submit {
    pub fn new(chain: Chain) -> Self {
        Submit {
            chain,
            state: RwSignal::new(SubmitState::Idle),
            flow: TxFlow::new(),
            stored: RwSignal::new(chain.with_config(load)),
        }
    }

    pub fn state(&self) -> ReadSignal<SubmitState> {
        self.state.read_only()
    }

    pub fn tx(&self) -> ReadSignal<TxState> {
        self.flow.state()
    }

    pub fn stored(&self) -> ReadSignal<Option<Plan>> {
        self.stored.read_only()
    }

    pub fn is_running(&self) -> bool {
        matches!(self.state.get_untracked(), SubmitState::Running { .. })
    }

    /// Forgets a stored plan (the operator chose not to resume it).
    pub fn discard(self) {
        self.chain.with_config(|config| save(config, None));
        self.stored.set(None);
    }

    /// Adds `plan`'s entries that are not in the registry yet, batch after batch; `after`
    /// runs after each mined batch (a refresh of the console).
    pub fn run(self, plan: Plan, after: impl Fn() + 'static) {
        let Some(connection) = self.chain.connection() else {
            return;
        };
        if self.is_running() {
            return;
        }
        let config = self.chain.config();
        save(&config, Some(&plan));
        self.stored.set(Some(plan.clone()));
        let total = plan.entries.len();
        self.state.set(SubmitState::Running {
            done: 0,
            total,
            batch: 0,
        });
        spawn_local(async move {
            let client = self.chain.client();
            let end = self
                .batches(&client, &config, &connection, &plan, &after)
                .await;
            if matches!(end, SubmitState::Done { .. }) {
                save(&config, None);
                self.stored.set(None);
            }
            self.state.set(end);
        });
    }

    async fn batches(
        self,
        client: &RpcClient,
        config: &NetworkConfig,
        connection: &Connection,
        plan: &Plan,
        after: &impl Fn(),
    ) -> SubmitState {
        let total = plan.entries.len();
        let stopped = |done: usize, reason: StopReason| SubmitState::Stopped {
            done,
            total,
            reason,
        };
        let mut per_entry_gas = None;
        loop {
            let (done, next_index) = match in_registry(client, config, plan).await {
                Ok(found) => found,
                Err(reason) => return stopped(0, reason),
            };
            if done == total {
                return SubmitState::Done { total };
            }
            let first_nonce = plan.first_nonce + done as u64;
            if next_index != first_nonce {
                return stopped(
                    done,
                    StopReason::RegistryMoved {
                        next_index,
                        first_nonce,
                    },
                );
            }
            let remaining: Vec<ValidatorData> =
                plan.entries[done..].iter().map(validator_data).collect();
            let size = match per_entry_gas {
                Some(gas) => batch_size(client, gas, &remaining).await,
                None => {
                    let one = operator::add_validators(
                        config,
                        connection.account,
                        remaining[..1].to_vec(),
                    );
                    match operator::estimate_gas(client, &one).await {
                        Ok(gas) => {
                            per_entry_gas = Some(gas);
                            batch_size(client, gas, &remaining).await
                        }
                        Err(error) => {
                            let nonce = first_nonce;
                            return stopped(done, StopReason::WouldRefuse { nonce, error });
                        }
                    }
                }
            };
            let size = match size {
                Ok(size) => size.min(remaining.len()),
                Err(index) => {
                    let nonce = first_nonce + index as u64;
                    return stopped(done, StopReason::TooLarge { nonce });
                }
            };
            self.state.set(SubmitState::Running {
                done,
                total,
                batch: size,
            });
            let tx =
                operator::add_validators(config, connection.account, remaining[..size].to_vec());
            match self.flow.send_and_wait(self.chain, connection, tx).await {
                TxState::Mined { .. } => after(),
                TxState::AwaitingCosigners => return stopped(done, StopReason::AwaitingCosigners),
                _ => return stopped(done, StopReason::BatchNotAdded),
            }
        }
    }
}

/// How many of the plan's entries are in the registry already (a prefix; the reason when the
/// registry contradicts the plan), and the registry's next index.
async fn in_registry(
    client: &RpcClient,
    config: &NetworkConfig,
    plan: &Plan,
) -> Result<(usize, u64), StopReason> {
    let read = StopReason::RegistryUnread;
    let ops = read_operations(client, config.pool_manager)
        .await
        .map_err(|e| read(e.into()))?;
    let view = registry_entries(
        client,
        config.pool_manager,
        (config.deployment_block, ops.block),
        LOG_WINDOW,
    )
    .await
    .map_err(|e| read(e.cause.into()))?;
    let dropped = view.dropped_pubkeys();
    let mut done = 0;
    for (i, entry) in plan.entries.iter().enumerate() {
        let nonce = plan.first_nonce + i as u64;
        if dropped.contains(&entry.pubkey) {
            return Err(StopReason::Dropped {
                nonce,
                pubkey: entry.pubkey.clone(),
            });
        }
        match view.entries.get(&nonce) {
            Some(registered) if registered.data.pubkey == entry.pubkey => done = i + 1,
            Some(_) if i == done => {
                return Err(StopReason::IndexTaken { nonce });
            }
            _ => break,
        }
    }
    Ok((done, ops.validator_count))
}

/// Entries in the next batch of `entries`, each of about `per_entry` gas: under a real node's
/// limits by encoded bytes and gas, within a third of the block gas limit, at most
/// [`MAX_BATCH`]; the index of an entry too large for any transaction.
async fn batch_size(
    client: &RpcClient,
    per_entry: u64,
    entries: &[ValidatorData],
) -> Result<usize, usize> {
    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Head {
        gas_limit: U64,
    }
    let limit = client
        .request::<_, Head>("eth_getBlockByNumber", ("latest", false))
        .await
        .map(|h| h.gas_limit.to::<u64>())
        .unwrap_or(30_000_000);
    let limits = TxLimits::MAINNET.with_gas_cap(limit / GAS_LIMIT_SHARE);
    let batches = add_validators_batches(entries, per_entry.max(1), limits, MAX_BATCH)?;
    Ok(batches.first().copied().unwrap_or(0))
}

fn validator_data(entry: &RegistryEntry) -> ValidatorData {
    ValidatorData {
        pubkey: entry.pubkey.clone(),
        signature: entry.signature.clone(),
        depositDataRoot: entry.deposit_data_root,
        operatorIds: entry.operator_ids.clone(),
        sharesData: entry.shares_data.clone(),
    }
}

fn key(config: &NetworkConfig) -> String {
    format!(
        "ssv-pool.submission.{}.{:#x}",
        config.chain_id, config.pool_manager
    )
}

fn load(config: &NetworkConfig) -> Option<Plan> {
    let text = crate::state::storage()?.get_item(&key(config)).ok()??;
    serde_json::from_str(&text).ok()
}

fn save(config: &NetworkConfig, plan: Option<&Plan>) {
    let Some(storage) = crate::state::storage() else {
        return;
    };
    match plan.and_then(|p| serde_json::to_string(p).ok()) {
        Some(text) => {
            let _ = storage.set_item(&key(config), &text);
        }
        None => {
            let _ = storage.remove_item(&key(config));
        }
    }
}
