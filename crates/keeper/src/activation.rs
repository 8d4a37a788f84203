//! The activation duty: one round asks the client layer's activation planner (the same one the
//! operator console uses) for the call, at one block, and sends it.

use alloy::primitives::U256;
use alloy::providers::Provider;
use pool_chain::bindings::PoolManager::{self, PoolManagerErrors};
use pool_chain::client::ChainError;
use pool_chain::client::planner::{ActivationPlan, PlanRefusal};
use pool_chain::client::tx::TxError;
use pool_chain::revert::ContractError;
use pool_core::activation::Waiting;
use pool_core::activation::deposits::Verdict;

use crate::decision::{Decision, Idle, Refusal, Stale, describe};
use crate::keeper::Keeper;

impl Keeper {
    /// One round of the activation duty. Errors are faults of the node or the network (retry
    /// later); every decision about the pool is a [`Decision`].
    pub async fn round(&mut self) -> anyhow::Result<Decision> {
        if self.stopped {
            return Ok(Decision::Stopped);
        }
        let pool = PoolManager::new(self.pool, self.provider.clone());
        let head = self.provider.get_block_number().await?;
        let buffered = U256::from(pool.bufferedEther().call().await?);
        let first = pool.activatedValidators().call().await?.to::<u64>();
        let length = pool.validatorCount().call().await?.to::<u64>();
        self.update_figures(&pool, buffered, length - first).await;
        if first > 0 {
            // A figure, not a decision: a failure to compute it does not stop the round.
            let days = self.runway_left_days(head).await.ok().flatten();
            if let Ok(mut figures) = self.figures.lock() {
                figures.runway_left_days = days;
            }
        }
        let plan = match self.plan(head).await {
            Ok(plan) => plan,
            Err(refusal) => return self.decide(refusal, first).await,
        };
        for (pubkey, deposit) in &plan.ignored {
            self.log.line(
                "ignored-deposit",
                &format!(
                    "a deposit for {pubkey} to credentials {} has a signature that does not verify: the beacon chain ignores it (its ether is burned) and it fixes nothing",
                    deposit.withdrawal_credentials
                ),
                serde_json::json!({ "pubkey": pubkey, "credentials": deposit.withdrawal_credentials,
                    "amount_gwei": deposit.amount_gwei }),
            );
        }
        self.send_plan(plan).await
    }

    /// The registry entries `first..first + count` as registered up to `head` (read
    /// incrementally, with the planner's registry).
    pub(crate) async fn registry_entries(
        &mut self,
        first: u64,
        count: u64,
        head: u64,
    ) -> anyhow::Result<Vec<PoolManager::ValidatorData>> {
        let view = self.planner.refresh_registry(&self.reader, head).await?;
        view.range(first, count)
            .map_err(|index| anyhow::anyhow!("no ValidatorRegistered event for entry {index}"))
    }

    /// The planner's answer at `head`.
    async fn plan(&mut self, head: u64) -> Result<ActivationPlan, PlanRefusal> {
        self.planner
            .plan_at(&self.reader, self.beacon.as_ref(), self.account, None, head)
            .await
    }

    async fn send_plan(&mut self, plan: ActivationPlan) -> anyhow::Result<Decision> {
        let (first, count) = (plan.first, plan.count());
        if self.dry_run {
            return Ok(Decision::WouldActivate {
                first,
                count,
                calldata: plan.calldata,
            });
        }
        let pool = PoolManager::new(self.pool, self.provider.clone());
        let receipt = match self.send_to_pool(plan.calldata).await {
            Ok(receipt) => receipt,
            Err(error) => {
                // The send's own gas estimate reverted (another keeper activated these entries
                // since the plan): nothing was sent. Any other failure may have sent it: a
                // fault, and the next round re-reads before anything is sent again.
                let reverted = matches!(
                    error.downcast_ref::<crate::send::SendError>(),
                    Some(crate::send::SendError::WouldRevert(_))
                );
                if reverted && pool.activatedValidators().call().await?.to::<u64>() != first {
                    return Ok(Decision::AnotherKeeperWasFaster);
                }
                return Err(error);
            }
        };
        if receipt.status() {
            if let Ok(mut figures) = self.figures.lock() {
                figures.last_action_timestamp = Some(now());
            }
            return Ok(Decision::Activated {
                first,
                count,
                tx: receipt.transaction_hash,
            });
        }
        // Mined but reverted: someone was faster, or the chain moved after the plan's block (a
        // deposit: the count it carried no longer holds). The next round plans anew, and a key
        // deposited meanwhile is found then: it is never sent again.
        let moved = pool.activatedValidators().call().await?.to::<u64>() != first;
        Ok(if moved {
            Decision::AnotherKeeperWasFaster
        } else {
            Decision::StaleReading {
                reason: Stale::RevertedOnChain,
            }
        })
    }

    /// The decision for a plan refused.
    async fn decide(&mut self, refusal: PlanRefusal, first: u64) -> anyhow::Result<Decision> {
        Ok(match refusal {
            PlanRefusal::Waiting(waiting) => Decision::Idle(match waiting {
                Waiting::BufferBelowDeposit { buffered, queued } => {
                    Idle::BufferBelowDeposit { buffered, queued }
                }
                Waiting::RegistryEmpty => Idle::RegistryEmpty,
                Waiting::RegistryMismatch { index } => Idle::RegistryMismatch { index },
                Waiting::NotReady { index, ready_at } => Idle::NotReady { index, ready_at },
                Waiting::FeeReserveShort { reserve, needed } => {
                    Idle::FeeReserveShort { reserve, needed }
                }
            }),
            PlanRefusal::KeyDeposited { index, check } => {
                // A key whose credentials are fixed must never get the pool's 32 ETH: stop for
                // a person (who drops it and everything after it).
                self.stopped = true;
                match check.verdict {
                    Verdict::Deposited {
                        credentials,
                        to_pool: false,
                        ..
                    } => Decision::FrontRun {
                        index,
                        pubkey: check.pubkey,
                        credentials,
                    },
                    _ => Decision::AlreadyDeposited {
                        index,
                        pubkey: check.pubkey,
                    },
                }
            }
            PlanRefusal::ClusterStale { operator_ids } => {
                if let Ok(mut figures) = self.figures.lock() {
                    figures.stale_cluster_rounds += 1;
                }
                Decision::ClusterStale { operator_ids }
            }
            PlanRefusal::InvalidEntry { index, problem } => {
                self.stopped = true;
                Decision::InvalidEntry { index, problem }
            }
            PlanRefusal::Simulation(error) => return self.refused(error, first).await,
            PlanRefusal::BeaconNeeded => Decision::Refused {
                reason: Refusal::BeaconNeeded,
            },
            PlanRefusal::TooLarge { bytes, gas } => Decision::Refused {
                reason: Refusal::TooLarge { bytes, gas },
            },
            PlanRefusal::MissingEntry(index) => {
                anyhow::bail!("no ValidatorRegistered event for entry {index}")
            }
            PlanRefusal::Beacon(e) => return Err(e.into()),
            PlanRefusal::Chain(e) => return Err(e.into()),
            PlanRefusal::Scan(e) => return Err(e.into()),
        })
    }

    /// The decision for a simulation that reverted.
    async fn refused(&self, error: TxError, first: u64) -> anyhow::Result<Decision> {
        if let Some(contract) = error.contract_error() {
            if contract.is_stale_reading() {
                return Ok(Decision::StaleReading {
                    reason: Stale::Contract(contract.clone()),
                });
            }
            let pool = PoolManager::new(self.pool, self.provider.clone());
            let moved = pool.activatedValidators().call().await?.to::<u64>() != first;
            if moved
                || matches!(
                    contract,
                    ContractError::Pool(
                        PoolManagerErrors::ValidatorDataMismatch(_)
                            | PoolManagerErrors::NotEnoughValidators(_)
                    )
                )
            {
                return Ok(Decision::AnotherKeeperWasFaster);
            }
            return Ok(Decision::Refused {
                reason: Refusal::Contract(contract.clone()),
            });
        }
        match error {
            TxError::Rpc(ChainError::Rpc(e)) => Err(e.into()),
            other => Ok(Decision::Refused {
                reason: Refusal::Simulation(other),
            }),
        }
    }

    async fn update_figures(
        &self,
        pool: &PoolManager::PoolManagerInstance<alloy::providers::DynProvider>,
        buffered: U256,
        pending: u64,
    ) {
        let report_age = match (
            pool.lastReportAt().call().await,
            self.provider
                .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest)
                .await,
        ) {
            (Ok(at), Ok(Some(block))) => Some(block.header.timestamp.saturating_sub(at)),
            _ => None,
        };
        if let Ok(mut figures) = self.figures.lock() {
            figures.buffered_eth = f64::from(buffered / U256::from(10u64.pow(9))) / 1e9_f64;
            figures.pending_entries = pending;
            figures.last_report_age_seconds = report_age;
        }
    }

    /// Days of SSV fees the pool's least funded cluster holds beyond its liquidation collateral
    /// (7160 blocks a day), from its live balance and the live fees.
    async fn runway_left_days(&mut self, head: u64) -> anyhow::Result<Option<f64>> {
        self.cluster(&[], head).await?; // brings the cache up to `head`
        let clusters: Vec<_> = self
            .cached_clusters()
            .into_iter()
            .filter(|(_, c)| c.validator_count > 0 && c.active)
            .collect();
        let mut least: Option<f64> = None;
        for (ids, cluster) in clusters {
            let fees = pool_chain::client::fee_schedule(&self.reader, self.ssv_views, &ids).await?;
            let balance = pool_chain::client::cluster_balance(
                &self.reader,
                self.ssv_views,
                self.pool,
                &ids,
                cluster,
            )
            .await?;
            let days = fees.runway_left(balance, cluster.validator_count) as f64 / 7160.0;
            least = Some(least.map_or(days, |l: f64| l.min(days)));
        }
        Ok(least)
    }

    /// Logs `decision` (an idle reason once, until it changes) and records it in the metrics;
    /// whether it was logged.
    pub fn report(&mut self, decision: &Decision) -> bool {
        let (event, message, fields) = describe(decision);
        if let Ok(mut figures) = self.figures.lock() {
            figures.last_decision = event.to_string();
            figures.rounds += 1;
        }
        if let Decision::Idle(_) = decision {
            if self.last_idle.as_deref() == Some(message.as_str()) {
                return false;
            }
            self.last_idle = Some(message.clone());
        } else {
            self.last_idle = None;
        }
        self.log.line(event, &message, fields);
        true
    }
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
