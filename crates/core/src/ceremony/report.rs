//! What the checks found: per file, per validator, and the registry entries of the accepted
//! validators; and the joining of the parts that split the BLS work.

use alloy_primitives::{B256, Bytes};
use serde::{Deserialize, Serialize};

use super::{CheckError, Slice};

/// What an imported file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileKind {
    DepositData,
    KeyShares,
    Unrecognised,
}

/// An entry of an imported file: file position in the import, entry position in the file
/// (both 0-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryRef {
    pub file: usize,
    pub entry: usize,
}

/// One reason a file is refused, with where it applies: the whole file (`entry: None`) or one
/// entry (0-based), and that entry's public key when it has a readable one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub entry: Option<usize>,
    pub pubkey: Option<Bytes>,
    pub error: CheckError,
}

impl std::fmt::Display for Refusal {
    /// `Entry 3 (0x85a84321189579ec…): <reason>`, entries counted from 1 as people count.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.entry, &self.pubkey) {
            (Some(entry), Some(pubkey)) => {
                write!(f, "Entry {} ({}): {}", entry + 1, short(pubkey), self.error)
            }
            (Some(entry), None) => write!(f, "Entry {}: {}", entry + 1, self.error),
            (None, _) => write!(f, "{}", self.error),
        }
    }
}

/// `0x` and the first 8 bytes of a public key: enough to find it in a file.
fn short(pubkey: &Bytes) -> String {
    let head = &pubkey[..pubkey.len().min(8)];
    let ellipsis = if pubkey.len() > 8 { "…" } else { "" };
    format!("0x{}{ellipsis}", alloy_primitives::hex::encode(head))
}

/// One imported file and every reason it is refused (accepted when there is none).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileReport {
    pub name: String,
    pub kind: FileKind,
    /// How many entries it holds (deposits or key shares).
    pub entries: usize,
    pub refusals: Vec<Refusal>,
}

impl FileReport {
    pub fn accepted(&self) -> bool {
        self.kind != FileKind::Unrecognised && self.refusals.is_empty()
    }

    /// Whether the file is refused for something other than `entry`.
    fn refused_apart_from(&self, entry: usize) -> bool {
        self.kind == FileKind::Unrecognised || self.refusals.iter().any(|r| r.entry != Some(entry))
    }
}

/// What the registry receives for one validator (the chain crate turns it into the contract's
/// `ValidatorData`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryEntry {
    pub pubkey: Bytes,
    /// The deposit signature.
    pub signature: Bytes,
    pub deposit_data_root: B256,
    pub operator_ids: Vec<u64>,
    pub shares_data: Bytes,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    Accepted(RegistryEntry),
    /// Every reason, never empty.
    Refused(Vec<CheckError>),
}

/// One validator: a public key with its deposit entry and key share, wherever they came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidatorReport {
    pub pubkey: Bytes,
    /// The owner nonce its key share was made for.
    pub nonce: Option<u64>,
    pub deposit: Option<EntryRef>,
    pub key_share: Option<EntryRef>,
    pub verdict: Verdict,
}

impl ValidatorReport {
    pub fn accepted(&self) -> bool {
        matches!(self.verdict, Verdict::Accepted(_))
    }
}

/// The checks' findings on one import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    /// In import order.
    pub files: Vec<FileReport>,
    /// Validators with a key share in owner-nonce order, then those with deposit data only.
    pub validators: Vec<ValidatorReport>,
    /// Public keys with a deposit entry but no key share.
    pub without_key_share: Vec<Bytes>,
    /// Public keys with a key share but no deposit entry.
    pub without_deposit_data: Vec<Bytes>,
}

impl ImportReport {
    /// What to submit: the accepted validators' entries, in owner-nonce order.
    pub fn registry_entries(&self) -> Vec<&RegistryEntry> {
        self.validators
            .iter()
            .filter_map(|v| match &v.verdict {
                Verdict::Accepted(entry) => Some(entry),
                Verdict::Refused(_) => None,
            })
            .collect()
    }

    /// Whether every file and every validator is accepted.
    pub fn all_accepted(&self) -> bool {
        self.files.iter().all(FileReport::accepted)
            && self.validators.iter().all(ValidatorReport::accepted)
    }
}

/// A public key and its entries, as paired by every part alike.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Pairing {
    pub pubkey: Bytes,
    pub nonce: Option<u64>,
    pub deposit: Option<EntryRef>,
    pub key_share: Option<EntryRef>,
    /// The registry entry it would make; only from the part whose slice holds the key share
    /// (that part did its BLS checks).
    pub candidate: Option<RegistryEntry>,
}

/// One part's findings: every cheap check, and the BLS checks of its slice only. Nothing can be
/// submitted from it: [`PartialReport::merge`] joins the parts that cover every slice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartialReport {
    pub(super) slice: Slice,
    pub(super) files: Vec<FileReport>,
    pub(super) pairings: Vec<Pairing>,
}

/// Why parts do not join.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MergeError {
    NoPart,
    /// The parts do not cover every slice exactly once.
    Coverage {
        count: u32,
        indexes: Vec<u32>,
    },
    /// The parts were made from different files.
    DifferentImports,
}

impl std::fmt::Display for MergeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MergeError::NoPart => f.write_str("No part of the check came back."),
            MergeError::Coverage { count, indexes } => write!(
                f,
                "The check came back in parts {indexes:?} of {count}, not each part once."
            ),
            MergeError::DifferentImports => {
                f.write_str("The parts of the check were made from different files.")
            }
        }
    }
}

impl std::error::Error for MergeError {}

impl PartialReport {
    pub fn slice(&self) -> Slice {
        self.slice
    }

    /// Joins the parts of one import (any order) into its report.
    pub fn merge(mut parts: Vec<PartialReport>) -> Result<ImportReport, MergeError> {
        parts.sort_by_key(|part| part.slice.index);
        let count = parts.first().ok_or(MergeError::NoPart)?.slice.count;
        let indexes: Vec<u32> = parts.iter().map(|p| p.slice.index).collect();
        if parts.iter().any(|p| p.slice.count != count) || !indexes.iter().copied().eq(0..count) {
            return Err(MergeError::Coverage { count, indexes });
        }
        let (first, rest) = parts.split_first_mut().expect("one part at least");
        for part in rest.iter_mut() {
            let same_files = part.files.len() == first.files.len()
                && part
                    .files
                    .iter()
                    .zip(&first.files)
                    .all(|(a, b)| (&a.name, a.kind, a.entries) == (&b.name, b.kind, b.entries));
            let same_validators = part.pairings.len() == first.pairings.len()
                && part.pairings.iter().zip(&first.pairings).all(|(a, b)| {
                    (&a.pubkey, a.nonce, a.deposit, a.key_share)
                        == (&b.pubkey, b.nonce, b.deposit, b.key_share)
                });
            if !same_files || !same_validators {
                return Err(MergeError::DifferentImports);
            }
            for (file, other) in first.files.iter_mut().zip(&mut part.files) {
                file.refusals.append(&mut other.refusals);
            }
            for (pairing, other) in first.pairings.iter_mut().zip(&mut part.pairings) {
                pairing.candidate = pairing.candidate.take().or(other.candidate.take());
            }
        }
        let mut files = std::mem::take(&mut first.files);
        for file in &mut files {
            file.refusals = by_entry_without_repeats(std::mem::take(&mut file.refusals));
        }
        Ok(judge(files, std::mem::take(&mut first.pairings)))
    }
}

/// Refusals grouped by entry (the whole file's first), each reason once: every part repeats the
/// cheap checks.
fn by_entry_without_repeats(mut refusals: Vec<Refusal>) -> Vec<Refusal> {
    refusals.sort_by_key(|r| r.entry.map_or(0, |e| e + 1));
    let mut kept: Vec<Refusal> = Vec::with_capacity(refusals.len());
    let mut group_start = 0;
    for refusal in refusals {
        if kept.last().is_some_and(|last| last.entry != refusal.entry) {
            group_start = kept.len();
        }
        if !kept[group_start..].contains(&refusal) {
            kept.push(refusal);
        }
    }
    kept
}

/// Each validator's verdict from its entries' refusals, its files' and the nonce chain.
fn judge(files: Vec<FileReport>, pairings: Vec<Pairing>) -> ImportReport {
    let mut first_refused_nonce: Option<u64> = None;
    let mut validators = Vec::with_capacity(pairings.len());
    for pairing in pairings {
        let entries: Vec<EntryRef> = pairing
            .deposit
            .iter()
            .chain(&pairing.key_share)
            .copied()
            .collect();
        let mut reasons: Vec<CheckError> = Vec::new();
        let mut add = |reason: CheckError| {
            if !reasons.contains(&reason) {
                reasons.push(reason);
            }
        };
        for at in &entries {
            let file = &files[at.file];
            file.refusals
                .iter()
                .filter(|r| r.entry == Some(at.entry))
                .for_each(|r| add(r.error.clone()));
        }
        if pairing.key_share.is_none() {
            add(CheckError::NoKeyShare);
        }
        if pairing.deposit.is_none() {
            add(CheckError::NoDepositData);
        }
        for at in &entries {
            let file = &files[at.file];
            if file.refused_apart_from(at.entry) {
                add(CheckError::FileRefused {
                    file: file.name.clone(),
                });
            }
        }
        if let (Some(_), Some(nonce)) = (pairing.key_share, first_refused_nonce) {
            add(CheckError::FollowsRefused { nonce });
        }
        let verdict = match pairing.candidate {
            Some(entry) if reasons.is_empty() => Verdict::Accepted(entry),
            _ => {
                debug_assert!(!reasons.is_empty(), "a paired validator without its entry");
                Verdict::Refused(reasons)
            }
        };
        if pairing.key_share.is_some() && matches!(verdict, Verdict::Refused(_)) {
            first_refused_nonce = first_refused_nonce.or(pairing.nonce);
        }
        validators.push(ValidatorReport {
            pubkey: pairing.pubkey,
            nonce: pairing.nonce,
            deposit: pairing.deposit,
            key_share: pairing.key_share,
            verdict,
        });
    }
    let unpaired = |has: fn(&ValidatorReport) -> bool| -> Vec<Bytes> {
        validators
            .iter()
            .filter(|v| has(v))
            .map(|v| v.pubkey.clone())
            .collect()
    };
    let without_key_share = unpaired(|v| v.key_share.is_none());
    let without_deposit_data = unpaired(|v| v.deposit.is_none());
    ImportReport {
        files,
        validators,
        without_key_share,
        without_deposit_data,
    }
}
