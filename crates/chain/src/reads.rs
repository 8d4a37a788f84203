//! The reads behind the staker page, encoded for one JSON-RPC batch and decoded into one
//! consistent [`PoolSnapshot`].

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::SolCall;
use pool_core::PoolTotals;

use crate::bindings::{PoolETH, PoolManager};
use crate::rpc::TxRequest;

/// Which pool and, optionally, which account to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolReads {
    pub pool_manager: Address,
    pub pool_eth: Address,
    pub account: Option<Address>,
}

/// What the staker page shows, as of one block.
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

/// Calls about the pool, then (with an account) about the account.
const POOL_CALLS: usize = 5;
const ACCOUNT_CALLS: usize = 2;

impl PoolReads {
    /// The `eth_call`s to send, in the order [`PoolReads::decode`] expects their results.
    pub fn calls(&self) -> Vec<TxRequest> {
        let manager = |data: Vec<u8>| TxRequest::call(self.pool_manager, data);
        let token = |data: Vec<u8>| TxRequest::call(self.pool_eth, data);
        let mut calls = vec![
            manager(PoolManager::totalPooledEtherCall {}.abi_encode()),
            token(PoolETH::totalSharesCall {}.abi_encode()),
            manager(PoolManager::bufferedEtherCall {}.abi_encode()),
            manager(PoolManager::activatedValidatorsCall {}.abi_encode()),
            manager(PoolManager::runwayCall {}.abi_encode()),
        ];
        if let Some(account) = self.account {
            calls.push(token(PoolETH::sharesOfCall { account }.abi_encode()));
            calls.push(token(PoolETH::balanceOfCall { account }.abi_encode()));
        }
        calls
    }

    /// Decodes the results of [`PoolReads::calls`], in order.
    pub fn decode(&self, results: &[Bytes]) -> Result<PoolSnapshot, DecodeError> {
        let expected = POOL_CALLS + if self.account.is_some() { ACCOUNT_CALLS } else { 0 };
        if results.len() != expected {
            return Err(DecodeError(format!("{} results for {expected} calls", results.len())));
        }
        let err = |e: alloy_sol_types::Error| DecodeError(e.to_string());
        let totals = PoolTotals {
            total_pooled_ether: PoolManager::totalPooledEtherCall::abi_decode_returns(&results[0])
                .map_err(err)?,
            total_shares: PoolETH::totalSharesCall::abi_decode_returns(&results[1]).map_err(err)?,
        };
        let buffered_ether =
            U256::from(PoolManager::bufferedEtherCall::abi_decode_returns(&results[2]).map_err(err)?);
        let activated_validators =
            PoolManager::activatedValidatorsCall::abi_decode_returns(&results[3]).map_err(err)?;
        let runway_blocks = PoolManager::runwayCall::abi_decode_returns(&results[4]).map_err(err)?;
        let account = match self.account {
            None => None,
            Some(address) => {
                let shares =
                    PoolETH::sharesOfCall::abi_decode_returns(&results[POOL_CALLS]).map_err(err)?;
                let contract_balance =
                    PoolETH::balanceOfCall::abi_decode_returns(&results[POOL_CALLS + 1]).map_err(err)?;
                let balance = totals
                    .pooled_eth_by_shares(shares)
                    .map_err(|e| DecodeError(e.to_string()))?;
                Some(AccountSnapshot { address, shares, balance, contract_balance })
            }
        };
        Ok(PoolSnapshot { totals, buffered_ether, activated_validators, runway_blocks, account })
    }
}

/// Calldata of `PoolManager.deposit()`.
pub fn deposit_calldata() -> Bytes {
    PoolManager::depositCall {}.abi_encode().into()
}
