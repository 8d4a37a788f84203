//! The reads behind the staker page: one deployless `eth_call` of `StakerView` (its creation
//! code with its arguments, no recipient: the constructor reads and returns instead of code), so
//! that a refresh is one RPC request whether it goes through a node or through a wallet
//! (EIP-1193 has no batches), decoded into one consistent [`Reading`] of one block: the pool,
//! the account's position, the withdrawal queue with the account's requests, and the wrapper.

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::{SolCall, SolConstructor};
use pool_core::PoolTotals;
use pool_core::redemption::{QueueFigures, QueueView, Request, Schedule};

use crate::bindings::PoolManager;
use crate::bindings::WithdrawalQueue;
use crate::bindings::staker_view::{IStakerView, StakerView};
use crate::rpc::{CreationCall, TxRequest};

/// Which pool, optionally which account, and the pool's wrapper if it has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolReads {
    pub pool_manager: Address,
    pub pool_eth: Address,
    pub account: Option<Address>,
    /// wpoolETH (`config.json`'s `wpoolEth`).
    pub wrapper: Option<Address>,
}

/// One consistent reading of the chain, at `block`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    pub block: u64,
    /// The block's timestamp (chain time, seconds).
    pub timestamp: u64,
    pub pool: PoolSnapshot,
    pub queue: QueueReading,
    pub wrapper: Option<WrapperReading>,
}

/// What the staker page shows about the pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolSnapshot {
    pub totals: PoolTotals,
    /// Deposits waiting for the next validator.
    pub buffered_ether: U256,
    /// Validators the pool has activated.
    pub activated_validators: u64,
    /// The runway, in blocks, each activation funds.
    pub runway_blocks: u64,
    pub account: Option<AccountSnapshot>,
}

/// The withdrawal queue at the reading's block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueReading {
    /// `PoolManager.withdrawalQueue()`: where requests and claims are sent.
    pub address: Address,
    pub last_request_id: U256,
    pub last_finalized_id: U256,
    /// What a request preview needs: totals, queue figures, the report schedule, the minimum.
    pub view: QueueView,
    /// The account's requests, oldest first (none without an account).
    pub requests: Vec<Request>,
}

/// The wrapper (wpoolETH) at the reading's block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WrapperReading {
    pub address: Address,
    /// `convertToAssets(1e18)`: poolETH wei one wpoolETH is worth, as the contract computes it.
    pub rate: U256,
    /// The account's wpoolETH (zero without an account).
    pub wrapped: U256,
    /// The account's poolETH allowance to the wrapper (what a wrap may take).
    pub allowance: U256,
}

/// One staker's position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSnapshot {
    pub address: Address,
    pub shares: U256,
    /// poolETH computed here from shares (what the page shows).
    pub balance: U256,
    /// `PoolETH.balanceOf`, read to check the client's maths against the contract's.
    pub contract_balance: U256,
    /// The account's ETH, for the deposit form.
    pub eth_balance: U256,
}

/// A call result that does not decode as the ABI says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub String);

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unexpected answer from the pool contracts: {}", self.0)
    }
}

impl std::error::Error for DecodeError {}

impl PoolReads {
    /// The one `eth_call` to send: `StakerView`'s creation code and constructor arguments.
    pub fn call(&self) -> CreationCall {
        let arguments = StakerView::constructorCall {
            pool: self.pool_manager,
            poolEth: self.pool_eth,
            account: self.account.unwrap_or(Address::ZERO),
            wrapper: self.wrapper.unwrap_or(Address::ZERO),
        }
        .abi_encode();
        let mut data = StakerView::BYTECODE.to_vec();
        data.extend_from_slice(&arguments);
        CreationCall { data: data.into() }
    }

    /// Decodes the result of [`PoolReads::call`].
    pub fn decode(&self, result: &Bytes) -> Result<Reading, DecodeError> {
        let r = IStakerView::readCall::abi_decode_returns(result)
            .map_err(|e| DecodeError(e.to_string()))?;
        let s = &r.pool;
        let totals = PoolTotals {
            total_pooled_ether: s.totalPooledEther,
            total_shares: s.totalShares,
        };
        let account = match self.account {
            None => None,
            Some(address) => Some(AccountSnapshot {
                address,
                shares: s.shares,
                balance: totals
                    .pooled_eth_by_shares(s.shares)
                    .map_err(|e| DecodeError(e.to_string()))?,
                contract_balance: s.balance,
                eth_balance: s.ethBalance,
            }),
        };
        let q = &r.queue;
        let schedule = Schedule {
            now: narrow(r.timestamp, "timestamp")?,
            next_report_at: narrow(r.nextReportAt, "next report time")?,
            report_interval: narrow(r.reportInterval, "report interval")?,
            exit_grace: narrow(r.exitGrace, "exit grace")?,
            max_per_report: narrow(r.maxFinalizedPerReport, "batch size")?,
        };
        let waiting = q
            .lastRequestId
            .checked_sub(q.lastFinalizedId)
            .ok_or_else(|| DecodeError("more requests finalized than made".into()))?;
        let queue = QueueReading {
            address: r.queueAddress,
            last_request_id: q.lastRequestId,
            last_finalized_id: q.lastFinalizedId,
            view: QueueView {
                totals,
                queue: QueueFigures {
                    waiting_requests: narrow(waiting, "waiting requests")?,
                    unfinalized_ether: q.unfinalizedEther,
                    buffered_ether: q.bufferedEther,
                    validators_exiting: narrow(q.validatorsExiting, "validators exiting")?,
                },
                schedule,
                minimum: r.minWithdrawal,
            },
            requests: r
                .requests
                .iter()
                .map(|request| Request {
                    id: request.id,
                    requested_at: request.requestedAt,
                    shares: request.shares,
                    amount: request.amount,
                    finalized: request.finalized,
                    claimed: request.claimed,
                })
                .collect(),
        };
        Ok(Reading {
            block: narrow(s.blockNumber, "block number")?,
            timestamp: schedule.now,
            pool: PoolSnapshot {
                totals,
                buffered_ether: s.bufferedEther,
                activated_validators: narrow(s.activatedValidators, "validator count")?,
                runway_blocks: narrow(s.runway, "runway")?,
                account,
            },
            queue,
            wrapper: self.wrapper.map(|address| WrapperReading {
                address,
                rate: r.wrapperRate,
                wrapped: r.wrapped,
                allowance: r.wrapperAllowance,
            }),
        })
    }
}

fn narrow(v: U256, what: &str) -> Result<u64, DecodeError> {
    u64::try_from(v).map_err(|_| DecodeError(format!("{what} out of range")))
}

/// Calldata of `PoolManager.deposit()`.
pub fn stake_calldata() -> Bytes {
    PoolManager::depositCall {}.abi_encode().into()
}

/// Calldata of `WithdrawalQueue.requestWithdrawal(amount)`.
pub fn request_withdrawal_calldata(amount: U256) -> Bytes {
    WithdrawalQueue::requestWithdrawalCall { amount }
        .abi_encode()
        .into()
}

/// Calldata of `WithdrawalQueue.claim(id, 0)`: to the owner.
pub fn claim_calldata(id: U256) -> Bytes {
    WithdrawalQueue::claimCall {
        id,
        recipient: Address::ZERO,
    }
    .abi_encode()
    .into()
}

/// A transaction of `from` to `to` with `data` and no value.
pub fn tx(from: Address, to: Address, data: Bytes) -> TxRequest {
    TxRequest {
        from: Some(from),
        to,
        value: None,
        data,
    }
}
