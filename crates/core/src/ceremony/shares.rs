//! Key shares (ssv-keys / ssv-dkg files): version, each share's structure, owner, operators
//! against the pool's cluster and their registered keys, and the chain's facts about the key.
//! Nonce order and one operator set across shares are checked over the whole import (`import`);
//! the ownership signature and the share interpolation apart (`proofs`).

use super::facts::Facts;
use super::{CheckError, SUPPORTED_KEYSHARES_VERSIONS};
use crate::keyshares::{KeyShare, KeyShareError, KeySharesFile};

/// Reads a key shares file: its shares, or why it cannot be read at all.
pub(super) fn read_file(value: serde_json::Value) -> Result<KeySharesFile, CheckError> {
    serde_json::from_value(value).map_err(|error| CheckError::KeySharesShape(error.to_string()))
}

/// Why the file's version makes it unreadable, if it does.
pub(super) fn version_error(file: &KeySharesFile) -> Option<CheckError> {
    (!SUPPORTED_KEYSHARES_VERSIONS.contains(&file.version.as_str())).then(|| {
        CheckError::UnsupportedVersion {
            found: file.version.clone(),
        }
    })
}

/// Every reason `share` is refused for on its own (but its nonce, its operator set against the
/// other shares', and its BLS checks).
pub(super) fn share_errors(share: &KeyShare, facts: &Facts<'_>) -> Vec<CheckError> {
    let mut errors: Vec<CheckError> = share
        .structure_errors()
        .into_iter()
        .map(CheckError::KeyShare)
        .collect();
    let pool = facts.context.pool;
    if share.data.owner_address != pool {
        errors.push(CheckError::KeyShare(KeyShareError::WrongOwner {
            expected: pool,
            found: share.data.owner_address,
        }));
    }
    let ids = &share.payload.operator_ids;
    if let Some(cluster) = facts.context.cluster.as_ref().filter(|c| *c != ids) {
        errors.push(CheckError::NotTheCluster {
            expected: cluster.clone(),
            found: ids.clone(),
        });
    }
    for operator in &share.data.operators {
        match facts.operator_key(operator.id) {
            None => errors.push(CheckError::OperatorNotOnChain { id: operator.id }),
            Some(key) if key.trim() != operator.operator_key.trim() => {
                errors.push(CheckError::OperatorKeyMismatch { id: operator.id })
            }
            Some(_) => {}
        }
    }
    errors.extend(facts.share_key_errors(&share.payload.public_key));
    errors
}
