//! Whether a key share's share public keys come from the validator key. Shamir shares of a
//! secret `s` lie on a polynomial `f` of degree `t - 1` with `f(0) = s`; the operator with id
//! `x` holds `f(x)`: SSV nodes recombine partial signatures by Lagrange interpolation over the
//! operator ids (ssv-spec `ReconstructSignatures`), and ssv-keys and ssv-dkg split that way
//! (the ssv-dkg example in `contracts/reference/` interpolates only so). The share public keys
//! `f(x)·G` therefore interpolate at 0 to the validator key `s·G` over any `t` of them.
//!
//! The rule is "any `t` of them", but the `C(n, t)` subsets need not all be tried (35 for 7
//! operators, 286 for 13): the `n - t + 1` windows of `t` consecutive operators suffice. The
//! polynomial through one window and the one through the next agree at their `t - 1` common
//! operators and, when both interpolate to the validator key, at 0 too: `t` points, so (degree
//! `t - 1`) they are one polynomial. Chained over the windows, every share lies on a single
//! polynomial through the validator key, so every subset interpolates to it. Fewer windows do
//! not suffice: the first and the last alone share only `2t - n` operators, and shares on two
//! polynomials (one per end) pass them (tested). A bad share is named by each window holding it
//! (its Lagrange coefficient at 0 is never zero). `t = n - (n - 1) / 3`, as the tools split.
//!
//! All the shares of one operator set are checked at once, as signatures are batched: with
//! random 64-bit weights `r_v`, `Σ_j λ_j (Σ_v r_v P_vj) = Σ_v r_v PK_v` holds for every subset
//! when each validator's does, and fails with odds of 2^-64 otherwise. The `n + 1` weighted
//! sums share their doublings (Straus), so a validator costs about `32 (n + 1)` point additions
//! rather than a full multiplication per share and subset; when a batch fails, its validators
//! are checked one by one to name them.

use std::collections::HashMap;

use bls12_381::{G1Affine, G1Projective, Scalar};
use sha2::{Digest, Sha256};

use super::CheckError;
use super::report::EntryRef;
use crate::bls::{PublicKeys, batch_factor, decode_public_key, weighted_sum_g1};
use crate::keyshares::valid_operator_set;

/// One key share's keys to check: the validator's, and its operators' shares (in operator
/// order, as `operator_ids`).
pub(super) struct ShareKeys {
    pub at: EntryRef,
    pub public_key: [u8; 48],
    pub share_keys: Vec<[u8; 48]>,
    pub operator_ids: Vec<u64>,
}

/// One subset to interpolate over: positions in the operator set, and their Lagrange
/// coefficients at 0.
struct Subset {
    positions: Vec<usize>,
    coefficients: Vec<Scalar>,
}

/// A share whose keys decoded.
struct Decoded<'a> {
    keys: &'a ShareKeys,
    validator: G1Affine,
    shares: Vec<G1Affine>,
}

/// Every reason the shares of `checks` do not interpolate to their validator keys. `seed`
/// weights the batches (random, unknown to whoever made the files). Invalid validator keys are
/// left to the signature check, invalid operator sets to the structure checks. Validator keys
/// are decoded through `keys`, which the signature checks share.
pub(super) fn failures(
    checks: &[ShareKeys],
    seed: [u8; 32],
    keys: &mut PublicKeys,
) -> Vec<(EntryRef, CheckError)> {
    let mut by_set: HashMap<&[u64], Vec<&ShareKeys>> = HashMap::new();
    for check in checks {
        by_set.entry(&check.operator_ids).or_default().push(check);
    }
    let mut failures = Vec::new();
    for (ids, checks) in by_set {
        let Some(subsets) = subsets_of(ids) else {
            continue;
        };
        let mut decoded = Vec::with_capacity(checks.len());
        for check in checks {
            let Some(validator) = keys.decode(&check.public_key) else {
                continue;
            };
            let shares: Vec<Option<G1Affine>> =
                check.share_keys.iter().map(decode_public_key).collect();
            if shares.iter().all(Option::is_some) {
                let shares = shares.into_iter().flatten().collect();
                decoded.push(Decoded {
                    keys: check,
                    validator,
                    shares,
                });
                continue;
            }
            for (share, &operator) in shares.iter().zip(ids) {
                if share.is_none() {
                    failures.push((check.at, CheckError::SharePublicKeyInvalid { operator }));
                }
            }
        }
        if batch_holds(&decoded, &subsets, seed) {
            continue;
        }
        for share in &decoded {
            for subset in &subsets {
                let shares: Vec<G1Projective> =
                    share.shares.iter().map(G1Projective::from).collect();
                if combine(subset, &shares) != G1Projective::from(share.validator) {
                    let operators = subset.positions.iter().map(|&j| ids[j]).collect();
                    failures.push((
                        share.keys.at,
                        CheckError::SharesDoNotInterpolate { operators },
                    ));
                }
            }
        }
    }
    failures
}

/// Whether every share of `decoded` interpolates to its validator key over every subset, up to
/// odds of 2^-64: one weighted sum per operator position and one of the validator keys.
fn batch_holds(decoded: &[Decoded], subsets: &[Subset], seed: [u8; 32]) -> bool {
    let Some(first) = decoded.first() else {
        return true;
    };
    let mut transcript = Sha256::new();
    transcript.update(seed);
    transcript.update(b"key share interpolation");
    for share in decoded {
        transcript.update(share.keys.public_key);
        share
            .keys
            .share_keys
            .iter()
            .for_each(|key| transcript.update(key));
    }
    let transcript: [u8; 32] = transcript.finalize().into();
    let weights: Vec<u64> = (0..decoded.len())
        .map(|i| batch_factor(&transcript, i))
        .collect();
    let keys: Vec<G1Affine> = decoded.iter().map(|share| share.validator).collect();
    let validators = weighted_sum_g1(&keys, &weights);
    let positions: Vec<G1Projective> = (0..first.shares.len())
        .map(|j| {
            let column: Vec<G1Affine> = decoded.iter().map(|share| share.shares[j]).collect();
            weighted_sum_g1(&column, &weights)
        })
        .collect();
    subsets
        .iter()
        .all(|subset| combine(subset, &positions) == validators)
}

/// `Σ λ_j P_j` over the subset.
fn combine(subset: &Subset, points: &[G1Projective]) -> G1Projective {
    subset
        .positions
        .iter()
        .zip(&subset.coefficients)
        .map(|(&j, coefficient)| points[j] * coefficient)
        .sum()
}

/// The windows of `t` consecutive operators of a valid set (see the module's documentation for
/// why they stand for every subset), with their coefficients.
fn subsets_of(ids: &[u64]) -> Option<Vec<Subset>> {
    if !valid_operator_set(ids) {
        return None;
    }
    let n = ids.len();
    let threshold = n - (n - 1) / 3;
    let windows = (0..=n - threshold).map(|first| {
        let positions: Vec<usize> = (first..first + threshold).collect();
        let xs: Vec<u64> = positions.iter().map(|&j| ids[j]).collect();
        Subset {
            coefficients: lagrange_at_zero(&xs),
            positions,
        }
    });
    Some(windows.collect())
}

/// `λ_j = Π_{m≠j} x_m / (x_m - x_j)` for distinct nonzero `xs`.
fn lagrange_at_zero(xs: &[u64]) -> Vec<Scalar> {
    xs.iter()
        .map(|&xj| {
            let (numerator, denominator) = xs.iter().filter(|&&xm| xm != xj).fold(
                (Scalar::one(), Scalar::one()),
                |(num, den), &xm| {
                    (
                        num * Scalar::from(xm),
                        den * (Scalar::from(xm) - Scalar::from(xj)),
                    )
                },
            );
            numerator * denominator.invert().expect("distinct operator ids")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coefficients_recombine_any_polynomial_at_zero() {
        // f(x) = 5 + 3x + 2x², known at x = 2, 7, 300: λ·f(x) sums to f(0).
        let f = |x: u64| Scalar::from(5 + 3 * x + 2 * x * x);
        let xs = [2, 7, 300];
        let sum: Scalar = lagrange_at_zero(&xs)
            .iter()
            .zip(xs)
            .map(|(l, x)| l * f(x))
            .sum();
        assert_eq!(sum, Scalar::from(5u64));
        assert_eq!(
            lagrange_at_zero(&[1, 2, 3]),
            [Scalar::from(3u64), -Scalar::from(3u64), Scalar::one()]
        );
    }

    #[test]
    fn subsets_are_the_windows_of_threshold_consecutive_operators() {
        let positions = |ids: &[u64]| -> Vec<Vec<usize>> {
            subsets_of(ids)
                .unwrap()
                .into_iter()
                .map(|s| s.positions)
                .collect()
        };
        assert_eq!(positions(&[1, 2, 3, 4]), [vec![0, 1, 2], vec![1, 2, 3]]);
        let seven: Vec<u64> = (10..17).collect();
        assert_eq!(
            positions(&seven),
            [
                vec![0, 1, 2, 3, 4],
                vec![1, 2, 3, 4, 5],
                vec![2, 3, 4, 5, 6]
            ]
        );
        // n - t + 1 windows: 2, 3, 4, 5 for 4, 7, 10, 13 operators.
        for (n, windows) in [(4u64, 2), (7, 3), (10, 4), (13, 5)] {
            let ids: Vec<u64> = (1..=n).collect();
            assert_eq!(positions(&ids).len(), windows, "{n} operators");
        }
        assert!(subsets_of(&[1, 1, 2, 3]).is_none());
    }
}
