//! `config.json` (`NetworkConfig::from_json`): served beside the app by whoever hosts it.

use pool_core::config::{ConfigError, NetworkConfig};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::mutate::{any_value, near, odd_string};
use crate::{DEFAULT_CASES_CHEAP, assert_sentence, config_with};

/// Fields `ConfigError::Invalid` may name: the schema's own.
const FIELDS: &[&str] = &[
    "chainId",
    "chainName",
    "rpcUrl",
    "explorerUrl",
    "poolManager",
    "poolEth",
    "wpoolEth",
    "refreshIntervalMs",
    "deploymentBlock",
    "ssvGenesisBlock",
    "beaconUrl",
];

/// Every key of the schema, the optional ones too.
const SCHEMA: &[&str] = &[
    "chainId",
    "chainName",
    "rpcUrl",
    "explorerUrl",
    "poolManager",
    "poolEth",
    "wpoolEth",
    "deploymentBlock",
    "refreshIntervalMs",
    "genesisForkVersion",
    "ssvGenesisBlock",
    "beaconUrl",
];

/// A valid devnet config with every optional field, and the mainnet example filled in.
fn seeds() -> Vec<Value> {
    let devnet = json!({
        "chainId": 31337, "chainName": "Devnet", "rpcUrl": "http://127.0.0.1:8545",
        "poolManager": "0x5FbDB2315678afecb367f032d93F642f64180aa3",
        "poolEth": "0xa16E02E87b7454126E5E10d957A927A7F5B5d2be",
        "wpoolEth": "0xB7f8BC63BbcaD18155201308C8f3540b07f84F5e",
        "deploymentBlock": 12, "refreshIntervalMs": 4000, "genesisForkVersion": "0x00007a69",
        "ssvGenesisBlock": 3, "explorerUrl": "https://explorer.example"
    });
    let mut mainnet: Value =
        serde_json::from_str(include_str!("../../../../config/mainnet.json")).unwrap();
    mainnet["poolManager"] = "0x5FbDB2315678afecb367f032d93F642f64180aa3".into();
    mainnet["poolEth"] = "0xa16E02E87b7454126E5E10d957A927A7F5B5d2be".into();
    mainnet["deploymentBlock"] = 21_000_000.into();
    vec![devnet, mainnet]
}

/// `from_json` on any text: a config that passes its own checks and reads back the same, or a
/// typed error naming a field of the schema.
fn check(text: &str) -> Result<(), TestCaseError> {
    match NetworkConfig::from_json(text) {
        Ok(config) => {
            prop_assert_eq!(config.validate(), Ok(()));
            prop_assert!(config.chain_id != 0 && config.refresh_interval_ms() >= 250);
            let again = serde_json::to_string(&config).expect("a config is JSON");
            prop_assert_eq!(NetworkConfig::from_json(&again), Ok(config.clone()));
            // The derived values are total.
            let _ = (
                config.fork_version(),
                config.chain_id_hex(),
                config.tx_url("0xab"),
            );
        }
        Err(error) => {
            assert_sentence(&error);
            if let ConfigError::Invalid { field, .. } = &error {
                prop_assert!(FIELDS.contains(field), "{}", field);
            }
        }
    }
    Ok(())
}

#[test]
fn the_seeds_are_valid() {
    for seed in seeds() {
        assert!(
            NetworkConfig::from_json(&seed.to_string()).is_ok(),
            "{seed}"
        );
    }
}

proptest! {
    #![proptest_config(config_with(DEFAULT_CASES_CHEAP))]

    #[test]
    fn mutated_configs_load_or_name_the_fault(
        text in prop::sample::select(seeds()).prop_flat_map(near)
    ) {
        check(&text)?;
    }

    /// One field of a valid config set to an odd value (an empty or non-ASCII string, a number
    /// at an edge, another type): the checks see every field's odd shapes often.
    #[test]
    fn each_field_with_odd_values_loads_or_names_the_fault(
        seed in prop::sample::select(seeds()),
        field in prop::sample::select(SCHEMA.to_vec()),
        value in prop_oneof![odd_string().prop_map(Value::String), any_value()],
    ) {
        let mut config = seed;
        config[field] = value;
        check(&config.to_string())?;
    }

    #[test]
    fn any_text_is_a_config_or_a_typed_error(text in any::<String>()) {
        check(&text)?;
    }
}
