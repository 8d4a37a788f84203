//! The clamp-and-carry rule of `PoolMath.settle`, written again from its specification for
//! the invariant test to compare the contract with.

use alloy::primitives::U256;

const YEAR: u64 = 365 * 24 * 3600;
const DAY: u64 = 24 * 3600;

use pool_devnet::{MAX_APR_BPS, MAX_LOSS_BPS};

/// What a report knows (see `PoolMath.settle`).
pub struct Settle {
    pub before: U256,
    pub expected: U256,
    pub balance: U256,
    pub new_withdrawals: U256,
    pub unaccounted: U256,
    pub vault: U256,
    pub elapsed: u64,
}

pub struct Settled {
    pub beacon_balance: U256,
    pub from_pool: U256,
    pub spare: U256,
    pub from_vault: U256,
}

/// The most a report may move `before` up and down after `elapsed` seconds.
pub fn bounds(before: U256, elapsed: u64) -> (U256, U256) {
    let up = before * U256::from(MAX_APR_BPS) * U256::from(elapsed) / U256::from(10_000 * YEAR);
    let down =
        before * U256::from(MAX_LOSS_BPS) * U256::from(elapsed.min(DAY)) / U256::from(10_000 * DAY);
    (up, down)
}

/// The clamp-and-carry rule, from its specification: the beacon side (balance + withdrawals
/// that arrived - what the pool accounts for) first, clamped to the bounds; then the vault, then
/// spare ether, into the room left up; a loss beyond the bound after those is carried in the
/// accounted balance, a gain beyond it below the reported balance (or, when the accounts hold
/// less than the withdrawals, as withdrawn ether left spare).
pub fn settle(r: Settle) -> Settled {
    let (up, down) = bounds(r.before, r.elapsed);
    let int = |v: U256| v.to::<u128>() as i128;
    let backed = r.new_withdrawals.min(r.unaccounted);
    let spare_held = r.unaccounted - backed;
    let delta = int(r.balance) + int(backed) - int(r.expected);
    let (mut from_vault, mut spare) = (U256::ZERO, U256::ZERO);
    let applied = if delta >= int(up) {
        int(up)
    } else {
        let room = U256::from((int(up) - delta) as u128);
        from_vault = r.vault.min(room);
        spare = spare_held.min(room - from_vault);
        let gains = int(from_vault + spare);
        delta.max(-int(down) - gains)
    };
    let level = U256::from((int(r.expected) + applied) as u128);
    let credit = backed.min(level);
    Settled {
        beacon_balance: level - credit,
        from_pool: credit + spare,
        spare,
        from_vault,
    }
}
