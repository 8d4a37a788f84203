//! The oracle's exit reports (`reportExits`), made after each report of the beacon state: the
//! validators whose beacon `status` moves their exit state on (the rule is
//! `pool_core::exits::beacon`), compared with the queue's `exitOf`. After, not before: a
//! withdrawn validator leaves `validatorsExiting` only once the report has credited its
//! principal to the buffer, or the queue would ask for its 32 ETH a second time.

use alloy::primitives::Bytes;
use alloy::providers::Provider;
use pool_chain::client::exits::report_exits_call;
use pool_chain::client::tx;
use pool_chain::rpc::TxRequest;
use pool_core::exits::PoolValidator;
use pool_core::exits::beacon::{ExitReport, exit_report_for};
use serde_json::json;

use crate::beacon::BeaconValidator;
use crate::exits::ExitOutcome;
use crate::keeper::Keeper;
use crate::not_done::NotDone;

/// The oracle's `reportExits`: registry indices seen exiting and seen withdrawn, and what
/// became of the call.
#[derive(Debug)]
pub struct ExitsReport {
    pub exiting: Vec<u64>,
    pub withdrawn: Vec<u64>,
    pub outcome: ExitOutcome,
}

/// Validators one `reportExits` carries at most (exiting first, then withdrawn).
const MAX_EXITS_PER_REPORT: usize = 200;

impl Keeper {
    /// `reportExits` for the validators whose exit state the beacon state `seen` moves on (the
    /// rule: `pool_core::exits::beacon`), compared with the queue's `exitOf` at the head.
    pub(crate) async fn report_exits_seen(
        &mut self,
        seen: &[BeaconValidator],
    ) -> anyhow::Result<Option<ExitsReport>> {
        let head = self.provider.get_block_number().await?;
        let (_, states) = self.exit_states(head).await?;
        let (mut exiting, mut withdrawn) = (Vec::new(), Vec::new());
        for state in &states {
            let Some(beacon) = seen.iter().find(|v| v.pubkey == state.pubkey) else {
                continue;
            };
            match exit_report_for(state.state, &beacon.status, beacon.balance_gwei) {
                Some(ExitReport::Exiting) => exiting.push(state),
                Some(ExitReport::Withdrawn) => withdrawn.push(state),
                None => {}
            }
        }
        if exiting.is_empty() && withdrawn.is_empty() {
            return Ok(None);
        }
        // One transaction stays far under a real node's 128 KiB and the gas cap (128 calldata
        // bytes and ~10,000 gas a pubkey); the rest follows at the next report (states only move
        // forward, so nothing is lost, only reported later).
        exiting.truncate(MAX_EXITS_PER_REPORT);
        withdrawn.truncate(MAX_EXITS_PER_REPORT - exiting.len());
        let pubkeys = |list: &[&PoolValidator]| -> Vec<Bytes> {
            list.iter().map(|v| v.pubkey.clone()).collect()
        };
        let calldata = report_exits_call(&pubkeys(&exiting), &pubkeys(&withdrawn));
        let queue = self.queue().await?;
        let request = TxRequest {
            from: Some(self.account),
            to: queue,
            value: None,
            data: calldata.clone(),
        };
        let outcome = if let Err(error) = tx::simulate(&self.reader, &request).await {
            ExitOutcome::NotDone {
                reason: NotDone::Refused(error),
            }
        } else if self.dry_run {
            ExitOutcome::WouldSend
        } else {
            let receipt = self.send_mined(queue, calldata).await?;
            if receipt.status() {
                ExitOutcome::Sent {
                    tx: receipt.transaction_hash,
                }
            } else {
                ExitOutcome::NotDone {
                    reason: NotDone::RevertedOnChain {
                        call: "reportExits",
                    },
                }
            }
        };
        Ok(Some(ExitsReport {
            exiting: exiting.iter().map(|v| v.index).collect(),
            withdrawn: withdrawn.iter().map(|v| v.index).collect(),
            outcome,
        }))
    }

    /// The exit report's log line.
    pub(crate) fn log_exits_report(&self, exits: &ExitsReport) {
        let what = format!(
            "validator(s) {:?} exiting and {:?} withdrawn",
            exits.exiting, exits.withdrawn
        );
        let (event, message, detail) = match &exits.outcome {
            ExitOutcome::Sent { tx } => (
                "exits-reported",
                format!("oracle: reported {what} in {tx}"),
                json!({ "tx": tx }),
            ),
            ExitOutcome::WouldSend => (
                "dry-run",
                format!("oracle: would report {what} (dry run)"),
                json!({}),
            ),
            ExitOutcome::RateLimited { from } => (
                "exits-report-refused",
                format!("oracle: the queue refuses the report of {what} until {from}"),
                json!({ "rate_limited_until": from }),
            ),
            ExitOutcome::NotDone { reason } => (
                "exits-report-refused",
                format!(
                    "oracle: the queue refuses the report of {what}: {reason}; the next report tries again"
                ),
                json!({ "reason": reason.to_string() }),
            ),
        };
        let mut fields = json!({ "exiting": exits.exiting, "withdrawn": exits.withdrawn });
        if let (Some(fields), serde_json::Value::Object(detail)) = (fields.as_object_mut(), detail)
        {
            fields.extend(detail);
        }
        self.log.line(event, &message, fields);
    }
}
