//! The oracle duty (opt-in): at most once per interval, report the pool's validators as the
//! latest finalized beacon state shows them, and the ETH withdrawn from the beacon chain to the
//! pool up to that state (the execution blocks' `withdrawals` to the pool's address, summed
//! from the last report's reference block, so a restart back-fills what it missed).

use alloy::primitives::{Address, B256, U64, U256};
use alloy::providers::Provider;
use alloy::rpc::client::RpcClient;
use alloy::sol_types::SolCall;
use pool_chain::bindings::PoolManager;
use pool_chain::client::tx::{self, TxError};
use pool_chain::rpc::TxRequest;
use serde::Deserialize;
use serde_json::json;

use crate::beacon::{Beacon, wei};
use crate::keeper::Keeper;
pub use crate::oracle_exits::ExitsReport;

/// Blocks per JSON-RPC batch when summing withdrawals.
const BLOCKS_PER_BATCH: u64 = 100;

#[derive(Debug)]
pub enum OracleDecision {
    /// Too soon after the last report (the contract's minimum, or the configured interval).
    NotDue { next_at: u64 },
    /// The finalized state is not newer than the last report's.
    NothingNew,
    Reported {
        timestamp: u64,
        validators: u64,
        balance: U256,
        withdrawals: U256,
        tx: B256,
        /// The exits the same beacon state shows, reported after (`None`: none changed).
        exits: Option<ExitsReport>,
    },
    /// `--dry-run`.
    WouldReport {
        timestamp: u64,
        validators: u64,
        balance: U256,
        withdrawals: U256,
        exits: Option<ExitsReport>,
    },
    /// The contract would refuse this report (beyond its bounds, say): explained, and not
    /// tried again for the same beacon state.
    Refused {
        timestamp: u64,
        reason: ReportRefusal,
    },
}

/// Why the pool refused a report.
#[derive(Debug)]
pub enum ReportRefusal {
    /// The simulation reverted (the contract's own error, when known): nothing was sent. Boxed:
    /// the error is large, and the decision is returned every round.
    Simulation(Box<TxError>),
    /// The report was mined and reverted: the chain moved between the simulation and the block.
    RevertedOnChain,
}

impl std::fmt::Display for ReportRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReportRefusal::Simulation(error) => write!(f, "{error}"),
            ReportRefusal::RevertedOnChain => f.write_str("the report reverted on chain"),
        }
    }
}

#[derive(Debug, Deserialize)]
struct Withdrawal {
    address: Address,
    amount: U64,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct BlockWithdrawals {
    timestamp: U64,
    #[serde(default)]
    withdrawals: Vec<Withdrawal>,
}

async fn block(reader: &RpcClient, number: u64) -> anyhow::Result<BlockWithdrawals> {
    reader
        .request::<_, Option<BlockWithdrawals>>("eth_getBlockByNumber", (U64::from(number), false))
        .await?
        .ok_or_else(|| anyhow::anyhow!("block {number} is not known to the node"))
}

/// The last block whose timestamp is at most `timestamp` (binary search from `low`).
async fn block_at(reader: &RpcClient, timestamp: u64, low: u64, high: u64) -> anyhow::Result<u64> {
    let (mut low, mut high) = (low, high);
    while low < high {
        let middle = low + (high - low).div_ceil(2);
        if block(reader, middle).await?.timestamp.to::<u64>() <= timestamp {
            low = middle;
        } else {
            high = middle - 1;
        }
    }
    Ok(low)
}

/// Withdrawals to `pool` in blocks `from..=to`, in wei, in batches of blocks.
async fn withdrawals_to(
    reader: &RpcClient,
    pool: Address,
    from: u64,
    to: u64,
) -> anyhow::Result<U256> {
    let mut total = U256::ZERO;
    let mut start = from;
    while start <= to {
        let end = to.min(start + BLOCKS_PER_BATCH - 1);
        let mut batch = reader.new_batch();
        let mut waiters = Vec::new();
        for number in start..=end {
            waiters.push(batch.add_call::<_, Option<BlockWithdrawals>>(
                "eth_getBlockByNumber",
                &(U64::from(number), false),
            )?);
        }
        batch.send().await?;
        for waiter in waiters {
            let Some(block) = waiter.await? else { continue };
            for w in block.withdrawals.iter().filter(|w| w.address == pool) {
                total += wei(w.amount.to::<u64>());
            }
        }
        start = end + 1;
    }
    Ok(total)
}

impl Keeper {
    /// One round of the oracle duty; reports at most every `every` seconds of chain time.
    pub async fn oracle_round(
        &mut self,
        beacon: &Beacon,
        every: u64,
    ) -> anyhow::Result<OracleDecision> {
        let pool = PoolManager::new(self.pool, self.provider.clone());
        let head = self.provider.get_block_number().await?;
        let now = block(&self.reader, head).await?.timestamp.to::<u64>();
        let last_at = pool.lastReportAt().call().await?;
        let next_at = last_at + every.max(pool.minReportInterval().call().await?);
        if now < next_at {
            return Ok(OracleDecision::NotDue { next_at });
        }
        let finalized = beacon.finalized().await?;
        let timestamp = beacon.genesis_time().await?
            + finalized.slot * beacon.slot_duration_ms().await? / 1_000;
        let last_timestamp = pool.lastReportTimestamp().call().await?;
        if timestamp <= last_timestamp || self.refused_at == Some(timestamp) {
            return Ok(OracleDecision::NothingNew);
        }
        // The pool's activated validators, as the finalized state shows them.
        let activated = pool.activatedValidators().call().await?.to::<u64>();
        let pubkeys: Vec<_> = self
            .registry_entries(0, activated, head)
            .await?
            .into_iter()
            .map(|e| e.pubkey)
            .collect();
        // Counted: the pool's validators as the state holds them with the pool's credentials
        // (a registry pubkey the state knows with other credentials is not the pool's), and
        // not waiting for a deposit in `pending_deposits` (the pool's 32 ETH is still in
        // transit: it stays counted at 32 ETH by the pool until the validator is seen).
        let queued = beacon.pending_deposit_pubkeys(finalized.slot).await?;
        let seen: Vec<_> = beacon
            .validators(finalized.slot, &pubkeys)
            .await?
            .into_iter()
            .filter(|v| v.withdrawal_credentials == self.credentials && !queued.contains(&v.pubkey))
            .collect();
        let validators = seen.len() as u64;
        let balance = seen
            .iter()
            .fold(U256::ZERO, |sum, v| sum + wei(v.balance_gwei));
        // Withdrawals since the last report's reference block, added to what was credited.
        let from = if last_timestamp == 0 {
            self.deployment_block
        } else {
            block_at(
                &self.reader,
                last_timestamp,
                self.deployment_block,
                finalized.execution_block,
            )
            .await?
                + 1
        };
        let withdrawals = pool.withdrawalsCredited().call().await?
            + withdrawals_to(&self.reader, self.pool, from, finalized.execution_block).await?;

        let calldata = PoolManager::reportBeaconCall {
            timestamp,
            validators,
            balance: balance.saturating_to(),
            cumulativeWithdrawals: withdrawals.saturating_to(),
        }
        .abi_encode();
        let request = TxRequest {
            from: Some(self.account),
            to: self.pool,
            value: None,
            data: calldata.clone().into(),
        };
        if let Err(error) = tx::simulate(&self.reader, &request).await {
            self.refused_at = Some(timestamp);
            return Ok(OracleDecision::Refused {
                timestamp,
                reason: ReportRefusal::Simulation(Box::new(error)),
            });
        }
        if self.dry_run {
            let exits = self.report_exits_seen(&seen).await?;
            return Ok(OracleDecision::WouldReport {
                timestamp,
                validators,
                balance,
                withdrawals,
                exits,
            });
        }
        let receipt = self.send_to_pool(calldata).await?;
        if !receipt.status() {
            self.refused_at = Some(timestamp);
            return Ok(OracleDecision::Refused {
                timestamp,
                reason: ReportRefusal::RevertedOnChain,
            });
        }
        // After the report: a withdrawn validator leaves `validatorsExiting` only once its
        // principal is credited to the buffer, or the queue would ask for its 32 ETH again.
        let exits = self.report_exits_seen(&seen).await?;
        Ok(OracleDecision::Reported {
            timestamp,
            validators,
            balance,
            withdrawals,
            tx: receipt.transaction_hash,
            exits,
        })
    }

    /// Logs an oracle decision (a wait once until it changes).
    pub fn report_oracle(&mut self, decision: &OracleDecision) -> bool {
        let eth = |wei: &U256| pool_core::units::format_ether(*wei, 6);
        let (event, message, fields) = match decision {
            OracleDecision::NotDue { next_at } => (
                "oracle-wait",
                format!("oracle: next report due at {next_at} (chain time)"),
                json!({ "next_at": next_at }),
            ),
            OracleDecision::NothingNew => (
                "oracle-wait",
                "oracle: no finalized state newer than the last report".into(),
                json!({}),
            ),
            OracleDecision::Reported {
                timestamp,
                validators,
                balance,
                withdrawals,
                tx,
                ..
            } => (
                "reported",
                format!(
                    "oracle: reported {validators} validator(s) with {} ETH and {} ETH withdrawn in total, as of {timestamp}, in {tx}",
                    eth(balance),
                    eth(withdrawals)
                ),
                json!({ "timestamp": timestamp, "validators": validators, "balance": balance.to_string(), "withdrawals": withdrawals.to_string(), "tx": tx }),
            ),
            OracleDecision::WouldReport {
                timestamp,
                validators,
                balance,
                withdrawals,
                ..
            } => (
                "dry-run",
                format!(
                    "oracle: would report {validators} validator(s) with {} ETH and {} ETH withdrawn, as of {timestamp} (dry run)",
                    eth(balance),
                    eth(withdrawals)
                ),
                json!({ "timestamp": timestamp, "validators": validators, "balance": balance.to_string(), "withdrawals": withdrawals.to_string() }),
            ),
            OracleDecision::Refused { timestamp, reason } => (
                "report-refused",
                format!(
                    "oracle: the pool would refuse the report as of {timestamp}: {reason} (not retried for this state; a person should look)"
                ),
                json!({ "timestamp": timestamp, "reason": reason.to_string() }),
            ),
        };
        if event == "oracle-wait" {
            if self.last_oracle_wait.as_deref() == Some(message.as_str()) {
                return false;
            }
            self.last_oracle_wait = Some(message.clone());
        } else {
            self.last_oracle_wait = None;
        }
        self.log.line(event, &message, fields);
        if let OracleDecision::Reported {
            exits: Some(exits), ..
        }
        | OracleDecision::WouldReport {
            exits: Some(exits), ..
        } = decision
        {
            self.log_exits_report(exits);
        }
        true
    }
}
