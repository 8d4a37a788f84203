//! The ceremony files the operator imports: read from the picker or a drop, checked against the
//! chain's facts in Web Workers (the BLS work split across them), and the report kept for the
//! views and the submission.

use std::collections::BTreeSet;
use std::sync::Arc;

use alloy_primitives::Bytes;
use alloy_rpc_client::RpcClient;
use leptos::prelude::*;
use leptos::task::spawn_local;
use pool_chain::client::planner::{KeyCheckSetup, PlanRefusal, check_keys};
use pool_chain::client::{OperatorProblem, operator_keys, operator_states, ssv_registered};
use pool_core::activation::deposits::Verdict;
use pool_core::ceremony::{CheckContext, ImportReport, ImportedFile};
use pool_core::config::NetworkConfig;
use wasm_bindgen_futures::JsFuture;

use super::beacon::FetchBeacon;
use super::checker::CheckerError;
use super::{ConsoleReading, LOG_WINDOW};
use crate::state::chain::Chain;
use crate::state::error::AppError;

/// Where the import stands.
#[derive(Debug, Clone)]
pub enum ImportState {
    Empty,
    /// Files read, not yet checked (more may come).
    Files,
    /// Reading the chain, then checking in the workers.
    Checking,
    /// The findings, and each operator of the key shares that would make their registration
    /// revert (then nothing can be submitted).
    Checked(ImportReport, Vec<(u64, OperatorProblem)>),
    /// The checks could not run (the chain could not be read, a worker failed): nothing is
    /// accepted.
    Failed(ImportFailure),
}

/// Why the checks could not run.
#[derive(Debug, Clone)]
pub enum ImportFailure {
    /// `config.json` names no fork version and the chain is not a known network: deposit
    /// signatures cannot be checked.
    NoForkVersion { chain_id: u64 },
    /// The chain's facts (operator keys, registrations) could not be read.
    ChainRead(AppError),
    /// The keys could not be checked against the chain's deposits.
    DepositCheck(Arc<PlanRefusal>),
    /// The workers failed.
    Checker(CheckerError),
    /// The operators' state could not be read.
    OperatorStates(AppError),
}

/// Handle to the import.
#[derive(Clone, Copy)]
pub struct Import {
    chain: Chain,
    files: RwSignal<Vec<ImportedFile>>,
    state: RwSignal<ImportState>,
}

impl Import {
    pub fn new(chain: Chain) -> Self {
        Import {
            chain,
            files: RwSignal::new(Vec::new()),
            state: RwSignal::new(ImportState::Empty),
        }
    }

    pub fn files(&self) -> ReadSignal<Vec<ImportedFile>> {
        self.files.read_only()
    }

    pub fn state(&self) -> ReadSignal<ImportState> {
        self.state.read_only()
    }

    /// Forgets every file and finding.
    pub fn clear(self) {
        self.files.set(Vec::new());
        self.state.set(ImportState::Empty);
    }

    /// Reads `list` (a picker's or a drop's files); a file of the same name replaces the earlier
    /// one. Any earlier finding is dropped: the set changed.
    pub fn add(self, list: web_sys::FileList) {
        let files: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
        spawn_local(async move {
            for file in files {
                let text = match JsFuture::from(file.text()).await {
                    Ok(text) => text.as_string().unwrap_or_default(),
                    Err(_) => String::new(),
                };
                let name = file.name();
                self.files.update(|all| {
                    all.retain(|f| f.name != name);
                    all.push(ImportedFile { name, text });
                });
            }
            self.state.set(ImportState::Files);
        });
    }

    /// Reads the chain's facts for the files, then checks them in the workers.
    pub fn check(self, reading: ConsoleReading) {
        let files = self.files.get_untracked();
        if files.is_empty() || matches!(self.state.get_untracked(), ImportState::Checking) {
            return;
        }
        self.state.set(ImportState::Checking);
        let (config, client) = (self.chain.config(), self.chain.client());
        spawn_local(async move {
            let named = named_in(&files);
            let next = match check_context(&client, &config, &reading, &named).await {
                Err(e) => ImportState::Failed(e),
                Ok(context) => {
                    let ids: Vec<u64> = named.operator_ids.iter().copied().collect();
                    match super::checker::check_in_workers(files, context).await {
                        Err(e) => ImportState::Failed(ImportFailure::Checker(e)),
                        Ok(report) => {
                            let adding = report.registry_entries().len() as u32;
                            match operator_problems(&client, &config, &reading, &ids, adding).await
                            {
                                Ok(problems) => ImportState::Checked(report, problems),
                                Err(e) => ImportState::Failed(e),
                            }
                        }
                    }
                }
            };
            self.state.set(next);
        });
    }
}

/// What the chain reads need from the files: the public keys and operator ids they name. Read
/// through narrow shapes, so the shares' ciphertexts are skipped rather than decoded (the checks
/// in the workers parse the files again, strictly).
#[derive(Debug, Default, Clone)]
struct Named {
    pubkeys: BTreeSet<Bytes>,
    operator_ids: BTreeSet<u64>,
}

#[derive(serde::Deserialize)]
struct DepositPubkey {
    pubkey: String,
}

#[derive(serde::Deserialize)]
struct SharesPubkeys {
    shares: Vec<SharePubkey>,
}

#[derive(serde::Deserialize)]
struct SharePubkey {
    payload: SharePayload,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct SharePayload {
    public_key: Bytes,
    operator_ids: Vec<u64>,
}

fn named_in(files: &[ImportedFile]) -> Named {
    let mut named = Named::default();
    for file in files {
        if let Ok(deposits) = serde_json::from_str::<Vec<DepositPubkey>>(&file.text) {
            for d in deposits {
                if let Ok(pubkey) = alloy_primitives::hex::decode(&d.pubkey) {
                    named.pubkeys.insert(Bytes::from(pubkey));
                }
            }
        } else if let Ok(file) = serde_json::from_str::<SharesPubkeys>(&file.text) {
            for share in file.shares {
                named.pubkeys.insert(share.payload.public_key);
                named.operator_ids.extend(share.payload.operator_ids);
            }
        }
    }
    named
}

/// What would make the registration of `adding` more validators with operators `ids` revert:
/// an operator removed, private to others, or without room under the network's limit.
async fn operator_problems(
    client: &RpcClient,
    config: &NetworkConfig,
    reading: &ConsoleReading,
    ids: &[u64],
    adding: u32,
) -> Result<Vec<(u64, OperatorProblem)>, ImportFailure> {
    let states = operator_states(
        client,
        reading.ops.addresses.ssv_views,
        config.pool_manager,
        ids,
    )
    .await
    .map_err(|e| ImportFailure::OperatorStates(e.into()))?;
    Ok(states
        .into_iter()
        .filter_map(|s| {
            let problem = s.problem().or_else(|| {
                (adding > 0 && s.room() < adding).then_some(OperatorProblem::AtValidatorLimit {
                    count: s.validator_count,
                    limit: s.validator_limit,
                })
            })?;
            Some((s.id, problem))
        })
        .collect())
}

/// Everything the checks compare the files to, read from the chain now.
async fn check_context(
    client: &RpcClient,
    config: &NetworkConfig,
    reading: &ConsoleReading,
    named: &Named,
) -> Result<CheckContext, ImportFailure> {
    let fork_version = config.fork_version().ok_or(ImportFailure::NoForkVersion {
        chain_id: config.chain_id,
    })?;
    let chain = |e: AppError| ImportFailure::ChainRead(e);
    let ops = &reading.ops;
    let pubkeys = &named.pubkeys;
    let mut ids = named.operator_ids.clone();
    if let Some(cluster) = &reading.operator_ids {
        ids.extend(cluster.iter().copied());
    }
    let ids: Vec<u64> = ids.into_iter().collect();
    let head = ops.block;
    let keys = operator_keys(
        client,
        ops.addresses.ssv_network,
        &ids,
        (config.ssv_genesis_block(), head),
        LOG_WINDOW,
    )
    .await
    .map_err(|e| chain(e.cause.into()))?;
    // The same deposit check as the activation's: the beacon node's finalized state when
    // configured, then the logs; a deposit whose signature does not verify fixes nothing.
    let asked: Vec<Bytes> = pubkeys.iter().cloned().collect();
    let beacon = config.beacon_url.as_deref().map(FetchBeacon::new);
    let setup = KeyCheckSetup {
        deposit_contract: ops.addresses.deposit_contract,
        credentials: ops.addresses.withdrawal_credentials,
        fork_version,
        deployment_block: config.deployment_block,
        max_log_window: LOG_WINDOW,
    };
    let (_, checks) = check_keys(client, beacon.as_ref(), &mut None, &setup, &asked, head)
        .await
        .map_err(|e| ImportFailure::DepositCheck(Arc::new(e)))?;
    let deposited = checks
        .into_iter()
        .filter_map(|check| match check.verdict {
            Verdict::Deposited { credentials, .. } => Some((check.pubkey, credentials)),
            Verdict::Clear => None,
        })
        .collect();
    let on_ssv = ssv_registered(client, ops.addresses.ssv_views, config.pool_manager, &asked)
        .await
        .map_err(|e| chain(e.into()))?;
    Ok(CheckContext {
        pool: config.pool_manager,
        fork_version,
        next_nonce: ops.validator_count,
        cluster: reading.operator_ids.clone(),
        operator_keys: keys.into_iter().map(|k| (k.id, k.public_key)).collect(),
        registered: reading
            .registry
            .entries
            .values()
            .map(|e| e.data.pubkey.clone())
            .collect(),
        dropped: reading.registry.dropped_pubkeys(),
        deposited,
        ssv_registered: asked
            .into_iter()
            .zip(on_ssv)
            .filter_map(|(pubkey, registered)| registered.then_some(pubkey))
            .collect(),
    })
}
