//! One pass over an import: read every file, check each entry, check the entries against each
//! other (duplicates, nonce order, one operator set), do the BLS work of one slice, and pair
//! deposits with key shares by public key.

use std::collections::HashMap;

use alloy_primitives::Bytes;
use serde_json::Value;

use super::deposits::{self, DepositEntry};
use super::facts::Facts;
use super::proofs::{self, Proofs};
use super::report::{EntryRef, FileKind, FileReport, Pairing, PartialReport, Refusal};
use super::{CheckContext, CheckError, ImportedFile, Slice, shares};
use crate::keyshares::{KeyShare, KeyShareError};

/// What a file holds, as read.
enum Contents {
    Deposits(Vec<DepositEntry>),
    Shares(Vec<KeyShare>),
    Nothing,
}

/// A refusal of entry `entry` with its key.
fn at(entry: usize, pubkey: Option<&Bytes>, error: CheckError) -> Refusal {
    Refusal {
        entry: Some(entry),
        pubkey: pubkey.cloned(),
        error,
    }
}

fn whole(error: CheckError) -> Refusal {
    Refusal {
        entry: None,
        pubkey: None,
        error,
    }
}

fn read(file: &ImportedFile, facts: &Facts<'_>) -> (FileKind, Contents, Vec<Refusal>) {
    let mut refusals = Vec::new();
    let value: Value = match serde_json::from_str(&file.text) {
        Ok(value) => value,
        Err(error) => {
            refusals.push(whole(CheckError::NotJson(error.to_string())));
            return (FileKind::Unrecognised, Contents::Nothing, refusals);
        }
    };
    let (kind, contents) = match value {
        Value::Array(items) => {
            let entries = items
                .into_iter()
                .enumerate()
                .map(|(i, item)| {
                    let mut errors = Vec::new();
                    let entry = deposits::read_entry(item, facts, &mut errors);
                    refusals.extend(errors.into_iter().map(|e| at(i, entry.pubkey.as_ref(), e)));
                    entry
                })
                .collect();
            (FileKind::DepositData, Contents::Deposits(entries))
        }
        Value::Object(map) if map.contains_key("shares") => {
            match shares::read_file(Value::Object(map)) {
                Err(error) => {
                    refusals.push(whole(error));
                    (FileKind::KeyShares, Contents::Nothing)
                }
                Ok(keyshares) => {
                    refusals.extend(shares::version_error(&keyshares).map(whole));
                    for (i, share) in keyshares.shares.iter().enumerate() {
                        let key = Some(&share.payload.public_key);
                        let errors = shares::share_errors(share, facts);
                        refusals.extend(errors.into_iter().map(|e| at(i, key, e)));
                    }
                    (FileKind::KeyShares, Contents::Shares(keyshares.shares))
                }
            }
        }
        _ => {
            refusals.push(whole(CheckError::UnknownFileShape));
            (FileKind::Unrecognised, Contents::Nothing)
        }
    };
    let empty = match &contents {
        Contents::Deposits(entries) => entries.is_empty(),
        Contents::Shares(shares) => shares.is_empty(),
        Contents::Nothing => false,
    };
    if empty {
        refusals.push(whole(CheckError::EmptyFile));
    }
    (kind, contents, refusals)
}

pub(super) fn check(
    files: &[ImportedFile],
    context: &CheckContext,
    seed: [u8; 32],
    slice: Slice,
) -> PartialReport {
    let facts = Facts::new(context);
    let mut reports = Vec::with_capacity(files.len());
    let mut contents = Vec::with_capacity(files.len());
    for file in files {
        let (kind, content, refusals) = read(file, &facts);
        let entries = match &content {
            Contents::Deposits(entries) => entries.len(),
            Contents::Shares(shares) => shares.len(),
            Contents::Nothing => 0,
        };
        reports.push(FileReport {
            name: file.name.clone(),
            kind,
            entries,
            refusals,
        });
        contents.push(content);
    }

    // Deposits: each key once in the import; the first entry is the one paired.
    let mut deposit_of: HashMap<Bytes, EntryRef> = HashMap::new();
    let mut deposit_order: Vec<(Bytes, EntryRef)> = Vec::new();
    for (file, content) in contents.iter().enumerate() {
        let Contents::Deposits(entries) = content else {
            continue;
        };
        for (entry, deposit) in entries.iter().enumerate() {
            let Some(pubkey) = &deposit.pubkey else {
                continue;
            };
            let here = EntryRef { file, entry };
            if let Some(first) = deposit_of.get(pubkey) {
                let error = CheckError::DuplicatePubkey {
                    file: files[first.file].name.clone(),
                    entry: first.entry,
                };
                reports[file].refusals.push(at(entry, Some(pubkey), error));
            } else {
                deposit_of.insert(pubkey.clone(), here);
                deposit_order.push((pubkey.clone(), here));
            }
        }
    }

    // Key shares in registration order: files by their first nonce (whatever order they were
    // dropped in), shares as listed; nonces one unbroken run from the pool's next one.
    let mut share_files: Vec<usize> = (0..files.len())
        .filter(|f| matches!(contents[*f], Contents::Shares(_)))
        .collect();
    share_files.sort_by_key(|f| match &contents[*f] {
        Contents::Shares(shares) => shares.first().map(|s| s.data.owner_nonce),
        _ => None,
    });
    let mut pairings: Vec<Pairing> = Vec::new();
    let mut share_of: HashMap<Bytes, EntryRef> = HashMap::new();
    let mut first_set: Option<&Vec<u64>> = None;
    // `None` once the nonces are used up: the chain's next nonce is outside input too, and at
    // u64::MAX there is no nonce after it for a second share (counting on would overflow).
    let mut expected_nonce = Some(context.next_nonce);
    for &file in &share_files {
        let Contents::Shares(shares) = &contents[file] else {
            continue;
        };
        for (entry, share) in shares.iter().enumerate() {
            let pubkey = &share.payload.public_key;
            let mut refuse = |error| reports[file].refusals.push(at(entry, Some(pubkey), error));
            match expected_nonce {
                Some(expected) if share.data.owner_nonce == expected => {}
                Some(expected) => refuse(CheckError::KeyShare(KeyShareError::WrongNonce {
                    expected,
                    found: share.data.owner_nonce,
                })),
                None => refuse(CheckError::NoNonceLeft),
            }
            expected_nonce = expected_nonce.and_then(|nonce| nonce.checked_add(1));
            let ids = &share.payload.operator_ids;
            match first_set {
                None => first_set = Some(ids),
                // Against the pool's cluster, when it has one, each share is checked already.
                Some(first) if context.cluster.is_none() && first != ids => {
                    refuse(CheckError::MixedOperatorSets {
                        first: first.clone(),
                        found: ids.clone(),
                    });
                }
                Some(_) => {}
            }
            if let Some(earlier) = share_of.get(pubkey) {
                refuse(CheckError::DuplicatePubkey {
                    file: files[earlier.file].name.clone(),
                    entry: earlier.entry,
                });
                continue;
            }
            let here = EntryRef { file, entry };
            share_of.insert(pubkey.clone(), here);
            pairings.push(Pairing {
                pubkey: pubkey.clone(),
                nonce: Some(share.data.owner_nonce),
                deposit: deposit_of.get(pubkey).copied(),
                key_share: Some(here),
                candidate: None,
            });
        }
    }
    pairings.extend(
        deposit_order
            .into_iter()
            .filter(|(pubkey, _)| !share_of.contains_key(pubkey))
            .map(|(pubkey, here)| Pairing {
                pubkey,
                nonce: None,
                deposit: Some(here),
                key_share: None,
                candidate: None,
            }),
    );

    // The BLS work of this slice: entries counted over the files in import order.
    let mut proofs = Proofs::default();
    let mut position = 0;
    for (file, content) in contents.iter().enumerate() {
        match content {
            Contents::Deposits(entries) => {
                for (entry, deposit) in entries.iter().enumerate() {
                    if let (true, Some((data, fork))) = (slice.covers(position), &deposit.signed) {
                        proofs.deposit(EntryRef { file, entry }, data, *fork);
                    }
                    position += 1;
                }
            }
            Contents::Shares(shares) => {
                for (entry, share) in shares.iter().enumerate() {
                    if slice.covers(position) {
                        proofs.key_share(EntryRef { file, entry }, share);
                    }
                    position += 1;
                }
            }
            Contents::Nothing => {}
        }
    }
    for (here, error) in proofs.failures(seed) {
        let pubkey = match &contents[here.file] {
            Contents::Deposits(entries) => entries[here.entry].pubkey.clone(),
            Contents::Shares(shares) => Some(shares[here.entry].payload.public_key.clone()),
            Contents::Nothing => None,
        };
        reports[here.file]
            .refusals
            .push(at(here.entry, pubkey.as_ref(), error));
    }

    // The entries this part vouches for: those whose key share its slice checked.
    let mut position_of_file = Vec::with_capacity(files.len());
    let mut total = 0;
    for report in &reports {
        position_of_file.push(total);
        total += report.entries;
    }
    for pairing in &mut pairings {
        let (Some(share_at), Some(deposit_at)) = (pairing.key_share, pairing.deposit) else {
            continue;
        };
        if !slice.covers(position_of_file[share_at.file] + share_at.entry) {
            continue;
        }
        let (Contents::Shares(shares), Contents::Deposits(deposits)) =
            (&contents[share_at.file], &contents[deposit_at.file])
        else {
            continue;
        };
        if let Some((data, _)) = &deposits[deposit_at.entry].signed {
            pairing.candidate = Some(proofs::registry_entry(&shares[share_at.entry], data));
        }
    }

    PartialReport {
        slice,
        files: reports,
        pairings,
    }
}
