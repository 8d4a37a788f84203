//! Key shares files (ssv-keys and ssv-dkg output): the file's own checks (`KeyShare::validate`
//! and its parts) and the console's import checks.
//!
//! Seeds: the SSV tools' example files, copied into `contracts/reference/` (its README names
//! their repositories and commits).

use alloy_primitives::{Address, Bytes, address};
use pool_core::ceremony::{CheckContext, FileKind, ImportedFile, check_import};
use pool_core::deposit::ForkVersion;
use pool_core::keyshares::{
    KeyShare, KeyShareData, KeySharePayload, KeySharesFile, ShareOperator, shares_data_len,
};
use proptest::prelude::*;
use serde_json::Value;

use crate::mutate::near;
use crate::{assert_report_in_words, assert_sentence, config};

const SSV_DKG: &str =
    include_str!("../../../../contracts/reference/keyshares-example-ssv-dkg-valid.json");
const SSV_KEYS: &str =
    include_str!("../../../../contracts/reference/keyshares-example-ssv-keys-multi-shares.json");
/// The owner both examples were made for.
const OWNER: Address = address!("81592c3DE184A3E2c0DCB5a261BC107Bfa91f494");
const SEED: [u8; 32] = [9; 32];

/// The examples with the nonce each was made for.
fn examples() -> [(&'static str, u64); 2] {
    [(SSV_DKG, 100), (SSV_KEYS, 1)]
}

fn example() -> impl Strategy<Value = (Value, u64)> {
    prop::sample::select(examples().to_vec()).prop_map(|(text, nonce)| {
        (
            serde_json::from_str(text).expect("an example is JSON"),
            nonce,
        )
    })
}

/// The chain as an example expects it: its owner, its nonce, its operators' keys.
fn context_for(seed: &Value, next_nonce: u64) -> CheckContext {
    let file: KeySharesFile = serde_json::from_value(seed.clone()).expect("an example parses");
    CheckContext {
        pool: OWNER,
        fork_version: ForkVersion::HOLESKY,
        next_nonce,
        cluster: None,
        operator_keys: file.shares[0]
            .data
            .operators
            .iter()
            .map(|o| (o.id, o.operator_key.clone()))
            .collect(),
        registered: vec![],
        dropped: vec![],
        deposited: vec![],
        ssv_registered: vec![],
    }
}

fn import(text: &str, context: &CheckContext) -> pool_core::ceremony::ImportReport {
    let files = [ImportedFile {
        name: "keyshares.json".into(),
        text: text.into(),
    }];
    check_import(&files, context, SEED)
}

#[test]
fn the_examples_are_accepted() {
    for (text, nonce) in examples() {
        let seed: Value = serde_json::from_str(text).unwrap();
        let report = import(text, &context_for(&seed, nonce));
        assert_eq!(report.files[0].kind, FileKind::KeyShares);
        assert!(report.files[0].accepted(), "{:#?}", report.files[0]);
        let file: KeySharesFile = serde_json::from_str(text).unwrap();
        assert_eq!(file.shares[0].validate(OWNER, nonce), Ok(()));
    }
}

/// Found by `any_next_nonce_is_compared_in_words`: with the chain's next nonce at u64::MAX,
/// counting on to the share after it overflowed (a panic in debug builds, a wrap to nonce 0 in
/// release). The first share is compared with u64::MAX, the next has no nonce left.
#[test]
fn regression_no_nonce_after_the_largest() {
    use pool_core::ceremony::CheckError;
    use pool_core::keyshares::KeyShareError;
    let mut seed: Value = serde_json::from_str(SSV_DKG).unwrap();
    let share = seed["shares"][0].clone();
    seed["shares"].as_array_mut().unwrap().push(share);
    let report = import(&seed.to_string(), &context_for(&seed, u64::MAX));
    let reasons = |entry| -> Vec<CheckError> {
        report.files[0]
            .refusals
            .iter()
            .filter(|r| r.entry == Some(entry))
            .map(|r| r.error.clone())
            .collect()
    };
    assert!(
        reasons(0).contains(&CheckError::KeyShare(KeyShareError::WrongNonce {
            expected: u64::MAX,
            found: 100
        }))
    );
    assert!(
        reasons(1).contains(&CheckError::NoNonceLeft),
        "{:?}",
        reasons(1)
    );
    assert_report_in_words(&report);
}

/// A share's own checks on whatever parsed: no panic, reasons in words, and the accessors the
/// BLS checks rely on agree with the structure checks.
fn check_share(share: &KeyShare, nonce: u64) -> Result<(), TestCaseError> {
    let structure = share.structure_errors();
    structure.iter().for_each(assert_sentence);
    if structure.is_empty() {
        prop_assert!(share.ownership_signature().is_some());
        let keys = share.share_public_keys();
        prop_assert_eq!(
            keys.map(|k| k.len()),
            Some(share.payload.operator_ids.len())
        );
    }
    if let Err(error) = share.validate(OWNER, nonce) {
        assert_sentence(&error);
    }
    Ok(())
}

/// Key shares whose lengths are near the ones SSV needs: operator sets of any size and order,
/// public keys and `sharesData` a few bytes off.
fn odd_share() -> impl Strategy<Value = KeyShare> {
    // Valid sets (sorted, distinct, nonzero, of a size SSV takes) half the time, so that the
    // length checks pass and `validate` reaches the signature with whatever bytes are there.
    let valid_set = prop::sample::select(vec![4usize, 7, 10, 13]).prop_flat_map(|n| {
        prop::collection::btree_set(1u64..u64::MAX, n).prop_map(|set| set.into_iter().collect())
    });
    let any_ids = prop::collection::vec(prop_oneof![0u64..20, any::<u64>()], 0..15);
    let ids = prop_oneof![valid_set, any_ids];
    let delta = prop_oneof![Just(0isize), -400isize..400];
    (
        ids,
        prop_oneof![Just(48usize), 0usize..100],
        delta,
        any::<bool>(),
        any::<u8>(),
    )
        .prop_map(|(ids, key_len, delta, same_key, fill)| {
            let public_key = Bytes::from(vec![fill; key_len]);
            let length = shares_data_len(ids.len()).saturating_add_signed(delta);
            KeyShare {
                data: KeyShareData {
                    owner_nonce: 1,
                    owner_address: OWNER,
                    public_key: if same_key {
                        public_key.clone()
                    } else {
                        Bytes::new()
                    },
                    operators: ids
                        .iter()
                        .map(|&id| ShareOperator {
                            id,
                            operator_key: String::new(),
                        })
                        .collect(),
                },
                payload: KeySharePayload {
                    public_key,
                    operator_ids: ids,
                    shares_data: Bytes::from(vec![fill; length]),
                },
            }
        })
}

proptest! {
    #![proptest_config(config())]

    /// Mutated examples parsed as a key shares file: whatever parses goes through the share's
    /// checks without a panic.
    #[test]
    fn mutated_examples_parse_or_are_refused((text, nonce) in example().prop_flat_map(|(seed, nonce)| (near(seed), Just(nonce)))) {
        match serde_json::from_str::<KeySharesFile>(&text) {
            Ok(file) => {
                for share in &file.shares {
                    check_share(share, nonce)?;
                }
            }
            Err(error) => assert_sentence(&error),
        }
    }

    /// Mutated examples through the console's import: refused in words, never a panic, and
    /// accepted when the mutation left the same JSON.
    #[test]
    fn mutated_examples_are_refused_in_words(
        (seed, nonce, text) in example().prop_flat_map(|(seed, nonce)| (Just(seed.clone()), Just(nonce), near(seed)))
    ) {
        let context = context_for(&seed, nonce);
        let report = import(&text, &context);
        assert_report_in_words(&report);
        if serde_json::from_str::<Value>(&text).is_ok_and(|v| v == seed) {
            prop_assert!(report.files[0].accepted(), "{:#?}", report.files[0]);
        }
    }

    #[test]
    fn shares_of_odd_lengths_are_refused_in_words(share in odd_share()) {
        check_share(&share, 1)?;
    }

    /// The chain's facts are outside input too (an RPC node answers them): any next nonce, the
    /// example's shares repeated, refused in words.
    #[test]
    fn any_next_nonce_is_compared_in_words(
        (seed, _, text) in example().prop_flat_map(|(seed, nonce)| (Just(seed.clone()), Just(nonce), near(seed))),
        next_nonce in prop_oneof![Just(u64::MAX), Just(u64::MAX - 1), any::<u64>()],
    ) {
        assert_report_in_words(&import(&text, &context_for(&seed, next_nonce)));
    }

    #[test]
    fn any_text_is_refused_in_words(text in any::<String>()) {
        let seed: Value = serde_json::from_str(SSV_DKG).unwrap();
        assert_report_in_words(&import(&text, &context_for(&seed, 100)));
    }
}
