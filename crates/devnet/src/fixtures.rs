//! Registry entries for tests and measurements: deposit data with the right SSZ root for the
//! pool's withdrawal credentials (what the deposit contract checks), placeholder keys.
//!
//! These keys are not BLS keys: they are for paths that never reach a beacon node (contract
//! tests, gas figures). The devnet's own registry is filled by [`crate::ceremony`] with real keys.

use alloy::primitives::{Address, Bytes, FixedBytes};
use pool_chain::bindings::PoolManager::{Cluster, ValidatorData};
use pool_core::deposit::{DEPOSIT_GWEI, DepositData, eth1_withdrawal_credentials};

/// A registry entry derived from `seed`, for `pool`'s credentials and `operators`.
pub fn sample_validator(pool: Address, seed: u16, operators: &[u64]) -> ValidatorData {
    let [high, low] = seed.to_be_bytes();
    let mut pubkey = [low; 48];
    pubkey[0] = 0x80 | (high & 0x3f);
    pubkey[1] = high;
    let data = DepositData {
        pubkey: FixedBytes(pubkey),
        withdrawal_credentials: eth1_withdrawal_credentials(pool),
        amount: DEPOSIT_GWEI,
        signature: FixedBytes([low.wrapping_add(1); 96]),
    };
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
