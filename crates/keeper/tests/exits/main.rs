//! The exit duty and the oracle's exit reports on a real anvil devnet, with EIP-7002's published
//! contract installed:
//! - [`flow`]: a withdrawal the buffer cannot pay makes the keeper ask SSV to exit exactly the
//!   validators needed, oldest first, once; after the grace period with no exit seen it has the
//!   pool send their EIP-7002 requests; the oracle reports them exiting, then withdrawn (the
//!   principal simulated as a sweep), which finalizes the request; the keeper then removes them
//!   from their SSV cluster. And while the buffer covers the queue, nothing exits.
//! - [`forced`]: the day's limit of forced exits, and no fee for a validator already exiting.

use std::sync::{Arc, Mutex};

use alloy::primitives::{Bytes, U256, utils::parse_ether};
use pool_devnet::fixtures::{new_cluster, sample_validator};
use pool_devnet::{Devnet, DevnetOptions};
use pool_keeper::Keeper;
use pool_keeper::exits::{ExitCall, ExitOutcome, ExitRound};
use pool_keeper::keeper::Duties;
use pool_keeper::log::Logger;
use pool_keeper::metrics::Figures;
use pool_keeper::options::LogFormat;

#[path = "../support/mod.rs"]
mod support;

mod flow;
mod forced;

pub const KEEPER: usize = 7;
pub const ORACLE: usize = 8;
pub const STAKER: usize = 1;
pub const DAY: u64 = 86_400;

pub fn eth(text: &str) -> U256 {
    parse_ether(text).unwrap()
}

/// 100 ETH staked, three validators activated (registry indices 0, 1, 2; 4 ETH left in the
/// buffer), the keeper role for account KEEPER and the oracle role for ORACLE.
pub async fn pool_with_three_validators() -> (Devnet, Vec<Bytes>) {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let pool = devnet.pool();
    devnet
        .stake(devnet.accounts()[STAKER], eth("100"))
        .await
        .unwrap();
    devnet.add_and_activate(1..4, new_cluster()).await.unwrap();
    for (role, account) in [
        (pool.KEEPER_ROLE().call().await.unwrap(), KEEPER),
        (pool.ORACLE_ROLE().call().await.unwrap(), ORACLE),
    ] {
        devnet
            .grant_role(role, devnet.accounts()[account])
            .await
            .unwrap();
    }
    let pubkeys = (1..4)
        .map(|seed| {
            sample_validator(
                devnet.deployment.pool_manager,
                seed,
                &devnet.deployment.operator_ids,
            )
            .pubkey
        })
        .collect();
    (devnet, pubkeys)
}

pub async fn connect(
    devnet: &Devnet,
    rpc: &str,
    account: usize,
    duties: Duties,
    figures: Arc<Mutex<Figures>>,
) -> Keeper {
    Keeper::connect(
        &devnet.config(),
        rpc,
        devnet.signer(account),
        false,
        Logger {
            format: LogFormat::Json,
        },
        figures,
        duties,
    )
    .await
    .unwrap()
}

/// Each validator's exit state (0 none, 1 requested, 2 exiting, 3 withdrawn, 4 removed).
pub async fn states(devnet: &Devnet, pubkeys: &[Bytes]) -> Vec<u8> {
    let mut out = Vec::new();
    for pubkey in pubkeys {
        out.push(
            devnet
                .queue()
                .exitOf(pubkey.clone())
                .call()
                .await
                .unwrap()
                .state,
        );
    }
    out
}

pub fn sent(round: &ExitRound) -> Vec<&ExitCall> {
    round
        .steps
        .iter()
        .map(|(call, outcome)| {
            assert!(
                matches!(outcome, ExitOutcome::Sent { .. }),
                "{call:?}: {outcome:?}"
            );
            call
        })
        .collect()
}

pub fn tx_of(outcome: &ExitOutcome) -> alloy::primitives::B256 {
    match outcome {
        ExitOutcome::Sent { tx } => *tx,
        other => panic!("not sent: {other:?}"),
    }
}
