//! Deposit signatures checked on chain when an entry is added (EIP-2537 precompiles): only a
//! deposit the beacon chain would accept enters the registry; the verifier hashes to G2 and
//! computes signing roots exactly as the core does.

use alloy::primitives::{Address, Bytes, FixedBytes, U256};
use bls12_381::{G1Affine, G2Affine};
use pool_chain::bindings::DepositSignatureVerifier;
use pool_chain::bindings::PoolManager::{PoolManagerErrors, ValidatorData};
use pool_chain::registry::bls_points;
use pool_core::deposit::{
    DEPOSIT_GWEI, DepositData, DepositMessage, ForkVersion, deposit_domain,
    eth1_withdrawal_credentials, signed_deposit,
};
use pool_core::eip2537::{encode_g1, hash_to_g2};
use pool_devnet::fixtures::{sample_key, sample_validator, sample_validator_for};
use pool_devnet::testing::{Mined, pool_error};
use pool_devnet::{Devnet, DevnetOptions, ceremony, ceremony_plan};

/// `entry` with its deposit data root recomputed for the pool (so that only the signature is
/// wrong).
fn rooted(mut entry: ValidatorData, pool: Address) -> ValidatorData {
    entry.depositDataRoot = DepositData {
        pubkey: FixedBytes::from_slice(&entry.pubkey),
        withdrawal_credentials: eth1_withdrawal_credentials(pool),
        amount: DEPOSIT_GWEI,
        signature: FixedBytes::from_slice(&entry.signature),
    }
    .root();
    entry
}

/// The pool's error for adding `entry` (with `points`) after the entries already there.
async fn refusal(devnet: &Devnet, entry: ValidatorData, points: Bytes) -> PoolManagerErrors {
    let error = devnet
        .pool()
        .addValidators(vec![entry], vec![points])
        .call()
        .await
        .expect_err("the pool refuses the entry");
    pool_error(error)
}

#[tokio::test]
async fn anvil_runs_the_precompiles_and_the_verifier_hashes_as_the_core_does() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let pool = devnet.pool();
    let verifier = DepositSignatureVerifier::new(
        pool.depositVerifier().call().await.unwrap(),
        devnet.provider(),
    );
    assert_eq!(
        verifier.genesisForkVersion().call().await.unwrap(),
        ForkVersion::DEVNET.0
    );
    assert_eq!(
        verifier.depositDomain().call().await.unwrap(),
        deposit_domain(ForkVersion::DEVNET)
    );
    let messages: Vec<Vec<u8>> = vec![
        vec![],
        b"abc".to_vec(),
        vec![0; 32],
        vec![0xff; 32],
        (0..=200u8).collect(),
        DepositMessage {
            pubkey: FixedBytes(sample_key(1).public_key()),
            withdrawal_credentials: eth1_withdrawal_credentials(devnet.deployment.pool_manager),
            amount: DEPOSIT_GWEI,
        }
        .signing_root(ForkVersion::DEVNET)
        .to_vec(),
    ];
    for message in &messages {
        let on_chain = verifier
            .hashToG2(Bytes::from(message.clone()))
            .call()
            .await
            .unwrap();
        assert_eq!(
            on_chain.as_ref(),
            hash_to_g2(message).as_slice(),
            "hash_to_curve of {} bytes",
            message.len()
        );
    }
    let pubkey = sample_key(2).public_key();
    let credentials = eth1_withdrawal_credentials(Address::repeat_byte(9));
    assert_eq!(
        verifier
            .signingRoot(Bytes::copy_from_slice(&pubkey), credentials)
            .call()
            .await
            .unwrap(),
        DepositMessage {
            pubkey: FixedBytes(pubkey),
            withdrawal_credentials: credentials,
            amount: DEPOSIT_GWEI,
        }
        .signing_root(ForkVersion::DEVNET)
    );
}

#[tokio::test]
async fn only_deposits_the_beacon_chain_accepts_enter_the_registry() {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let pool_address = devnet.deployment.pool_manager;
    let ops = devnet.deployment.operator_ids.clone();
    let pool = devnet.pool();

    // A real ceremony entry (nonce 0) is accepted.
    let made = ceremony::run(&ceremony_plan(&devnet.deployment, 0, 1));
    let good = made.validators[0].clone();
    assert!(
        pool.addValidators(vec![good.clone()], vec![bls_points(&good)])
            .mined()
            .await
            .status()
    );
    let index = U256::from(1);

    // A valid root, but another key's signature (a valid point): refused, naming the index.
    let other = sample_validator(pool_address, 7, &ops);
    let mut swapped = sample_validator(pool_address, 8, &ops);
    swapped.signature = other.signature.clone();
    let swapped = rooted(swapped, pool_address);
    match refusal(&devnet, swapped.clone(), bls_points(&swapped)).await {
        PoolManagerErrors::InvalidDepositSignature(e) => assert_eq!(e.index, index),
        other => panic!("expected InvalidDepositSignature, got {other:?}"),
    }

    // Signed for another network (Hoodi's fork version).
    let hoodi = sample_validator_for(pool_address, 9, &ops, ForkVersion::HOODI);
    match refusal(&devnet, hoodi.clone(), bls_points(&hoodi)).await {
        PoolManagerErrors::InvalidDepositSignature(e) => assert_eq!(e.index, index),
        other => panic!("expected InvalidDepositSignature, got {other:?}"),
    }

    // Signed over other credentials, the root then made for the pool's.
    let key = sample_key(10);
    let elsewhere = signed_deposit(
        &key,
        eth1_withdrawal_credentials(Address::repeat_byte(0xee)),
        ForkVersion::DEVNET,
    );
    let mut moved = sample_validator(pool_address, 10, &ops);
    moved.signature = Bytes::copy_from_slice(elsewhere.signature.as_slice());
    let moved = rooted(moved, pool_address);
    match refusal(&devnet, moved.clone(), bls_points(&moved)).await {
        PoolManagerErrors::InvalidDepositSignature(e) => assert_eq!(e.index, index),
        other => panic!("expected InvalidDepositSignature, got {other:?}"),
    }

    // A pubkey that is not on the curve: x = 1 (compressed 0x80 ‖ … ‖ 01), with y = 1 passed
    // uncompressed (1 ≠ 1 + 4): the compression matches, the pairing precompile refuses it.
    let mut off_curve = sample_validator(pool_address, 11, &ops);
    let mut pubkey = [0u8; 48];
    pubkey[0] = 0x80;
    pubkey[47] = 1;
    off_curve.pubkey = Bytes::copy_from_slice(&pubkey);
    let off_curve = rooted(off_curve, pool_address);
    let mut points = bls_points(&sample_validator(pool_address, 11, &ops)).to_vec();
    points[..128].fill(0);
    points[63] = 1; // x
    points[127] = 1; // y
    match refusal(&devnet, off_curve, Bytes::from(points)).await {
        PoolManagerErrors::InvalidBlsPoint(e) => assert_eq!(e.index, index),
        other => panic!("expected InvalidBlsPoint, got {other:?}"),
    }

    // Points on their curves but outside the prime-order subgroups (the cofactors are large:
    // most x give one): the pairing precompile's subgroup checks refuse them.
    let (outside_g1, outside_g1_point) = (1u8..)
        .find_map(|k| {
            let mut bytes = [0u8; 48];
            bytes[0] = 0x80;
            bytes[47] = k;
            let point = Option::<G1Affine>::from(G1Affine::from_compressed_unchecked(&bytes))?;
            bool::from(!point.is_torsion_free()).then_some((bytes, point))
        })
        .unwrap();
    let mut small_key = sample_validator(pool_address, 13, &ops);
    small_key.pubkey = Bytes::copy_from_slice(&outside_g1);
    let small_key = rooted(small_key, pool_address);
    let mut points = bls_points(&sample_validator(pool_address, 13, &ops)).to_vec();
    points[..128].copy_from_slice(&encode_g1(&outside_g1_point));
    match refusal(&devnet, small_key, Bytes::from(points)).await {
        PoolManagerErrors::InvalidBlsPoint(e) => assert_eq!(e.index, index),
        other => panic!("expected InvalidBlsPoint, got {other:?}"),
    }
    let outside_g2 = (1u8..)
        .find_map(|k| {
            let mut bytes = [0u8; 96];
            bytes[0] = 0x80;
            bytes[95] = k;
            let point = Option::<G2Affine>::from(G2Affine::from_compressed_unchecked(&bytes))?;
            bool::from(!point.is_torsion_free()).then_some(bytes)
        })
        .unwrap();
    let mut small_signature = sample_validator(pool_address, 14, &ops);
    small_signature.signature = Bytes::copy_from_slice(&outside_g2);
    let small_signature = rooted(small_signature, pool_address);
    // The core's points leave the signature's subgroup check to the chain.
    let points = bls_points(&small_signature);
    assert_eq!(points.len(), 384);
    match refusal(&devnet, small_signature, points).await {
        PoolManagerErrors::InvalidBlsPoint(e) => assert_eq!(e.index, index),
        other => panic!("expected InvalidBlsPoint, got {other:?}"),
    }

    // Points that are not the decompression of the bytes: the key's negation (the other root
    // of y), another entry's points, none at all.
    let fine = sample_validator(pool_address, 12, &ops);
    let key_point = G1Affine::from_compressed(&fine.pubkey.as_ref().try_into().unwrap()).unwrap();
    let mut negated = bls_points(&fine).to_vec();
    negated[..128].copy_from_slice(&encode_g1(&-key_point));
    for points in [Bytes::from(negated), bls_points(&other), Bytes::new()] {
        match refusal(&devnet, fine.clone(), points).await {
            PoolManagerErrors::BlsPointsMismatch(e) => assert_eq!(e.index, index),
            other => panic!("expected BlsPointsMismatch, got {other:?}"),
        }
    }
    let error = pool
        .addValidators(vec![fine.clone()], vec![])
        .call()
        .await
        .unwrap_err();
    assert!(matches!(
        pool_error(error),
        PoolManagerErrors::BlsPointsCountMismatch(_)
    ));

    // And the same entry with its own points enters.
    assert!(
        pool.addValidators(vec![fine.clone()], vec![bls_points(&fine)])
            .mined()
            .await
            .status()
    );
    assert_eq!(pool.validatorCount().call().await.unwrap(), U256::from(2));
}
