//! The devnet key ceremony: its validators are valid for the pool and activate for real.

use alloy::primitives::{U256, utils::parse_ether};
use pool_chain::bindings::PoolManager;
use pool_core::deposit::{DepositData, ForkVersion, verify_deposit_signature};
use pool_devnet::fixtures::new_cluster;
use pool_devnet::testing::Mined;
use pool_devnet::{Devnet, DevnetOptions};

#[tokio::test]
async fn ceremony_validators_fill_the_registry_and_activate() {
    let devnet = Devnet::start(DevnetOptions {
        validators: 3,
        ..Default::default()
    })
    .await
    .unwrap();
    let ceremony = devnet.ceremony.clone().expect("a ceremony");
    let pool = PoolManager::new(devnet.deployment.pool_manager, devnet.provider());
    assert_eq!(pool.validatorCount().call().await.unwrap(), U256::from(3));

    for (i, share) in ceremony.keyshares.shares.iter().enumerate() {
        assert_eq!(share.data.owner_address, devnet.deployment.pool_manager);
        assert_eq!(
            share.validate(devnet.deployment.pool_manager, i as u64),
            Ok(()),
            "nonce {i} in order"
        );
        let entry = &ceremony.validators[i];
        let data = DepositData {
            pubkey: entry.pubkey.as_ref().try_into().unwrap(),
            withdrawal_credentials: pool.withdrawalCredentials().call().await.unwrap(),
            amount: 32_000_000_000,
            signature: entry.signature.as_ref().try_into().unwrap(),
        };
        assert_eq!(data.root(), entry.depositDataRoot);
        assert_eq!(verify_deposit_signature(&data, ForkVersion::DEVNET), Ok(()));
        assert!(
            verify_deposit_signature(&data, ForkVersion::MAINNET).is_err(),
            "useless on mainnet"
        );
    }
    assert_eq!(
        ceremony.deposit_data[0].pubkey,
        alloy::primitives::hex::encode(&ceremony.validators[0].pubkey)
    );

    pool.deposit()
        .value(parse_ether("32").unwrap())
        .mined()
        .await;
    let root = devnet.deposit_root().await.unwrap();
    let receipt = pool
        .activateValidators(ceremony.validators[..1].to_vec(), root, new_cluster())
        .mined()
        .await;
    assert!(receipt.status());
    assert_eq!(pool.activatedValidators().call().await.unwrap(), 1);
}
