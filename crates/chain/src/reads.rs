//! The reads behind the staker page: one deployless `eth_call` of `StakerView` (its creation
//! code with its arguments, no recipient: the constructor reads and returns instead of code), so
//! that a refresh is one RPC request whether it goes through a node or through a wallet
//! (EIP-1193 has no batches), decoded into one consistent [`Reading`] of one block: the pool,
//! the account's position, the withdrawal queue with the account's requests, and the wrapper.
//! The answer is a flat list of words ([`layout`]): nested ABI structs would cost the staker's
//! download kilobytes of decoding code.

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::{SolCall, SolConstructor};
use pool_core::PoolTotals;
use pool_core::redemption::{QueueFigures, QueueView, Request, Schedule};

use crate::bindings::PoolManager;
use crate::bindings::StakerView;
use crate::bindings::WithdrawalQueue;
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

    /// Decodes the result of [`PoolReads::call`]: the flat `uint256[]` of [`layout`].
    pub fn decode(&self, result: &Bytes) -> Result<Reading, DecodeError> {
        use layout::*;
        let w = words(result)?;
        if w.len() < FIXED {
            return Err(DecodeError(format!(
                "{} words, fewer than {FIXED}",
                w.len()
            )));
        }
        let count = narrow(w[REQUESTS], "request count")?;
        let expected = count
            .checked_mul(PER_REQUEST as u64)
            .and_then(|n| n.checked_add(FIXED as u64));
        if expected != Some(w.len() as u64) {
            return Err(DecodeError(format!(
                "{} words for {count} requests",
                w.len()
            )));
        }
        let totals = PoolTotals {
            total_pooled_ether: w[TOTAL_POOLED],
            total_shares: w[TOTAL_SHARES],
        };
        let account = match self.account {
            None => None,
            Some(address) => Some(AccountSnapshot {
                address,
                shares: w[SHARES],
                balance: totals
                    .pooled_eth_by_shares(w[SHARES])
                    .map_err(|e| DecodeError(e.to_string()))?,
                contract_balance: w[BALANCE],
                eth_balance: w[ETH_BALANCE],
            }),
        };
        let schedule = Schedule {
            now: narrow(w[TIMESTAMP], "timestamp")?,
            next_report_at: narrow(w[NEXT_REPORT_AT], "next report time")?,
            report_interval: narrow(w[REPORT_INTERVAL], "report interval")?,
            exit_grace: narrow(w[EXIT_GRACE], "exit grace")?,
            max_per_report: narrow(w[MAX_PER_REPORT], "batch size")?,
        };
        let waiting = w[LAST_REQUEST_ID]
            .checked_sub(w[LAST_FINALIZED_ID])
            .ok_or_else(|| DecodeError("more requests finalized than made".into()))?;
        let mut requests = Vec::with_capacity(count as usize);
        for r in w[FIXED..].chunks_exact(PER_REQUEST) {
            requests.push(Request {
                id: r[0],
                requested_at: narrow(r[1], "request time")?,
                shares: r[2],
                amount: r[3],
                finalized: r[4].bit(0),
                claimed: r[4].bit(1),
            });
        }
        let queue = QueueReading {
            address: address(w[QUEUE])?,
            last_request_id: w[LAST_REQUEST_ID],
            last_finalized_id: w[LAST_FINALIZED_ID],
            view: QueueView {
                totals,
                queue: QueueFigures {
                    waiting_requests: narrow(waiting, "waiting requests")?,
                    unfinalized_ether: w[UNFINALIZED_ETHER],
                    buffered_ether: w[BUFFERED],
                    validators_exiting: narrow(w[VALIDATORS_EXITING], "validators exiting")?,
                },
                schedule,
                minimum: w[MIN_WITHDRAWAL],
            },
            requests,
        };
        Ok(Reading {
            block: narrow(w[BLOCK], "block number")?,
            timestamp: schedule.now,
            pool: PoolSnapshot {
                totals,
                buffered_ether: w[BUFFERED],
                activated_validators: narrow(w[ACTIVATED], "validator count")?,
                runway_blocks: narrow(w[RUNWAY], "runway")?,
                account,
            },
            queue,
            wrapper: self.wrapper.map(|address| WrapperReading {
                address,
                rate: w[WRAPPER_RATE],
                wrapped: w[WRAPPED],
                allowance: w[WRAPPER_ALLOWANCE],
            }),
        })
    }
}

/// Where each figure sits in `StakerView`'s answer (its `@dev` gives the same list).
pub mod layout {
    pub const BLOCK: usize = 0;
    pub const TIMESTAMP: usize = 1;
    pub const QUEUE: usize = 2;
    pub const TOTAL_POOLED: usize = 3;
    pub const TOTAL_SHARES: usize = 4;
    pub const BUFFERED: usize = 5;
    pub const ACTIVATED: usize = 6;
    pub const RUNWAY: usize = 7;
    pub const SHARES: usize = 8;
    pub const BALANCE: usize = 9;
    pub const ETH_BALANCE: usize = 10;
    pub const LAST_REQUEST_ID: usize = 11;
    pub const LAST_FINALIZED_ID: usize = 12;
    pub const UNFINALIZED_ETHER: usize = 13;
    pub const VALIDATORS_EXITING: usize = 14;
    pub const NEXT_REPORT_AT: usize = 15;
    pub const REPORT_INTERVAL: usize = 16;
    pub const MIN_WITHDRAWAL: usize = 17;
    pub const MAX_PER_REPORT: usize = 18;
    pub const EXIT_GRACE: usize = 19;
    pub const WRAPPER_RATE: usize = 20;
    pub const WRAPPED: usize = 21;
    pub const WRAPPER_ALLOWANCE: usize = 22;
    pub const REQUESTS: usize = 23;
    /// Words before the requests.
    pub const FIXED: usize = 24;
    /// Words of each request: id, requestedAt, shares, amount, flags (1 finalized, 2 claimed).
    pub const PER_REQUEST: usize = 5;
}

/// The words of an ABI-encoded `uint256[]` (offset 32, length, elements), nothing else.
fn words(data: &[u8]) -> Result<Vec<U256>, DecodeError> {
    let word = |i: usize| {
        data.get(i * 32..(i + 1) * 32)
            .map(U256::from_be_slice)
            .ok_or_else(|| DecodeError(format!("{} bytes, cut short", data.len())))
    };
    if word(0)? != U256::from(32u8) {
        return Err(DecodeError("not a list of words".into()));
    }
    let count = usize::try_from(word(1)?)
        .ok()
        .filter(|n| data.len().checked_sub(64) == n.checked_mul(32))
        .ok_or_else(|| DecodeError(format!("{} bytes do not hold their list", data.len())))?;
    (0..count).map(|i| word(i + 2)).collect()
}

fn address(v: U256) -> Result<Address, DecodeError> {
    (v >> 160u32)
        .is_zero()
        .then(|| Address::from_word(v.to_be_bytes::<32>().into()))
        .ok_or_else(|| DecodeError("address out of range".into()))
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

/// Calldata of poolETH's `approve(spender, amount)`.
pub fn approve_calldata(spender: Address, amount: U256) -> Bytes {
    crate::bindings::PoolETH::approveCall { spender, amount }
        .abi_encode()
        .into()
}

/// Calldata of the wrapper's `deposit(assets, receiver)` (ERC-4626): wraps `assets` poolETH.
pub fn wrap_calldata(assets: U256, receiver: Address) -> Bytes {
    crate::bindings::WpoolETH::depositCall { assets, receiver }
        .abi_encode()
        .into()
}

/// Calldata of the wrapper's `redeem(shares, owner, owner)` (ERC-4626): unwraps `shares`.
pub fn redeem_calldata(shares: U256, owner: Address) -> Bytes {
    crate::bindings::WpoolETH::redeemCall {
        shares,
        receiver: owner,
        owner,
    }
    .abi_encode()
    .into()
}
