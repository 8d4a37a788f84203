//! Registry entries for tests and measurements: real BLS keys derived from a seed, deposits
//! signed for the devnet's fork version and the pool's withdrawal credentials (what the pool
//! checks on chain), with the right SSZ root (what the deposit contract checks).
//!
//! The key shares are placeholders (the ownership signature and the encrypted shares are filler
//! bytes): these entries are for paths that never reach an SSV node (contract tests, gas
//! figures). The devnet's own registry is filled by [`crate::ceremony`] with real shares.

use alloy::primitives::{Address, Bytes};
use pool_chain::bindings::PoolManager::{Cluster, ValidatorData};
use pool_core::bls::SecretKey;
use pool_core::deposit::{ForkVersion, eth1_withdrawal_credentials, signed_deposit};
use sha2::{Digest, Sha256};

/// The validator key of `seed` (the same on every run).
pub fn sample_key(seed: u16) -> SecretKey {
    let mut material = [0u8; 64];
    for (half, chunk) in material.chunks_mut(32).enumerate() {
        chunk.copy_from_slice(&Sha256::digest(format!(
            "ssv-pool sample validator {seed} ({half})"
        )));
    }
    SecretKey::from_seed(&material)
}

/// A registry entry derived from `seed`, for `pool`'s credentials and `operators`, its deposit
/// signed for the devnet.
pub fn sample_validator(pool: Address, seed: u16, operators: &[u64]) -> ValidatorData {
    sample_validator_for(pool, seed, operators, ForkVersion::DEVNET)
}

/// [`sample_validator`] with the deposit signed for `fork_version`'s network.
pub fn sample_validator_for(
    pool: Address,
    seed: u16,
    operators: &[u64],
    fork_version: ForkVersion,
) -> ValidatorData {
    let low = seed.to_be_bytes()[1];
    let data = signed_deposit(
        &sample_key(seed),
        eth1_withdrawal_credentials(pool),
        fork_version,
    );
    ValidatorData {
        pubkey: Bytes::copy_from_slice(data.pubkey.as_slice()),
        signature: Bytes::copy_from_slice(data.signature.as_slice()),
        depositDataRoot: data.root(),
        operatorIds: operators.to_vec(),
        sharesData: Bytes::from(vec![low; 96 + operators.len() * (48 + 256)]),
    }
}

/// The snapshot of a cluster the SSV network has never seen: (0, 0, 0, true, 0).
pub fn new_cluster() -> Cluster {
    Cluster {
        validatorCount: 0,
        networkFeeIndex: 0,
        index: 0,
        active: true,
        balance: Default::default(),
    }
}
