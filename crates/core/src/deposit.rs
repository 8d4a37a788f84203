//! Beacon chain deposits: the SSZ roots the deposit contract checks and the message a validator
//! key signs.
//!
//! ```text
//! deposit_data_root = hash_tree_root(DepositData{pubkey, withdrawal_credentials, amount, signature})
//! signing_root      = hash_tree_root(SigningData{hash_tree_root(DepositMessage{…}), domain})
//! domain            = 0x03000000 ++ hash_tree_root(ForkData{genesis_fork_version, 0x00…})[..28]
//! ```
//!
//! The four containers here have fixed shapes (byte vectors and one `uint64`), so their
//! `hash_tree_root`s are written out below with `sha2`, which builds for the browser; Lighthouse's
//! `tree_hash` (whose hashing crate needs C code on wasm32) checks them in the tests, on random
//! values.
//!
//! ```
//! use pool_core::deposit::{deposit_domain, ForkVersion};
//! let domain = deposit_domain(ForkVersion::MAINNET);
//! assert_eq!(domain.to_string(), "0x03000000f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a9");
//! ```

use alloy_primitives::{Address, B256, FixedBytes};
use sha2::{Digest, Sha256};

/// One validator's deposit, in wei: 32 ETH.
pub const DEPOSIT_WEI: u128 = 32_000_000_000_000_000_000;
/// One validator's deposit, in gwei (the unit of `amount` in deposit data).
pub const DEPOSIT_GWEI: u64 = 32_000_000_000;

/// A validator's BLS public key (48 bytes, compressed G1).
pub type Pubkey = FixedBytes<48>;
/// A BLS signature (96 bytes, compressed G2).
pub type Signature = FixedBytes<96>;

/// The `GENESIS_FORK_VERSION` of a network, which deposit signatures commit to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ForkVersion(pub FixedBytes<4>);

impl ForkVersion {
    pub const MAINNET: ForkVersion = ForkVersion(FixedBytes([0x00, 0x00, 0x00, 0x00]));
    pub const HOODI: ForkVersion = ForkVersion(FixedBytes([0x10, 0x00, 0x09, 0x10]));
    pub const SEPOLIA: ForkVersion = ForkVersion(FixedBytes([0x90, 0x00, 0x00, 0x69]));
    pub const HOLESKY: ForkVersion = ForkVersion(FixedBytes([0x01, 0x01, 0x70, 0x00]));
    /// The local devnet's (its chain id, 31337 = 0x7a69): signatures made for it are valid
    /// nowhere else.
    pub const DEVNET: ForkVersion = ForkVersion(FixedBytes([0x00, 0x00, 0x7a, 0x69]));

    /// The network this fork version is the genesis of, among those the project knows.
    pub fn network_name(self) -> Option<&'static str> {
        match self {
            ForkVersion::MAINNET => Some("mainnet"),
            ForkVersion::HOODI => Some("Hoodi"),
            ForkVersion::SEPOLIA => Some("Sepolia"),
            ForkVersion::HOLESKY => Some("Holesky"),
            ForkVersion::DEVNET => Some("devnet"),
            _ => None,
        }
    }
}

impl std::fmt::Display for ForkVersion {
    /// `0x10000910 (Hoodi)`, or the bare hex for a network the project does not know.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.network_name() {
            Some(name) => write!(f, "{} ({name})", self.0),
            None => write!(f, "{}", self.0),
        }
    }
}

/// What the validator key signs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepositMessage {
    pub pubkey: Pubkey,
    pub withdrawal_credentials: B256,
    pub amount: u64,
}

/// What the deposit contract receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepositData {
    pub pubkey: Pubkey,
    pub withdrawal_credentials: B256,
    /// In gwei.
    pub amount: u64,
    pub signature: Signature,
}

// SSZ merkleization of the fixed shapes used here: a container's root is the Merkle root of
// its fields' roots, padded with zero chunks to a power of two; a byte vector's root is the
// Merkle root of its 32-byte chunks (zero-padded); a uint64 is its little-endian bytes in a chunk.

fn hash_pair(left: &[u8; 32], right: &[u8; 32]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(left);
    hasher.update(right);
    hasher.finalize().into()
}

/// Merkle root of `chunks` (at most 4 here), padded with zero chunks to a power of two.
fn merkleize(chunks: &[[u8; 32]]) -> [u8; 32] {
    let mut layer: Vec<[u8; 32]> = chunks.to_vec();
    let width = layer.len().next_power_of_two().max(1);
    layer.resize(width, [0; 32]);
    while layer.len() > 1 {
        layer = layer
            .chunks(2)
            .map(|pair| hash_pair(&pair[0], &pair[1]))
            .collect();
    }
    layer[0]
}

/// Root of a fixed-length byte vector.
fn bytes_root(bytes: &[u8]) -> [u8; 32] {
    let chunks: Vec<[u8; 32]> = bytes
        .chunks(32)
        .map(|chunk| {
            let mut padded = [0; 32];
            padded[..chunk.len()].copy_from_slice(chunk);
            padded
        })
        .collect();
    merkleize(&chunks)
}

fn uint64_root(value: u64) -> [u8; 32] {
    let mut chunk = [0; 32];
    chunk[..8].copy_from_slice(&value.to_le_bytes());
    chunk
}

impl DepositMessage {
    pub fn root(&self) -> B256 {
        B256::from(merkleize(&[
            bytes_root(self.pubkey.as_slice()),
            self.withdrawal_credentials.0,
            uint64_root(self.amount),
        ]))
    }

    /// The 32 bytes the validator key signs for `fork_version`'s network:
    /// `hash_tree_root(SigningData{object_root, domain})`.
    pub fn signing_root(&self, fork_version: ForkVersion) -> B256 {
        B256::from(hash_pair(&self.root().0, &deposit_domain(fork_version).0))
    }
}

impl DepositData {
    /// `deposit_data_root`, as the deposit contract recomputes it.
    pub fn root(&self) -> B256 {
        B256::from(merkleize(&[
            bytes_root(self.pubkey.as_slice()),
            self.withdrawal_credentials.0,
            uint64_root(self.amount),
            bytes_root(self.signature.as_slice()),
        ]))
    }

    pub fn message(&self) -> DepositMessage {
        DepositMessage {
            pubkey: self.pubkey,
            withdrawal_credentials: self.withdrawal_credentials,
            amount: self.amount,
        }
    }
}

/// `DOMAIN_DEPOSIT` for a network: deposits are valid across forks, so only the genesis fork
/// version and a zero genesis validators root go in.
pub fn deposit_domain(fork_version: ForkVersion) -> B256 {
    // hash_tree_root(ForkData{current_version, genesis_validators_root: 0}).
    let fork_data_root = hash_pair(&bytes_root(fork_version.0.as_slice()), &[0; 32]);
    let mut domain = B256::ZERO;
    domain[..4].copy_from_slice(&[0x03, 0x00, 0x00, 0x00]);
    domain[4..].copy_from_slice(&fork_data_root[..28]);
    domain
}

/// 0x01 withdrawal credentials paying out to `pool`: `0x01 ++ 11 zero bytes ++ address`.
pub fn eth1_withdrawal_credentials(pool: Address) -> B256 {
    let mut credentials = B256::ZERO;
    credentials[0] = 0x01;
    credentials[12..].copy_from_slice(pool.as_slice());
    credentials
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{address, b256};

    #[test]
    fn domains_of_known_networks() {
        assert_eq!(
            deposit_domain(ForkVersion::MAINNET),
            b256!("03000000f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a9")
        );
        assert_ne!(
            deposit_domain(ForkVersion::HOODI),
            deposit_domain(ForkVersion::MAINNET)
        );
    }

    #[test]
    fn credentials_point_at_the_pool() {
        let credentials =
            eth1_withdrawal_credentials(address!("5FbDB2315678afecb367f032d93F642f64180aa3"));
        assert_eq!(
            credentials,
            b256!("0100000000000000000000005fbdb2315678afecb367f032d93f642f64180aa3")
        );
    }

    #[test]
    fn data_root_commits_to_every_field() {
        let data = DepositData {
            pubkey: Pubkey::repeat_byte(1),
            withdrawal_credentials: B256::repeat_byte(2),
            amount: DEPOSIT_GWEI,
            signature: Signature::repeat_byte(3),
        };
        let root = data.root();
        assert_ne!(
            DepositData {
                amount: 1,
                ..data.clone()
            }
            .root(),
            root
        );
        assert_ne!(
            DepositData {
                signature: Signature::repeat_byte(4),
                ..data.clone()
            }
            .root(),
            root
        );
        assert_ne!(data.message().root(), root);
        assert_ne!(
            data.message().signing_root(ForkVersion::MAINNET),
            data.message().signing_root(ForkVersion::HOODI)
        );
    }
}

/// One entry of a `deposit_data-*.json` file written by the staking deposit CLI (hex without
/// `0x`, amount in gwei).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DepositDataJson {
    pub pubkey: String,
    pub withdrawal_credentials: String,
    pub amount: u64,
    pub signature: String,
    pub deposit_message_root: String,
    pub deposit_data_root: String,
    pub fork_version: String,
    pub network_name: String,
    pub deposit_cli_version: String,
}

impl DepositDataJson {
    /// The file entry for signed `data` on the network of `fork_version`.
    pub fn new(data: &DepositData, fork_version: ForkVersion, network_name: &str) -> Self {
        let hex = |bytes: &[u8]| alloy_primitives::hex::encode(bytes);
        DepositDataJson {
            pubkey: hex(data.pubkey.as_slice()),
            withdrawal_credentials: hex(data.withdrawal_credentials.as_slice()),
            amount: data.amount,
            signature: hex(data.signature.as_slice()),
            deposit_message_root: hex(data.message().root().as_slice()),
            deposit_data_root: hex(data.root().as_slice()),
            fork_version: hex(fork_version.0.as_slice()),
            network_name: network_name.to_string(),
            deposit_cli_version: "2.7.0".to_string(),
        }
    }
}

/// Signs a 32 ETH deposit of `key` to `withdrawal_credentials` for `fork_version`'s network.
pub fn signed_deposit(
    key: &crate::bls::SecretKey,
    withdrawal_credentials: B256,
    fork_version: ForkVersion,
) -> DepositData {
    let message = DepositMessage {
        pubkey: FixedBytes(key.public_key()),
        withdrawal_credentials,
        amount: DEPOSIT_GWEI,
    };
    let signature = key.sign(message.signing_root(fork_version).as_slice());
    DepositData {
        pubkey: message.pubkey,
        withdrawal_credentials,
        amount: DEPOSIT_GWEI,
        signature: FixedBytes(signature),
    }
}

/// Checks a deposit's BLS signature for `fork_version`'s network (a deposit with a bad signature
/// is accepted by the deposit contract but ignored by the beacon chain: the ETH is lost).
pub fn verify_deposit_signature(
    data: &DepositData,
    fork_version: ForkVersion,
) -> Result<(), crate::bls::BlsError> {
    crate::bls::verify(
        &data.pubkey.0,
        data.message().signing_root(fork_version).as_slice(),
        &data.signature.0,
    )
}

/// Checks the signatures of a whole deposit-data file at once (see [`crate::bls::verify_batch`]:
/// `seed` must be random); the error names the first deposit at fault.
pub fn verify_deposit_signatures(
    deposits: &[DepositData],
    fork_version: ForkVersion,
    seed: [u8; 32],
) -> Result<(), crate::bls::BatchError> {
    let roots: Vec<B256> = deposits
        .iter()
        .map(|d| d.message().signing_root(fork_version))
        .collect();
    let items: Vec<crate::bls::SignedMessage<'_>> = deposits
        .iter()
        .zip(&roots)
        .map(|(d, root)| crate::bls::SignedMessage {
            public_key: &d.pubkey.0,
            message: root.as_slice(),
            signature: &d.signature.0,
        })
        .collect();
    crate::bls::verify_batch(&items, seed)
}

#[cfg(test)]
mod signing_tests {
    use super::*;
    use crate::bls::{BlsError, SecretKey};

    #[test]
    fn signed_deposits_verify_only_on_their_network() {
        let key = SecretKey::from_seed(&[5; 64]);
        let data = signed_deposit(&key, B256::repeat_byte(1), ForkVersion::HOODI);
        assert_eq!(verify_deposit_signature(&data, ForkVersion::HOODI), Ok(()));
        assert_eq!(
            verify_deposit_signature(&data, ForkVersion::MAINNET),
            Err(BlsError::WrongSignature)
        );
        let moved = DepositData {
            withdrawal_credentials: B256::repeat_byte(2),
            ..data.clone()
        };
        assert_eq!(
            verify_deposit_signature(&moved, ForkVersion::HOODI),
            Err(BlsError::WrongSignature)
        );
        let other = signed_deposit(
            &SecretKey::from_seed(&[6; 64]),
            B256::ZERO,
            ForkVersion::HOODI,
        );
        let file = [data.clone(), other.clone(), moved.clone()];
        assert_eq!(
            verify_deposit_signatures(&file[..2], ForkVersion::HOODI, [1; 32]),
            Ok(())
        );
        assert_eq!(
            verify_deposit_signatures(&file, ForkVersion::HOODI, [1; 32]),
            Err(crate::bls::BatchError {
                index: 2,
                error: BlsError::WrongSignature
            })
        );
        let json = DepositDataJson::new(&data, ForkVersion::HOODI, "hoodi");
        assert_eq!(json.fork_version, "10000910");
        assert_eq!(
            json.deposit_data_root,
            alloy_primitives::hex::encode(data.root())
        );
    }
}

/// Lighthouse's `tree_hash` gives the same roots as the code above, on random values.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tree_hash_cross_check {
    use super::*;
    use proptest::prelude::*;
    use tree_hash::TreeHash;
    use tree_hash_derive::TreeHash;

    #[derive(TreeHash)]
    struct LighthouseDepositData {
        pubkey: Pubkey,
        withdrawal_credentials: B256,
        amount: u64,
        signature: Signature,
    }

    #[derive(TreeHash)]
    struct LighthouseDepositMessage {
        pubkey: Pubkey,
        withdrawal_credentials: B256,
        amount: u64,
    }

    #[derive(TreeHash)]
    struct LighthouseForkData {
        current_version: FixedBytes<4>,
        genesis_validators_root: B256,
    }

    #[derive(TreeHash)]
    struct LighthouseSigningData {
        object_root: B256,
        domain: B256,
    }

    proptest! {
        #[test]
        fn same_roots_as_tree_hash(
            pubkey in any::<[u8; 32]>(),
            tail in any::<[u8; 16]>(),
            credentials in any::<[u8; 32]>(),
            amount in any::<u64>(),
            signature_seed in any::<[u8; 32]>(),
            version in any::<[u8; 4]>(),
        ) {
            let mut key = [0u8; 48];
            key[..32].copy_from_slice(&pubkey);
            key[32..].copy_from_slice(&tail);
            let signature: Vec<u8> = (0..3).flat_map(|i| signature_seed.map(|b| b.wrapping_add(i))).collect();
            let data = DepositData {
                pubkey: FixedBytes(key),
                withdrawal_credentials: B256::from(credentials),
                amount,
                signature: Signature::from_slice(&signature),
            };
            let lighthouse = LighthouseDepositData {
                pubkey: data.pubkey,
                withdrawal_credentials: data.withdrawal_credentials,
                amount,
                signature: data.signature,
            };
            prop_assert_eq!(data.root(), lighthouse.tree_hash_root());
            let message = LighthouseDepositMessage {
                pubkey: data.pubkey,
                withdrawal_credentials: data.withdrawal_credentials,
                amount,
            };
            prop_assert_eq!(data.message().root(), message.tree_hash_root());

            let fork = ForkVersion(FixedBytes(version));
            let fork_data_root = LighthouseForkData {
                current_version: fork.0,
                genesis_validators_root: B256::ZERO,
            }
            .tree_hash_root();
            let mut domain = B256::ZERO;
            domain[..4].copy_from_slice(&[3, 0, 0, 0]);
            domain[4..].copy_from_slice(&fork_data_root[..28]);
            prop_assert_eq!(deposit_domain(fork), domain);
            let signing = LighthouseSigningData { object_root: message.tree_hash_root(), domain }.tree_hash_root();
            prop_assert_eq!(data.message().signing_root(fork), signing);
        }
    }
}
