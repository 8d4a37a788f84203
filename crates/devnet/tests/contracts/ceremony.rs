//! The devnet key ceremony: its validators are valid for the pool and activate for real.

use alloy::primitives::{U256, utils::parse_ether};
use bls12_381::Scalar;
use pool_chain::bindings::PoolManager;
use pool_core::bls::SecretKey;
use pool_core::deposit::{DepositData, ForkVersion, verify_deposit_signature};
use pool_devnet::fixtures::new_cluster;
use pool_devnet::operators::{decrypt_share, operator_keys};
use pool_devnet::testing::AddValidators as _;
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
                .map(|j| (entry.operatorIds[j], shares[j].scalar()))
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
        .activateValidators(
            ceremony.validators[..1].to_vec(),
            count,
            devnet.funding_quote().await.unwrap(),
            new_cluster(),
        )
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

/// The console's import checks (`pool_core::ceremony`) on a ceremony's files as `pool-devnet`
/// writes them, against the chain's facts: a new ceremony after the registered one is accepted
/// whole and the registry takes its entries; the registered one's files are refused.
#[tokio::test]
async fn the_console_checks_accept_a_ceremonys_files_and_the_registry_takes_their_entries() {
    use pool_core::ceremony::{CheckContext, ImportedFile, check_import};
    use pool_core::deposit::eth1_withdrawal_credentials;
    use pool_devnet::ceremony::{Ceremony, CeremonyPlan, run};

    let devnet = Devnet::start(DevnetOptions {
        validators: 2,
        ..Default::default()
    })
    .await
    .unwrap();
    let registered = devnet.ceremony.clone().expect("a ceremony");
    let deployment = &devnet.deployment;
    let pool = PoolManager::new(deployment.pool_manager, devnet.provider());
    let operators: Vec<(u64, String)> = deployment
        .operator_ids
        .iter()
        .copied()
        .zip(deployment.operator_public_keys.iter().cloned())
        .collect();
    assert_eq!(
        pool.withdrawalCredentials().call().await.unwrap(),
        eth1_withdrawal_credentials(deployment.pool_manager)
    );
    let next_nonce: u64 = pool.validatorCount().call().await.unwrap().to();
    let next = run(&CeremonyPlan {
        pool: deployment.pool_manager,
        operators: operators.clone(),
        count: 3,
        first_nonce: next_nonce,
    });
    let files = |ceremony: &Ceremony| {
        vec![
            ImportedFile {
                name: "deposit_data.json".into(),
                text: serde_json::to_string_pretty(&ceremony.deposit_data).unwrap(),
            },
            ImportedFile {
                name: "keyshares.json".into(),
                text: serde_json::to_string_pretty(&ceremony.keyshares).unwrap(),
            },
        ]
    };
    let mut context = CheckContext {
        pool: deployment.pool_manager,
        fork_version: ForkVersion::DEVNET,
        next_nonce,
        cluster: None,
        operator_keys: operators,
        registered: registered
            .validators
            .iter()
            .map(|v| v.pubkey.clone())
            .collect(),
        dropped: vec![],
        deposited: vec![],
        ssv_registered: vec![],
    };

    let report = check_import(&files(&next), &context, [5; 32]);
    assert!(report.all_accepted(), "{report:#?}");
    let entries: Vec<PoolManager::ValidatorData> = report
        .registry_entries()
        .into_iter()
        .map(|entry| PoolManager::ValidatorData {
            pubkey: entry.pubkey.clone(),
            signature: entry.signature.clone(),
            depositDataRoot: entry.deposit_data_root,
            operatorIds: entry.operator_ids.clone(),
            sharesData: entry.shares_data.clone(),
        })
        .collect();
    assert_eq!(entries.len(), 3);
    for (entry, made) in entries.iter().zip(&next.validators) {
        assert_eq!(
            (&entry.pubkey, &entry.signature, entry.depositDataRoot),
            (&made.pubkey, &made.signature, made.depositDataRoot)
        );
        assert_eq!(
            (&entry.operatorIds, &entry.sharesData),
            (&made.operatorIds, &made.sharesData)
        );
    }
    assert!(pool.add_validators(entries).mined().await.status());
    assert_eq!(pool.validatorCount().call().await.unwrap(), U256::from(5));

    // The registered ceremony's files: every key already in the registry, nothing to add.
    context.next_nonce = 5;
    let report = check_import(&files(&registered), &context, [5; 32]);
    assert!(report.registry_entries().is_empty());
    assert!(!report.files[0].accepted() && !report.files[1].accepted());
}
