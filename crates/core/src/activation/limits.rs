//! SSV's per-call convention (a transaction's own size and gas caps are [`crate::limits`]).

/// SSV's per-transaction bulk registration limits: 80 / 40 / 30 / 20 validators for 4 / 7 / 10 /
/// 13 operators. They are the official web app's convention, not the contract's; the pool's
/// contract enforces the same numbers (`_bulkLimit`: any other size gets 20; the registry only
/// takes 4, 7, 10 or 13).
pub const fn bulk_limit(operators: usize) -> u64 {
    match operators {
        4 => 80,
        7 => 40,
        10 => 30,
        _ => 20,
    }
}
