//! The SSV tools' own example files (`contracts/reference/`).

use alloy_primitives::{Address, Bytes, address};

use crate::ceremony::fixture::*;
use crate::ceremony::{CheckContext, CheckError, ImportedFile, Verdict, check_import};
use crate::deposit::ForkVersion;
use crate::keyshares::KeySharesFile;

const OWNER: Address = address!("81592c3DE184A3E2c0DCB5a261BC107Bfa91f494");

/// The chain as the example expects it: its owner, nonce and operators' keys.
fn context_for(text: &str, next_nonce: u64) -> CheckContext {
    let file: KeySharesFile = serde_json::from_str(text).unwrap();
    CheckContext {
        pool: OWNER,
        fork_version: ForkVersion::HOLESKY,
        next_nonce,
        cluster: None,
        operator_keys: file.shares[0]
            .data
            .operators
            .iter()
            .map(|o| (o.id, o.operator_key.clone()))
            .collect(),
        registered: vec![],
        dropped: vec![],
        deposited: vec![],
        ssv_registered: vec![],
    }
}

/// The ssv-dkg output is valid for its owner and nonce 100: owner, operators, lengths, ownership
/// signature and share interpolation pass. Its deposit data is not in the examples, so the key
/// alone is refused for that, and named.
#[test]
fn the_ssv_dkg_example_passes_all_but_the_missing_deposit_data() {
    let text =
        include_str!("../../../../../contracts/reference/keyshares-example-ssv-dkg-valid.json");
    let files = [ImportedFile {
        name: "keyshares--valid.json".into(),
        text: text.into(),
    }];
    let report = check_import(&files, &context_for(text, 100), SEED);
    assert!(report.files[0].accepted(), "{:#?}", report.files[0]);
    let pubkey: Bytes = "0xb1b741af1f7f3064f13a860eafd644eba346b1852852a41fae6e229c18b04e76351be4d817788555153daa2b992acabc".parse().unwrap();
    assert_eq!(report.without_deposit_data, vec![pubkey]);
    assert_eq!(
        report.validators[0].verdict,
        Verdict::Refused(vec![CheckError::NoDepositData])
    );
    assert!(report.registry_entries().is_empty());

    // At another nonce, or for another owner, it is refused.
    let report = check_import(&files, &context_for(text, 101), SEED);
    assert!(!report.files[0].accepted());
    let mut context = context_for(text, 100);
    context.pool = POOL;
    assert!(!check_import(&files, &context, SEED).files[0].accepted());
}

/// The ssv-keys example (version v1.2.0, operators 123, 456, 777, 789, nonce 1): its shares
/// interpolate over the operator ids too, which is how SSV nodes recombine them.
#[test]
fn the_ssv_keys_example_passes_all_but_the_missing_deposit_data() {
    let text = include_str!(
        "../../../../../contracts/reference/keyshares-example-ssv-keys-multi-shares.json"
    );
    let files = [ImportedFile {
        name: "multi-shares.json".into(),
        text: text.into(),
    }];
    let mut context = context_for(text, 1);
    let report = check_import(&files, &context, SEED);
    assert!(report.files[0].accepted(), "{:#?}", report.files[0]);
    assert_eq!(
        report.validators[0].verdict,
        Verdict::Refused(vec![CheckError::NoDepositData])
    );

    // Against a pool whose cluster is other operators, it is refused for that.
    context.cluster = Some(vec![1, 2, 3, 4]);
    let report = check_import(&files, &context, SEED);
    assert_eq!(
        entry_errors(&report, 0, 0),
        vec![CheckError::NotTheCluster {
            expected: vec![1, 2, 3, 4],
            found: vec![123, 456, 777, 789]
        }]
    );
}
