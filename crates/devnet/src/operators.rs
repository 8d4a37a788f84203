//! The devnet's SSV operators: RSA-2048 keys as SSV nodes hold them, their public keys in the
//! form the SSV network registers (base64 of a PEM block), and the encryption of a key share to
//! an operator (PKCS#1 v1.5 of the share's secret key as `0x`-prefixed hex, as ssv-keys does).
//!
//! Keys derive from a fixed seed, so every devnet has the same operators. Devnet only: the
//! private keys are public knowledge.

use std::sync::OnceLock;

use alloy::sol_types::SolValue;
use anyhow::{Context, Result};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use pool_core::bls::SecretKey;
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;
use rsa::pkcs8::{DecodePublicKey, EncodePublicKey};
use rsa::{Pkcs1v15Encrypt, RsaPrivateKey, RsaPublicKey};
use sha2::{Digest, Sha256};

/// How many operators the devnet registers (ids 1..=4): the smallest SSV cluster.
pub const DEVNET_OPERATORS: usize = 4;

/// SSV's encrypted share size: one RSA-2048 block.
pub const ENCRYPTED_SHARE_LENGTH: usize = 256;

/// The devnet operators' private keys, operator id `i + 1` at index `i`. Generated once per
/// process (a 2048-bit key takes a moment).
pub fn operator_keys() -> &'static [RsaPrivateKey] {
    static KEYS: OnceLock<Vec<RsaPrivateKey>> = OnceLock::new();
    KEYS.get_or_init(|| {
        (1..=DEVNET_OPERATORS)
            .map(|id| {
                let mut rng = ChaCha20Rng::from_seed(seed(&format!("operator {id} key")));
                RsaPrivateKey::new(&mut rng, 2048).expect("an RSA-2048 key")
            })
            .collect()
    })
}

/// An operator's public key as SSV shows it (`operatorKey` in key-share files): base64 of a PEM
/// block headed `RSA PUBLIC KEY` around the SubjectPublicKeyInfo DER.
pub fn ssv_public_key(key: &RsaPublicKey) -> String {
    let der = key.to_public_key_der().expect("an encodable RSA key");
    let body = BASE64.encode(der.as_bytes());
    let mut pem = String::from("-----BEGIN RSA PUBLIC KEY-----\n");
    for line in body.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        pem.push('\n');
    }
    pem.push_str("-----END RSA PUBLIC KEY-----\n");
    BASE64.encode(pem)
}

/// The `publicKey` argument of `registerOperator`: the base64 text, ABI-encoded as a string,
/// as the SSV webapp sends it.
pub fn registration_bytes(key: &RsaPublicKey) -> Vec<u8> {
    ssv_public_key(key).abi_encode()
}

/// Reads an operator key in SSV's form (see [`ssv_public_key`]).
pub fn parse_ssv_public_key(text: &str) -> Result<RsaPublicKey> {
    let pem = BASE64
        .decode(text.trim())
        .context("an operator key is base64")?;
    let pem = String::from_utf8(pem).context("an operator key is a PEM block")?;
    let body: String = pem
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    let der = BASE64
        .decode(body)
        .context("the PEM body of an operator key is base64")?;
    RsaPublicKey::from_public_key_der(&der).context("an operator key is an RSA public key")
}

/// Encrypts `share` to `operator`: what goes into `sharesData` for that operator.
/// `label` makes the padding deterministic (the same ceremony gives the same bytes).
pub fn encrypt_share(
    operator: &RsaPublicKey,
    share: &SecretKey,
    label: &str,
) -> [u8; ENCRYPTED_SHARE_LENGTH] {
    let mut rng = ChaCha20Rng::from_seed(seed(label));
    let plaintext = format!("0x{}", alloy::primitives::hex::encode(share.to_be_bytes()));
    let ciphertext = operator
        .encrypt(&mut rng, Pkcs1v15Encrypt, plaintext.as_bytes())
        .expect("a share fits one RSA block");
    ciphertext
        .try_into()
        .expect("an RSA-2048 ciphertext is 256 bytes")
}

/// What an operator's node does with its encrypted share: decrypt it back to the secret key.
pub fn decrypt_share(operator: &RsaPrivateKey, encrypted: &[u8]) -> Result<SecretKey> {
    let plaintext = operator
        .decrypt(Pkcs1v15Encrypt, encrypted)
        .context("the share decrypts with the operator's key")?;
    let text = std::str::from_utf8(&plaintext).context("a share is hex text")?;
    let bytes =
        alloy::primitives::hex::decode(text.trim_start_matches("0x")).context("a share is hex")?;
    let bytes: [u8; 32] = bytes
        .try_into()
        .map_err(|_| anyhow::anyhow!("a share is 32 bytes"))?;
    SecretKey::from_be_bytes(&bytes).context("a share is a BLS secret key")
}

fn seed(label: &str) -> [u8; 32] {
    Sha256::digest(format!("ssv-pool devnet: {label}")).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_operator_keys_parse() {
        // An operator key from a real ssv-dkg key-share file.
        let reference = "LS0tLS1CRUdJTiBSU0EgUFVCTElDIEtFWS0tLS0tCk1JSUJJakFOQmdrcWhraUc5dzBCQVFFRkFBT0NBUThBTUlJQkNnS0NBUUVBdnRVRWFlallqY3pBUWhnSTQ0S3cKcGZYZjhCNk1ZUjhOMzFmRVFLRGRDVmo5dUNPcHVybzYzSDdxWXNzMzVGaVdxNmRwMjR3M0dCRTAzR1llU1BSZgowTEVBVEJkYlhCVkY3WGR6ei9sV2UrblJNRG1Xdm1DTUZjRlRPRU5FYmhuTXVjOEQ1K3ZFTmo5cTQzbE4vejhqCmE2T2M4S2tEL2E4SW02Nm54ZkRhMjFyMzNaSW9GL1g5d0g2K25EN3Jockx5bzJub1lxaVJpT1NTTkp2R25UY08KazBmckk4b2xFNjR1clhxWXFLN2ZicXNaN082NnphN2ROTmc3MW1EWHlpdDlSTUlyR3lSME5xN0FUSkxwbytoTApEcldoY0h4M0NWb1dQZzNuR2phN0duVFhXU2FWb1JPSnBRVU9oYXgxNVJnZ2FBOHpodGgyOUorNnNNY2R6ZitQCkZ3SURBUUFCCi0tLS0tRU5EIFJTQSBQVUJMSUMgS0VZLS0tLS0K";
        let key = parse_ssv_public_key(reference).unwrap();
        // Written back in the same form, it is the same text.
        assert_eq!(ssv_public_key(&key), reference);
    }
}
