//! Whether a key share's share public keys come from the validator key. Shamir shares of a
//! secret `s` lie on a polynomial `f` of degree `t - 1` with `f(0) = s`; the operator with id
//! `x` holds `f(x)`: SSV nodes recombine partial signatures by Lagrange interpolation over the
//! operator ids (ssv-spec `ReconstructSignatures`), and ssv-keys and ssv-dkg split that way
//! (the ssv-dkg example in `contracts/reference/` interpolates only so). The share public keys
//! `f(x)·G` therefore interpolate at 0 to the validator key `s·G` over any `t` of them.
//!
//! Two subsets are checked, the first `t` operators and the last `t`: together they hold every
//! share, and a bad share moves the interpolation of any subset it is in (its Lagrange
//! coefficient at 0 is never zero). `t = n - (n - 1) / 3`, as the tools split.

use std::collections::HashMap;

use bls12_381::{G1Affine, G1Projective, Scalar};

use super::CheckError;
use crate::keyshares::valid_operator_set;

/// One subset to interpolate over: positions in the operator set, and their Lagrange
/// coefficients at 0.
struct Subset {
    positions: Vec<usize>,
    coefficients: Vec<Scalar>,
}

/// The subsets of every operator set met so far: the coefficients need field inversions,
/// and an import uses one operator set for all its shares.
#[derive(Default)]
pub(super) struct Interpolation {
    subsets: HashMap<Vec<u64>, Option<Vec<Subset>>>,
}

impl Interpolation {
    /// Every reason the shares `share_keys` (in operator order, with their `operator_ids`) do
    /// not interpolate to `public_key`. An invalid validator key is left to the signature
    /// check, an invalid operator set to the structure checks.
    pub fn errors(
        &mut self,
        public_key: &[u8; 48],
        share_keys: &[[u8; 48]],
        operator_ids: &[u64],
    ) -> Vec<CheckError> {
        let Some(validator) = decode(public_key) else {
            return Vec::new();
        };
        let subsets = self
            .subsets
            .entry(operator_ids.to_vec())
            .or_insert_with(|| subsets_of(operator_ids));
        let Some(subsets) = subsets else {
            return Vec::new();
        };
        let mut points = Vec::with_capacity(share_keys.len());
        let mut errors = Vec::new();
        for (key, &operator) in share_keys.iter().zip(operator_ids) {
            match decode(key) {
                Some(point) => points.push(point),
                None => errors.push(CheckError::SharePublicKeyInvalid { operator }),
            }
        }
        if !errors.is_empty() {
            return errors;
        }
        for subset in subsets.iter() {
            let combined: G1Projective = subset
                .positions
                .iter()
                .zip(&subset.coefficients)
                .map(|(&j, c)| points[j] * c)
                .sum();
            if combined != validator {
                errors.push(CheckError::SharesDoNotInterpolate {
                    operators: subset.positions.iter().map(|&j| operator_ids[j]).collect(),
                });
            }
        }
        errors
    }
}

/// The first and the last `t` operators of a valid set, with their coefficients.
fn subsets_of(ids: &[u64]) -> Option<Vec<Subset>> {
    if !valid_operator_set(ids) {
        return None;
    }
    let n = ids.len();
    let threshold = n - (n - 1) / 3;
    let subset = |positions: Vec<usize>| {
        let xs: Vec<u64> = positions.iter().map(|&j| ids[j]).collect();
        Subset {
            coefficients: lagrange_at_zero(&xs),
            positions,
        }
    };
    Some(vec![
        subset((0..threshold).collect()),
        subset((n - threshold..n).collect()),
    ])
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

/// A valid public key (a point of the prime-order subgroup, not the identity).
fn decode(key: &[u8; 48]) -> Option<G1Projective> {
    let point: G1Affine = Option::from(G1Affine::from_compressed(key))?;
    (!bool::from(point.is_identity())).then(|| point.into())
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
    fn subsets_are_the_first_and_last_threshold_operators() {
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
            [vec![0, 1, 2, 3, 4], vec![2, 3, 4, 5, 6]]
        );
        assert!(subsets_of(&[1, 1, 2, 3]).is_none());
    }
}
