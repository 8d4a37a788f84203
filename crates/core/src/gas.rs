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

/// The largest gas one transaction may carry since Fusaka (EIP-7825): nodes refuse more.
pub const MAX_TRANSACTION_GAS: u64 = 16_777_216;

/// The EIP-1559 fee fields of a transaction, in wei per gas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fees {
    pub max_fee: U256,
    pub max_priority_fee: U256,
}

impl Fees {
    /// Fees for a new transaction: the market's priority fee (at least `min_priority`), and a
    /// maximum of twice the next base fee on top, so six full blocks in a row do not price it out.
    pub fn for_market(market: FeeMarket, min_priority: U256) -> Fees {
        let max_priority_fee = market.priority_fee.max(min_priority);
        Fees {
            max_fee: market.base_fee * U256::from(2u8) + max_priority_fee,
            max_priority_fee,
        }
    }

    /// Fees a node accepts for a replacement of a transaction sent with `self` (same nonce):
    /// geth, reth and Nethermind want both fields at least 10% higher (`PriceBump`), so each
    /// rises by 10% rounded up plus one wei, and to the market's fees if those are higher.
    pub fn replacement(self, market: FeeMarket, min_priority: U256) -> Fees {
        let bump = |fee: U256| fee + (fee.div_ceil(U256::from(10u8))) + U256::from(1u8);
        let fresh = Fees::for_market(market, min_priority);
        let max_priority_fee = bump(self.max_priority_fee).max(fresh.max_priority_fee);
        Fees {
            max_fee: bump(self.max_fee).max(fresh.max_fee).max(max_priority_fee),
            max_priority_fee,
        }
    }

    /// Whether a node takes `self` as a replacement of a transaction sent with `old`.
    pub fn replaces(&self, old: &Fees) -> bool {
        let enough = |new: U256, old: U256| new * U256::from(100u8) >= old * U256::from(110u8);
        enough(self.max_fee, old.max_fee) && enough(self.max_priority_fee, old.max_priority_fee)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replacement_raises_both_fees_by_ten_percent_at_least() {
        let calm = FeeMarket {
            base_fee: U256::from(1_000u64),
            priority_fee: U256::from(10u64),
        };
        let first = Fees::for_market(calm, U256::ZERO);
        assert_eq!(
            first,
            Fees {
                max_fee: U256::from(2_010u64),
                max_priority_fee: U256::from(10u64)
            }
        );
        let second = first.replacement(calm, U256::ZERO);
        assert!(second.replaces(&first), "{second:?} after {first:?}");
        // 10% of 10 is 1, rounded up, plus a wei: 12; 2010 + 201 + 1.
        assert_eq!(second.max_priority_fee, U256::from(12u64));
        assert_eq!(second.max_fee, U256::from(2_212u64));
        // Small fees still move by the rule (10% of 1 wei rounds up).
        let tiny = Fees {
            max_fee: U256::from(1u8),
            max_priority_fee: U256::from(1u8),
        };
        let next = tiny.replacement(
            FeeMarket {
                base_fee: U256::ZERO,
                priority_fee: U256::ZERO,
            },
            U256::ZERO,
        );
        assert!(next.replaces(&tiny));
        // A market that rose meanwhile sets the fees when it is above the bump.
        let busy = FeeMarket {
            base_fee: U256::from(5_000u64),
            priority_fee: U256::from(100u64),
        };
        let third = second.replacement(busy, U256::ZERO);
        assert_eq!(third.max_priority_fee, U256::from(100u64));
        assert_eq!(third.max_fee, U256::from(10_100u64));
        assert!(third.replaces(&second));
        // Exactly +10% is what nodes take; less is not.
        let almost = Fees {
            max_fee: U256::from(2_210u64),
            max_priority_fee: U256::from(10u64),
        };
        assert!(!almost.replaces(&first));
    }

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
