//! The devnet key ceremony: its validators are valid for the pool and activate for real.

use alloy::primitives::{U256, utils::parse_ether};
use bls12_381::Scalar;
use pool_chain::bindings::PoolManager;
use pool_core::bls::SecretKey;
use pool_core::deposit::{DepositData, ForkVersion, verify_deposit_signature};
use pool_devnet::fixtures::new_cluster;
use pool_devnet::operators::{decrypt_share, operator_keys};
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
    // Each operator decrypts its share with its RSA key, the share matches the public key
    // published beside it, and any three shares rebuild the validator's key.
    let n = devnet.deployment.operator_ids.len();
    for entry in &ceremony.validators {
        let data = entry.sharesData.as_ref();
        let (pubkeys, encrypted) = data[96..].split_at(n * 48);
        let shares: Vec<_> = operator_keys()
            .iter()
            .enumerate()
            .map(|(j, key)| {
                let share = decrypt_share(key, &encrypted[j * 256..(j + 1) * 256]).unwrap();
                assert_eq!(
                    share.public_key(),
                    pubkeys[j * 48..(j + 1) * 48],
                    "share {j}"
                );
                share
            })
            .collect();
        for left_out in 0..n {
            let points: Vec<(u64, Scalar)> = (0..n)
                .filter(|j| *j != left_out)
                .map(|j| (j as u64 + 1, shares[j].scalar()))
                .collect();
            let key = SecretKey::from_scalar(interpolate_at_zero(&points));
            assert_eq!(
                key.public_key(),
                entry.pubkey.as_ref(),
                "without share {left_out}"
            );
        }
    }
    assert_eq!(
        ceremony.deposit_data[0].pubkey,
        alloy::primitives::hex::encode(&ceremony.validators[0].pubkey)
    );

    pool.deposit()
        .value(parse_ether("32").unwrap())
        .mined()
        .await;
    let count = devnet.deposit_count().await.unwrap();
    let receipt = pool
        .activateValidators(ceremony.validators[..1].to_vec(), count, new_cluster())
        .mined()
        .await;
    assert!(receipt.status());
    assert_eq!(pool.activatedValidators().call().await.unwrap(), 1);
}

/// Lagrange interpolation of the shares `(x, f(x))` at 0: the shared secret.
fn interpolate_at_zero(points: &[(u64, Scalar)]) -> Scalar {
    points.iter().fold(Scalar::zero(), |sum, (xj, yj)| {
        let basis =
            points
                .iter()
                .filter(|(xm, _)| xm != xj)
                .fold(Scalar::one(), |product, (xm, _)| {
                    let (xm, xj) = (Scalar::from(*xm), Scalar::from(*xj));
                    product * xm * (xm - xj).invert().unwrap()
                });
        sum + yj * basis
    })
}
