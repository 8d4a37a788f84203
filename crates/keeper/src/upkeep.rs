//! The cluster upkeep duty (opt-in, `--upkeep-days N`): real networks run liquidation bots, so a
//! pool cluster must never run dry. Each round reads every active cluster of the pool with
//! validators, its live balance and the live fee schedule; one whose runway left (above the
//! liquidation collateral) is under N days gets the pool's runway of fees again from the fee
//! reserve (`fundCluster`). When the reserve cannot pay that, the duty says so loudly (an alert
//! line and the `keeper_fee_reserve_short` metric) while N days remain, well before liquidation.

use alloy::primitives::{B256, U256};
use alloy::providers::Provider;
use alloy::sol_types::SolCall;
use pool_chain::bindings::PoolManager;
use pool_chain::client::tx;
use pool_chain::client::{cluster_balance, fee_schedule};
use pool_chain::rpc::TxRequest;
use pool_core::funding::{BLOCKS_PER_DAY, Precision};
use serde_json::json;

use crate::keeper::Keeper;
use crate::not_done::NotDone;
use crate::send::Sent;

/// What the duty did for one cluster.
#[derive(Debug)]
pub enum Upkeep {
    /// More than the threshold left.
    Healthy {
        operator_ids: Vec<u64>,
        days_left: f64,
    },
    /// Topped up from the fee reserve by `amount` (the pool's runway of fees).
    ToppedUp {
        operator_ids: Vec<u64>,
        days_left: f64,
        amount: U256,
        tx: B256,
    },
    /// `--dry-run`: what would be sent.
    WouldTopUp {
        operator_ids: Vec<u64>,
        days_left: f64,
        amount: U256,
    },
    /// The reserve cannot pay the top-up: a person must fund it (`fundFeeReserve`) before the
    /// cluster runs out.
    ReserveShort {
        operator_ids: Vec<u64>,
        days_left: f64,
        needed: U256,
        reserve: U256,
    },
    /// The top-up was refused or did not land (a stale snapshot, a send that was not mined):
    /// the next round reads again.
    NotDone {
        operator_ids: Vec<u64>,
        days_left: f64,
        reason: NotDone,
    },
}

impl Keeper {
    /// One round of the upkeep duty: one [`Upkeep`] per active cluster of the pool that holds
    /// validators. Errors are faults of the node (retry later).
    pub async fn upkeep_round(&mut self, under_days: f64) -> anyhow::Result<Vec<Upkeep>> {
        let pool = PoolManager::new(self.pool, self.provider.clone());
        let head = self.provider.get_block_number().await?;
        self.cluster(&[], head).await?; // brings the cache up to `head`
        let mut clusters: Vec<_> = self
            .cached_clusters()
            .into_iter()
            .filter(|(_, c)| c.validator_count > 0 && c.active)
            .collect();
        clusters.sort_by(|a, b| a.0.cmp(&b.0));
        let runway = pool.runway().call().await?;
        let mut done = Vec::with_capacity(clusters.len());
        let mut least: Option<f64> = None;
        let mut short = false;
        for (operator_ids, cluster) in clusters {
            let fees = fee_schedule(&self.reader, self.ssv_views, &operator_ids).await?;
            let balance = cluster_balance(
                &self.reader,
                self.ssv_views,
                self.pool,
                &operator_ids,
                cluster,
            )
            .await?;
            let blocks = fees.runway_left(balance, cluster.validator_count);
            let days_left = blocks as f64 / BLOCKS_PER_DAY as f64;
            if days_left >= under_days {
                least = Some(least.map_or(days_left, |l: f64| l.min(days_left)));
                done.push(Upkeep::Healthy {
                    operator_ids,
                    days_left,
                });
                continue;
            }
            let amount = fees.top_up(cluster.validator_count, runway, Precision::Eth);
            let reserve = pool.feeReserve().call().await?;
            if reserve < amount {
                short = true;
                least = Some(least.map_or(days_left, |l: f64| l.min(days_left)));
                done.push(Upkeep::ReserveShort {
                    operator_ids,
                    days_left,
                    needed: amount,
                    reserve,
                });
                continue;
            }
            let calldata = PoolManager::fundClusterCall {
                operatorIds: operator_ids.clone(),
                amount,
                cluster: cluster.into(),
            }
            .abi_encode();
            let request = TxRequest {
                from: Some(self.account),
                to: self.pool,
                value: None,
                data: calldata.clone().into(),
            };
            if let Err(error) = tx::simulate(&self.reader, &request).await {
                least = Some(least.map_or(days_left, |l: f64| l.min(days_left)));
                done.push(Upkeep::NotDone {
                    operator_ids,
                    days_left,
                    reason: NotDone::Refused(error),
                });
                continue;
            }
            if self.dry_run {
                done.push(Upkeep::WouldTopUp {
                    operator_ids,
                    days_left,
                    amount,
                });
                continue;
            }
            match self.send(calldata, self.send_deadline).await? {
                Sent::Mined { receipt, .. } => {
                    let after = days_left + runway as f64 / BLOCKS_PER_DAY as f64;
                    least = Some(least.map_or(after, |l: f64| l.min(after)));
                    if let Ok(mut figures) = self.figures.lock() {
                        figures.cluster_top_ups += 1;
                        figures.last_action_timestamp = Some(now());
                    }
                    done.push(Upkeep::ToppedUp {
                        operator_ids,
                        days_left,
                        amount,
                        tx: receipt.transaction_hash,
                    });
                }
                other => {
                    least = Some(least.map_or(days_left, |l: f64| l.min(days_left)));
                    done.push(Upkeep::NotDone {
                        operator_ids,
                        days_left,
                        reason: NotDone::NotMined(other),
                    });
                }
            }
        }
        if let Ok(mut figures) = self.figures.lock() {
            figures.fee_reserve_short = short;
            if least.is_some() {
                figures.runway_left_days = least;
            }
        }
        Ok(done)
    }

    /// Logs what the upkeep round did: top-ups and refusals always, a reserve alert once per
    /// cluster until the reserve can pay again (the metric stays up meanwhile), healthy
    /// clusters not at all.
    pub fn report_upkeep(&mut self, done: &[Upkeep]) {
        let eth = |wei: &U256| pool_core::units::format_ether(*wei, 6);
        for upkeep in done {
            match upkeep {
                Upkeep::ReserveShort { operator_ids, .. } => {
                    if !self.upkeep_alerted.insert(operator_ids.clone()) {
                        continue;
                    }
                }
                Upkeep::Healthy { operator_ids, .. }
                | Upkeep::ToppedUp { operator_ids, .. }
                | Upkeep::WouldTopUp { operator_ids, .. }
                | Upkeep::NotDone { operator_ids, .. } => {
                    self.upkeep_alerted.remove(operator_ids);
                }
            }
            let (event, message, fields) = match upkeep {
                Upkeep::Healthy { .. } => continue,
                Upkeep::ToppedUp {
                    operator_ids,
                    days_left,
                    amount,
                    tx,
                } => (
                    "cluster-topped-up",
                    format!(
                        "upkeep: cluster {operator_ids:?} had {days_left:.1} days of fees left; topped up with {} from the fee reserve in {tx}",
                        eth(amount)
                    ),
                    json!({ "operator_ids": operator_ids, "days_left": days_left, "amount": amount.to_string(), "tx": tx }),
                ),
                Upkeep::WouldTopUp {
                    operator_ids,
                    days_left,
                    amount,
                } => (
                    "dry-run",
                    format!(
                        "upkeep: cluster {operator_ids:?} has {days_left:.1} days of fees left; would top it up with {} (dry run)",
                        eth(amount)
                    ),
                    json!({ "operator_ids": operator_ids, "days_left": days_left, "amount": amount.to_string() }),
                ),
                Upkeep::ReserveShort {
                    operator_ids,
                    days_left,
                    needed,
                    reserve,
                } => (
                    "alert-fee-reserve",
                    format!(
                        "ALERT upkeep: cluster {operator_ids:?} has {days_left:.1} days of fees left and the fee reserve holds {} of the {} a top-up needs: fund the reserve (fundFeeReserve) before the cluster can be liquidated",
                        eth(reserve),
                        eth(needed)
                    ),
                    json!({ "operator_ids": operator_ids, "days_left": days_left, "needed": needed.to_string(), "reserve": reserve.to_string() }),
                ),
                Upkeep::NotDone {
                    operator_ids,
                    days_left,
                    reason,
                } => (
                    "upkeep-not-done",
                    format!(
                        "upkeep: cluster {operator_ids:?} has {days_left:.1} days of fees left; the top-up did not happen ({reason}); the next round reads again"
                    ),
                    json!({ "operator_ids": operator_ids, "days_left": days_left, "reason": reason.to_string() }),
                ),
            };
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
