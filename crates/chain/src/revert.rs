//! Custom errors of the pool contracts, decoded from revert data into sentences a staker can act
//! on.

use alloy_sol_types::SolInterface;

use crate::bindings::{PoolETH::PoolETHErrors, PoolManager::PoolManagerErrors};

/// Explains revert `data` when it is one of the pool's custom errors.
pub fn explain_revert(data: &[u8]) -> Option<String> {
    if let Ok(error) = PoolManagerErrors::abi_decode(data) {
        return Some(match error {
            PoolManagerErrors::ZeroDeposit(_) => "The pool refused a deposit of zero.".into(),
            PoolManagerErrors::UseDeposit(_) => {
                "The pool refuses plain transfers: use the deposit button.".into()
            }
        });
    }
    if let Ok(error) = PoolETHErrors::abi_decode(data) {
        return Some(match error {
            PoolETHErrors::NoSharesMinted(e) => format!(
                "{} wei is too small to buy a single share at the current rate.",
                e.amount
            ),
            PoolETHErrors::EmptyPoolWithShares(_) => {
                "The pool has shares outstanding but no ether: deposits are paused.".into()
            }
            PoolETHErrors::InsufficientShares(_) => {
                "The balance is too low for this transfer.".into()
            }
            PoolETHErrors::InsufficientAllowance(_) => "The allowance is too low.".into(),
            PoolETHErrors::NotManager(_) => "Only the pool manager may mint poolETH.".into(),
            PoolETHErrors::ZeroAddress(_) => "That address cannot receive poolETH.".into(),
        });
    }
    None
}
