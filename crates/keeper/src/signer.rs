//! The keeper's key: an encrypted JSON keystore (password from a file or the environment), or a
//! raw key from the environment. The key is never printed: errors name the source, not the key.

use alloy::signers::local::PrivateKeySigner;
use anyhow::{Context, Result};

use crate::options::KeySource;

pub const PASSWORD_ENV: &str = "POOL_KEEPER_PASSWORD";
pub const PRIVATE_KEY_ENV: &str = "POOL_KEEPER_PRIVATE_KEY";

pub fn load(source: &KeySource) -> Result<PrivateKeySigner> {
    match source {
        KeySource::Keystore {
            path,
            password_file,
        } => {
            let password = match password_file {
                Some(file) => std::fs::read_to_string(file)
                    .with_context(|| format!("reading the password file {}", file.display()))?
                    .trim_end_matches(['\n', '\r'])
                    .to_string(),
                None => std::env::var(PASSWORD_ENV).with_context(|| {
                    format!("the keystore's password: give --password-file or set ${PASSWORD_ENV}")
                })?,
            };
            PrivateKeySigner::decrypt_keystore(path, password).map_err(|e| {
                // The library's message never contains the key; keep it short and plain.
                anyhow::anyhow!("the keystore {} could not be opened: {e}", path.display())
            })
        }
        KeySource::Environment => {
            let text = std::env::var(PRIVATE_KEY_ENV).with_context(|| {
                format!("no key: give --keystore FILE or set ${PRIVATE_KEY_ENV}")
            })?;
            text.trim()
                .parse::<PrivateKeySigner>()
                .map_err(|_| anyhow::anyhow!("${PRIVATE_KEY_ENV} is not a hex private key"))
        }
    }
}
