//! The one deposit check of the console's import, its activation and the keeper: what the
//! chain shows of a set of keys (the finalized beacon state, then the deposit contract's logs
//! after it), and each key's verdict by the core's rule.

use std::collections::HashMap;

use alloy_primitives::{Address, B256, Bytes};
use alloy_rpc_client::RpcClient;
use pool_core::activation::deposits::{KeyCheck, SeenDeposit, verdict};
use pool_core::deposit::ForkVersion;

use super::beacon::{BeaconApi, finalized_keys};
use super::deposits::DepositCursor;
use super::planner::{DepositCoverage, PlanRefusal};

/// What [`check_keys`] checks against.
#[derive(Debug, Clone, Copy)]
pub struct KeyCheckSetup {
    pub deposit_contract: Address,
    /// The pool's 0x01 credentials.
    pub credentials: B256,
    pub fork_version: ForkVersion,
    /// Where the deposit logs start when no beacon node is asked.
    pub deployment_block: u64,
    pub max_log_window: u64,
}

/// The one deposit check of the console's import, its activation and the keeper: every
/// deposit the chain shows for `pubkeys` up to `block` (the finalized beacon state's validators
/// and pending deposits when `beacon` is given, then the deposit contract's logs after it, read
/// incrementally through `cursor`; without a beacon node, the logs since the deployment), and
/// each key's verdict ([`verdict`]: the first deposit whose signature verifies fixes a key).
pub async fn check_keys(
    client: &RpcClient,
    beacon: Option<&impl BeaconApi>,
    cursor: &mut Option<DepositCursor>,
    setup: &KeyCheckSetup,
    pubkeys: &[Bytes],
    block: u64,
) -> Result<(DepositCoverage, Vec<KeyCheck>), PlanRefusal> {
    let (coverage, mut seen, logs_from) = match beacon {
        Some(beacon) => {
            let state = finalized_keys(beacon, pubkeys).await?;
            let from = state.execution_block + 1;
            (
                DepositCoverage::Beacon {
                    slot: state.slot,
                    execution_block: state.execution_block,
                },
                state.seen,
                from,
            )
        }
        None => (
            DepositCoverage::LogsOnly {
                from: setup.deployment_block,
            },
            HashMap::new(),
            setup.deployment_block,
        ),
    };
    let cursor =
        cursor.get_or_insert_with(|| DepositCursor::new(setup.deposit_contract, logs_from));
    cursor.start_at(logs_from);
    cursor.refresh(client, block, setup.max_log_window).await?;
    for deposit in cursor.deposits() {
        if deposit.block.is_some_and(|b| b > block) || !pubkeys.contains(&deposit.pubkey) {
            continue;
        }
        seen.entry(deposit.pubkey.clone())
            .or_default()
            .push(SeenDeposit {
                withdrawal_credentials: deposit.withdrawal_credentials,
                amount_gwei: deposit.amount_gwei,
                signature: deposit.signature.as_ref().try_into().ok(),
                source: pool_core::activation::deposits::DepositSource::Log {
                    block: deposit.block.unwrap_or(block),
                },
            });
    }
    let checks = pubkeys
        .iter()
        .map(|pubkey| {
            let deposits = seen.get(pubkey).map(Vec::as_slice).unwrap_or(&[]);
            verdict(pubkey, deposits, setup.credentials, setup.fork_version)
        })
        .collect();
    Ok((coverage, checks))
}
