//! The gas reserve behind "Max": a stake of the whole balance could not pay its own fee, so
//! "Max" leaves `gas limit x a pessimistic fee per gas`, the fee per gas being twice the next
//! block's base fee (which can rise 12.5% a block) plus the priority fee.
//!
//! ```
//! use alloy_primitives::U256;
//! use pool_core::gas::{FeeMarket, STAKE_GAS_LIMIT};
//! let market = FeeMarket { base_fee: U256::from(10_000_000_000u64), priority_fee: U256::from(1_000_000_000u64) };
//! // 21 gwei per gas for 150k gas.
//! assert_eq!(market.reserve(STAKE_GAS_LIMIT), U256::from(3_150_000_000_000_000u64));
//! ```

use alloy_primitives::U256;

/// Gas a stake (`PoolManager.deposit()`) may use: the very first measures ~96k; a margin on top.
pub const STAKE_GAS_LIMIT: u64 = 150_000;

/// The fee market as the node reports it (`eth_feeHistory`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeeMarket {
    /// Base fee per gas of the next block.
    pub base_fee: U256,
    /// A typical priority fee per gas.
    pub priority_fee: U256,
}

impl FeeMarket {
    /// The most a transaction of `gas_limit` should cost in the next blocks.
    pub fn reserve(&self, gas_limit: u64) -> U256 {
        (self.base_fee * U256::from(2u8) + self.priority_fee) * U256::from(gas_limit)
    }

    /// The largest deposit that leaves the reserve: zero when the balance cannot cover it.
    pub fn max_stake(&self, balance: U256, gas_limit: u64) -> U256 {
        balance.saturating_sub(self.reserve(gas_limit))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_leaves_the_reserve_or_nothing() {
        let market = FeeMarket {
            base_fee: U256::from(1_000u64),
            priority_fee: U256::from(10u64),
        };
        assert_eq!(market.reserve(100), U256::from(201_000u64));
        assert_eq!(
            market.max_stake(U256::from(1_000_000u64), 100),
            U256::from(799_000u64)
        );
        assert_eq!(market.max_stake(U256::from(100u64), 100), U256::ZERO);
    }
}
