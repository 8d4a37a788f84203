//! Which of the pool's roles an account holds: the console shows only the actions the connected
//! account may take (a refused transaction costs the operator a wallet round trip to learn it).

use alloy_primitives::{Address, B256, keccak256};
use alloy_rpc_client::RpcClient;

use super::ChainError;
use super::calls::{Calls, answer};
use crate::bindings::PoolManager;

/// The roles of one account in the pool (`AccessControl.hasRole`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Roles {
    /// `DEFAULT_ADMIN_ROLE`: grants roles, sets the report bounds, withdraws the fee reserve,
    /// may drop pending entries.
    pub admin: bool,
    /// `OPERATOR_ROLE`: adds and drops registry entries, manages the clusters.
    pub operator: bool,
    /// `KEEPER_ROLE`: activates entries that have waited their delay.
    pub keeper: bool,
    /// `ORACLE_ROLE`: reports the beacon side.
    pub oracle: bool,
}

/// The pool's role ids, as `PoolManager` defines them (keccak256 of the names; the admin role
/// is OpenZeppelin's zero).
pub fn role_id(name: &str) -> B256 {
    if name == "DEFAULT_ADMIN_ROLE" {
        B256::ZERO
    } else {
        keccak256(name)
    }
}

/// `account`'s roles in `pool`, in one JSON-RPC batch of four `hasRole` calls.
pub async fn roles(
    client: &RpcClient,
    pool: Address,
    account: Address,
) -> Result<Roles, ChainError> {
    let mut calls = Calls::new(client);
    let mut ask = |name: &str| {
        calls.call(
            pool,
            &PoolManager::hasRoleCall {
                role: role_id(name),
                account,
            },
        )
    };
    let admin = ask("DEFAULT_ADMIN_ROLE")?;
    let operator = ask("OPERATOR_ROLE")?;
    let keeper = ask("KEEPER_ROLE")?;
    let oracle = ask("ORACLE_ROLE")?;
    calls.send().await?;
    Ok(Roles {
        admin: answer::<PoolManager::hasRoleCall>(admin).await?,
        operator: answer::<PoolManager::hasRoleCall>(operator).await?,
        keeper: answer::<PoolManager::hasRoleCall>(keeper).await?,
        oracle: answer::<PoolManager::hasRoleCall>(oracle).await?,
    })
}
