//! The operator console's views (route `/admin`): each panel reads the `Console` handle and
//! shows only the actions the connected account's roles allow.

pub mod activation;
pub mod cluster;
pub mod import;
pub mod overview;
pub mod registry;
pub mod runway;

use alloy_primitives::U256;
use pool_core::funding::BLOCKS_PER_DAY;
use pool_core::units::format_ether;

use crate::components::amount::SHOWN_DECIMALS;

/// An amount of ETH (the asset SSV v2 takes its fees in) in words.
pub fn fee_amount(amount: U256) -> String {
    format!("{} ETH", format_ether(amount, SHOWN_DECIMALS))
}

/// Blocks as days and blocks.
pub fn blocks_in_days(blocks: u64) -> String {
    if blocks == u64::MAX {
        return "unlimited (nothing burns)".into();
    }
    format!("{} days ({blocks} blocks)", blocks / BLOCKS_PER_DAY)
}
