//! Deposit data files (`deposit_data-*.json`, staking deposit CLI or ssv-dkg) through the
//! console's import checks.

use alloy_primitives::{Address, address};
use pool_core::bls::SecretKey;
use pool_core::ceremony::{CheckContext, FileKind, ImportedFile, check_import};
use pool_core::deposit::{
    DepositDataJson, ForkVersion, eth1_withdrawal_credentials, signed_deposit,
};
use proptest::prelude::*;
use serde_json::Value;

use crate::mutate::near;
use crate::{assert_report_in_words, config};

const POOL: Address = address!("5FbDB2315678afecb367f032d93F642f64180aa3");
const SEED: [u8; 32] = [7; 32];

fn context() -> CheckContext {
    CheckContext {
        pool: POOL,
        fork_version: ForkVersion::DEVNET,
        next_nonce: 0,
        cluster: None,
        operator_keys: vec![],
        registered: vec![],
        dropped: vec![],
        deposited: vec![],
        ssv_registered: vec![],
    }
}

/// A valid file of two deposits for the pool on the devnet, signed by fixed keys; the second
/// writes its amount as a string, as ssv-dkg does.
fn seed_file() -> Value {
    // Signing is the slow part (two G2 multiplications): once per run, not per case.
    static SEED_FILE: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    SEED_FILE.get_or_init(signed_file).clone()
}

fn signed_file() -> Value {
    let entries: Vec<Value> = (1..=2u8)
        .map(|i| {
            let key = SecretKey::from_seed(&[i; 64]);
            let data = signed_deposit(&key, eth1_withdrawal_credentials(POOL), ForkVersion::DEVNET);
            serde_json::to_value(DepositDataJson::new(&data, ForkVersion::DEVNET, "devnet"))
                .expect("a deposit entry is JSON")
        })
        .collect();
    let mut file = Value::Array(entries);
    file[1]["amount"] = Value::String(file[1]["amount"].to_string());
    file
}

fn import(text: String) -> pool_core::ceremony::ImportReport {
    let files = [ImportedFile {
        name: "deposit_data.json".into(),
        text,
    }];
    check_import(&files, &context(), SEED)
}

#[test]
fn the_seed_file_is_accepted() {
    let report = import(seed_file().to_string());
    assert_eq!(report.files[0].kind, FileKind::DepositData);
    assert!(report.files[0].accepted(), "{:#?}", report.files[0]);
    assert_eq!(report.files[0].entries, 2);
}

proptest! {
    #![proptest_config(config())]

    /// Mutated files: refused in words, never a panic; a mutated text that still reads as the
    /// same JSON (a replaced value equal to the old one) leaves the file accepted.
    #[test]
    fn mutated_deposit_files_are_refused_in_words(text in near(seed_file())) {
        let report = import(text.clone());
        assert_report_in_words(&report);
        let unchanged = serde_json::from_str::<Value>(&text).is_ok_and(|v| v == seed_file());
        if unchanged {
            prop_assert!(report.files[0].accepted(), "{:#?}", report.files[0]);
        }
        // A file refused as a whole is refused for a reason; an accepted one has every entry.
        if report.files[0].accepted() {
            prop_assert!(report.files[0].entries > 0);
        }
    }

    #[test]
    fn any_text_is_refused_in_words(text in any::<String>()) {
        assert_report_in_words(&import(text));
    }

    /// JSON-shaped noise: brackets, quotes and hex, so that more of it gets past the JSON parser.
    #[test]
    fn json_like_noise_is_refused_in_words(text in r#"[\[\]{}",:0-9a-fx_ ]{0,200}"#) {
        assert_report_in_words(&import(text));
    }
}
