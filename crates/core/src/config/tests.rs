//! `config.json`'s parsing and checks: round trips, each refused value named, the examples.

use super::*;

#[test]
fn round_trips_and_formats_chain_id() {
    let text = r#"{"chainId":31337,"chainName":"Devnet","rpcUrl":"http://127.0.0.1:8545",
        "poolManager":"0x5FbDB2315678afecb367f032d93F642f64180aa3",
        "poolEth":"0xa16E02E87b7454126E5E10d957A927A7F5B5d2be"}"#;
    let config = NetworkConfig::from_json(text).unwrap();
    assert_eq!(config.chain_id_hex(), "0x7a69");
    assert_eq!(config.tx_url("0xab"), None);
    let again = NetworkConfig::from_json(&serde_json::to_string(&config).unwrap()).unwrap();
    assert_eq!(again, config);
    assert!(matches!(
        NetworkConfig::from_json("{}"),
        Err(ConfigError::Malformed(m)) if m.contains("chainId")
    ));
}

fn field_at_fault(text: &str) -> &'static str {
    match NetworkConfig::from_json(text) {
        Err(ConfigError::Invalid { field, .. }) => field,
        other => panic!("expected an invalid field, got {other:?}"),
    }
}

#[test]
fn a_bad_value_is_named() {
    let good = serde_json::json!({"chainId": 1, "chainName": "Mainnet", "rpcUrl": "https://rpc.example",
        "poolManager": "0x5FbDB2315678afecb367f032d93F642f64180aa3",
        "poolEth": "0xa16E02E87b7454126E5E10d957A927A7F5B5d2be", "deploymentBlock": 21000000});
    assert!(NetworkConfig::from_json(&good.to_string()).is_ok());
    let with = |key: &str, value: serde_json::Value| {
        let mut config = good.clone();
        config[key] = value;
        config.to_string()
    };
    let zero = "0x0000000000000000000000000000000000000000";
    assert_eq!(field_at_fault(&with("chainId", 0.into())), "chainId");
    assert_eq!(field_at_fault(&with("rpcUrl", "ws://x".into())), "rpcUrl");
    assert_eq!(
        field_at_fault(&with("explorerUrl", "etherscan.io".into())),
        "explorerUrl"
    );
    assert_eq!(
        field_at_fault(&with("poolManager", zero.into())),
        "poolManager"
    );
    assert_eq!(field_at_fault(&with("poolEth", zero.into())), "poolEth");
    assert_eq!(
        field_at_fault(&with("refreshIntervalMs", 10.into())),
        "refreshIntervalMs"
    );
    let message = NetworkConfig::from_json(&with("poolManager", zero.into()))
        .unwrap_err()
        .to_string();
    assert!(
        message.starts_with("config.json: \"poolManager\" is empty"),
        "{message}"
    );
}

/// The wrapper is optional: absent means none (the app offers no wrapping); present, it
/// must be a third address.
#[test]
fn the_wrapper_is_optional_and_distinct() {
    let base = serde_json::json!({"chainId": 31337, "chainName": "Devnet", "rpcUrl": "http://127.0.0.1:8545",
        "poolManager": "0x5FbDB2315678afecb367f032d93F642f64180aa3",
        "poolEth": "0xa16E02E87b7454126E5E10d957A927A7F5B5d2be"});
    let none = NetworkConfig::from_json(&base.to_string()).unwrap();
    assert_eq!(none.wpool_eth, None);
    assert!(
        !serde_json::to_string(&none).unwrap().contains("wpoolEth"),
        "absent stays absent"
    );
    let with = |value: &str| {
        let mut config = base.clone();
        config["wpoolEth"] = value.into();
        config.to_string()
    };
    let wrapper = "0xB7f8BC63BbcaD18155201308C8f3540b07f84F5e";
    let some = NetworkConfig::from_json(&with(wrapper)).unwrap();
    assert_eq!(some.wpool_eth, Some(wrapper.parse().unwrap()));
    assert_eq!(
        NetworkConfig::from_json(&serde_json::to_string(&some).unwrap()).unwrap(),
        some
    );
    for bad in [
        "0x0000000000000000000000000000000000000000",
        "0xa16E02E87b7454126E5E10d957A927A7F5B5d2be",
        "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    ] {
        assert_eq!(field_at_fault(&with(bad)), "wpoolEth", "{bad}");
    }
}

#[test]
fn the_fork_version_is_configured_or_known_by_chain() {
    let base = serde_json::json!({"chainId": 560048, "chainName": "Hoodi", "rpcUrl": "https://rpc.example",
        "poolManager": "0x5FbDB2315678afecb367f032d93F642f64180aa3",
        "poolEth": "0xa16E02E87b7454126E5E10d957A927A7F5B5d2be", "deploymentBlock": 5000});
    let config = |value: serde_json::Value| NetworkConfig::from_json(&value.to_string()).unwrap();
    assert_eq!(
        config(base.clone()).fork_version(),
        Some(ForkVersion::HOODI)
    );
    let mut other = base.clone();
    other["chainId"] = 31337.into();
    assert_eq!(config(other.clone()).fork_version(), None);
    other["genesisForkVersion"] = "0x00007a69".into();
    assert_eq!(config(other).fork_version(), Some(ForkVersion::DEVNET));
}

/// A real chain's history never starts at block 0: the pool's deployment block is required
/// on every chain but the devnet, and so is the SSV network's unless known by chain id.
#[test]
fn history_from_block_0_is_the_devnets_alone() {
    let base = serde_json::json!({"chainId": 11155111, "chainName": "Sepolia", "rpcUrl": "https://rpc.example",
        "poolManager": "0x5FbDB2315678afecb367f032d93F642f64180aa3",
        "poolEth": "0xa16E02E87b7454126E5E10d957A927A7F5B5d2be"});
    let with = |pairs: &[(&str, serde_json::Value)]| {
        let mut config = base.clone();
        for (key, value) in pairs {
            config[*key] = value.clone();
        }
        config.to_string()
    };
    assert_eq!(field_at_fault(&with(&[])), "deploymentBlock");
    assert_eq!(
        field_at_fault(&with(&[("deploymentBlock", 0.into())])),
        "deploymentBlock"
    );
    assert_eq!(
        field_at_fault(&with(&[("deploymentBlock", 7.into())])),
        "ssvGenesisBlock"
    );
    assert_eq!(
        field_at_fault(&with(&[
            ("deploymentBlock", 7.into()),
            ("ssvGenesisBlock", 0.into())
        ])),
        "ssvGenesisBlock"
    );
    let sepolia = NetworkConfig::from_json(&with(&[
        ("deploymentBlock", 7.into()),
        ("ssvGenesisBlock", 3.into()),
    ]))
    .unwrap();
    assert_eq!(sepolia.ssv_genesis_block(), 3);
    // Mainnet and Hoodi: the SSV network's block is known.
    let mainnet = NetworkConfig::from_json(&with(&[
        ("chainId", 1.into()),
        ("deploymentBlock", 21_000_000.into()),
    ]))
    .unwrap();
    assert_eq!(mainnet.ssv_genesis_block(), 17_507_487);
    // The devnet starts at 0.
    let devnet = NetworkConfig::from_json(&with(&[("chainId", 31337.into())])).unwrap();
    assert_eq!(
        (devnet.deployment_block, devnet.ssv_genesis_block()),
        (0, 0)
    );
}

/// The example configs in `config/` parse, and are refused until the pool's own addresses
/// and its deployment block are filled in.
#[test]
fn the_examples_need_only_the_pools_addresses() {
    for (name, text) in [
        ("mainnet", include_str!("../../../../config/mainnet.json")),
        ("hoodi", include_str!("../../../../config/hoodi.json")),
    ] {
        assert_eq!(field_at_fault(text), "poolManager", "{name}");
        let mut filled: serde_json::Value = serde_json::from_str(text).unwrap();
        filled["poolManager"] = "0x5FbDB2315678afecb367f032d93F642f64180aa3".into();
        filled["poolEth"] = "0xa16E02E87b7454126E5E10d957A927A7F5B5d2be".into();
        assert_eq!(
            field_at_fault(&filled.to_string()),
            "deploymentBlock",
            "{name}"
        );
        filled["deploymentBlock"] = 21_000_000.into();
        assert!(
            NetworkConfig::from_json(&filled.to_string()).is_ok(),
            "{name}"
        );
    }
}

/// The fault is typed (callers tell them apart) and reads as the same sentence it always did.
#[test]
fn each_fault_is_typed_and_reads_as_before() {
    let good = serde_json::json!({"chainId": 11155111, "chainName": "Sepolia", "rpcUrl": "https://rpc.example",
        "poolManager": "0x5FbDB2315678afecb367f032d93F642f64180aa3",
        "poolEth": "0xa16E02E87b7454126E5E10d957A927A7F5B5d2be", "deploymentBlock": 7,
        "ssvGenesisBlock": 3});
    assert!(NetworkConfig::from_json(&good.to_string()).is_ok());
    let manager = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    let zero = "0x0000000000000000000000000000000000000000";
    let cases: &[(&str, serde_json::Value, InvalidReason, &str)] = &[
        (
            "chainId",
            0.into(),
            InvalidReason::ZeroChainId,
            "must be the network's chain id, not 0",
        ),
        ("chainName", " ".into(), InvalidReason::Empty, "is empty"),
        (
            "rpcUrl",
            "ws://x".into(),
            InvalidReason::NotHttpUrl,
            "must be an http:// or https:// URL",
        ),
        (
            "beaconUrl",
            "x".into(),
            InvalidReason::NotHttpUrl,
            "must be an http:// or https:// URL",
        ),
        (
            "poolManager",
            zero.into(),
            InvalidReason::NoPoolManager,
            "is empty: put the address of this network's PoolManager deployment",
        ),
        (
            "poolEth",
            zero.into(),
            InvalidReason::NoPoolEth,
            "is empty: put the PoolManager's poolETH() address",
        ),
        (
            "poolEth",
            manager.into(),
            InvalidReason::PoolEthIsManager,
            "is the pool manager's address, not its poolETH",
        ),
        (
            "wpoolEth",
            zero.into(),
            InvalidReason::NoWrapper,
            "is empty: put the wrapper's address, or leave the field out (no wrapper)",
        ),
        (
            "wpoolEth",
            manager.into(),
            InvalidReason::WrapperIsPoolAddress,
            "is one of the pool's own addresses, not the wrapper",
        ),
        (
            "refreshIntervalMs",
            600_001.into(),
            InvalidReason::RefreshOutOfRange,
            "must be between 250 and 600000",
        ),
        (
            "deploymentBlock",
            0.into(),
            InvalidReason::NoDeploymentBlock,
            "is 0: put the block the PoolManager was deployed in (every history scan starts there; from 0 it would read the whole chain)",
        ),
        (
            "ssvGenesisBlock",
            serde_json::Value::Null,
            InvalidReason::NoSsvGenesis,
            "is missing: put the block the SSV network was deployed in on this chain",
        ),
        (
            "ssvGenesisBlock",
            0.into(),
            InvalidReason::ZeroSsvGenesis,
            "is 0: put the block the SSV network was deployed in on this chain",
        ),
    ];
    for (key, value, reason, words) in cases {
        let mut config = good.clone();
        config[*key] = value.clone();
        let error = NetworkConfig::from_json(&config.to_string()).unwrap_err();
        assert_eq!(
            error,
            ConfigError::Invalid {
                field: key,
                reason: *reason
            },
            "{key} = {value}"
        );
        assert_eq!(error.to_string(), format!("config.json: \"{key}\" {words}"));
    }
}
