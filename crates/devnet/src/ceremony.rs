//! The devnet's key ceremony: validator keys, signed deposit data and SSV key shares, as a pool
//! operator gets them from the staking deposit CLI and ssv-keys / ssv-dkg, for the deployed
//! pool.
//!
//! What the chain and the clients check is real: BLS keys; deposit signatures for the devnet's
//! fork version over the pool's 0x01 withdrawal credentials; deposit data roots; Shamir shares
//! of each key (threshold n - (n-1)/3) with their public keys; the ownership signature over
//! `keccak256("<pool>:<nonce>")` with nonces in registration order; each share encrypted to its
//! operator's registered RSA key as ssv-keys does (see [`crate::operators`]), so an operator
//! holding the key decrypts it.
//!
//! Keys derive from a fixed seed, so every devnet has the same validators. Devnet only.

use alloy::primitives::{Address, Bytes};
use bls12_381::Scalar;
use pool_chain::bindings::PoolManager::ValidatorData;
use pool_core::bls::SecretKey;
use pool_core::deposit::{
    DepositDataJson, ForkVersion, eth1_withdrawal_credentials, signed_deposit,
    verify_deposit_signature,
};
use pool_core::keyshares::{
    KeyShare, KeyShareData, KeySharePayload, KeySharesFile, ShareOperator, ownership_message,
};
use sha2::{Digest, Sha256};

use crate::operators::encrypt_share;

/// Everything the ceremony hands the operator.
#[derive(Debug, Clone)]
pub struct Ceremony {
    /// Registry entries, in activation order.
    pub validators: Vec<ValidatorData>,
    /// `deposit_data-*.json` content.
    pub deposit_data: Vec<DepositDataJson>,
    /// The ssv-keys `keyshares-*.json` content.
    pub keyshares: KeySharesFile,
}

/// What to make.
#[derive(Debug, Clone)]
pub struct CeremonyPlan {
    /// The pool: owner of the clusters and target of the withdrawal credentials.
    pub pool: Address,
    /// The operators sharing every key (ascending ids) and their registered public keys, in
    /// SSV's form (base64 PEM).
    pub operators: Vec<(u64, String)>,
    /// How many validators.
    pub count: usize,
    /// The pool's SSV registration count so far (the first share's nonce).
    pub first_nonce: u64,
}

/// Runs the ceremony and checks every output with the same code the clients use.
pub fn run(plan: &CeremonyPlan) -> Ceremony {
    let credentials = eth1_withdrawal_credentials(plan.pool);
    let ids: Vec<u64> = plan.operators.iter().map(|(id, _)| *id).collect();
    let n = ids.len();
    let operator_keys: Vec<_> = plan
        .operators
        .iter()
        .map(|(id, key)| {
            crate::operators::parse_ssv_public_key(key)
                .unwrap_or_else(|e| panic!("operator {id}'s registered key: {e:#}"))
        })
        .collect();
    let threshold = n - (n - 1) / 3;
    let mut validators = Vec::new();
    let mut deposit_data = Vec::new();
    let mut shares = Vec::new();
    for i in 0..plan.count {
        // Keys follow the owner nonce: a later ceremony for the same pool makes new keys.
        let nonce = plan.first_nonce + i as u64;
        let key = SecretKey::from_seed(&seed64(&format!("validator {nonce}")));
        let deposit = signed_deposit(&key, credentials, ForkVersion::DEVNET);
        verify_deposit_signature(&deposit, ForkVersion::DEVNET).expect("a valid deposit signature");

        // Shamir: f(x) = key + a1 x + ... + a(t-1) x^(t-1); the operator with id j holds f(j)
        // (SSV nodes recombine over operator ids).
        let coefficients: Vec<Scalar> = std::iter::once(key.scalar())
            .chain((1..threshold).map(|k| {
                SecretKey::from_seed(&seed64(&format!("validator {nonce} coefficient {k}")))
                    .scalar()
            }))
            .collect();
        let share_keys: Vec<SecretKey> = ids
            .iter()
            .map(|&x| {
                let x = Scalar::from(x);
                let y = coefficients
                    .iter()
                    .rev()
                    .fold(Scalar::zero(), |acc, c| acc * x + c);
                SecretKey::from_scalar(y)
            })
            .collect();

        let mut shares_data = key.sign(&ownership_message(plan.pool, nonce)).to_vec();
        for share in &share_keys {
            shares_data.extend_from_slice(&share.public_key());
        }
        for (j, (share, operator)) in share_keys.iter().zip(&operator_keys).enumerate() {
            let label = format!("validator {nonce} share {j}");
            shares_data.extend_from_slice(&encrypt_share(operator, share, &label));
        }
        let public_key = Bytes::copy_from_slice(deposit.pubkey.as_slice());
        let share = KeyShare {
            data: KeyShareData {
                owner_nonce: nonce,
                owner_address: plan.pool,
                public_key: public_key.clone(),
                operators: plan
                    .operators
                    .iter()
                    .map(|(id, key)| ShareOperator {
                        id: *id,
                        operator_key: key.clone(),
                    })
                    .collect(),
            },
            payload: KeySharePayload {
                public_key: public_key.clone(),
                operator_ids: ids.clone(),
                shares_data: shares_data.clone().into(),
            },
        };
        share.validate(plan.pool, nonce).expect("a valid key share");
        validators.push(ValidatorData {
            pubkey: public_key,
            signature: Bytes::copy_from_slice(deposit.signature.as_slice()),
            depositDataRoot: deposit.root(),
            operatorIds: ids.clone(),
            sharesData: shares_data.into(),
        });
        deposit_data.push(DepositDataJson::new(
            &deposit,
            ForkVersion::DEVNET,
            "devnet",
        ));
        shares.push(share);
    }
    let keyshares = KeySharesFile {
        version: "v1.1.0".into(),
        created_at: None,
        shares,
    };
    Ceremony {
        validators,
        deposit_data,
        keyshares,
    }
}

/// What the holder of ceremony key `nonce` would sign to front-run the pool: a deposit of
/// `amount_gwei` to `credentials`, signed by the key for the devnet (the beacon chain would let
/// it fix the key's credentials). For the end-to-end tests' stranger.
pub fn side_deposit(
    nonce: u64,
    credentials: alloy::primitives::B256,
    amount_gwei: u64,
) -> DepositDataJson {
    let key = SecretKey::from_seed(&seed64(&format!("validator {nonce}")));
    let message = pool_core::deposit::DepositMessage {
        pubkey: alloy::primitives::FixedBytes(key.public_key()),
        withdrawal_credentials: credentials,
        amount: amount_gwei,
    };
    let signature = key.sign(message.signing_root(ForkVersion::DEVNET).as_slice());
    let data = pool_core::deposit::DepositData {
        pubkey: message.pubkey,
        withdrawal_credentials: credentials,
        amount: amount_gwei,
        signature: alloy::primitives::FixedBytes(signature),
    };
    DepositDataJson::new(&data, ForkVersion::DEVNET, "devnet")
}

fn seed64(label: &str) -> [u8; 64] {
    let mut seed = [0u8; 64];
    seed[..32].copy_from_slice(&Sha256::digest(format!(
        "ssv-pool devnet ceremony: {label} (a)"
    )));
    seed[32..].copy_from_slice(&Sha256::digest(format!(
        "ssv-pool devnet ceremony: {label} (b)"
    )));
    seed
}
