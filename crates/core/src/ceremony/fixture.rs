//! Test ceremonies: validator keys, signed deposits and key shares made as the staking deposit
//! CLI and ssv-keys make them (Shamir shares, threshold `n - (n - 1) / 3`, the operator with id
//! `x` holding `f(x)`), so the checks meet real files, and each test can spoil one thing.

use alloy_primitives::{Address, B256, Bytes, FixedBytes, address};
use bls12_381::Scalar;

use super::{CheckContext, CheckError, ImportReport, ImportedFile, check_import};
use crate::bls::SecretKey;
use crate::deposit::{
    DepositData, DepositDataJson, ForkVersion, eth1_withdrawal_credentials, signed_deposit,
};
use crate::keyshares::{
    KeyShare, KeyShareData, KeySharePayload, KeySharesFile, ShareOperator, ownership_message,
};

pub const POOL: Address = address!("5FbDB2315678afecb367f032d93F642f64180aa3");
pub const SEED: [u8; 32] = [7; 32];

/// What to make.
#[derive(Clone)]
pub struct Plan {
    pub fork: ForkVersion,
    pub count: usize,
    pub first_nonce: u64,
    pub operators: Vec<u64>,
    /// Tells apart the keys of two ceremonies.
    pub label: &'static str,
}

impl Default for Plan {
    fn default() -> Self {
        Plan {
            fork: ForkVersion::MAINNET,
            count: 2,
            first_nonce: 0,
            operators: vec![1, 2, 3, 4],
            label: "a",
        }
    }
}

pub struct Validator {
    pub key: SecretKey,
    /// The operators' shares, in operator order.
    pub shares: Vec<SecretKey>,
}

pub struct Ceremony {
    pub plan: Plan,
    pub validators: Vec<Validator>,
    pub deposits: Vec<DepositDataJson>,
    pub keyshares: KeySharesFile,
    /// The chain as the files expect it.
    pub context: CheckContext,
}

/// A key from a label.
pub fn key(label: &str) -> SecretKey {
    let mut seed = [0u8; 64];
    for (i, byte) in label.bytes().enumerate() {
        seed[i % 64] ^= byte;
    }
    seed[63] ^= label.len() as u8;
    SecretKey::from_seed(&seed)
}

/// Operator `id`'s registered key (its form is not checked, only that it matches the chain's).
pub fn operator_key(id: u64) -> String {
    format!("LS0tLS1CRUdJTiBSU0EgUFVCTElDIEtFWS0tLS0t-operator-{id}")
}

/// Shamir shares of `key` for the operators `ids`.
pub fn split(key: &SecretKey, ids: &[u64], label: &str) -> Vec<SecretKey> {
    let threshold = ids.len() - (ids.len() - 1) / 3;
    let coefficients: Vec<Scalar> = std::iter::once(key.scalar())
        .chain((1..threshold).map(|k| self::key(&format!("{label} coefficient {k}")).scalar()))
        .collect();
    ids.iter()
        .map(|&x| {
            let x = Scalar::from(x);
            let y = coefficients
                .iter()
                .rev()
                .fold(Scalar::zero(), |acc, c| acc * x + c);
            SecretKey::from_scalar(y)
        })
        .collect()
}

/// A key share of `key` split into `shares`, for `owner` at `nonce`.
pub fn key_share(
    key: &SecretKey,
    shares: &[SecretKey],
    owner: Address,
    nonce: u64,
    ids: &[u64],
) -> KeyShare {
    let mut shares_data = key.sign(&ownership_message(owner, nonce)).to_vec();
    for share in shares {
        shares_data.extend_from_slice(&share.public_key());
    }
    for (j, _) in shares.iter().enumerate() {
        // Encryption to the operators is not what the console checks: any 256 bytes stand in.
        shares_data.extend_from_slice(&[j as u8 + 1; 256]);
    }
    let public_key = Bytes::copy_from_slice(&key.public_key());
    KeyShare {
        data: KeyShareData {
            owner_nonce: nonce,
            owner_address: owner,
            public_key: public_key.clone(),
            operators: ids
                .iter()
                .map(|id| ShareOperator {
                    id: *id,
                    operator_key: operator_key(*id),
                })
                .collect(),
        },
        payload: KeySharePayload {
            public_key,
            operator_ids: ids.to_vec(),
            shares_data: shares_data.into(),
        },
    }
}

pub fn make(plan: &Plan) -> Ceremony {
    let credentials = eth1_withdrawal_credentials(POOL);
    let validators: Vec<Validator> = (0..plan.count)
        .map(|i| {
            let label = format!("{} validator {i}", plan.label);
            let key = key(&label);
            let shares = split(&key, &plan.operators, &label);
            Validator { key, shares }
        })
        .collect();
    let deposits = validators
        .iter()
        .map(|v| {
            DepositDataJson::new(
                &signed_deposit(&v.key, credentials, plan.fork),
                plan.fork,
                "test",
            )
        })
        .collect();
    let shares = validators
        .iter()
        .enumerate()
        .map(|(i, v)| {
            key_share(
                &v.key,
                &v.shares,
                POOL,
                plan.first_nonce + i as u64,
                &plan.operators,
            )
        })
        .collect();
    let context = CheckContext {
        pool: POOL,
        fork_version: plan.fork,
        next_nonce: plan.first_nonce,
        cluster: None,
        operator_keys: plan
            .operators
            .iter()
            .map(|id| (*id, operator_key(*id)))
            .collect(),
        registered: Vec::new(),
        dropped: Vec::new(),
        deposited: Vec::new(),
        ssv_registered: Vec::new(),
    };
    Ceremony {
        plan: plan.clone(),
        validators,
        deposits,
        keyshares: KeySharesFile {
            version: "v1.1.0".into(),
            created_at: None,
            shares,
        },
        context,
    }
}

impl Ceremony {
    pub fn deposit_file(&self) -> ImportedFile {
        deposit_file("deposit_data.json", &self.deposits)
    }

    pub fn keyshares_file(&self) -> ImportedFile {
        keyshares_file("keyshares.json", &self.keyshares)
    }

    pub fn files(&self) -> Vec<ImportedFile> {
        vec![self.deposit_file(), self.keyshares_file()]
    }

    pub fn check(&self) -> ImportReport {
        check_import(&self.files(), &self.context, SEED)
    }

    /// Validator `i`'s deposit, signed again after `change`, with its roots recomputed: a
    /// well-made entry, wrong only in what `change` did.
    pub fn resigned_deposit(
        &self,
        i: usize,
        change: impl FnOnce(&mut DepositData),
    ) -> DepositDataJson {
        let mut data = signed_deposit(
            &self.validators[i].key,
            eth1_withdrawal_credentials(POOL),
            self.plan.fork,
        );
        change(&mut data);
        let signature = self.validators[i]
            .key
            .sign(data.message().signing_root(self.plan.fork).as_slice());
        data.signature = FixedBytes(signature);
        DepositDataJson::new(&data, self.plan.fork, "test")
    }
}

pub fn deposit_file(name: &str, deposits: &[DepositDataJson]) -> ImportedFile {
    ImportedFile {
        name: name.into(),
        text: serde_json::to_string_pretty(deposits).unwrap(),
    }
}

pub fn keyshares_file(name: &str, keyshares: &KeySharesFile) -> ImportedFile {
    ImportedFile {
        name: name.into(),
        text: serde_json::to_string_pretty(keyshares).unwrap(),
    }
}

/// The reasons given against entry `entry` of file `file`.
pub fn entry_errors(report: &ImportReport, file: usize, entry: usize) -> Vec<CheckError> {
    report.files[file]
        .refusals
        .iter()
        .filter(|r| r.entry == Some(entry))
        .map(|r| r.error.clone())
        .collect()
}

/// The reasons given against the whole file.
pub fn file_errors(report: &ImportReport, file: usize) -> Vec<CheckError> {
    report.files[file]
        .refusals
        .iter()
        .filter(|r| r.entry.is_none())
        .map(|r| r.error.clone())
        .collect()
}

/// A withdrawal credential of somebody else's.
pub fn other_credentials() -> B256 {
    eth1_withdrawal_credentials(address!("00000000000000000000000000000000000000aa"))
}
