//! Share maths of poolETH, identical to `PoolETH.sol` and `PoolManager.sol`.
//!
//! Shares are what the contracts store; a holder's poolETH balance is derived from them:
//!
//! ```text
//! balance(shares)       = shares * totalPooledEther / totalShares        (round down)
//! sharesForDeposit(eth) = eth * totalShares / totalPooledEther           (round down)
//! ```
//!
//! The first deposit (no shares yet) mints one share per wei. Each product is computed in full
//! before the single division, as the contract does: two divisions in another order would drift
//! by a wei or two.
//!
//! ```
//! use alloy_primitives::U256;
//! use pool_core::PoolTotals;
//!
//! let pool = PoolTotals { total_pooled_ether: U256::from(150u64), total_shares: U256::from(100u64) };
//! assert_eq!(pool.pooled_eth_by_shares(U256::from(10u64)), Ok(U256::from(15u64)));
//! assert_eq!(pool.shares_by_pooled_eth(U256::from(15u64)), Ok(U256::from(10u64)));
//! ```

use alloy_primitives::U256;

/// Why a share computation has no answer. The contracts revert in the same cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SharesError {
    /// An intermediate product does not fit in 256 bits.
    Overflow,
    /// Shares exist but the pool holds no ether: no price can be given to a new deposit.
    EmptyPoolWithShares,
}

impl std::fmt::Display for SharesError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SharesError::Overflow => f.write_str("the amount is too large to compute shares for"),
            SharesError::EmptyPoolWithShares => {
                f.write_str("the pool holds no ether but has shares outstanding")
            }
        }
    }
}

impl std::error::Error for SharesError {}

/// The two totals every share computation needs, as read from the chain at one block.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolTotals {
    /// Ether the pool accounts for, in wei (`PoolManager.totalPooledEther()`).
    pub total_pooled_ether: U256,
    /// Shares in existence (`PoolETH.totalShares()`).
    pub total_shares: U256,
}

impl PoolTotals {
    /// poolETH (in wei) that `shares` are worth: `PoolETH.getPooledEthByShares`.
    ///
    /// No shares in existence means every holder has zero.
    pub fn pooled_eth_by_shares(&self, shares: U256) -> Result<U256, SharesError> {
        if self.total_shares.is_zero() {
            return Ok(U256::ZERO);
        }
        let product = shares
            .checked_mul(self.total_pooled_ether)
            .ok_or(SharesError::Overflow)?;
        Ok(product / self.total_shares)
    }

    /// Shares minted for a deposit of `amount` wei: `PoolETH.getSharesByPooledEth`.
    pub fn shares_by_pooled_eth(&self, amount: U256) -> Result<U256, SharesError> {
        if self.total_shares.is_zero() {
            return Ok(amount);
        }
        if self.total_pooled_ether.is_zero() {
            return Err(SharesError::EmptyPoolWithShares);
        }
        let product = amount
            .checked_mul(self.total_shares)
            .ok_or(SharesError::Overflow)?;
        Ok(product / self.total_pooled_ether)
    }

    /// Shares a transfer of `amount` poolETH moves, rounded up (`PoolETH._sharesForTransfer`):
    /// what a transfer or a withdrawal request takes from the sender, so that the receiver
    /// (or the queue) holds at least `amount`.
    pub fn shares_for_transfer(&self, amount: U256) -> Result<U256, SharesError> {
        if self.total_shares.is_zero() {
            return Ok(amount);
        }
        if self.total_pooled_ether.is_zero() {
            return Err(SharesError::EmptyPoolWithShares);
        }
        let product = amount
            .checked_mul(self.total_shares)
            .ok_or(SharesError::Overflow)?;
        Ok(product.div_ceil(self.total_pooled_ether))
    }

    /// The pool after a deposit of `amount` wei minting `shares`.
    pub fn after_stake(&self, amount: U256, shares: U256) -> PoolTotals {
        PoolTotals {
            total_pooled_ether: self.total_pooled_ether + amount,
            total_shares: self.total_shares + shares,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn totals(pooled: u128, shares: u128) -> PoolTotals {
        PoolTotals {
            total_pooled_ether: U256::from(pooled),
            total_shares: U256::from(shares),
        }
    }

    const ETH: u128 = 1_000_000_000_000_000_000;

    #[test]
    fn first_deposit_is_one_share_per_wei() {
        let empty = PoolTotals::default();
        assert_eq!(
            empty.shares_by_pooled_eth(U256::from(3 * ETH / 2)),
            Ok(U256::from(3 * ETH / 2))
        );
        assert_eq!(empty.pooled_eth_by_shares(U256::from(5u8)), Ok(U256::ZERO));
    }

    #[test]
    fn later_deposits_follow_the_rate_and_round_down() {
        // 10 ETH pooled for 8 shares-ETH: 1 share = 1.25 wei.
        let pool = totals(10 * ETH, 8 * ETH);
        assert_eq!(
            pool.shares_by_pooled_eth(U256::from(5u8)),
            Ok(U256::from(4u8))
        );
        // 3 * 8 / 10 = 2.4 rounds down to 2.
        assert_eq!(
            pool.shares_by_pooled_eth(U256::from(3u8)),
            Ok(U256::from(2u8))
        );
        // 3 shares * 10 / 8 = 3.75 rounds down to 3.
        assert_eq!(
            pool.pooled_eth_by_shares(U256::from(3u8)),
            Ok(U256::from(3u8))
        );
    }

    #[test]
    fn a_transfer_takes_the_shares_rounded_up() {
        // 10 ETH pooled for 8 ETH of shares: 3 wei are 2.4 shares, a transfer takes 3.
        let pool = totals(10 * ETH, 8 * ETH);
        assert_eq!(
            pool.shares_for_transfer(U256::from(3u8)),
            Ok(U256::from(3u8))
        );
        assert_eq!(
            pool.shares_for_transfer(U256::from(5u8)),
            Ok(U256::from(4u8))
        );
        assert_eq!(pool.shares_for_transfer(U256::ZERO), Ok(U256::ZERO));
        assert_eq!(
            totals(0, 5).shares_for_transfer(U256::from(1u8)),
            Err(SharesError::EmptyPoolWithShares)
        );
    }

    #[test]
    fn one_product_then_one_division() {
        // With two divisions (shares / totalShares * pooled) this would be 0; the contract's
        // single division gives 2.
        let pool = totals(7, 3);
        assert_eq!(
            pool.pooled_eth_by_shares(U256::from(1u8)),
            Ok(U256::from(2u8))
        );
    }

    #[test]
    fn zero_pooled_with_shares_refuses_to_price() {
        let pool = totals(0, 5);
        assert_eq!(
            pool.shares_by_pooled_eth(U256::from(1u8)),
            Err(SharesError::EmptyPoolWithShares)
        );
        assert_eq!(pool.pooled_eth_by_shares(U256::from(5u8)), Ok(U256::ZERO));
    }

    #[test]
    fn huge_values_compute_or_report_overflow() {
        let big = U256::from(u128::MAX);
        let pool = PoolTotals {
            total_pooled_ether: big,
            total_shares: big,
        };
        assert_eq!(pool.pooled_eth_by_shares(big), Ok(big));
        assert_eq!(pool.shares_by_pooled_eth(big), Ok(big));
        let pool = PoolTotals {
            total_pooled_ether: U256::MAX,
            total_shares: U256::from(2u8),
        };
        assert_eq!(
            pool.pooled_eth_by_shares(U256::from(2u8)),
            Err(SharesError::Overflow)
        );
        assert_eq!(
            pool.pooled_eth_by_shares(U256::from(1u8)),
            Ok(U256::MAX / U256::from(2u8))
        );
    }

    proptest! {
        /// A depositor never gets back more than they put in, and loses at most one wei to
        /// rounding per division, whatever the pool's rate.
        #[test]
        fn deposit_then_value_never_gains(
            pooled in 1u128..=(1u128 << 100),
            shares in 1u128..=(1u128 << 100),
            amount in 0u128..=(1u128 << 100),
        ) {
            let pool = totals(pooled, shares);
            let minted = pool.shares_by_pooled_eth(U256::from(amount)).unwrap();
            let after = pool.after_stake(U256::from(amount), minted);
            let worth = after.pooled_eth_by_shares(minted).unwrap();
            prop_assert!(worth <= U256::from(amount));
            // Rounding loss is bounded by the price of one share plus one wei.
            let one_share = after.pooled_eth_by_shares(U256::from(1u8)).unwrap();
            prop_assert!(U256::from(amount) - worth <= one_share + U256::from(1u8));
        }

        /// What a transfer takes is worth at least the amount, and a whole balance can always
        /// be transferred (a request of "Max" is never refused for want of shares).
        #[test]
        fn transfer_shares_cover_the_amount(
            pooled in 1u128..=(1u128 << 100),
            shares in 1u128..=(1u128 << 100),
            held in 0u128..=(1u128 << 100),
        ) {
            let pool = totals(pooled, shares);
            let balance = pool.pooled_eth_by_shares(U256::from(held)).unwrap();
            let taken = pool.shares_for_transfer(balance).unwrap();
            prop_assert!(taken <= U256::from(held));
            // Taken shares are worth the amount, give or take the floor of the worth.
            let worth = pool.pooled_eth_by_shares(taken).unwrap();
            prop_assert!(worth >= balance);
        }

        /// Balances of all holders never add up to more than the pool holds.
        #[test]
        fn balances_never_exceed_the_pool(
            pooled in 0u128..=(1u128 << 100),
            parts in proptest::collection::vec(1u128..=(1u128 << 90), 1..8),
        ) {
            let total: u128 = parts.iter().sum();
            let pool = totals(pooled, total);
            let sum = parts
                .iter()
                .map(|p| pool.pooled_eth_by_shares(U256::from(*p)).unwrap())
                .fold(U256::ZERO, |a, b| a + b);
            prop_assert!(sum <= U256::from(pooled));
        }
    }
}
