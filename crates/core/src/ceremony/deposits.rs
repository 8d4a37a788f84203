//! Deposit data entries (`deposit_data-*.json`): shape, hex and lengths, amount, credentials,
//! fork version, both roots recomputed, and the chain's facts about the key. The signature is
//! checked apart, in a batch (see `proofs`).

use alloy_primitives::{B256, Bytes, FixedBytes};
use serde::Deserialize;

use super::CheckError;
use super::facts::Facts;
use crate::deposit::{DEPOSIT_GWEI, DepositData, DepositMessage, ForkVersion};

/// A deposit entry as read: what could be decoded of it.
pub(super) struct DepositEntry {
    /// The entry's public key, when it is 48 bytes of hex.
    pub pubkey: Option<Bytes>,
    /// The deposit, when every field decodes; and the fork version the entry says it signs for.
    pub signed: Option<(DepositData, ForkVersion)>,
}

/// The staking deposit CLI's fields (others, like `network_name`, are not checked: the fork
/// version says the network). ssv-dkg writes the amount as a string, the CLI as a number.
#[derive(Deserialize)]
struct RawDeposit {
    pubkey: String,
    withdrawal_credentials: String,
    amount: RawAmount,
    signature: String,
    deposit_message_root: String,
    deposit_data_root: String,
    fork_version: String,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawAmount {
    Number(u64),
    Text(String),
}

/// Reads one entry; `errors` receives every reason it is refused for (but its signature's).
pub(super) fn read_entry(
    value: serde_json::Value,
    facts: &Facts<'_>,
    errors: &mut Vec<CheckError>,
) -> DepositEntry {
    let raw: RawDeposit = match serde_json::from_value(value) {
        Ok(raw) => raw,
        Err(error) => {
            errors.push(CheckError::EntryShape(error.to_string()));
            return DepositEntry {
                pubkey: None,
                signed: None,
            };
        }
    };
    let pubkey = hex_field::<48>("pubkey", &raw.pubkey, errors);
    let credentials = hex_field::<32>(
        "withdrawal_credentials",
        &raw.withdrawal_credentials,
        errors,
    );
    let signature = hex_field::<96>("signature", &raw.signature, errors);
    let message_root = hex_field::<32>("deposit_message_root", &raw.deposit_message_root, errors);
    let data_root = hex_field::<32>("deposit_data_root", &raw.deposit_data_root, errors);
    let fork = hex_field::<4>("fork_version", &raw.fork_version, errors);
    let amount = match raw.amount {
        RawAmount::Number(gwei) => Some(gwei),
        RawAmount::Text(text) => text.parse().ok().or_else(|| {
            errors.push(CheckError::AmountNotANumber { text });
            None
        }),
    };
    if let Some(pubkey) = pubkey {
        errors.extend(facts.deposit_key_errors(pubkey.as_slice()));
    }
    let pubkey_bytes = pubkey.map(|key| Bytes::copy_from_slice(key.as_slice()));
    let (
        Some(pubkey),
        Some(credentials),
        Some(signature),
        Some(message_root),
        Some(data_root),
        Some(fork),
        Some(amount),
    ) = (
        pubkey,
        credentials,
        signature,
        message_root,
        data_root,
        fork,
        amount,
    )
    else {
        return DepositEntry {
            pubkey: pubkey_bytes,
            signed: None,
        };
    };
    let withdrawal_credentials = B256::from(credentials);
    if amount != DEPOSIT_GWEI {
        errors.push(CheckError::WrongAmount { gwei: amount });
    }
    if withdrawal_credentials != facts.credentials {
        errors.push(CheckError::WrongCredentials {
            found: withdrawal_credentials,
            expected: facts.credentials,
        });
    }
    let fork = ForkVersion(fork);
    if fork != facts.context.fork_version {
        errors.push(CheckError::WrongForkVersion {
            found: fork,
            expected: facts.context.fork_version,
        });
    }
    let data = DepositData {
        pubkey,
        withdrawal_credentials,
        amount,
        signature,
    };
    let computed = DepositMessage::root(&data.message());
    if message_root != computed {
        errors.push(CheckError::WrongMessageRoot {
            found: message_root,
            computed,
        });
    }
    let computed = data.root();
    if data_root != computed {
        errors.push(CheckError::WrongDataRoot {
            found: data_root,
            computed,
        });
    }
    DepositEntry {
        pubkey: pubkey_bytes,
        signed: Some((data, fork)),
    }
}

/// `N` bytes of hex (the CLI writes it without `0x`; a `0x` is tolerated).
fn hex_field<const N: usize>(
    field: &str,
    text: &str,
    errors: &mut Vec<CheckError>,
) -> Option<FixedBytes<N>> {
    let field = field.to_string();
    match alloy_primitives::hex::decode(text) {
        Err(_) => {
            errors.push(CheckError::BadHex { field });
            None
        }
        Ok(bytes) if bytes.len() != N => {
            errors.push(CheckError::BadLength {
                field,
                expected: N,
                found: bytes.len(),
            });
            None
        }
        Ok(bytes) => Some(FixedBytes::from_slice(&bytes)),
    }
}
