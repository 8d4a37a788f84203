//! What one transaction may be on a real network, and SSV's per-call convention.

/// The largest transaction geth, reth and Nethermind accept into their pools (geth's
/// `txMaxSize`, 4 × 32 KiB slots), measured on the signed, encoded transaction.
pub const MAX_TX_BYTES: usize = 131_072;
/// Calldata one batch may use: [`MAX_TX_BYTES`] less the envelope (nonce, fees, gas, to, value,
/// signature: under 150 bytes) and a margin for a node that counts differently.
pub const TX_BYTES_BUDGET: usize = 120_000;
/// The most gas one transaction may use since Fusaka (EIP-7825), whatever the block's limit.
pub const MAX_TX_GAS: u64 = 16_777_216;
/// Gas one batch may be estimated at: [`MAX_TX_GAS`] less a margin for the estimate's error and
/// state that moves between the estimate and the block.
pub const TX_GAS_BUDGET: u64 = 15_000_000;

/// SSV's per-transaction bulk registration limits: 80 / 40 / 30 / 20 validators for 4 / 7 / 10 /
/// 13 operators. They are the official web app's convention, not the contract's; the pool's
/// contract enforces the same numbers.
pub const fn bulk_limit(operators: usize) -> u64 {
    match operators {
        4 => 80,
        7 => 40,
        10 => 30,
        _ => 20,
    }
}
