//! The validator registry's hash chain, computed as `PoolManager` computes it.
//!
//! The pool stores one link per entry: `link(i) = keccak256(link(i - 1) ‖ entry_hash(i))` with
//! its low 64 bits cleared, and zero before the first. A client holding an entry's data (from its `ValidatorRegistered`
//! event) checks it against the links `i - 1` and `i` read with `getValidator`, before asking
//! the operator to activate it.

use alloy_primitives::{B256, Bytes, keccak256};

use crate::bindings::PoolManager::ValidatorData;

/// The hash of one entry: keccak256 of its fields' hashes, in declaration order (the deposit
/// data root as is; the operator ids as `abi.encodePacked(uint64[])`, one 32-byte word each).
pub fn entry_hash(entry: &ValidatorData) -> B256 {
    let ids: Vec<u8> = entry
        .operatorIds
        .iter()
        .flat_map(|id| B256::left_padding_from(&id.to_be_bytes()).0)
        .collect();
    let mut fields = Vec::with_capacity(5 * 32);
    fields.extend_from_slice(keccak256(&entry.pubkey).as_slice());
    fields.extend_from_slice(keccak256(&entry.signature).as_slice());
    fields.extend_from_slice(entry.depositDataRoot.as_slice());
    fields.extend_from_slice(keccak256(&ids).as_slice());
    fields.extend_from_slice(keccak256(&entry.sharesData).as_slice());
    keccak256(&fields)
}

/// What `addValidators` takes beside `entry`: its pubkey and signature uncompressed in the
/// EIP-2537 encoding (see [`pool_core::eip2537`]), for the on-chain signature check. Empty when
/// they are not valid points (the pool then refuses the entry with `BlsPointsMismatch` naming
/// its index; the console's checks refuse such an entry before it is sent).
pub fn bls_points(entry: &ValidatorData) -> Bytes {
    let (Ok(pubkey), Ok(signature)) = (
        <[u8; 48]>::try_from(entry.pubkey.as_ref()),
        <[u8; 96]>::try_from(entry.signature.as_ref()),
    ) else {
        return Bytes::new();
    };
    pool_core::eip2537::registry_points(&pubkey, &signature)
        .map(Bytes::from)
        .unwrap_or_default()
}

/// [`bls_points`] of each entry, in order: the `points` argument of `addValidators`.
pub fn bls_points_of(entries: &[ValidatorData]) -> Vec<Bytes> {
    entries.iter().map(bls_points).collect()
}

/// The registry link that follows `previous` (zero for the first entry) for `entry`: 192 bits
/// of keccak256, the low 64 bits zero (the pool keeps the entry's block number there; its
/// `getValidator` returns the link alone).
pub fn link(previous: B256, entry: &ValidatorData) -> B256 {
    let mut both = [0u8; 64];
    both[..32].copy_from_slice(previous.as_slice());
    both[32..].copy_from_slice(entry_hash(entry).as_slice());
    let mut link = keccak256(both);
    link[24..].fill(0);
    link
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::Bytes;

    fn entry(byte: u8) -> ValidatorData {
        ValidatorData {
            pubkey: Bytes::from(vec![byte; 48]),
            signature: Bytes::from(vec![byte; 96]),
            depositDataRoot: B256::repeat_byte(byte),
            operatorIds: vec![1, 2, 3, 4],
            sharesData: Bytes::from(vec![byte; 96 + 4 * (48 + 256)]),
        }
    }

    #[test]
    fn every_field_is_bound() {
        let base = entry(7);
        let mut changed = vec![base.clone(); 5];
        changed[0].pubkey = Bytes::from(vec![8; 48]);
        changed[1].signature = Bytes::from(vec![8; 96]);
        changed[2].depositDataRoot = B256::repeat_byte(8);
        changed[3].operatorIds = vec![1, 2, 3, 5];
        changed[4].sharesData = Bytes::from(vec![8; 96 + 4 * (48 + 256)]);
        for other in changed {
            assert_ne!(entry_hash(&base), entry_hash(&other));
        }
    }

    #[test]
    fn a_link_depends_on_the_one_before() {
        let first = link(B256::ZERO, &entry(1));
        assert_ne!(link(first, &entry(2)), link(B256::ZERO, &entry(2)));
        // The contract is checked against this code on anvil (devnet test `registry_appends_lists_and_rejects_bad_entries`).
    }
}
