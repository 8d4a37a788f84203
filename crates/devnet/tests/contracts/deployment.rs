//! The deployment's own safety: off the devnet, the constructor refuses delays too short to
//! react in (activation delay, report interval, admin transfer delay), and deploys the pool's
//! first role holders at once (later grants wait, see `roles`).

use pool_chain::bindings::PoolManager::PoolManagerErrors;
use pool_devnet::{Devnet, DevnetOptions};

/// Hoodi's chain id: anvil playing a real network.
const HOODI: u64 = 560_048;

fn safe() -> DevnetOptions {
    DevnetOptions {
        chain_id: HOODI,
        activation_delay: 300,
        min_report_interval: 3_600,
        admin_transfer_delay: 86_400,
        ..DevnetOptions::default()
    }
}

/// The pool's refusal of a deployment with `options`.
async fn refusal(options: DevnetOptions) -> PoolManagerErrors {
    let error = match Devnet::start(options).await {
        Ok(_) => panic!("the deployment went through"),
        Err(error) => error,
    };
    let contract = error
        .chain()
        .find_map(|e| e.downcast_ref::<alloy::contract::Error>())
        .unwrap_or_else(|| panic!("not a contract error: {error:?}"));
    contract
        .as_decoded_interface_error::<PoolManagerErrors>()
        .unwrap_or_else(|| panic!("not a pool error: {contract:?}"))
}

#[tokio::test]
async fn a_real_network_refuses_delays_below_their_safe_minimums() {
    let cases = [
        (
            DevnetOptions {
                activation_delay: 299,
                ..safe()
            },
            (0u8, 299u64, 300u64),
        ),
        (
            DevnetOptions {
                min_report_interval: 3_599,
                ..safe()
            },
            (1, 3_599, 3_600),
        ),
        (
            DevnetOptions {
                admin_transfer_delay: 0,
                ..safe()
            },
            (2, 0, 86_400),
        ),
    ];
    for (options, (setting, given, minimum)) in cases {
        match refusal(options).await {
            PoolManagerErrors::BelowSafeMinimum(e) => assert_eq!(
                (e.setting, e.given.to::<u64>(), e.minimum.to::<u64>()),
                (setting, given, minimum)
            ),
            other => panic!("expected BelowSafeMinimum, got {other:?}"),
        }
    }
    // At the minimums it deploys, with its first role holders.
    let devnet = Devnet::start(safe()).await.unwrap();
    let pool = devnet.pool();
    let keeper = pool.KEEPER_ROLE().call().await.unwrap();
    assert!(
        pool.hasRole(keeper, devnet.accounts()[0])
            .call()
            .await
            .unwrap()
    );
    assert_eq!(pool.activationDelay().call().await.unwrap(), 300);
    // Nor can the admin shorten its delay (and with it the role grants') below the minimum
    // afterwards.
    match pool_devnet::testing::pool_error(
        pool.changeDefaultAdminDelay(alloy::primitives::aliases::U48::from(3_600))
            .call()
            .await
            .unwrap_err(),
    ) {
        PoolManagerErrors::BelowSafeMinimum(e) => assert_eq!(e.setting, 2),
        other => panic!("expected BelowSafeMinimum, got {other:?}"),
    }
    pool.changeDefaultAdminDelay(alloy::primitives::aliases::U48::from(2 * 86_400))
        .call()
        .await
        .unwrap();
    // The devnet (chain 31337) keeps its short delays: every other test runs on them.
}
