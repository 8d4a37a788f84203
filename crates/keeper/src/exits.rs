//! The exit duty: when the withdrawal queue's demand is more than the buffer and the
//! validators already in exit cover, the keeper asks the pool to exit validators, oldest first
//! (the rule and its reasons: `pool_core::exits`); a validator its SSV operators have not exited
//! within the grace period gets its EIP-7002 request from the pool (`forceExit`); a validator
//! the oracle saw withdrawn leaves its SSV cluster (`removeExited`), so its fees stop.
//!
//! Each round reads everything at one block (the client layer's `exits::read_exits`), plans
//! with the core's rule, simulates each call and sends it. The contract refuses a keeper's
//! request beyond `exitsNeeded`, so a second keeper's duplicate reverts and exits nothing more.

use std::collections::HashSet;

use alloy::primitives::{Address, B256, Bytes, U256};
use alloy::providers::Provider;
use pool_chain::bindings::PoolManager;
use pool_chain::bindings::WithdrawalQueue::WithdrawalQueueErrors;
use pool_chain::client::exits::{
    QueueFigures, force_exit_call, read_exits, remove_exited_call, request_exits_call,
};
use pool_chain::client::tx;
use pool_chain::revert::ContractError;
use pool_chain::rpc::TxRequest;
use pool_core::deposit::DEPOSIT_WEI;
use pool_core::exits::beacon::BeaconStatus;
use pool_core::exits::{ExitFacts, ExitState, PoolValidator, plan_exits};
use serde_json::json;

use crate::beacon::Beacon;
use crate::keeper::Keeper;
use crate::not_done::NotDone;
use crate::send::Sent;

/// One call of the exit duty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExitCall {
    /// `requestExits`: SSV's operators are asked to exit these validators.
    Request {
        operator_ids: Vec<u64>,
        indices: Vec<u64>,
    },
    /// `forceExit`: the pool's own EIP-7002 request, after the grace period.
    Force { index: u64 },
    /// `removeExited`: withdrawn validators leave their SSV cluster.
    Remove {
        operator_ids: Vec<u64>,
        indices: Vec<u64>,
    },
}

/// What became of one call.
#[derive(Debug)]
pub enum ExitOutcome {
    Sent {
        tx: B256,
    },
    /// `--dry-run`: simulated, not sent.
    WouldSend,
    /// Refused by the simulation or not mined: the next round reads again.
    NotDone {
        reason: NotDone,
    },
    /// `forceExit` refused: the day's forced exits are spent until `from` (chain time).
    RateLimited {
        from: u64,
    },
}

/// A round of the exit duty: the queue's figures at the round's block and each call made.
#[derive(Debug)]
pub struct ExitRound {
    pub figures: QueueFigures,
    pub steps: Vec<(ExitCall, ExitOutcome)>,
}

impl ExitRound {
    /// The validators asked to exit in this round (sent or, dry, would be).
    pub fn requested(&self) -> Vec<u64> {
        self.steps
            .iter()
            .filter(|(_, o)| matches!(o, ExitOutcome::Sent { .. } | ExitOutcome::WouldSend))
            .filter_map(|(c, _)| match c {
                ExitCall::Request { indices, .. } => Some(indices.clone()),
                _ => None,
            })
            .flatten()
            .collect()
    }
}

impl Keeper {
    /// The withdrawal queue's address (`PoolManager.withdrawalQueue()`, read once).
    pub(crate) async fn queue(&mut self) -> anyhow::Result<Address> {
        if let Some(queue) = self.queue {
            return Ok(queue);
        }
        let pool = PoolManager::new(self.pool, self.provider.clone());
        let queue = pool.withdrawalQueue().call().await?;
        self.queue = Some(queue);
        Ok(queue)
    }

    /// The pool's activated validators and their exit states at `head`, but those known
    /// Removed (a final state, not read again).
    pub(crate) async fn exit_states(
        &mut self,
        head: u64,
    ) -> anyhow::Result<(QueueFigures, Vec<PoolValidator>)> {
        let queue = self.queue().await?;
        let pool = PoolManager::new(self.pool, self.provider.clone());
        let activated = pool
            .activatedValidators()
            .block(head.into())
            .call()
            .await?
            .to::<u64>();
        let entries = self.registry_entries(0, activated, head).await?;
        let asked: Vec<_> = (0..activated)
            .zip(entries)
            .filter(|(index, _)| !self.removed.contains(index))
            .collect();
        let reading = read_exits(&self.reader, queue, &asked, head).await?;
        for v in &reading.validators {
            if v.state == ExitState::Removed {
                self.removed.insert(v.index);
            }
        }
        Ok((reading.figures, reading.validators))
    }

    /// One round of the exit duty; `beacon` (when the keeper has one) spares an EIP-7002 fee
    /// for a validator the finalized state already shows exiting. Errors are faults of the node.
    pub async fn exits_round(&mut self, beacon: Option<&Beacon>) -> anyhow::Result<ExitRound> {
        let head = self.provider.get_block_number().await?;
        let (figures, mut validators) = self.exit_states(head).await?;
        self.update_exit_figures(&figures);
        fn facts<'a>(figures: &QueueFigures, validators: &'a [PoolValidator]) -> ExitFacts<'a> {
            ExitFacts {
                now: figures.timestamp,
                exits_needed: figures.exits_needed,
                grace: figures.grace,
                validators,
            }
        }
        let mut plan = plan_exits(&facts(&figures, &validators));
        if let (Some(beacon), false) = (beacon, plan.forced.is_empty()) {
            let due: HashSet<u64> = plan.forced.iter().map(|(i, _)| *i).collect();
            let seen = self.seen_exiting(beacon, &validators, &due).await?;
            for v in validators.iter_mut() {
                v.seen_exiting = seen.contains(&v.pubkey);
            }
            plan = plan_exits(&facts(&figures, &validators));
        }
        let queue = self.queue().await?;
        let mut steps = Vec::new();
        for batch in &plan.requests {
            let call = ExitCall::Request {
                operator_ids: batch.operator_ids.clone(),
                indices: batch.indices(),
            };
            let outcome = self.exit_call(queue, request_exits_call(batch)).await?;
            if matches!(outcome, ExitOutcome::Sent { .. }) {
                self.count(|f| f.exits_requested += batch.validators.len() as u64);
            }
            steps.push((call, outcome));
        }
        for (index, pubkey) in &plan.forced {
            let outcome = self.exit_call(queue, force_exit_call(pubkey)).await?;
            let limited = matches!(outcome, ExitOutcome::RateLimited { .. });
            if matches!(outcome, ExitOutcome::Sent { .. }) {
                self.count(|f| f.exits_forced += 1);
            }
            steps.push((ExitCall::Force { index: *index }, outcome));
            if limited {
                break; // the others wait for the next day
            }
        }
        for batch in &plan.removals {
            // A removal changes the cluster: each batch takes the snapshot as of now.
            let now = self.provider.get_block_number().await?;
            let cluster = self.cluster(&batch.operator_ids, now).await?;
            let call = ExitCall::Remove {
                operator_ids: batch.operator_ids.clone(),
                indices: batch.indices(),
            };
            let outcome = self
                .exit_call(queue, remove_exited_call(batch, cluster))
                .await?;
            if matches!(outcome, ExitOutcome::Sent { .. }) {
                self.count(|f| f.exited_removed += batch.validators.len() as u64);
                self.removed.extend(batch.indices());
            }
            steps.push((call, outcome));
        }
        Ok(ExitRound { figures, steps })
    }

    /// The pubkeys among `due`'s validators that the finalized beacon state shows with their
    /// exit epoch set.
    async fn seen_exiting(
        &self,
        beacon: &Beacon,
        validators: &[PoolValidator],
        due: &HashSet<u64>,
    ) -> anyhow::Result<HashSet<Bytes>> {
        let pubkeys: Vec<Bytes> = validators
            .iter()
            .filter(|v| due.contains(&v.index))
            .map(|v| v.pubkey.clone())
            .collect();
        let finalized = beacon.finalized().await?;
        Ok(beacon
            .validators(finalized.slot, &pubkeys)
            .await?
            .into_iter()
            .filter(|v| BeaconStatus::parse(&v.status).is_some_and(|s| s.exit_epoch_set()))
            .map(|v| v.pubkey)
            .collect())
    }

    /// Simulates `calldata` to the queue and sends it (unless dry).
    async fn exit_call(&mut self, queue: Address, calldata: Bytes) -> anyhow::Result<ExitOutcome> {
        let request = TxRequest {
            from: Some(self.account),
            to: queue,
            value: None,
            data: calldata.clone(),
        };
        if let Err(error) = tx::simulate(&self.reader, &request).await {
            if let Some(ContractError::Queue(WithdrawalQueueErrors::ForcedExitsRateLimited(e))) =
                error.contract_error()
            {
                return Ok(ExitOutcome::RateLimited {
                    from: e.from.saturating_to(),
                });
            }
            return Ok(ExitOutcome::NotDone {
                reason: NotDone::Refused(error),
            });
        }
        if self.dry_run {
            return Ok(ExitOutcome::WouldSend);
        }
        Ok(
            match self.send_to(queue, calldata, self.send_deadline).await? {
                Sent::Mined { receipt, .. } => {
                    self.count(|f| f.last_action_timestamp = Some(now()));
                    ExitOutcome::Sent {
                        tx: receipt.transaction_hash,
                    }
                }
                other => ExitOutcome::NotDone {
                    reason: NotDone::NotMined(other),
                },
            },
        )
    }

    fn count(&self, change: impl FnOnce(&mut crate::metrics::Figures)) {
        if let Ok(mut figures) = self.figures.lock() {
            change(&mut figures);
        }
    }

    fn update_exit_figures(&self, figures: &QueueFigures) {
        let exiting = U256::from(DEPOSIT_WEI) * U256::from(figures.validators_exiting);
        let age = figures
            .oldest_waiting_at
            .map(|at| figures.timestamp.saturating_sub(at));
        self.count(|f| {
            f.withdrawal_queue_wei = Some(figures.unfinalized_ether);
            f.exiting_wei = Some(exiting);
            f.oldest_request_age_seconds = Some(age.unwrap_or(0));
        });
    }
}

impl Keeper {
    /// Logs the round: the queue's figures once until they change, every call made or refused.
    pub fn report_exits(&mut self, round: &ExitRound) {
        let eth = |wei: U256| pool_core::units::format_ether(wei, 6);
        let f = &round.figures;
        let age = f.oldest_waiting_at.map(|at| f.timestamp.saturating_sub(at));
        let status = format!(
            "exits: {} ETH waiting in the withdrawal queue{}, {} ETH buffered, {} validator(s) in exit, {} more exit(s) needed",
            eth(f.unfinalized_ether),
            age.map(|s| format!(" (oldest request {s}s old)"))
                .unwrap_or_default(),
            eth(f.buffered_ether),
            f.validators_exiting,
            f.exits_needed
        );
        if self.last_exit_status.as_deref() != Some(status.as_str()) {
            self.log.line(
                "exit-status",
                &status,
                json!({ "queue_wei": f.unfinalized_ether.to_string(), "buffered_wei": f.buffered_ether.to_string(),
                    "validators_exiting": f.validators_exiting, "exits_needed": f.exits_needed,
                    "oldest_request_age_seconds": age, "block": f.block }),
            );
            self.last_exit_status = Some(status);
        }
        for (call, outcome) in &round.steps {
            let what = match call {
                ExitCall::Request {
                    operator_ids,
                    indices,
                } => format!(
                    "asking the SSV operators of cluster {operator_ids:?} to exit validator(s) {indices:?} (requestExits)"
                ),
                ExitCall::Force { index } => format!(
                    "sending validator {index}'s EIP-7002 exit request from the pool, its grace period over with no exit seen (forceExit)"
                ),
                ExitCall::Remove {
                    operator_ids,
                    indices,
                } => format!(
                    "removing withdrawn validator(s) {indices:?} from cluster {operator_ids:?} (removeExited)"
                ),
            };
            let event = match (call, outcome) {
                (_, ExitOutcome::WouldSend) => "dry-run",
                (_, ExitOutcome::NotDone { .. } | ExitOutcome::RateLimited { .. }) => {
                    "exit-not-done"
                }
                (ExitCall::Request { .. }, _) => "exit-requested",
                (ExitCall::Force { .. }, _) => "exit-forced",
                (ExitCall::Remove { .. }, _) => "exited-removed",
            };
            let (message, detail) = match outcome {
                ExitOutcome::Sent { tx } => {
                    (format!("exits: {what}: done in {tx}"), json!({ "tx": tx }))
                }
                ExitOutcome::WouldSend => (format!("exits: would be {what} (dry run)"), json!({})),
                ExitOutcome::NotDone { reason } => (
                    format!("exits: {what}: not done ({reason}); the next round reads again"),
                    json!({ "reason": reason.to_string() }),
                ),
                ExitOutcome::RateLimited { from } => (
                    format!(
                        "exits: {what}: not done, the pool's forced exits for the day are spent; the next from {from} (chain time)"
                    ),
                    json!({ "rate_limited_until": from }),
                ),
            };
            let mut fields = json!({ "call": format!("{call:?}") });
            if let (Some(fields), serde_json::Value::Object(detail)) =
                (fields.as_object_mut(), detail)
            {
                fields.extend(detail);
            }
            self.log.line(event, &message, fields);
        }
    }
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
