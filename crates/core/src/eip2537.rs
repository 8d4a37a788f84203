//! BLS12-381 points in the encoding of the EIP-2537 precompiles, which the pool's registry uses
//! to check deposit signatures on chain (`DepositSignatureVerifier`).
//!
//! Each base field element is 64 bytes: 16 zero bytes, then its 48 big-endian bytes. A G1 point
//! is `x ‖ y` (128 bytes); a G2 point is `x.c0 ‖ x.c1 ‖ y.c0 ‖ y.c1` (256 bytes). The registry
//! takes, beside each entry's compressed pubkey and signature, the same two points uncompressed
//! ([`registry_points`]) and checks on chain that they compress to exactly those bytes, so it
//! needs no square roots.
//!
//! ```
//! use pool_core::bls::SecretKey;
//! use pool_core::eip2537::{POINTS_LEN, registry_points};
//! let key = SecretKey::from_seed(&[3; 64]);
//! let points = registry_points(&key.public_key(), &key.sign(b"deposit")).unwrap();
//! assert_eq!(points.len(), POINTS_LEN);
//! assert!(registry_points(&[0; 48], &key.sign(b"deposit")).is_err());
//! ```

use bls12_381::{G1Affine, G2Affine};

use crate::bls::BlsError;

/// A G1 point, uncompressed.
pub const G1_LEN: usize = 128;
/// A G2 point, uncompressed.
pub const G2_LEN: usize = 256;
/// What `addValidators` takes per entry: the pubkey (G1) then the signature (G2), uncompressed.
pub const POINTS_LEN: usize = G1_LEN + G2_LEN;

/// Copies 48-byte field elements into 64-byte slots (16 zero bytes first).
fn pad(out: &mut [u8], elements: &[&[u8]]) {
    for (slot, element) in out.chunks_mut(64).zip(elements) {
        slot[..16].fill(0);
        slot[16..].copy_from_slice(element);
    }
}

/// `point` in the EIP-2537 encoding.
pub fn encode_g1(point: &G1Affine) -> [u8; G1_LEN] {
    let raw = point.to_uncompressed();
    let mut out = [0u8; G1_LEN];
    pad(&mut out, &[&raw[..48], &raw[48..]]);
    out
}

/// `point` in the EIP-2537 encoding (the crate's uncompressed form puts c1 before c0).
pub fn encode_g2(point: &G2Affine) -> [u8; G2_LEN] {
    let raw = point.to_uncompressed();
    let mut out = [0u8; G2_LEN];
    pad(
        &mut out,
        &[&raw[48..96], &raw[..48], &raw[144..], &raw[96..144]],
    );
    out
}

/// The uncompressed points of a registry entry: its pubkey (a valid key: in the subgroup, not
/// the identity) and its signature (on the curve; the chain checks its subgroup).
pub fn registry_points(pubkey: &[u8; 48], signature: &[u8; 96]) -> Result<Vec<u8>, BlsError> {
    let key = crate::bls::decode_public_key(pubkey).ok_or(BlsError::InvalidPublicKey)?;
    // Unchecked: the subgroup check of a G2 point is the slow part, and the pairing precompile
    // does it.
    let signature: G2Affine = Option::from(G2Affine::from_compressed_unchecked(signature))
        .ok_or(BlsError::InvalidSignature)?;
    let mut points = Vec::with_capacity(POINTS_LEN);
    points.extend_from_slice(&encode_g1(&key));
    points.extend_from_slice(&encode_g2(&signature));
    Ok(points)
}

/// `hash_to_curve(message)` in G2 for Ethereum's ciphersuite, in the EIP-2537 encoding (what
/// the verifier's `hashToG2` returns).
pub fn hash_to_g2(message: &[u8]) -> [u8; G2_LEN] {
    encode_g2(&G2Affine::from(crate::bls::hash(message)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bls::SecretKey;

    #[test]
    fn points_carry_the_compressed_coordinates() {
        let key = SecretKey::from_seed(&[8; 64]);
        let pubkey = key.public_key();
        let signature = key.sign(b"m");
        let points = registry_points(&pubkey, &signature).unwrap();
        // x of the key: the compressed bytes without their flags.
        let mut x = pubkey;
        x[0] &= 0x1f;
        assert_eq!(&points[16..64], &x);
        assert!(points[..16].iter().all(|&b| b == 0));
        // x.c1 of the signature: its first 48 compressed bytes without flags, in the second slot.
        let mut x1 = [0u8; 48];
        x1.copy_from_slice(&signature[..48]);
        x1[0] &= 0x1f;
        assert_eq!(&points[G1_LEN + 80..G1_LEN + 128], &x1);
        assert_eq!(&points[G1_LEN + 16..G1_LEN + 64], &signature[48..]);
        assert_eq!(
            registry_points(&pubkey, &[0; 96]),
            Err(BlsError::InvalidSignature)
        );
        let identity = G1Affine::identity().to_compressed();
        assert_eq!(
            registry_points(&identity, &signature),
            Err(BlsError::InvalidPublicKey)
        );
    }
}
