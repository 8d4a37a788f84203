//! The activation duty: one round decides whether to activate, and what.

use alloy::primitives::{Bytes, U256};
use alloy::providers::Provider;
use alloy::sol_types::SolCall;
use pool_chain::bindings::PoolManager::{self, PoolManagerErrors};
use pool_chain::client::tx::{self, TxError};
use pool_chain::client::{ChainError, deposit_count};
use pool_chain::revert::ContractError;
use pool_chain::rpc::TxRequest;
use pool_core::deposit::DEPOSIT_WEI;

use crate::decision::{Decision, Idle, describe};
use crate::keeper::Keeper;

/// SSV's per-transaction bulk limits: 80 / 40 / 30 / 20 for 4 / 7 / 10 / 13 operators.
fn bulk_limit(operators: usize) -> u64 {
    match operators {
        4 => 80,
        7 => 40,
        10 => 30,
        _ => 20,
    }
}

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
        let deposit = U256::from(DEPOSIT_WEI);
        if buffered < deposit {
            return Ok(Decision::Idle(Idle::BufferBelowDeposit { buffered }));
        }
        if length == first {
            return Ok(Decision::Idle(Idle::RegistryEmpty));
        }
        let affordable = (buffered / deposit).to::<u64>();
        let mut entries = self
            .registry_entries(first, (length - first).min(affordable), head)
            .await?;
        // One operator set per activation, within SSV's bulk limit.
        let ids = entries[0].operatorIds.clone();
        let same_set = entries.iter().take_while(|e| e.operatorIds == ids).count();
        entries.truncate(same_set.min(bulk_limit(ids.len()) as usize));
        // Only entries past their activation delay, counting the block this would land in.
        let mut ready = 0;
        for (offset, _) in entries.iter().enumerate() {
            let index = first + offset as u64;
            let entry = pool.getValidator(U256::from(index)).call().await?;
            let ready_at = entry.readyAt.to::<u64>();
            if ready_at > head + 1 {
                if ready == 0 {
                    return Ok(Decision::Idle(Idle::NotReady { index, ready_at }));
                }
                break;
            }
            ready += 1;
        }
        entries.truncate(ready);
        // A key deposited with other credentials is a front-run: never send it, stop for a person.
        let credentials = self.credentials;
        let deposited = self.deposited(head).await?;
        for (offset, entry) in entries.iter().enumerate() {
            if let Some(other) = deposited.get(&entry.pubkey).filter(|c| **c != credentials) {
                let (pubkey, credentials) = (entry.pubkey.clone(), *other);
                self.stopped = true;
                return Ok(Decision::FrontRun {
                    index: first + offset as u64,
                    pubkey,
                    credentials,
                });
            }
        }
        // What the fee reserve can fund.
        let funding = pool.fundingPerValidator(ids.clone()).call().await?;
        let reserve = pool.feeReserve().call().await?;
        let fundable = if funding.is_zero() {
            u64::MAX
        } else {
            (reserve / funding).saturating_to::<u64>()
        };
        if fundable == 0 {
            return Ok(Decision::Idle(Idle::FeeReserveShort {
                reserve,
                needed: funding,
            }));
        }
        entries.truncate(fundable.min(entries.len() as u64) as usize);
        let count = entries.len() as u64;

        // A fresh cluster snapshot and deposit count, then simulate and send.
        let cluster: PoolManager::Cluster = self.cluster(&ids, head).await?.into();
        let expected = deposit_count(&self.reader, self.deposit_contract).await?;
        let calldata: Bytes = PoolManager::activateValidatorsCall {
            validators: entries,
            expectedDepositCount: expected,
            perValidatorFunding: funding,
            cluster,
        }
        .abi_encode()
        .into();
        let request = TxRequest {
            from: Some(self.account),
            to: self.pool,
            value: None,
            data: calldata.clone(),
        };
        if let Err(error) = tx::simulate(&self.reader, &request).await {
            return self.refused(error, first).await;
        }
        if self.dry_run {
            return Ok(Decision::WouldActivate {
                first,
                count,
                calldata,
            });
        }
        let receipt = self.send_to_pool(calldata).await?;
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
        // Mined but reverted: someone was faster between the simulation and the block.
        let moved = pool.activatedValidators().call().await?.to::<u64>() != first;
        Ok(if moved {
            Decision::AnotherKeeperWasFaster
        } else {
            Decision::StaleReading {
                reason: "the activation reverted on chain; re-reading".into(),
            }
        })
    }

    /// The decision for a simulation that reverted.
    async fn refused(&self, error: TxError, first: u64) -> anyhow::Result<Decision> {
        if let Some(contract) = error.contract_error() {
            if contract.is_stale_reading() {
                return Ok(Decision::StaleReading {
                    reason: contract.to_string(),
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
                reason: contract.to_string(),
            });
        }
        match error {
            TxError::Rpc(ChainError::Rpc(e)) => Err(e.into()),
            other => Ok(Decision::Refused {
                reason: other.to_string(),
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
