//! The keeper's test devnet: sample entries signed for their registry index, a keeper of the
//! activation duty signing as one of anvil's accounts, stakes.

use std::sync::{Arc, Mutex};

use alloy::primitives::utils::parse_ether;
use pool_devnet::fixtures::sample_entry;
use pool_devnet::testing::AddValidators as _;
use pool_devnet::testing::Mined;
use pool_devnet::{Devnet, DevnetOptions};
use pool_keeper::Keeper;
use pool_keeper::keeper::{Duties, StartError};
use pool_keeper::log::Logger;
use pool_keeper::metrics::Figures;
use pool_keeper::options::LogFormat;

/// Anvil's account the keeper signs with (granted KEEPER_ROLE).
pub const KEEPER: usize = 7;

pub async fn devnet_with_entries(count: u16) -> Devnet {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let pool = devnet.pool();
    let entries: Vec<_> = (1..=count)
        .map(|seed| {
            // Registry index seed - 1: the key shares are signed for that SSV nonce.
            sample_entry(
                *pool.address(),
                seed,
                u64::from(seed) - 1,
                &devnet.deployment.operator_ids,
            )
        })
        .collect();
    if !entries.is_empty() {
        pool.add_validators(entries).mined().await;
    }
    let role = pool.KEEPER_ROLE().call().await.unwrap();
    for account in [KEEPER, KEEPER + 1] {
        devnet
            .grant_role(role, devnet.accounts()[account])
            .await
            .unwrap();
    }
    devnet.mine(2).await.unwrap();
    devnet
}

pub async fn keeper(devnet: &Devnet, account: usize, dry_run: bool) -> Result<Keeper, StartError> {
    keeper_at(devnet, &devnet.rpc_url(), account, dry_run, Arc::default()).await
}

/// A keeper of the activation duty signing as anvil's `account`, through the node at `rpc`.
pub async fn keeper_at(
    devnet: &Devnet,
    rpc: &str,
    account: usize,
    dry_run: bool,
    figures: Arc<Mutex<Figures>>,
) -> Result<Keeper, StartError> {
    Keeper::connect(
        &devnet.config(),
        rpc,
        devnet.signer(account),
        dry_run,
        Logger {
            format: LogFormat::Json,
        },
        figures,
        Duties::ACTIVATION,
    )
    .await
}

pub async fn stake(devnet: &Devnet, eth: &str) {
    devnet
        .stake(devnet.accounts()[1], parse_ether(eth).unwrap())
        .await
        .unwrap();
}

pub async fn activated(devnet: &Devnet) -> u64 {
    devnet
        .pool()
        .activatedValidators()
        .call()
        .await
        .unwrap()
        .to::<u64>()
}
