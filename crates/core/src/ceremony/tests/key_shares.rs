//! Key share rules.

use alloy_primitives::{Address, Bytes, address};

use bls12_381::Scalar;

use crate::bls::{BlsError, SecretKey};
use crate::ceremony::fixture::*;
use crate::ceremony::{CheckError, SUPPORTED_KEYSHARES_VERSIONS, Verdict, check_import};
use crate::deposit::ForkVersion;
use crate::keyshares::KeyShareError;

/// The reasons against the first key share of a ceremony spoilt by `spoil`, after checking that
/// nothing can be submitted.
fn first_share_refused(plan: Plan, spoil: impl FnOnce(&mut Ceremony)) -> Vec<CheckError> {
    let mut ceremony = make(&plan);
    spoil(&mut ceremony);
    let report = ceremony.check();
    assert!(!report.files[1].accepted(), "{:?}", report.files[1]);
    assert!(report.registry_entries().is_empty(), "{report:#?}");
    entry_errors(&report, 1, 0)
}

/// Operator sets of every size pass, on a network other than mainnet too.
#[test]
fn shares_for_7_10_and_13_operators_pass() {
    for n in [7u64, 10, 13] {
        let ceremony = make(&Plan {
            fork: ForkVersion::HOODI,
            count: 1,
            operators: (1..=n).map(|i| i * 3).collect(),
            ..Plan::default()
        });
        let report = ceremony.check();
        assert!(report.all_accepted(), "{n} operators: {report:#?}");
    }
}

#[test]
fn an_unsupported_version_refuses_the_file() {
    let mut ceremony = make(&Plan::default());
    ceremony.keyshares.version = "v0.0.9".into();
    let report = ceremony.check();
    assert_eq!(
        file_errors(&report, 1),
        vec![CheckError::UnsupportedVersion {
            found: "v0.0.9".into()
        }]
    );
    assert!(report.registry_entries().is_empty());
    assert!(
        report.files[1].refusals[0]
            .to_string()
            .contains("v1.1.0, v1.2.0")
    );
    assert!(SUPPORTED_KEYSHARES_VERSIONS.contains(&"v1.2.0"));
}

#[test]
fn shares_for_another_owner_are_refused_for_their_owner() {
    let other: Address = address!("00000000000000000000000000000000000000bb");
    let errors = first_share_refused(Plan::default(), |c| {
        let v = &c.validators[0];
        c.keyshares.shares[0] = key_share(&v.key, &v.shares, other, 0, &[1, 2, 3, 4]);
    });
    assert_eq!(
        errors,
        vec![CheckError::KeyShare(KeyShareError::WrongOwner {
            expected: POOL,
            found: other
        })]
    );
}

#[test]
fn nonces_must_run_on_from_the_pools_next_one() {
    let ceremony = make(&Plan {
        first_nonce: 3,
        ..Plan::default()
    });
    let mut context = ceremony.context.clone();
    context.next_nonce = 2;
    let report = check_import(&ceremony.files(), &context, SEED);
    let wrong =
        |expected, found| CheckError::KeyShare(KeyShareError::WrongNonce { expected, found });
    assert_eq!(entry_errors(&report, 1, 0), vec![wrong(2, 3)]);
    assert_eq!(entry_errors(&report, 1, 1), vec![wrong(3, 4)]);
    assert!(report.registry_entries().is_empty());
}

#[test]
fn operator_sets_must_be_valid_consistent_and_the_clusters() {
    // Three operators is no SSV operator set.
    let errors = first_share_refused(
        Plan {
            count: 1,
            operators: vec![1, 2, 3],
            ..Plan::default()
        },
        |_| {},
    );
    assert_eq!(
        errors,
        vec![CheckError::KeyShare(KeyShareError::InvalidOperatorSet)]
    );

    // The data's operators differ from the payload's.
    let errors = first_share_refused(Plan::default(), |c| {
        c.keyshares.shares[0].data.operators.swap(2, 3);
    });
    assert_eq!(
        errors,
        vec![CheckError::KeyShare(KeyShareError::OperatorsMismatch)]
    );

    // Not the pool's cluster.
    let errors = first_share_refused(Plan::default(), |c| {
        c.context.cluster = Some(vec![1, 2, 3, 5])
    });
    assert_eq!(
        errors,
        vec![CheckError::NotTheCluster {
            expected: vec![1, 2, 3, 5],
            found: vec![1, 2, 3, 4]
        }]
    );

    // With no cluster yet, every share on the first share's set.
    let mut ceremony = make(&Plan::default());
    let other = make(&Plan {
        count: 1,
        first_nonce: 1,
        operators: vec![1, 2, 3, 5],
        label: "b",
        ..Plan::default()
    });
    ceremony.context.operator_keys.push((5, operator_key(5)));
    ceremony.deposits[1] = other.deposits[0].clone();
    ceremony.keyshares.shares[1] = other.keyshares.shares[0].clone();
    let report = ceremony.check();
    assert_eq!(entry_errors(&report, 1, 0), vec![]);
    assert_eq!(
        entry_errors(&report, 1, 1),
        vec![CheckError::MixedOperatorSets {
            first: vec![1, 2, 3, 4],
            found: vec![1, 2, 3, 5]
        }]
    );
    assert!(report.registry_entries().is_empty());
}

#[test]
fn operator_keys_must_be_the_registered_ones() {
    let errors = first_share_refused(Plan::default(), |c| {
        c.keyshares.shares[0].data.operators[1].operator_key = operator_key(9)
    });
    assert_eq!(errors, vec![CheckError::OperatorKeyMismatch { id: 2 }]);
    let errors = first_share_refused(Plan::default(), |c| {
        c.context.operator_keys.retain(|(id, _)| *id != 3)
    });
    assert_eq!(errors, vec![CheckError::OperatorNotOnChain { id: 3 }]);
}

#[test]
fn shares_data_of_the_wrong_length_is_refused() {
    let errors = first_share_refused(Plan::default(), |c| {
        let payload = &mut c.keyshares.shares[0].payload;
        payload.shares_data = payload.shares_data.slice(..payload.shares_data.len() - 1);
    });
    assert_eq!(
        errors,
        vec![CheckError::KeyShare(KeyShareError::SharesLength {
            expected: 1312,
            found: 1311
        })]
    );
}

/// A share public key that does not belong, at each of four positions: the subsets holding it
/// fail.
#[test]
fn share_public_keys_must_interpolate_to_the_validator_key() {
    let stranger = key("a stranger").public_key();
    let replace = |c: &mut Ceremony, operator: usize, key: [u8; 48]| {
        let mut data = c.keyshares.shares[0].payload.shares_data.to_vec();
        data[96 + operator * 48..96 + (operator + 1) * 48].copy_from_slice(&key);
        c.keyshares.shares[0].payload.shares_data = Bytes::from(data);
    };
    // Operators 1..4, threshold 3: subsets {1, 2, 3} and {2, 3, 4}.
    let errors = first_share_refused(Plan::default(), |c| replace(c, 3, stranger));
    assert_eq!(
        errors,
        vec![CheckError::SharesDoNotInterpolate {
            operators: vec![2, 3, 4]
        }]
    );
    let errors = first_share_refused(Plan::default(), |c| replace(c, 0, stranger));
    assert_eq!(
        errors,
        vec![CheckError::SharesDoNotInterpolate {
            operators: vec![1, 2, 3]
        }]
    );
    let errors = first_share_refused(Plan::default(), |c| replace(c, 1, stranger));
    assert_eq!(
        errors,
        vec![
            CheckError::SharesDoNotInterpolate {
                operators: vec![1, 2, 3]
            },
            CheckError::SharesDoNotInterpolate {
                operators: vec![2, 3, 4]
            }
        ]
    );
    let errors = first_share_refused(Plan::default(), |c| replace(c, 2, [0xff; 48]));
    assert_eq!(
        errors,
        vec![CheckError::SharePublicKeyInvalid { operator: 3 }]
    );
}

/// Seven operators (threshold 5, subsets {1..5}, {2..6}, {3..7}): a stranger's key at each
/// position is refused, by exactly the subsets that hold it.
#[test]
fn a_wrong_share_key_at_any_of_seven_positions_is_refused() {
    let plan = Plan {
        count: 1,
        operators: (1..=7).collect(),
        ..Plan::default()
    };
    let stranger = key("a stranger").public_key();
    for position in 0..7usize {
        let errors = first_share_refused(plan.clone(), |c| {
            let mut data = c.keyshares.shares[0].payload.shares_data.to_vec();
            data[96 + position * 48..96 + (position + 1) * 48].copy_from_slice(&stranger);
            c.keyshares.shares[0].payload.shares_data = Bytes::from(data);
        });
        let expected: Vec<CheckError> = (0..3usize)
            .filter(|first| (*first..first + 5).contains(&position))
            .map(|first| CheckError::SharesDoNotInterpolate {
                operators: (first as u64 + 1..=first as u64 + 5).collect(),
            })
            .collect();
        assert_eq!(errors, expected, "wrong share at position {position}");
    }
}

/// Shares that sit on two different polynomials, both through the validator key and through
/// the middle three shares: the first five and the last five interpolate to the validator key,
/// yet any five operators that mix both ends sign with another key. A check of the first and
/// last subsets alone accepts them; the middle subset {2..6} refuses them.
#[test]
fn shares_on_two_polynomials_are_refused() {
    let plan = Plan {
        count: 1,
        operators: (1..=7).collect(),
        ..Plan::default()
    };
    let errors = first_share_refused(plan, |c| {
        // g(x) = c·x(x-3)(x-4)(x-5) is zero at 0, 3, 4 and 5: adding it at x = 1, 2 leaves {1..5}
        // on a degree-4 polynomial through the key; adding another multiple at x = 6, 7 leaves
        // {3..7} so too.
        let bump = |x: u64, c: u64| {
            let x = Scalar::from(x);
            let c = Scalar::from(c);
            c * x * (x - Scalar::from(3u64)) * (x - Scalar::from(4u64)) * (x - Scalar::from(5u64))
        };
        let shares: Vec<SecretKey> = c.validators[0]
            .shares
            .iter()
            .enumerate()
            .map(|(j, share)| {
                let x = j as u64 + 1;
                let moved = match x {
                    1 | 2 => bump(x, 11),
                    6 | 7 => bump(x, 13),
                    _ => Scalar::zero(),
                };
                SecretKey::from_scalar(share.scalar() + moved)
            })
            .collect();
        let v = &c.validators[0];
        c.keyshares.shares[0] = key_share(&v.key, &shares, POOL, 0, &c.plan.operators);
    });
    assert_eq!(
        errors,
        vec![CheckError::SharesDoNotInterpolate {
            operators: vec![2, 3, 4, 5, 6]
        }]
    );
}

#[test]
fn an_ownership_signature_for_another_nonce_is_refused() {
    let errors = first_share_refused(Plan::default(), |c| {
        let v = &c.validators[0];
        let signed_for_7 = key_share(&v.key, &v.shares, POOL, 7, &[1, 2, 3, 4]);
        c.keyshares.shares[0].payload.shares_data = signed_for_7.payload.shares_data;
    });
    assert_eq!(
        errors,
        vec![CheckError::KeyShare(KeyShareError::Signature(
            BlsError::WrongSignature
        ))]
    );
}

#[test]
fn keys_on_ssv_already_or_twice_in_the_key_shares_are_refused() {
    let mut ceremony = make(&Plan::default());
    ceremony.context.ssv_registered = vec![ceremony.keyshares.shares[0].payload.public_key.clone()];
    let report = ceremony.check();
    assert_eq!(entry_errors(&report, 1, 0), vec![CheckError::AlreadyOnSsv]);
    assert!(report.registry_entries().is_empty());

    let mut ceremony = make(&Plan::default());
    let v = &ceremony.validators[0];
    let again = key_share(&v.key, &v.shares, POOL, 2, &[1, 2, 3, 4]);
    ceremony.keyshares.shares.push(again);
    let report = ceremony.check();
    assert_eq!(
        entry_errors(&report, 1, 2),
        vec![CheckError::DuplicatePubkey {
            file: "keyshares.json".into(),
            entry: 0
        }]
    );
    assert!(report.registry_entries().is_empty());
}

/// A refused share stops the registrations after it, even from another file: they would take
/// the wrong nonces.
#[test]
fn a_refused_share_refuses_the_shares_after_it() {
    let first = make(&Plan {
        count: 2,
        ..Plan::default()
    });
    let second = make(&Plan {
        count: 2,
        first_nonce: 2,
        label: "b",
        ..Plan::default()
    });
    let mut deposits = first.deposits.clone();
    deposits.extend(second.deposits.clone());
    let mut spoilt = first.keyshares.clone();
    spoilt.shares[1].data.operators[0].operator_key = operator_key(9);
    // Dropped in the wrong order: the second file's nonces come after the first's.
    let files = [
        deposit_file("deposit_data.json", &deposits),
        keyshares_file("second.json", &second.keyshares),
        keyshares_file("first.json", &spoilt),
    ];
    let report = check_import(&files, &first.context, SEED);
    assert!(report.files[1].accepted(), "{:?}", report.files[1]);
    assert!(!report.files[2].accepted());
    assert_eq!(
        report
            .validators
            .iter()
            .map(|v| v.nonce)
            .collect::<Vec<_>>(),
        [0, 1, 2, 3].map(Some)
    );
    let reasons: Vec<Vec<CheckError>> = report
        .validators
        .iter()
        .map(|v| match &v.verdict {
            Verdict::Refused(reasons) => reasons.clone(),
            Verdict::Accepted(_) => vec![],
        })
        .collect();
    assert_eq!(
        reasons[0],
        vec![CheckError::FileRefused {
            file: "first.json".into()
        }]
    );
    assert_eq!(
        reasons[1],
        vec![
            CheckError::OperatorKeyMismatch { id: 1 },
            CheckError::FollowsRefused { nonce: 0 }
        ]
    );
    assert_eq!(reasons[2], vec![CheckError::FollowsRefused { nonce: 0 }]);
    assert_eq!(reasons[3], vec![CheckError::FollowsRefused { nonce: 0 }]);
    assert!(report.registry_entries().is_empty());
}
