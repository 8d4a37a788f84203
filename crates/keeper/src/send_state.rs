//! What the keeper keeps about its sends between two of them: how it follows them
//! ([`SendOptions`]) and the transaction it gave up on at a deadline ([`InFlight`]). Apart from
//! `send.rs` so that the keeper's handle holds them without depending on the send itself.

use std::time::Duration;

use alloy::primitives::{B256, U256};
use pool_core::gas::Fees;

/// How the keeper follows what it sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendOptions {
    /// Between two polls of the node.
    pub poll: Duration,
    /// A transaction not mined after this long is sent again with higher fees.
    pub bump_after: Duration,
    /// Polls in a row in which the node knows none of the hashes and the nonce is unused
    /// before the transaction is taken as dropped.
    pub dropped_after_polls: u32,
    /// The least priority fee offered (a node's `eth_feeHistory` may say 0 on a quiet chain).
    pub min_priority_fee: U256,
}

impl Default for SendOptions {
    fn default() -> Self {
        SendOptions {
            poll: Duration::from_secs(2),
            // Five slots: a transaction priced for the next block is in one of them.
            bump_after: Duration::from_secs(60),
            // A minute at the default poll: time for a slow node to hear of it.
            dropped_after_polls: 30,
            min_priority_fee: U256::from(100_000_000u64), // 0.1 gwei
        }
    }
}

/// A transaction of the keeper's given up at a deadline and maybe still waiting in the mempool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InFlight {
    pub nonce: u64,
    pub fees: Fees,
    pub hash: B256,
}
