//! Why an imported file, one of its entries or a validator is refused: one variant per rule,
//! each put into one plain sentence by `Display` (the console prints them as they are).

use alloy_primitives::B256;
use serde::{Deserialize, Serialize};

use crate::bls::BlsError;
use crate::deposit::{DEPOSIT_GWEI, ForkVersion};
use crate::keyshares::KeyShareError;

/// Key shares file versions whose layout the checks know (ssv-keys and ssv-dkg output).
pub const SUPPORTED_KEYSHARES_VERSIONS: &[&str] = &["v1.1.0", "v1.2.0"];

/// One reason for a refusal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckError {
    // The file as a whole.
    /// The text is not JSON (the parser's message).
    NotJson(String),
    /// JSON, but neither a deposit data array nor a key shares object.
    UnknownFileShape,
    /// A key shares object whose fields do not parse (the parser's message).
    KeySharesShape(String),
    /// A file with no entry in it.
    EmptyFile,
    UnsupportedVersion {
        found: String,
    },

    // A deposit data entry.
    /// The entry lacks a field or has one of the wrong type (the parser's message).
    EntryShape(String),
    BadHex {
        field: String,
    },
    BadLength {
        field: String,
        expected: usize,
        found: usize,
    },
    AmountNotANumber {
        text: String,
    },
    WrongAmount {
        gwei: u64,
    },
    WrongCredentials {
        found: B256,
        expected: B256,
    },
    WrongForkVersion {
        found: ForkVersion,
        expected: ForkVersion,
    },
    WrongMessageRoot {
        found: B256,
        computed: B256,
    },
    WrongDataRoot {
        found: B256,
        computed: B256,
    },
    DepositSignature(BlsError),

    // A key share.
    /// Owner, nonce, structure or ownership signature (the key shares module's own reasons).
    KeyShare(KeyShareError),
    NotTheCluster {
        expected: Vec<u64>,
        found: Vec<u64>,
    },
    MixedOperatorSets {
        first: Vec<u64>,
        found: Vec<u64>,
    },
    /// The share comes after the share with the last owner nonce there is (u64::MAX).
    NoNonceLeft,
    OperatorNotOnChain {
        id: u64,
    },
    OperatorKeyMismatch {
        id: u64,
    },
    SharePublicKeyInvalid {
        operator: u64,
    },
    /// The share public keys of these operators do not interpolate to the validator key.
    SharesDoNotInterpolate {
        operators: Vec<u64>,
    },

    // Either kind of entry, by its public key.
    /// The same key came earlier in the import, in `file` at `entry` (0-based).
    DuplicatePubkey {
        file: String,
        entry: usize,
    },
    AlreadyInRegistry,
    Dropped,
    AlreadyDeposited {
        credentials: B256,
        to_pool: bool,
    },
    AlreadyOnSsv,

    // A validator (a deposit and a key share paired by public key).
    NoKeyShare,
    NoDepositData,
    /// The validator's entries are fine, but another entry refuses the file they come in.
    FileRefused {
        file: String,
    },
    /// A validator registered after a refused share would use the refused share's nonce.
    FollowsRefused {
        nonce: u64,
    },
}

impl std::fmt::Display for CheckError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use CheckError::*;
        match self {
            NotJson(message) => write!(f, "The file is not JSON ({message})."),
            UnknownFileShape => f.write_str(
                "The file is neither deposit data (a JSON array from the staking deposit CLI) \
                 nor key shares (an object with `shares`, from ssv-keys or ssv-dkg).",
            ),
            KeySharesShape(message) => write!(f, "The key shares file does not parse ({message})."),
            EmptyFile => f.write_str("The file holds no entry."),
            UnsupportedVersion { found } => write!(
                f,
                "Key shares version {found:?} is not supported (supported: {}).",
                SUPPORTED_KEYSHARES_VERSIONS.join(", ")
            ),
            EntryShape(message) => write!(f, "The entry does not parse ({message})."),
            BadHex { field } => write!(f, "The {field} is not hexadecimal."),
            BadLength {
                field,
                expected,
                found,
            } => write!(f, "The {field} is {found} bytes long, not {expected}."),
            AmountNotANumber { text } => {
                write!(f, "The amount {text:?} is not a whole number of gwei.")
            }
            WrongAmount { gwei } => write!(
                f,
                "The deposit is {gwei} gwei, not 32 ETH ({DEPOSIT_GWEI} gwei): the pool deposits \
                 exactly 32 ETH per validator."
            ),
            WrongCredentials { found, expected } => write!(
                f,
                "The withdrawal credentials are {found}, not the pool's {expected}: the \
                 validator's ETH would not come back to the pool."
            ),
            WrongForkVersion { found, expected } => write!(
                f,
                "The deposit was made for fork version {found}, not the configured network's \
                 {expected}."
            ),
            WrongMessageRoot { found, computed } => write!(
                f,
                "The deposit_message_root is {found}, but the entry's fields give {computed}."
            ),
            WrongDataRoot { found, computed } => write!(
                f,
                "The deposit_data_root is {found}, but the entry's fields give {computed}: the \
                 deposit contract would refuse it."
            ),
            DepositSignature(error) => write!(
                f,
                "The deposit signature is not valid for this network ({error}): the beacon chain \
                 would ignore the deposit and the 32 ETH would be lost."
            ),
            KeyShare(error) => write!(f, "{}.", capitalised(&error.to_string())),
            NotTheCluster { expected, found } => write!(
                f,
                "The shares are for operators {}, but the pool's cluster is operators {}.",
                ids(found),
                ids(expected)
            ),
            MixedOperatorSets { first, found } => write!(
                f,
                "The shares are for operators {}, but the first share of the import is for \
                 operators {}: every validator of the pool runs on the same operators.",
                ids(found),
                ids(first)
            ),
            NoNonceLeft => f.write_str(
                "No SSV owner nonce is left for this share: the one before it has the largest \
                 there is.",
            ),
            OperatorNotOnChain { id } => write!(
                f,
                "Operator {id} is not registered on the SSV network this app reads."
            ),
            OperatorKeyMismatch { id } => write!(
                f,
                "The key listed for operator {id} is not the key it registered on the SSV \
                 network: that operator could not decrypt its share."
            ),
            SharePublicKeyInvalid { operator } => write!(
                f,
                "The share public key of operator {operator} is not a valid BLS12-381 key."
            ),
            SharesDoNotInterpolate { operators } => write!(
                f,
                "The share public keys of operators {} do not combine into the validator's key: \
                 the shares were not split from this key.",
                ids(operators)
            ),
            DuplicatePubkey { file, entry } => write!(
                f,
                "The same public key already came in {file}, entry {}.",
                entry + 1
            ),
            AlreadyInRegistry => f.write_str("The public key is already in the pool's registry."),
            Dropped => f.write_str(
                "The public key was dropped from the pool's registry; a dropped key is never \
                 added again.",
            ),
            AlreadyDeposited {
                credentials,
                to_pool: true,
            } => write!(
                f,
                "A deposit to the pool's credentials {credentials} already exists for this key: \
                 it was already used."
            ),
            AlreadyDeposited {
                credentials,
                to_pool: false,
            } => write!(
                f,
                "A deposit to credentials {credentials} already exists: front-run, this key's \
                 withdrawals belong to someone else for good."
            ),
            AlreadyOnSsv => f.write_str("The public key is already registered with SSV."),
            NoKeyShare => f.write_str("No key share was imported for this public key."),
            NoDepositData => f.write_str("No deposit data was imported for this public key."),
            FileRefused { file } => write!(
                f,
                "Its file {file} is refused for other entries: a file is taken whole or not at all."
            ),
            FollowsRefused { nonce } => write!(
                f,
                "It comes after the refused share with owner nonce {nonce}: registered without \
                 it, this validator would be out of nonce order and never run."
            ),
        }
    }
}

impl std::error::Error for CheckError {}

/// `1, 2, 3, 4`.
fn ids(ids: &[u64]) -> String {
    ids.iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The key shares module's reasons start in lower case (they are clauses); here they stand alone.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
