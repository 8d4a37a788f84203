//! The BLS work of a slice: every deposit and ownership signature in one batch, and the share
//! public keys interpolated to the validator key.

use alloy_primitives::{B256, Bytes};

use super::CheckError;
use super::interpolation::{self, ShareKeys};
use super::report::{EntryRef, RegistryEntry};
use crate::bls::{self, BlsError, PublicKeys, SignedMessage};
use crate::deposit::{DepositData, ForkVersion};
use crate::keyshares::{KeyShare, KeyShareError, ownership_message};

/// Which signature an item is, to name its failure.
#[derive(Clone, Copy)]
enum Signed {
    Deposit,
    Ownership,
}

struct SignatureCheck {
    at: EntryRef,
    what: Signed,
    public_key: [u8; 48],
    message: B256,
    signature: [u8; 96],
}

/// The checks gathered for a slice, run by [`Proofs::failures`].
#[derive(Default)]
pub(super) struct Proofs {
    signatures: Vec<SignatureCheck>,
    share_keys: Vec<ShareKeys>,
}

impl Proofs {
    /// The deposit signature, for the fork version the entry says (a different one than the
    /// network's is refused on its own).
    pub fn deposit(&mut self, at: EntryRef, data: &DepositData, fork: ForkVersion) {
        self.signatures.push(SignatureCheck {
            at,
            what: Signed::Deposit,
            public_key: data.pubkey.0,
            message: data.message().signing_root(fork),
            signature: data.signature.0,
        });
    }

    /// The ownership signature over the owner and nonce the share says (each checked against
    /// the chain on its own), and the shares' interpolation; skipped when the share's lengths
    /// are wrong, which is refused on its own.
    pub fn key_share(&mut self, at: EntryRef, share: &KeyShare) {
        let Ok(public_key) = <[u8; 48]>::try_from(share.payload.public_key.as_ref()) else {
            return;
        };
        let (Some(signature), Some(share_keys)) =
            (share.ownership_signature(), share.share_public_keys())
        else {
            return;
        };
        let message = ownership_message(share.data.owner_address, share.data.owner_nonce);
        self.signatures.push(SignatureCheck {
            at,
            what: Signed::Ownership,
            public_key,
            message: B256::from(message),
            signature,
        });
        self.share_keys.push(ShareKeys {
            at,
            public_key,
            share_keys,
            operator_ids: share.payload.operator_ids.clone(),
        });
    }

    /// Every failure, in no particular order.
    pub fn failures(self, seed: [u8; 32]) -> Vec<(EntryRef, CheckError)> {
        // Each validator key is decoded once for its two signatures and its shares.
        let mut keys = PublicKeys::default();
        let mut found = interpolation::failures(&self.share_keys, seed, &mut keys);
        for (index, error) in failing_signatures(&self.signatures, seed, &mut keys) {
            let check = &self.signatures[index];
            let reason = match check.what {
                Signed::Deposit => CheckError::DepositSignature(error),
                Signed::Ownership => CheckError::KeyShare(KeyShareError::Signature(error)),
            };
            found.push((check.at, reason));
        }
        found
    }
}

/// Every bad signature of `checks`: one batch while all verify; after a failure (the batch names
/// the first bad one, checking one by one up to it), a new batch from the next one on.
fn failing_signatures(
    checks: &[SignatureCheck],
    seed: [u8; 32],
    keys: &mut PublicKeys,
) -> Vec<(usize, BlsError)> {
    let items: Vec<SignedMessage<'_>> = checks
        .iter()
        .map(|check| SignedMessage {
            public_key: &check.public_key,
            message: check.message.as_slice(),
            signature: &check.signature,
        })
        .collect();
    let mut failures = Vec::new();
    let mut start = 0;
    while start < items.len() {
        match bls::verify_batch_with(&items[start..], seed, keys) {
            Ok(()) => break,
            Err(failure) => {
                failures.push((start + failure.index, failure.error));
                start += failure.index + 1;
            }
        }
    }
    failures
}

/// The registry entry of a validator whose deposit and key share passed.
pub(super) fn registry_entry(share: &KeyShare, deposit: &DepositData) -> RegistryEntry {
    RegistryEntry {
        pubkey: share.payload.public_key.clone(),
        signature: Bytes::copy_from_slice(deposit.signature.as_slice()),
        deposit_data_root: deposit.root(),
        operator_ids: share.payload.operator_ids.clone(),
        shares_data: share.payload.shares_data.clone(),
    }
}
