//! Whether a key may receive the pool's 32 ETH, from every deposit the chain shows for it.
//!
//! The first deposit for a pubkey that the beacon chain accepts fixes the validator's
//! withdrawal credentials for good. The beacon chain accepts a new validator's deposit only if
//! its BLS signature verifies for the network (a deposit with a bad one is dropped, its ether
//! burned, and fixes nothing); top-ups of an existing validator are not checked. So, in chain
//! order: a validator the beacon state already has keeps its credentials; otherwise the first
//! deposit whose signature verifies fixes them, and deposits before it are ignored.
//!
//! One rule for the console's import, its activation and the keeper: a key is clear only when
//! nothing fixed its credentials yet. A key fixed to other credentials was front-run (the
//! pool's 32 ETH would pay out elsewhere); a key fixed to the pool's own credentials already
//! has a validator (32 ETH more would only be swept back), so it is refused too.

use alloy_primitives::{B256, Bytes, FixedBytes};

use crate::deposit::{DepositData, ForkVersion, verify_deposit_signature};

/// Where a deposit was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepositSource {
    /// A validator in the finalized beacon state (its credentials are fixed).
    BeaconValidator,
    /// An entry of the finalized beacon state's `pending_deposits` (Electra).
    PendingDeposit,
    /// A `DepositEvent` of the deposit contract in this execution block, after the finalized
    /// state (or since the pool's deployment when no beacon node was asked).
    Log { block: u64 },
}

/// One deposit for a key, as the beacon state or the deposit contract shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenDeposit {
    pub withdrawal_credentials: B256,
    pub amount_gwei: u64,
    /// `None` for a validator already in the beacon state (its deposit was accepted).
    pub signature: Option<FixedBytes<96>>,
    pub source: DepositSource,
}

/// What the chain says of one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing fixed its credentials: the pool's deposit will.
    Clear,
    /// Its credentials are fixed by the deposit at `source`.
    Deposited {
        credentials: B256,
        /// Whether they are the pool's own.
        to_pool: bool,
        source: DepositSource,
    },
}

impl Verdict {
    pub fn is_clear(&self) -> bool {
        matches!(self, Verdict::Clear)
    }
}

/// A key's verdict, and the deposits that were ignored because their signature does not verify
/// (the console and the keeper say so: someone sent ether the beacon chain burns).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyCheck {
    pub pubkey: Bytes,
    pub verdict: Verdict,
    pub ignored: Vec<SeenDeposit>,
}

/// The verdict for `pubkey` given `seen`, every deposit the chain shows for it in chain order
/// (the beacon state's validator first, then its pending deposits, then the logs after it).
pub fn verdict(
    pubkey: &Bytes,
    seen: &[SeenDeposit],
    pool_credentials: B256,
    fork_version: ForkVersion,
) -> KeyCheck {
    let mut ignored = Vec::new();
    for deposit in seen {
        let accepted = match &deposit.signature {
            None => true,
            Some(signature) => signature_verifies(pubkey, deposit, *signature, fork_version),
        };
        if accepted {
            return KeyCheck {
                pubkey: pubkey.clone(),
                verdict: Verdict::Deposited {
                    credentials: deposit.withdrawal_credentials,
                    to_pool: deposit.withdrawal_credentials == pool_credentials,
                    source: deposit.source,
                },
                ignored,
            };
        }
        ignored.push(deposit.clone());
    }
    KeyCheck {
        pubkey: pubkey.clone(),
        verdict: Verdict::Clear,
        ignored,
    }
}

fn signature_verifies(
    pubkey: &Bytes,
    deposit: &SeenDeposit,
    signature: FixedBytes<96>,
    fork_version: ForkVersion,
) -> bool {
    let Ok(pubkey) = <[u8; 48]>::try_from(pubkey.as_ref()) else {
        return false;
    };
    let data = DepositData {
        pubkey: FixedBytes(pubkey),
        withdrawal_credentials: deposit.withdrawal_credentials,
        amount: deposit.amount_gwei,
        signature,
    };
    verify_deposit_signature(&data, fork_version).is_ok()
}
