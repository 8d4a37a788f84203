//! Key shares files (ssv-keys / ssv-dkg output) and the checks that keep a registration from
//! silently never running: right owner, right nonce, consistent operators, right lengths, and a
//! valid ownership signature.
//!
//! `sharesData = signature (96) ++ N share public keys (48 each) ++ N encrypted shares (256 each)`,
//! where the signature is the validator key's BLS signature over
//! `keccak256("<checksummed owner>:<owner nonce>")`.

use alloy_primitives::{Address, Bytes, keccak256};
use serde::{Deserialize, Serialize};

use crate::bls;

/// The ownership signature at the head of `sharesData`.
pub const SIGNATURE_LEN: usize = 96;
/// One operator's share public key.
pub const SHARE_PUBKEY_LEN: usize = 48;
/// One operator's share, encrypted to its RSA key.
pub const ENCRYPTED_SHARE_LEN: usize = 256;

/// A keyshares file: `{ version, createdAt, shares: [...] }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeySharesFile {
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    pub shares: Vec<KeyShare>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyShare {
    pub data: KeyShareData,
    pub payload: KeySharePayload,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyShareData {
    pub owner_nonce: u64,
    pub owner_address: Address,
    pub public_key: Bytes,
    pub operators: Vec<ShareOperator>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareOperator {
    pub id: u64,
    /// The operator's RSA public key (base64 of a PEM), as registered on the SSV network.
    pub operator_key: String,
}

/// What `registerValidator` receives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeySharePayload {
    pub public_key: Bytes,
    pub operator_ids: Vec<u64>,
    pub shares_data: Bytes,
}

/// Why a key share cannot be registered as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyShareError {
    WrongOwner { expected: Address, found: Address },
    WrongNonce { expected: u64, found: u64 },
    PublicKeyMismatch,
    InvalidPublicKeyLength(usize),
    InvalidOperatorSet,
    OperatorsMismatch,
    SharesLength { expected: usize, found: usize },
    Signature(bls::BlsError),
}

impl std::fmt::Display for KeyShareError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::WrongOwner { expected, found } => {
                write!(
                    f,
                    "the shares are for owner {found}, not {expected}: they would never run"
                )
            }
            Self::WrongNonce { expected, found } => write!(
                f,
                "the shares were made for owner nonce {found} but the next registration is nonce {expected}: \
                 registered now, the validator would never run"
            ),
            Self::PublicKeyMismatch => {
                f.write_str("the file's data and payload name different validators")
            }
            Self::InvalidPublicKeyLength(n) => {
                write!(f, "the validator public key is {n} bytes, not 48")
            }
            Self::InvalidOperatorSet => {
                f.write_str("operator ids must be 4, 7, 10 or 13 distinct ids in ascending order")
            }
            Self::OperatorsMismatch => {
                f.write_str("the operators listed differ from the payload's operator ids")
            }
            Self::SharesLength { expected, found } => {
                write!(
                    f,
                    "the shares data is {found} bytes where {expected} are needed"
                )
            }
            Self::Signature(e) => write!(f, "the ownership signature is not valid: {e}"),
        }
    }
}

impl std::error::Error for KeyShareError {}

/// `keccak256("<checksummed owner>:<nonce>")`, what the validator key signs.
pub fn ownership_message(owner: Address, nonce: u64) -> [u8; 32] {
    keccak256(format!("{}:{nonce}", owner.to_checksum(None))).0
}

/// Whether `ids` is a valid SSV operator set: 4, 7, 10 or 13 ids, strictly ascending, no zero.
pub fn valid_operator_set(ids: &[u64]) -> bool {
    matches!(ids.len(), 4 | 7 | 10 | 13) && ids[0] > 0 && ids.windows(2).all(|w| w[0] < w[1])
}

/// Length of `sharesData` for `operators` operators.
pub fn shares_data_len(operators: usize) -> usize {
    SIGNATURE_LEN + operators * (SHARE_PUBKEY_LEN + ENCRYPTED_SHARE_LEN)
}

impl KeyShare {
    /// Checks the share for registration by `owner` as its registration number `nonce`.
    pub fn validate(&self, owner: Address, nonce: u64) -> Result<(), KeyShareError> {
        let data = &self.data;
        if data.owner_address != owner {
            return Err(KeyShareError::WrongOwner {
                expected: owner,
                found: data.owner_address,
            });
        }
        if data.owner_nonce != nonce {
            return Err(KeyShareError::WrongNonce {
                expected: nonce,
                found: data.owner_nonce,
            });
        }
        if let Some(error) = self.structure_errors().into_iter().next() {
            return Err(error);
        }
        let public_key: [u8; 48] = self
            .payload
            .public_key
            .as_ref()
            .try_into()
            .expect("length checked");
        let signature: [u8; 96] = self.ownership_signature().expect("length checked");
        bls::verify(&public_key, &ownership_message(owner, nonce), &signature)
            .map_err(KeyShareError::Signature)
    }

    /// Every inconsistency within the share itself, whoever registers it: data and payload
    /// naming different keys or operators, an operator set SSV refuses, a `sharesData` of the
    /// wrong length. Empty when the share is well formed.
    pub fn structure_errors(&self) -> Vec<KeyShareError> {
        let data = &self.data;
        let payload = &self.payload;
        let mut errors = Vec::new();
        if data.public_key != payload.public_key {
            errors.push(KeyShareError::PublicKeyMismatch);
        }
        if payload.public_key.len() != 48 {
            errors.push(KeyShareError::InvalidPublicKeyLength(
                payload.public_key.len(),
            ));
        }
        if !valid_operator_set(&payload.operator_ids) {
            errors.push(KeyShareError::InvalidOperatorSet);
        }
        if !data
            .operators
            .iter()
            .map(|o| o.id)
            .eq(payload.operator_ids.iter().copied())
        {
            errors.push(KeyShareError::OperatorsMismatch);
        }
        let expected = shares_data_len(payload.operator_ids.len());
        if payload.shares_data.len() != expected {
            errors.push(KeyShareError::SharesLength {
                expected,
                found: payload.shares_data.len(),
            });
        }
        errors
    }

    /// The ownership signature at the head of `sharesData`, if it is that long.
    pub fn ownership_signature(&self) -> Option<[u8; 96]> {
        self.payload
            .shares_data
            .get(..SIGNATURE_LEN)?
            .try_into()
            .ok()
    }

    /// The operators' share public keys, in operator order, when `sharesData` has the length
    /// its operator count calls for.
    pub fn share_public_keys(&self) -> Option<Vec<[u8; 48]>> {
        let n = self.payload.operator_ids.len();
        if self.payload.shares_data.len() != shares_data_len(n) {
            return None;
        }
        let keys = &self.payload.shares_data[SIGNATURE_LEN..SIGNATURE_LEN + n * SHARE_PUBKEY_LEN];
        Some(
            keys.chunks_exact(SHARE_PUBKEY_LEN)
                .map(|key| key.try_into().expect("48 bytes"))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference DKG output (ssvlabs/ssv-dkg test data), kept in the repository's
    /// `contracts/reference/` (its README says where it came from).
    fn reference() -> KeySharesFile {
        let text =
            include_str!("../../../contracts/reference/keyshares-example-ssv-dkg-valid.json");
        serde_json::from_str(text).expect("a keyshares file")
    }

    #[test]
    fn the_reference_dkg_output_validates_for_its_owner_and_nonce() {
        let file = reference();
        let share = &file.shares[0];
        let owner: Address = "0x81592c3DE184A3E2c0DCB5a261BC107Bfa91f494"
            .parse()
            .unwrap();
        assert_eq!(share.validate(owner, 100), Ok(()));
    }

    #[test]
    fn wrong_owner_nonce_or_data_is_refused_with_a_reason() {
        let share = reference().shares.remove(0);
        let owner = share.data.owner_address;
        assert!(matches!(
            share.validate(Address::ZERO, 100),
            Err(KeyShareError::WrongOwner { .. })
        ));
        assert_eq!(
            share.validate(owner, 101),
            Err(KeyShareError::WrongNonce {
                expected: 101,
                found: 100
            })
        );

        // A signature for another nonce does not pass as this one.
        let mut forged = share.clone();
        forged.data.owner_nonce = 101;
        assert!(matches!(
            forged.validate(owner, 101),
            Err(KeyShareError::Signature(bls::BlsError::WrongSignature))
        ));

        let mut short = share.clone();
        short.payload.shares_data = short.payload.shares_data.slice(..100);
        assert!(matches!(
            short.validate(owner, 100),
            Err(KeyShareError::SharesLength { .. })
        ));

        let mut unsorted = share.clone();
        unsorted.payload.operator_ids.swap(0, 1);
        assert_eq!(
            unsorted.validate(owner, 100),
            Err(KeyShareError::InvalidOperatorSet)
        );
    }

    #[test]
    fn operator_sets() {
        assert!(valid_operator_set(&[1, 2, 3, 4]));
        assert!(!valid_operator_set(&[1, 2, 3]));
        assert!(!valid_operator_set(&[0, 1, 2, 3]));
        assert!(!valid_operator_set(&[1, 1, 2, 3]));
        assert_eq!(shares_data_len(4), 1312);
    }
}
