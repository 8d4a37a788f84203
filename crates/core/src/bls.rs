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

use bls12_381::hash_to_curve::{ExpandMsgXmd, HashToCurve};
use bls12_381::{
    G1Affine, G1Projective, G2Affine, G2Prepared, G2Projective, Gt, Scalar, multi_miller_loop,
};

/// Domain separation tag of Ethereum's BLS signatures.
pub const DST: &[u8] = b"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

/// Why a signature does not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// Checks that `signature` signs `message` under `public_key`.
pub fn verify(public_key: &[u8; 48], message: &[u8], signature: &[u8; 96]) -> Result<(), BlsError> {
    let key: G1Affine =
        Option::from(G1Affine::from_compressed(public_key)).ok_or(BlsError::InvalidPublicKey)?;
    if bool::from(key.is_identity()) {
        return Err(BlsError::InvalidPublicKey);
    }
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

fn hash(message: &[u8]) -> G2Projective {
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
