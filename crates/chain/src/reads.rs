//! The reads behind the staker page: one `eth_call` of `PoolManager.snapshot(account)`, so that
//! a refresh is one RPC request whether it goes through a node or through a wallet (EIP-1193
//! has no batches), decoded into one consistent [`Reading`] of one block.

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::SolCall;
use pool_core::PoolTotals;

use crate::bindings::PoolManager;
use crate::rpc::TxRequest;

/// Which pool and, optionally, which account to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolReads {
    pub pool_manager: Address,
    pub pool_eth: Address,
    pub account: Option<Address>,
}

/// One consistent reading of the chain, at `block`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    pub block: u64,
    pub pool: PoolSnapshot,
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
    /// The one `eth_call` to send.
    pub fn call(&self) -> TxRequest {
        let account = self.account.unwrap_or(Address::ZERO);
        TxRequest::call(
            self.pool_manager,
            PoolManager::snapshotCall { account }.abi_encode(),
        )
    }

    /// Decodes the result of [`PoolReads::call`].
    pub fn decode(&self, result: &Bytes) -> Result<Reading, DecodeError> {
        let s = PoolManager::snapshotCall::abi_decode_returns(result)
            .map_err(|e| DecodeError(e.to_string()))?;
        let narrow = |v: U256, what: &str| {
            u64::try_from(v).map_err(|_| DecodeError(format!("{what} out of range")))
        };
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
        Ok(Reading {
            block: narrow(s.blockNumber, "block number")?,
            pool: PoolSnapshot {
                totals,
                buffered_ether: s.bufferedEther,
                activated_validators: narrow(s.activatedValidators, "validator count")?,
                runway_blocks: narrow(s.runway, "runway")?,
                account,
            },
        })
    }
}

/// Calldata of `PoolManager.deposit()`.
pub fn stake_calldata() -> Bytes {
    PoolManager::depositCall {}.abi_encode().into()
}
