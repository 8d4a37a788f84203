//! SSV cluster funding: how much a validator's registration must carry for a runway.
//!
//! Per validator, in wei of ETH (SSV v2 fees):
//!
//! ```text
//! burnRate   = sum(operator fees) + networkFee                      (per block)
//! collateral = max(burnRate * liquidationThresholdPeriod, minimumLiquidationCollateral)
//! funding    = burnRate * runway + collateral, rounded up to the network's precision
//! ```
//!
//! The same formula runs on-chain in the view `PoolManager.fundingPerValidator` (fees read live
//! from the SSV views, because the DAO changes them); an activation carries that quote.
//!
//! ```
//! use alloy_primitives::U256;
//! use pool_core::funding::{FeeSchedule, Precision};
//!
//! let fees = FeeSchedule {
//!     operator_fees: vec![U256::from(100u64); 4],
//!     network_fee: U256::from(100u64),
//!     liquidation_threshold_period: 10,
//!     minimum_collateral: U256::ZERO,
//! };
//! assert_eq!(fees.burn_rate(), U256::from(500u64));
//! assert_eq!(fees.funding_per_validator(1_000, Precision::Exact), U256::from(505_000u64));
//! ```

use alloy_primitives::U256;

/// About 7160 blocks a day (12-second slots, some missed).
pub const BLOCKS_PER_DAY: u64 = 7_160;

/// The live fee parameters of one operator set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeSchedule {
    /// Each operator's fee per block.
    pub operator_fees: Vec<U256>,
    /// The network fee per block.
    pub network_fee: U256,
    /// Blocks of burn a cluster must hold back (`getLiquidationThresholdPeriod`).
    pub liquidation_threshold_period: u64,
    /// `getMinimumLiquidationCollateral`.
    pub minimum_collateral: U256,
}

/// The smallest unit the SSV network stores amounts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// SSV v2, ETH fees: multiples of 10^5 wei.
    Eth,
    /// No rounding (for explanations and tests).
    Exact,
}

impl Precision {
    pub fn unit(self) -> U256 {
        match self {
            Precision::Eth => U256::from(100_000u64),
            Precision::Exact => U256::from(1u8),
        }
    }

    /// `amount` rounded up to a whole unit.
    pub fn round_up(self, amount: U256) -> U256 {
        let unit = self.unit();
        amount.div_ceil(unit) * unit
    }
}

impl FeeSchedule {
    /// Fees per block of one validator.
    pub fn burn_rate(&self) -> U256 {
        self.operator_fees
            .iter()
            .fold(self.network_fee, |sum, fee| sum + fee)
    }

    /// What one validator must hold back so that the cluster is not liquidatable.
    pub fn collateral(&self) -> U256 {
        let by_period = self.burn_rate() * U256::from(self.liquidation_threshold_period);
        by_period.max(self.minimum_collateral)
    }

    /// Funding of one validator for `runway` blocks, rounded up to `precision`.
    pub fn funding_per_validator(&self, runway: u64, precision: Precision) -> U256 {
        precision.round_up(self.burn_rate() * U256::from(runway) + self.collateral())
    }

    /// The balance below which a cluster of `validators` is liquidatable.
    pub fn liquidation_threshold(&self, validators: u32) -> U256 {
        let by_period = self.burn_rate()
            * U256::from(validators)
            * U256::from(self.liquidation_threshold_period);
        by_period.max(self.minimum_collateral)
    }

    /// What a cluster of `validators` needs added to pay `runway` more blocks of fees (the
    /// keeper's upkeep top-up), rounded up to `precision`.
    pub fn top_up(&self, validators: u32, runway: u64, precision: Precision) -> U256 {
        precision.round_up(self.burn_rate() * U256::from(validators) * U256::from(runway))
    }

    /// Blocks of runway a cluster balance still pays for, above its collateral.
    pub fn runway_left(&self, balance: U256, validators: u32) -> u64 {
        let burn = self.burn_rate() * U256::from(validators);
        if burn.is_zero() {
            return u64::MAX;
        }
        let spare = balance.saturating_sub(self.liquidation_threshold(validators));
        (spare / burn).try_into().unwrap_or(u64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SSV v2 mainnet parameters (contracts/reference/README.md).
    fn mainnet_v2() -> FeeSchedule {
        FeeSchedule {
            operator_fees: vec![U256::from(1_770_000_000u64); 4],
            network_fee: U256::from(3_366_600_000u64),
            liquidation_threshold_period: 50_120,
            minimum_collateral: U256::from(324_862_599_900_000u64),
        }
    }

    #[test]
    fn funding_for_a_month_on_mainnet_v2() {
        let fees = mainnet_v2();
        assert_eq!(fees.burn_rate(), U256::from(10_446_600_000u64));
        // 10_446_600_000 * 50_120 = 523_583_592_000_000 > minimum collateral.
        assert_eq!(fees.collateral(), U256::from(523_583_592_000_000u64));
        let month = 30 * 7160;
        let exact = fees.burn_rate() * U256::from(month) + fees.collateral();
        let funding = fees.funding_per_validator(month, Precision::Eth);
        assert_eq!(funding, exact, "already a multiple of 10^5");
        assert_eq!(funding % U256::from(100_000u64), U256::ZERO);
    }

    #[test]
    fn a_top_up_pays_the_runway_of_every_validator_in_whole_units() {
        let fees = mainnet_v2();
        let month = 30 * BLOCKS_PER_DAY;
        let amount = fees.top_up(3, month, Precision::Eth);
        assert_eq!(amount, U256::from(10_446_600_000u64 * 3 * month));
        assert_eq!(amount % Precision::Eth.unit(), U256::ZERO);
        // After it, the cluster's runway left grows by the runway.
        let threshold = fees.liquidation_threshold(3);
        let balance = threshold + U256::from(10_446_600_000u64 * 3 * 5);
        assert_eq!(fees.runway_left(balance, 3), 5);
        assert_eq!(fees.runway_left(balance + amount, 3), 5 + month);
        // An odd burn rounds up to the network's unit.
        let odd = FeeSchedule {
            operator_fees: vec![U256::from(7u8)],
            network_fee: U256::ZERO,
            liquidation_threshold_period: 1,
            minimum_collateral: U256::ZERO,
        };
        assert_eq!(odd.top_up(1, 3, Precision::Eth), U256::from(100_000u64));
    }

    #[test]
    fn minimum_collateral_applies_to_cheap_clusters() {
        let fees = FeeSchedule {
            operator_fees: vec![U256::ZERO; 4],
            network_fee: U256::from(1u8),
            ..mainnet_v2()
        };
        assert_eq!(fees.collateral(), U256::from(324_862_599_900_000u64));
    }

    #[test]
    fn rounding_goes_up_to_the_network_unit() {
        assert_eq!(
            Precision::Eth.round_up(U256::from(1u8)),
            U256::from(100_000u64)
        );
        assert_eq!(
            Precision::Eth.round_up(U256::from(100_001u64)),
            U256::from(200_000u64)
        );
        assert_eq!(Precision::Eth.round_up(U256::ZERO), U256::ZERO);
    }

    #[test]
    fn runway_left_counts_blocks_above_collateral() {
        let fees = mainnet_v2();
        let funding = fees.funding_per_validator(1_000, Precision::Exact);
        assert_eq!(fees.runway_left(funding, 1), 1_000);
        assert_eq!(fees.runway_left(U256::ZERO, 1), 0);
        assert_eq!(fees.runway_left(funding * U256::from(2u8), 2), 1_000);
    }
}
