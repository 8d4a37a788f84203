//! The pool's bulk calls sized by their encoded bytes and gas, under what a real node accepts
//! ([`pool_core::limits`]): `addValidators` batches for the console's registry submissions and
//! the largest `activateValidators` for the activation planner. Both calls take a
//! `ValidatorData[]`, whose calldata grows by each entry's encoding plus its offset word.
//!
//! ```
//! use alloy_primitives::{Address, Bytes, B256};
//! use pool_chain::bindings::PoolManager::ValidatorData;
//! use pool_chain::bulk::{activation_cost, add_validators_batches};
//! use pool_core::limits::TxLimits;
//! let entry = |operators: usize| ValidatorData {
//!     pubkey: Bytes::from(vec![1; 48]),
//!     signature: Bytes::from(vec![2; 96]),
//!     depositDataRoot: B256::ZERO,
//!     operatorIds: (1..=operators as u64).collect(),
//!     sharesData: Bytes::from(vec![3; 96 + operators * (48 + 256)]),
//! };
//! // 50 entries on 13 operators are ~270 KB with their BLS points: three batches, each under
//! // the limits.
//! let batches = add_validators_batches(&vec![entry(13); 50], 150_000, TxLimits::MAINNET, 50).unwrap();
//! assert_eq!(batches, vec![23, 23, 4]);
//! // 80 activations on 4 operators are ~154 KB: the rule caps one transaction at 66.
//! let cost = activation_cost(&entry(4), 200_000, 120_000);
//! assert!(cost.bytes(80) > 150_000);
//! assert_eq!(TxLimits::MAINNET.max_items(&cost), 66);
//! ```

use alloy_primitives::U256;
use alloy_sol_types::SolCall;
use pool_core::limits::{BulkCost, TxLimits};

use crate::bindings::PoolManager::{self, Cluster, ValidatorData};

/// The uncompressed points each entry carries beside it in `addValidators` (the pubkey in G1,
/// 128 bytes, and the signature in G2, 256 bytes: see `registry::bls_points`).
const POINTS_BYTES: usize = 128 + 256;

/// Calldata of `addValidators(entries, points)` (the points have a fixed length, so filler of
/// that length sizes them exactly).
pub fn add_validators_bytes(entries: &[ValidatorData]) -> usize {
    PoolManager::addValidatorsCall {
        entries: entries.to_vec(),
        points: vec![alloy_primitives::Bytes::from(vec![0; POINTS_BYTES]); entries.len()],
    }
    .abi_encode()
    .len()
}

/// Calldata of `activateValidators(validators, ..)` (the other arguments are static words).
pub fn activate_validators_bytes(validators: &[ValidatorData]) -> usize {
    PoolManager::activateValidatorsCall {
        validators: validators.to_vec(),
        expectedDepositCount: 0,
        perValidatorFunding: U256::ZERO,
        cluster: Cluster {
            validatorCount: 0,
            networkFeeIndex: 0,
            index: 0,
            active: true,
            balance: U256::ZERO,
        },
    }
    .abi_encode()
    .len()
}

/// What one entry adds to `addValidators`' calldata: its encoding, its points and their offset
/// words (less in `activateValidators`, which takes no points).
pub fn entry_bytes(entry: &ValidatorData) -> usize {
    add_validators_bytes(std::slice::from_ref(entry)) - add_validators_bytes(&[])
}

/// The console's registry batches: consecutive runs of `entries` (their lengths, in order),
/// each an `addValidators` under `limits` (calldata bytes, and `gas_per_entry` gas an entry,
/// the call's own gas included in it) and at most `max_per_batch` entries. An entry that does
/// not fit alone is the error (its index).
pub fn add_validators_batches(
    entries: &[ValidatorData],
    gas_per_entry: u64,
    limits: TxLimits,
    max_per_batch: usize,
) -> Result<Vec<usize>, usize> {
    let base = add_validators_bytes(&[]);
    limits.split(
        (base, 0),
        entries.iter().map(|e| (entry_bytes(e), gas_per_entry)),
        max_per_batch,
    )
}

/// The cost of `activateValidators` for validators shaped like `sample` (same operator count:
/// one operator set per transaction), with the call's `base_gas` and `gas_per_validator`; the
/// planner's largest count is `limits.max_items(&cost)`.
pub fn activation_cost(sample: &ValidatorData, base_gas: u64, gas_per_validator: u64) -> BulkCost {
    let one = activate_validators_bytes(std::slice::from_ref(sample));
    let two = activate_validators_bytes(&[sample.clone(), sample.clone()]);
    BulkCost::from_encodings(one, two, base_gas, gas_per_validator)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{B256, Bytes};

    fn entry(operators: usize) -> ValidatorData {
        ValidatorData {
            pubkey: Bytes::from(vec![1; 48]),
            signature: Bytes::from(vec![2; 96]),
            depositDataRoot: B256::ZERO,
            operatorIds: (1..=operators as u64).collect(),
            sharesData: Bytes::from(vec![3; 96 + operators * (48 + 256)]),
        }
    }

    #[test]
    fn fifty_entries_are_the_figures_of_the_issue() {
        // 147 KB / 197 KB / 248 KB for 7 / 10 / 13 operators, before each entry carried its
        // BLS points (384 bytes, its offset and length words: 22,400 bytes for 50).
        for (operators, kb) in [(7, 147), (10, 197), (13, 248)] {
            let bytes = add_validators_bytes(&vec![entry(operators); 50]) - 50 * (384 + 64);
            assert_eq!(
                (bytes + 500) / 1000,
                kb,
                "{operators} operators: {bytes} bytes"
            );
        }
        let bytes = activate_validators_bytes(&vec![entry(4); 80]);
        assert_eq!(
            (bytes + 500) / 1000,
            154,
            "80 activations on 4 operators: {bytes} bytes"
        );
    }

    #[test]
    fn the_encoding_grows_by_each_entry() {
        let entries = vec![entry(4), entry(7), entry(13)];
        let sum: usize = entries.iter().map(entry_bytes).sum();
        assert_eq!(
            add_validators_bytes(&entries),
            add_validators_bytes(&[]) + sum
        );
        let cost = activation_cost(&entry(4), 0, 0);
        assert_eq!(
            cost.bytes(80),
            activate_validators_bytes(&vec![entry(4); 80])
        );
    }

    #[test]
    fn every_batch_fits_and_a_larger_one_would_not() {
        for operators in [4, 7, 10, 13] {
            let entries = vec![entry(operators); 120];
            let batches = add_validators_batches(&entries, 100_000, TxLimits::MAINNET, 50).unwrap();
            assert_eq!(batches.iter().sum::<usize>(), 120);
            let mut at = 0;
            for n in &batches {
                let bytes = add_validators_bytes(&entries[at..at + n]);
                assert!(TxLimits::MAINNET.fits(bytes, 100_000 * *n as u64));
                at += n;
            }
            let first = batches[0];
            if first < 50 {
                let bigger = add_validators_bytes(&entries[..first + 1]);
                assert!(
                    bigger > TxLimits::MAINNET.calldata_bytes,
                    "{operators}: {first} is the most"
                );
            }
        }
    }
}
