//! Files as a whole, pairing by public key, and the BLS work split into parts.

use alloy_primitives::Bytes;

use crate::ceremony::fixture::*;
use crate::ceremony::{
    CheckError, FileKind, ImportedFile, MergeError, PartialReport, Slice, Verdict, check_import,
    check_part,
};

fn file(name: &str, text: &str) -> ImportedFile {
    ImportedFile {
        name: name.into(),
        text: text.into(),
    }
}

#[test]
fn files_that_are_neither_kind_are_refused_whole() {
    let ceremony = make(&Plan::default());
    let files = [
        file("notes.txt", "hello"),
        file("other.json", r#"{"validators": []}"#),
        file("empty.json", "[]"),
        file(
            "broken-keyshares.json",
            r#"{"version": "v1.1.0", "shares": "none"}"#,
        ),
    ];
    let report = check_import(&files, &ceremony.context, SEED);
    let kinds: Vec<FileKind> = report.files.iter().map(|f| f.kind).collect();
    use FileKind::*;
    assert_eq!(kinds, [Unrecognised, Unrecognised, DepositData, KeyShares]);
    assert!(matches!(
        &file_errors(&report, 0)[..],
        [CheckError::NotJson(_)]
    ));
    assert_eq!(file_errors(&report, 1), vec![CheckError::UnknownFileShape]);
    assert_eq!(file_errors(&report, 2), vec![CheckError::EmptyFile]);
    assert!(
        matches!(&file_errors(&report, 3)[..], [CheckError::KeySharesShape(m)] if m.contains("invalid type"))
    );
    assert!(report.files.iter().all(|f| !f.accepted()));
    assert!(report.validators.is_empty());
}

/// Keys with one file but not the other are named; the others go ahead (deposit data made for
/// more keys than one SSV batch is common), as long as the nonce run is unbroken.
#[test]
fn keys_with_one_file_but_not_the_other_are_named() {
    let ceremony = make(&Plan {
        count: 3,
        ..Plan::default()
    });
    let pubkey = |i: usize| Bytes::copy_from_slice(&ceremony.validators[i].key.public_key());

    let mut shares = ceremony.keyshares.clone();
    shares.shares.truncate(2);
    let files = [
        ceremony.deposit_file(),
        keyshares_file("keyshares.json", &shares),
    ];
    let report = check_import(&files, &ceremony.context, SEED);
    assert!(report.files.iter().all(|f| f.accepted()));
    assert_eq!(report.registry_entries().len(), 2);
    assert_eq!(report.without_key_share, vec![pubkey(2)]);
    assert_eq!(
        report.validators[2].verdict,
        Verdict::Refused(vec![CheckError::NoKeyShare])
    );

    let files = [
        deposit_file("deposit_data.json", &ceremony.deposits[..2]),
        ceremony.keyshares_file(),
    ];
    let report = check_import(&files, &ceremony.context, SEED);
    assert_eq!(report.without_deposit_data, vec![pubkey(2)]);
    assert_eq!(
        report.validators[2].verdict,
        Verdict::Refused(vec![CheckError::NoDepositData])
    );
    assert_eq!(
        report.registry_entries().len(),
        2,
        "the nonce run 0, 1 is whole"
    );

    // A gap in the middle stops the run there.
    let files = [
        deposit_file(
            "deposit_data.json",
            &[ceremony.deposits[0].clone(), ceremony.deposits[2].clone()],
        ),
        ceremony.keyshares_file(),
    ];
    let report = check_import(&files, &ceremony.context, SEED);
    assert_eq!(report.registry_entries().len(), 1);
    assert_eq!(
        report.validators[2].verdict,
        Verdict::Refused(vec![CheckError::FollowsRefused { nonce: 1 }])
    );
}

/// An import with bad entries of every BLS kind, to split.
fn spoilt_import() -> (Vec<ImportedFile>, Ceremony) {
    let mut ceremony = make(&Plan {
        count: 5,
        ..Plan::default()
    });
    // A deposit signed by another key, an ownership signature for another nonce, shares that
    // do not belong.
    let data = crate::deposit::DepositData {
        pubkey: ceremony.validators[1].key.public_key().into(),
        withdrawal_credentials: crate::deposit::eth1_withdrawal_credentials(POOL),
        amount: crate::deposit::DEPOSIT_GWEI,
        signature: alloy_primitives::FixedBytes::from_slice(
            &alloy_primitives::hex::decode(&ceremony.deposits[4].signature).unwrap(),
        ),
    };
    ceremony.deposits[1] =
        crate::deposit::DepositDataJson::new(&data, crate::deposit::ForkVersion::MAINNET, "test");
    let v = &ceremony.validators[2];
    ceremony.keyshares.shares[2].payload.shares_data =
        key_share(&v.key, &v.shares, POOL, 9, &[1, 2, 3, 4])
            .payload
            .shares_data;
    let mut data = ceremony.keyshares.shares[3].payload.shares_data.to_vec();
    data[96..144].copy_from_slice(&key("a stranger").public_key());
    ceremony.keyshares.shares[3].payload.shares_data = data.into();
    (ceremony.files(), ceremony)
}

#[test]
fn parts_merged_in_any_order_give_the_whole_report() {
    let (files, ceremony) = spoilt_import();
    let whole = check_import(&files, &ceremony.context, SEED);
    assert_eq!(whole.files[0].refusals.len(), 1);
    assert_eq!(whole.files[1].refusals.len(), 2);

    let mut parts: Vec<PartialReport> = Slice::parts(3)
        .map(|slice| check_part(&files, &ceremony.context, SEED, slice))
        .collect();
    parts.reverse();
    // Parts cross the worker boundary as data.
    let parts: Vec<PartialReport> = parts
        .iter()
        .map(|p| serde_json::from_str(&serde_json::to_string(p).unwrap()).unwrap())
        .collect();
    assert_eq!(PartialReport::merge(parts.clone()), Ok(whole.clone()));

    // The good import, split in two, is accepted with its entries.
    let good = make(&Plan {
        count: 3,
        ..Plan::default()
    });
    let halves = Slice::parts(2)
        .map(|s| check_part(&good.files(), &good.context, SEED, s))
        .collect();
    let merged = PartialReport::merge(halves).unwrap();
    assert_eq!(merged, good.check());
    assert_eq!(merged.registry_entries().len(), 3);

    assert_eq!(PartialReport::merge(vec![]), Err(MergeError::NoPart));
    assert_eq!(
        PartialReport::merge(parts[..2].to_vec()),
        Err(MergeError::Coverage {
            count: 3,
            indexes: vec![1, 2]
        })
    );
    let mut mixed = parts.clone();
    mixed[0] = check_part(&good.files(), &good.context, SEED, mixed[0].slice());
    assert_eq!(
        PartialReport::merge(mixed),
        Err(MergeError::DifferentImports)
    );
    assert_eq!(Slice::new(2, 2), None);
}

#[test]
fn refusals_read_as_sentences_naming_the_entry() {
    let (files, ceremony) = spoilt_import();
    let report = check_import(&files, &ceremony.context, SEED);
    let lines: Vec<String> = report
        .files
        .iter()
        .flat_map(|f| f.refusals.iter().map(ToString::to_string))
        .collect();
    assert!(lines[0].starts_with("Entry 2 (0x"), "{lines:?}");
    assert!(lines[0].ends_with("the 32 ETH would be lost."), "{lines:?}");
    assert!(
        lines[1].starts_with("Entry 3 (0x") && lines[1].contains("ownership signature"),
        "{lines:?}"
    );
    assert!(
        lines[2].contains("operators 1, 2, 3 do not combine"),
        "{lines:?}"
    );
}
