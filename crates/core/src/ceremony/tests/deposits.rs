//! Deposit data rules.

use alloy_primitives::{B256, Bytes, FixedBytes, hex};

use crate::bls::BlsError;
use crate::ceremony::fixture::*;
use crate::ceremony::{CheckError, FileKind, Verdict};
use crate::deposit::{ForkVersion, eth1_withdrawal_credentials};

/// Checks a ceremony whose first deposit entry went through `spoil`; returns that entry's
/// reasons, after checking that nothing from the deposit file can be submitted.
fn first_deposit_refused(spoil: impl FnOnce(&mut Ceremony)) -> Vec<CheckError> {
    let mut ceremony = make(&Plan::default());
    spoil(&mut ceremony);
    let report = ceremony.check();
    assert!(!report.files[0].accepted(), "{:?}", report.files[0]);
    assert!(
        report.registry_entries().is_empty(),
        "the file is refused whole"
    );
    entry_errors(&report, 0, 0)
}

#[test]
fn a_good_ceremony_passes_on_mainnet_and_hoodi() {
    for fork in [ForkVersion::MAINNET, ForkVersion::HOODI] {
        let ceremony = make(&Plan {
            fork,
            count: 3,
            first_nonce: 5,
            ..Plan::default()
        });
        let report = ceremony.check();
        assert!(report.all_accepted(), "{report:#?}");
        assert_eq!(report.files[0].kind, FileKind::DepositData);
        assert_eq!(report.files[1].kind, FileKind::KeyShares);
        let entries = report.registry_entries();
        assert_eq!(entries.len(), 3);
        for (i, entry) in entries.iter().enumerate() {
            let deposit = &ceremony.deposits[i];
            let share = &ceremony.keyshares.shares[i];
            assert_eq!(entry.pubkey, share.payload.public_key);
            assert_eq!(hex::encode(&entry.signature), deposit.signature);
            assert_eq!(
                hex::encode(entry.deposit_data_root),
                deposit.deposit_data_root
            );
            assert_eq!(entry.operator_ids, vec![1, 2, 3, 4]);
            assert_eq!(entry.shares_data, share.payload.shares_data);
            assert_eq!(report.validators[i].nonce, Some(5 + i as u64));
        }
    }
}

#[test]
fn malformed_hex_and_lengths_are_named_by_field() {
    let errors = first_deposit_refused(|c| c.deposits[0].pubkey = "zz".repeat(48));
    assert_eq!(
        errors,
        vec![CheckError::BadHex {
            field: "pubkey".into()
        }]
    );
    let errors = first_deposit_refused(|c| {
        c.deposits[0].signature.truncate(190);
        c.deposits[0].fork_version = "000000".into();
    });
    assert_eq!(
        errors,
        vec![
            CheckError::BadLength {
                field: "signature".into(),
                expected: 96,
                found: 95
            },
            CheckError::BadLength {
                field: "fork_version".into(),
                expected: 4,
                found: 3
            },
        ]
    );
}

#[test]
fn a_missing_field_or_a_bad_amount_text_is_refused() {
    let mut ceremony = make(&Plan::default());
    let mut entries: Vec<serde_json::Value> = ceremony
        .deposits
        .iter()
        .map(|d| serde_json::to_value(d).unwrap())
        .collect();
    entries[0]
        .as_object_mut()
        .unwrap()
        .remove("deposit_data_root");
    // ssv-dkg writes the amount as a string: that is fine; "lots" is not.
    entries[1]["amount"] = "32000000000".into();
    let file = crate::ceremony::ImportedFile {
        name: "deposit_data.json".into(),
        text: serde_json::to_string(&entries).unwrap(),
    };
    let report = crate::ceremony::check_import(
        &[file.clone(), ceremony.keyshares_file()],
        &ceremony.context,
        SEED,
    );
    assert!(
        matches!(&entry_errors(&report, 0, 0)[..], [CheckError::EntryShape(m)] if m.contains("deposit_data_root"))
    );
    assert_eq!(entry_errors(&report, 0, 1), vec![]);

    ceremony.deposits.truncate(1);
    let mut entry = serde_json::to_value(&ceremony.deposits[0]).unwrap();
    entry["amount"] = "lots".into();
    let file = crate::ceremony::ImportedFile {
        name: "deposit_data.json".into(),
        text: serde_json::to_string(&[entry]).unwrap(),
    };
    let report = crate::ceremony::check_import(&[file], &ceremony.context, SEED);
    assert_eq!(
        entry_errors(&report, 0, 0),
        vec![CheckError::AmountNotANumber {
            text: "lots".into()
        }]
    );
}

#[test]
fn each_field_is_refused_for_its_own_reason() {
    // Re-signed after the change, with roots recomputed: only the change is wrong.
    let errors = first_deposit_refused(|c| {
        c.deposits[0] = c.resigned_deposit(0, |d| d.amount = 1_000_000_000)
    });
    assert_eq!(
        errors,
        vec![CheckError::WrongAmount {
            gwei: 1_000_000_000
        }]
    );

    let errors = first_deposit_refused(|c| {
        c.deposits[0] = c.resigned_deposit(0, |d| d.withdrawal_credentials = other_credentials())
    });
    assert_eq!(
        errors,
        vec![CheckError::WrongCredentials {
            found: other_credentials(),
            expected: eth1_withdrawal_credentials(POOL)
        }]
    );

    let mut roots_spoilt = make(&Plan::default());
    roots_spoilt.deposits[0].deposit_message_root = hex::encode([1u8; 32]);
    roots_spoilt.deposits[1].deposit_data_root = hex::encode([2u8; 32]);
    let report = roots_spoilt.check();
    assert!(
        matches!(&entry_errors(&report, 0, 0)[..], [CheckError::WrongMessageRoot { found, .. }] if *found == B256::repeat_byte(1))
    );
    assert!(
        matches!(&entry_errors(&report, 0, 1)[..], [CheckError::WrongDataRoot { found, .. }] if *found == B256::repeat_byte(2))
    );
    assert!(report.registry_entries().is_empty());
}

#[test]
fn a_deposit_for_another_network_is_refused_for_its_fork_version() {
    let hoodi = make(&Plan {
        fork: ForkVersion::HOODI,
        ..Plan::default()
    });
    let mut ceremony = make(&Plan::default());
    ceremony.deposits = hoodi.deposits.clone();
    ceremony.keyshares = hoodi.keyshares.clone();
    let report = ceremony.check();
    for entry in 0..2 {
        assert_eq!(
            entry_errors(&report, 0, entry),
            vec![CheckError::WrongForkVersion {
                found: ForkVersion::HOODI,
                expected: ForkVersion::MAINNET
            }]
        );
    }
    assert!(report.registry_entries().is_empty());
    let text = report.files[0].refusals[0].to_string();
    assert!(
        text.contains("0x10000910 (Hoodi)") && text.contains("0x00000000 (mainnet)"),
        "{text}"
    );
}

#[test]
fn a_bad_signature_is_refused_and_every_bad_one_named() {
    let mut ceremony = make(&Plan {
        count: 4,
        ..Plan::default()
    });
    // Entries 1 and 3 carry each other's signatures, their roots recomputed to match.
    let (one, three) = (
        ceremony.deposits[1].signature.clone(),
        ceremony.deposits[3].signature.clone(),
    );
    for (i, signature) in [(1, three), (3, one)] {
        let signature: [u8; 96] = hex::decode(&signature).unwrap().try_into().unwrap();
        let mut data = crate::deposit::signed_deposit(
            &ceremony.validators[i].key,
            eth1_withdrawal_credentials(POOL),
            ForkVersion::MAINNET,
        );
        data.signature = FixedBytes(signature);
        ceremony.deposits[i] =
            crate::deposit::DepositDataJson::new(&data, ForkVersion::MAINNET, "test");
    }
    let report = ceremony.check();
    let bad = CheckError::DepositSignature(BlsError::WrongSignature);
    assert_eq!(entry_errors(&report, 0, 0), vec![]);
    assert_eq!(entry_errors(&report, 0, 1), vec![bad.clone()]);
    assert_eq!(entry_errors(&report, 0, 2), vec![]);
    assert_eq!(entry_errors(&report, 0, 3), vec![bad.clone()]);
    assert!(report.registry_entries().is_empty());
    // The good validators of the refused file say why they are refused too.
    let Verdict::Refused(reasons) = &report.validators[0].verdict else {
        panic!()
    };
    assert_eq!(
        reasons,
        &vec![CheckError::FileRefused {
            file: "deposit_data.json".into()
        }]
    );
    let Verdict::Refused(reasons) = &report.validators[1].verdict else {
        panic!()
    };
    assert!(reasons.contains(&bad));
}

#[test]
fn keys_the_chain_knows_are_refused() {
    let ceremony = make(&Plan {
        count: 4,
        ..Plan::default()
    });
    let pubkey = |i: usize| Bytes::copy_from_slice(&ceremony.validators[i].key.public_key());
    let mut context = ceremony.context.clone();
    context.registered = vec![pubkey(0)];
    context.dropped = vec![pubkey(1)];
    context.deposited = vec![
        (pubkey(2), other_credentials()),
        (pubkey(3), eth1_withdrawal_credentials(POOL)),
    ];
    let report = crate::ceremony::check_import(&ceremony.files(), &context, SEED);
    assert_eq!(
        entry_errors(&report, 0, 0),
        vec![CheckError::AlreadyInRegistry]
    );
    assert_eq!(entry_errors(&report, 0, 1), vec![CheckError::Dropped]);
    let front_run = CheckError::AlreadyDeposited {
        credentials: other_credentials(),
        to_pool: false,
    };
    assert_eq!(entry_errors(&report, 0, 2), vec![front_run.clone()]);
    assert!(front_run.to_string().contains(&format!(
        "credentials {} already exists: front-run",
        other_credentials()
    )));
    assert_eq!(
        entry_errors(&report, 0, 3),
        vec![CheckError::AlreadyDeposited {
            credentials: eth1_withdrawal_credentials(POOL),
            to_pool: true
        }]
    );
    // The key shares of registered and dropped keys say so too.
    assert_eq!(
        entry_errors(&report, 1, 0),
        vec![CheckError::AlreadyInRegistry]
    );
    assert_eq!(entry_errors(&report, 1, 1), vec![CheckError::Dropped]);
    assert!(report.registry_entries().is_empty());
}

#[test]
fn a_key_twice_in_the_deposit_data_is_refused() {
    let mut ceremony = make(&Plan::default());
    let again = ceremony.deposits[0].clone();
    ceremony.deposits.push(again);
    let report = ceremony.check();
    assert_eq!(
        entry_errors(&report, 0, 2),
        vec![CheckError::DuplicatePubkey {
            file: "deposit_data.json".into(),
            entry: 0
        }]
    );
    assert_eq!(
        report.files[0].refusals[0]
            .to_string()
            .split(':')
            .next()
            .unwrap(),
        format!("Entry 3 (0x{}…)", &ceremony.deposits[0].pubkey[..16])
    );
    assert!(report.registry_entries().is_empty());
}
