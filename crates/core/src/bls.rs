//! BLS signatures as Ethereum validators use them: public keys in G1 (48 bytes compressed),
//! signatures in G2 (96 bytes), the proof-of-possession ciphersuite
//! `BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_`. Built on the zkcrypto `bls12_381` crate
//! (pure Rust, so the same checks run natively and in the browser).
//!
//! ```
//! use pool_core::bls::{SecretKey, verify};
//! let key = SecretKey::from_seed(&[7; 64]);
//! let signature = key.sign(b"hello");
//! assert!(verify(&key.public_key(), b"hello", &signature).is_ok());
//! assert!(verify(&key.public_key(), b"other", &signature).is_err());
//! ```

use std::collections::HashMap;

use bls12_381::hash_to_curve::{ExpandMsgXmd, HashToCurve};
use bls12_381::{
    G1Affine, G1Projective, G2Affine, G2Prepared, G2Projective, Gt, Scalar, multi_miller_loop,
};
use sha2::Digest;

/// Domain separation tag of Ethereum's BLS signatures.
pub const DST: &[u8] = b"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

/// Why a signature does not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum BlsError {
    /// The public key is not a valid compressed G1 point of the right subgroup (or is infinity).
    InvalidPublicKey,
    /// The signature is not a valid compressed G2 point of the right subgroup.
    InvalidSignature,
    /// Well-formed, but not a signature of this message by this key.
    WrongSignature,
}

impl std::fmt::Display for BlsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            BlsError::InvalidPublicKey => "the public key is not a valid BLS12-381 key",
            BlsError::InvalidSignature => "the signature is not a valid BLS12-381 signature",
            BlsError::WrongSignature => "the signature does not match the key and message",
        })
    }
}

impl std::error::Error for BlsError {}

/// A valid public key: a point of the prime-order subgroup (decompression checks it), not the
/// identity.
pub(crate) fn decode_public_key(bytes: &[u8; 48]) -> Option<G1Affine> {
    let key: G1Affine = Option::from(G1Affine::from_compressed(bytes))?;
    (!bool::from(key.is_identity())).then_some(key)
}

/// Public keys decoded once however many checks name them. Decompressing a key (a square root)
/// and checking its subgroup cost about as much as a 64-bit multiplication, and an import names
/// each validator key three times: its deposit signature, its ownership signature, and the
/// interpolation of its shares.
#[derive(Default)]
pub struct PublicKeys(HashMap<[u8; 48], Option<G1Affine>>);

impl PublicKeys {
    /// The key as a point, or `None` when it is not a valid public key.
    pub fn decode(&mut self, bytes: &[u8; 48]) -> Option<G1Affine> {
        *self
            .0
            .entry(*bytes)
            .or_insert_with(|| decode_public_key(bytes))
    }
}

/// Checks that `signature` signs `message` under `public_key`.
pub fn verify(public_key: &[u8; 48], message: &[u8], signature: &[u8; 96]) -> Result<(), BlsError> {
    let key = decode_public_key(public_key).ok_or(BlsError::InvalidPublicKey)?;
    let signature: G2Affine =
        Option::from(G2Affine::from_compressed(signature)).ok_or(BlsError::InvalidSignature)?;
    let hashed = G2Affine::from(hash(message));
    // e(pk, H(m)) == e(g1, sig)  <=>  e(pk, H(m)) * e(-g1, sig) == 1
    let product = multi_miller_loop(&[
        (&key, &G2Prepared::from(hashed)),
        (&-G1Affine::generator(), &G2Prepared::from(signature)),
    ])
    .final_exponentiation();
    if product == Gt::identity() {
        Ok(())
    } else {
        Err(BlsError::WrongSignature)
    }
}

/// One signature to check in a batch.
#[derive(Debug, Clone, Copy)]
pub struct SignedMessage<'a> {
    pub public_key: &'a [u8; 48],
    pub message: &'a [u8],
    pub signature: &'a [u8; 96],
}

/// Why a batch did not verify: the first item at fault, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchError {
    pub index: usize,
    pub error: BlsError,
}

impl std::fmt::Display for BatchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Item {}: {}", self.index, self.error)
    }
}

impl std::error::Error for BatchError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// Checks many signatures at once, about 1.5 times as fast as one by one: one final
/// exponentiation for the whole batch instead of one per signature.
///
/// Each signature is weighted by a 64-bit random factor (so invalid signatures cannot cancel each
/// other out), derived from `seed` and the batch; the seed must be unknown to whoever made the
/// signatures (the browser's `crypto.getRandomValues`, the OS's randomness). When the batch
/// fails, the signatures are checked one by one to name the first bad one.
///
/// ```
/// use pool_core::bls::{SecretKey, SignedMessage, verify_batch};
/// let keys: Vec<SecretKey> = (1..=3u8).map(|i| SecretKey::from_seed(&[i; 64])).collect();
/// let public: Vec<[u8; 48]> = keys.iter().map(|k| k.public_key()).collect();
/// let mut signatures: Vec<[u8; 96]> = keys.iter().map(|k| k.sign(b"deposit")).collect();
/// signatures.swap(1, 2); // keys 2 and 3 each hold the other's signature
/// let items: Vec<SignedMessage> = (0..3)
///     .map(|i| SignedMessage { public_key: &public[i], message: b"deposit", signature: &signatures[i] })
///     .collect();
/// let seed = [9; 32]; // in the browser: crypto.getRandomValues
/// assert_eq!(verify_batch(&items, seed).unwrap_err().index, 1);
/// assert_eq!(verify_batch(&items[..1], seed), Ok(()));
/// ```
pub fn verify_batch(items: &[SignedMessage<'_>], seed: [u8; 32]) -> Result<(), BatchError> {
    verify_batch_with(items, seed, &mut PublicKeys::default())
}

/// [`verify_batch`], with the public keys decoded through `keys` (shared with other checks of
/// the same keys).
pub fn verify_batch_with(
    items: &[SignedMessage<'_>],
    seed: [u8; 32],
    keys: &mut PublicKeys,
) -> Result<(), BatchError> {
    if items.is_empty() {
        return Ok(());
    }
    let mut public_keys = Vec::with_capacity(items.len());
    let mut signatures = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let fault = |error| BatchError { index, error };
        public_keys.push(
            keys.decode(item.public_key)
                .ok_or(fault(BlsError::InvalidPublicKey))?,
        );
        signatures.push(
            Option::<G2Affine>::from(G2Affine::from_compressed(item.signature))
                .ok_or(fault(BlsError::InvalidSignature))?,
        );
    }

    // The factors commit to the seed and to every item, in order.
    let mut transcript = sha2::Sha256::new();
    transcript.update(seed);
    for item in items {
        transcript.update(item.public_key);
        transcript.update((item.message.len() as u64).to_le_bytes());
        transcript.update(item.message);
        transcript.update(item.signature);
    }
    let transcript: [u8; 32] = transcript.finalize().into();
    let factors: Vec<u64> = (0..items.len())
        .map(|i| batch_factor(&transcript, i))
        .collect();

    // Each weighted key and each hash is a pairing input of its own; the signatures are only
    // summed, over one shared doubling chain. The points are made affine (the pairing's input)
    // together: one field inversion for all rather than one each.
    let weighted: Vec<G1Projective> = public_keys
        .iter()
        .zip(&factors)
        .map(|(key, &factor)| times_u64_g1(key, factor))
        .collect();
    let mut weighted_keys = vec![G1Affine::identity(); items.len()];
    G1Projective::batch_normalize(&weighted, &mut weighted_keys);
    let weighted_signatures = weighted_sum_g2(&signatures, &factors);
    let hashed: Vec<G2Projective> = items.iter().map(|item| hash(item.message)).collect();
    let mut hashed_affine = vec![G2Affine::identity(); items.len()];
    G2Projective::batch_normalize(&hashed, &mut hashed_affine);
    let hashes: Vec<G2Prepared> = hashed_affine.into_iter().map(G2Prepared::from).collect();
    // prod e(r_i pk_i, H(m_i)) * e(-g1, sum r_i sig_i) == 1
    let minus_g1 = -G1Affine::generator();
    let summed = G2Prepared::from(G2Affine::from(weighted_signatures));
    let mut terms: Vec<(&G1Affine, &G2Prepared)> = weighted_keys.iter().zip(&hashes).collect();
    terms.push((&minus_g1, &summed));
    if multi_miller_loop(&terms).final_exponentiation() == Gt::identity() {
        return Ok(());
    }
    for (index, item) in items.iter().enumerate() {
        verify(item.public_key, item.message, item.signature)
            .map_err(|error| BatchError { index, error })?;
    }
    // Unreachable unless the batch equation and the single checks disagree.
    Err(BatchError {
        index: 0,
        error: BlsError::WrongSignature,
    })
}

/// A nonzero 64-bit factor for item `i` (also weights the key-share interpolation batches).
pub(crate) fn batch_factor(transcript: &[u8; 32], i: usize) -> u64 {
    let mut hasher = sha2::Sha256::new();
    hasher.update(transcript);
    hasher.update((i as u64).to_le_bytes());
    let digest: [u8; 32] = hasher.finalize().into();
    u64::from_le_bytes(digest[..8].try_into().expect("8 bytes")) | 1
}

// Multiplication by a public 64-bit factor: double-and-add over 64 bits with mixed additions, a
// quarter of the work of the crate's constant-time multiplication by a full scalar (nothing here
// is secret: the factors only need to be unknown to whoever made the files, before they are).
fn times_u64_g1(point: &G1Affine, factor: u64) -> G1Projective {
    weighted_sum_g1(std::slice::from_ref(point), &[factor])
}

/// `Σ k_i·P_i` for public 64-bit `k_i` with one doubling chain for all the points (Straus):
/// 64 doublings in all and about 32 mixed additions per point, where a multiplication per point
/// would take 64 doublings each.
macro_rules! weighted_sum {
    ($name:ident, $projective:ty, $affine:ty) => {
        pub(crate) fn $name(points: &[$affine], factors: &[u64]) -> $projective {
            assert_eq!(points.len(), factors.len(), "one factor per point");
            (0..64).rev().fold(<$projective>::identity(), |acc, bit| {
                let mut acc = acc.double();
                for (point, factor) in points.iter().zip(factors) {
                    if (factor >> bit) & 1 == 1 {
                        acc += point;
                    }
                }
                acc
            })
        }
    };
}
weighted_sum!(weighted_sum_g1, G1Projective, G1Affine);
weighted_sum!(weighted_sum_g2, G2Projective, G2Affine);

pub(crate) fn hash(message: &[u8]) -> G2Projective {
    <G2Projective as HashToCurve<ExpandMsgXmd<sha2::Sha256>>>::hash_to_curve([message], DST)
}

/// A BLS secret key (for the devnet's key ceremony and for tests).
#[derive(Clone)]
pub struct SecretKey(Scalar);

impl SecretKey {
    /// A key from 64 bytes of seed material (reduced modulo the group order).
    pub fn from_seed(seed: &[u8; 64]) -> SecretKey {
        SecretKey(Scalar::from_bytes_wide(seed))
    }

    /// The key's scalar, for secret sharing.
    pub fn scalar(&self) -> Scalar {
        self.0
    }

    pub fn from_scalar(scalar: Scalar) -> SecretKey {
        SecretKey(scalar)
    }

    pub fn public_key(&self) -> [u8; 48] {
        G1Affine::from(G1Projective::generator() * self.0).to_compressed()
    }

    pub fn sign(&self, message: &[u8]) -> [u8; 96] {
        G2Affine::from(hash(message) * self.0).to_compressed()
    }

    /// The secret as 32 big-endian bytes (how key stores and ssv-keys write it).
    pub fn to_be_bytes(&self) -> [u8; 32] {
        let mut bytes = self.0.to_bytes();
        bytes.reverse();
        bytes
    }

    /// Reads 32 big-endian bytes; `None` unless they are a scalar below the group order.
    pub fn from_be_bytes(bytes: &[u8; 32]) -> Option<SecretKey> {
        let mut little = *bytes;
        little.reverse();
        Option::from(Scalar::from_bytes(&little)).map(SecretKey)
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_accepts_good_signatures_and_names_the_first_bad_one() {
        let keys: Vec<SecretKey> = (1..=5u8).map(|i| SecretKey::from_seed(&[i; 64])).collect();
        let public: Vec<[u8; 48]> = keys.iter().map(SecretKey::public_key).collect();
        let messages: Vec<Vec<u8>> = (0..5u8).map(|i| vec![i; 40]).collect();
        let mut signatures: Vec<[u8; 96]> =
            keys.iter().zip(&messages).map(|(k, m)| k.sign(m)).collect();
        let check = |signatures: &[[u8; 96]], messages: &[Vec<u8>]| {
            let items: Vec<SignedMessage<'_>> = (0..5)
                .map(|i| SignedMessage {
                    public_key: &public[i],
                    message: &messages[i],
                    signature: &signatures[i],
                })
                .collect();
            verify_batch(&items, [3; 32])
        };
        assert_eq!(check(&signatures, &messages), Ok(()));
        assert_eq!(verify_batch(&[], [0; 32]), Ok(()));

        // Two wrong signatures whose errors would cancel in an unweighted sum: sig_1 + d and
        // sig_3 - d. The random factors catch them.
        let d = G2Projective::generator() * Scalar::from(12345u64);
        let shift = |sig: &[u8; 96], by: G2Projective| {
            let point = G2Projective::from(G2Affine::from_compressed(sig).unwrap());
            G2Affine::from(point + by).to_compressed()
        };
        let mut cancelling = signatures.clone();
        cancelling[1] = shift(&signatures[1], d);
        cancelling[3] = shift(&signatures[3], -d);
        assert_eq!(
            check(&cancelling, &messages),
            Err(BatchError {
                index: 1,
                error: BlsError::WrongSignature
            })
        );

        let mut other = messages.clone();
        other[4][0] ^= 1;
        assert_eq!(check(&signatures, &other).unwrap_err().index, 4);
        signatures[2] = [0; 96];
        assert_eq!(
            check(&signatures, &messages),
            Err(BatchError {
                index: 2,
                error: BlsError::InvalidSignature
            })
        );
    }

    #[test]
    fn weighted_sums_agree_with_scalar_multiplications() {
        let g1: Vec<G1Affine> = (1..=4u64)
            .map(|i| G1Affine::from(G1Projective::generator() * Scalar::from(i * 77)))
            .collect();
        let g2: Vec<G2Affine> = (1..=4u64)
            .map(|i| G2Affine::from(G2Projective::generator() * Scalar::from(i * 77)))
            .collect();
        let factors = [0u64, 1, 40320, u64::MAX];
        let expected_g1: G1Projective = g1
            .iter()
            .zip(factors)
            .map(|(p, k)| p * Scalar::from(k))
            .sum();
        let expected_g2: G2Projective = g2
            .iter()
            .zip(factors)
            .map(|(p, k)| p * Scalar::from(k))
            .sum();
        assert_eq!(weighted_sum_g1(&g1, &factors), expected_g1);
        assert_eq!(weighted_sum_g2(&g2, &factors), expected_g2);
        for k in factors {
            assert_eq!(times_u64_g1(&g1[1], k), g1[1] * Scalar::from(k), "k = {k}");
        }
    }

    #[test]
    fn keys_decode_once_and_invalid_ones_stay_invalid() {
        let mut keys = PublicKeys::default();
        let key = SecretKey::from_seed(&[4; 64]).public_key();
        let point = keys.decode(&key).unwrap();
        assert_eq!(point.to_compressed(), key);
        assert_eq!(keys.decode(&key), Some(point));
        assert_eq!(keys.decode(&[0; 48]), None);
        // The identity is a valid encoding but not a key.
        assert_eq!(keys.decode(&G1Affine::identity().to_compressed()), None);
        assert_eq!(keys.0.len(), 3);
    }

    #[test]
    fn sign_and_verify_round_trip_and_reject_tampering() {
        let key = SecretKey::from_seed(&[1; 64]);
        let other = SecretKey::from_seed(&[2; 64]);
        let signature = key.sign(b"message");
        assert_eq!(verify(&key.public_key(), b"message", &signature), Ok(()));
        assert_eq!(
            verify(&other.public_key(), b"message", &signature),
            Err(BlsError::WrongSignature)
        );
        assert_eq!(
            verify(&key.public_key(), b"massage", &signature),
            Err(BlsError::WrongSignature)
        );
        assert_eq!(
            verify(&[0u8; 48], b"message", &signature),
            Err(BlsError::InvalidPublicKey)
        );
        assert_eq!(
            verify(&key.public_key(), b"message", &[0u8; 96]),
            Err(BlsError::InvalidSignature)
        );
    }
}
