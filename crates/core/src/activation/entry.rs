//! The checks a registry entry passes before the pool's 32 ETH goes to it, whoever added it
//! (the console checks files on import; the keeper runs these on every entry it activates, so
//! an entry added outside the console, or made for the wrong fork, owner or nonce, is refused).

use alloy_primitives::{Address, B256, FixedBytes};

use crate::deposit::{DEPOSIT_GWEI, DepositData, ForkVersion, verify_deposit_signature};
use crate::keyshares::{ownership_message, shares_data_len};

/// What is wrong with an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryProblem {
    /// The pubkey or signature does not have its length.
    Malformed,
    /// The deposit's BLS signature does not verify for the pool's credentials, 32 ETH and the
    /// network's fork: the beacon chain would ignore the deposit and the 32 ETH would be burned.
    DepositSignature,
    /// `sharesData` is not the length its operator count gives.
    SharesLength { expected: usize, actual: usize },
    /// The key shares' ownership signature does not sign `"<pool>:<nonce>"` with the validator
    /// key: SSV would never run the validator.
    OwnershipSignature { nonce: u64 },
}

/// One entry's fields, as the registry holds them.
#[derive(Debug, Clone, Copy)]
pub struct EntryFields<'a> {
    pub pubkey: &'a [u8],
    pub signature: &'a [u8],
    pub operators: usize,
    pub shares_data: &'a [u8],
}

/// Checks `entry`, the pool's SSV registration number `nonce` (its registry index).
pub fn check_entry(
    entry: EntryFields<'_>,
    pool: Address,
    credentials: B256,
    nonce: u64,
    fork_version: ForkVersion,
) -> Result<(), EntryProblem> {
    let pubkey: [u8; 48] = entry
        .pubkey
        .try_into()
        .map_err(|_| EntryProblem::Malformed)?;
    let signature: [u8; 96] = entry
        .signature
        .try_into()
        .map_err(|_| EntryProblem::Malformed)?;
    let deposit = DepositData {
        pubkey: FixedBytes(pubkey),
        withdrawal_credentials: credentials,
        amount: DEPOSIT_GWEI,
        signature: FixedBytes(signature),
    };
    verify_deposit_signature(&deposit, fork_version).map_err(|_| EntryProblem::DepositSignature)?;
    let expected = shares_data_len(entry.operators);
    if entry.shares_data.len() != expected {
        return Err(EntryProblem::SharesLength {
            expected,
            actual: entry.shares_data.len(),
        });
    }
    let ownership: [u8; 96] = entry.shares_data[..96]
        .try_into()
        .map_err(|_| EntryProblem::Malformed)?;
    crate::bls::verify(&pubkey, &ownership_message(pool, nonce), &ownership)
        .map_err(|_| EntryProblem::OwnershipSignature { nonce })
}
