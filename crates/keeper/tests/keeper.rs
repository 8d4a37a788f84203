//! The keeper against a devnet (anvil, the pool and the stand-ins): activations as the buffer
//! crosses 32 ETH, a front-run key never sent, idle reasons said once, two keepers that never
//! activate twice, a dry run that sends nothing, the role and the key checked at start.

use std::sync::{Arc, Mutex};

use alloy::primitives::{Address, U256, utils::parse_ether};
use pool_core::config::NetworkConfig;
use pool_core::deposit::eth1_withdrawal_credentials;
use pool_devnet::fixtures::sample_entry;
use pool_devnet::testing::AddValidators as _;
use pool_devnet::testing::Mined;
use pool_devnet::testing::node::{Faults, TestNode};
use pool_devnet::{Devnet, DevnetOptions};
use pool_keeper::keeper::{Duties, StartError};
use pool_keeper::log::Logger;
use pool_keeper::metrics::Figures;
use pool_keeper::options::LogFormat;
use pool_keeper::{Decision, Idle, Keeper};

use support::pool::{KEEPER, activated, devnet_with_entries, keeper, keeper_at, stake};

#[tokio::test]
async fn crossing_32_eth_activates_and_70_eth_with_3_entries_activates_2() {
    let devnet = devnet_with_entries(3).await;
    let mut keeper = keeper(&devnet, KEEPER, false).await.unwrap();
    stake(&devnet, "31").await;
    assert!(matches!(
        keeper.round().await.unwrap(),
        Decision::Idle(Idle::BufferBelowDeposit { .. })
    ));
    stake(&devnet, "1").await;
    match keeper.round().await.unwrap() {
        Decision::Activated { first, count, .. } => assert_eq!((first, count), (0, 1)),
        other => panic!("expected an activation, got {other:?}"),
    }
    assert_eq!(activated(&devnet).await, 1);
    // 70 more ETH: two validators' worth; two of the remaining entries go, in one transaction.
    stake(&devnet, "70").await;
    match keeper.round().await.unwrap() {
        Decision::Activated { first, count, .. } => assert_eq!((first, count), (1, 2)),
        other => panic!("expected an activation of two, got {other:?}"),
    }
    assert_eq!(activated(&devnet).await, 3);
    assert_eq!(devnet.deposit_count().await.unwrap(), 3);
    // The registry is empty now; the buffer keeps its 6 ETH.
    let idle = keeper.round().await.unwrap();
    let expected = Idle::BufferBelowDeposit {
        buffered: parse_ether("6").unwrap(),
        queued: U256::ZERO,
    };
    assert!(
        matches!(&idle, Decision::Idle(i) if *i == expected),
        "{idle:?}"
    );
}

#[tokio::test]
async fn a_front_run_key_is_never_sent_and_stops_the_duty() {
    let devnet = devnet_with_entries(2).await;
    stake(&devnet, "64").await;
    // A ceremony key holder deposits 1 ETH for entry 0 with their own credentials.
    let thief = Address::repeat_byte(0xee);
    let stolen = devnet.front_run(1, thief).await.unwrap();
    let mut keeper = keeper(&devnet, KEEPER, false).await.unwrap();
    match keeper.round().await.unwrap() {
        Decision::FrontRun {
            index,
            pubkey,
            credentials,
        } => {
            assert_eq!(index, 0);
            assert_eq!(pubkey, stolen);
            assert_eq!(credentials, eth1_withdrawal_credentials(thief));
        }
        other => panic!("expected the front-run to stop the duty, got {other:?}"),
    }
    // Stopped for a person: nothing is sent, however often it runs.
    assert!(matches!(keeper.round().await.unwrap(), Decision::Stopped));
    assert_eq!(activated(&devnet).await, 0);
    assert_eq!(
        devnet.deposit_count().await.unwrap(),
        1,
        "only the thief's deposit"
    );
    assert_eq!(
        U256::from(devnet.pool().bufferedEther().call().await.unwrap()),
        parse_ether("64").unwrap()
    );
}

#[tokio::test]
async fn idle_reasons_are_said_once_each() {
    let devnet = devnet_with_entries(0).await;
    let mut keeper = keeper(&devnet, KEEPER, false).await.unwrap();
    stake(&devnet, "32").await;
    let empty = keeper.round().await.unwrap();
    assert!(
        matches!(empty, Decision::Idle(Idle::RegistryEmpty)),
        "{empty:?}"
    );
    assert!(keeper.report(&empty), "said the first time");
    let again = keeper.round().await.unwrap();
    assert!(!keeper.report(&again), "not again while nothing changes");

    // Entries arrive, but the fee reserve is empty.
    let pool = devnet.pool();
    let entry = sample_entry(*pool.address(), 1, 0, &devnet.deployment.operator_ids);
    pool.add_validators(vec![entry]).mined().await;
    devnet.mine(2).await.unwrap();
    let reserve = pool.feeReserve().call().await.unwrap();
    pool.withdrawFeeReserve(devnet.accounts()[0], reserve)
        .mined()
        .await;
    let short = keeper.round().await.unwrap();
    assert!(
        matches!(short, Decision::Idle(Idle::FeeReserveShort { .. })),
        "{short:?}"
    );
    assert!(keeper.report(&short));
    let again = keeper.round().await.unwrap();
    assert!(!keeper.report(&again));
    assert_eq!(activated(&devnet).await, 0);
}

#[tokio::test]
async fn an_entry_waits_out_its_activation_delay() {
    let devnet = Devnet::start(DevnetOptions {
        activation_delay: 20,
        ..Default::default()
    })
    .await
    .unwrap();
    let pool = devnet.pool();
    devnet
        .grant_role(
            pool.KEEPER_ROLE().call().await.unwrap(),
            devnet.accounts()[KEEPER],
        )
        .await
        .unwrap();
    pool.add_validators(vec![sample_entry(
        *pool.address(),
        1,
        0,
        &devnet.deployment.operator_ids,
    )])
    .mined()
    .await;
    stake(&devnet, "32").await;
    let mut keeper = keeper(&devnet, KEEPER, false).await.unwrap();
    assert!(matches!(
        keeper.round().await.unwrap(),
        Decision::Idle(Idle::NotReady { index: 0, .. })
    ));
    devnet.mine(20).await.unwrap();
    assert!(matches!(
        keeper.round().await.unwrap(),
        Decision::Activated { .. }
    ));
}

#[tokio::test]
async fn two_keepers_never_activate_an_entry_twice() {
    let devnet = devnet_with_entries(3).await;
    stake(&devnet, "96").await;
    let mut first = keeper(&devnet, KEEPER, false).await.unwrap();
    let mut second = keeper(&devnet, KEEPER + 1, false).await.unwrap();
    let (a, b) = tokio::join!(first.round(), second.round());
    let decisions = [a.unwrap(), b.unwrap()];
    let activations = decisions
        .iter()
        .filter(|d| matches!(d, Decision::Activated { .. }))
        .count();
    assert!(activations >= 1, "{decisions:?}");
    for decision in &decisions {
        assert!(
            matches!(
                decision,
                Decision::Activated { .. }
                    | Decision::AnotherKeeperWasFaster
                    | Decision::StaleReading { .. }
            ),
            "{decision:?}"
        );
    }
    // Whatever the interleaving: each entry deposited once, and the buffer paid exactly that.
    assert_eq!(activated(&devnet).await, 3);
    assert_eq!(devnet.deposit_count().await.unwrap(), 3);
    assert_eq!(devnet.pool().bufferedEther().call().await.unwrap(), 0);
    // Both keep running without sending anything more.
    assert!(matches!(first.round().await.unwrap(), Decision::Idle(_)));
    assert!(matches!(second.round().await.unwrap(), Decision::Idle(_)));
}

#[tokio::test]
async fn a_dry_run_sends_nothing() {
    let devnet = devnet_with_entries(2).await;
    stake(&devnet, "64").await;
    let mut keeper = keeper(&devnet, KEEPER, true).await.unwrap();
    match keeper.round().await.unwrap() {
        Decision::WouldActivate {
            first,
            count,
            calldata,
        } => {
            assert_eq!((first, count), (0, 2));
            assert!(!calldata.is_empty());
        }
        other => panic!("expected a dry run, got {other:?}"),
    }
    assert_eq!(activated(&devnet).await, 0);
    assert_eq!(devnet.deposit_count().await.unwrap(), 0);
}

#[tokio::test]
async fn a_key_without_the_role_or_on_another_chain_is_refused_at_start() {
    let devnet = devnet_with_entries(0).await;
    match keeper(&devnet, 9, false).await {
        Err(StartError::MissingRole { account, role }) => {
            assert_eq!((account, role), (devnet.accounts()[9], "KEEPER_ROLE"))
        }
        Err(other) => panic!("expected a missing role, got {other}"),
        Ok(_) => panic!("a key without the role was accepted"),
    }
    let mut config: NetworkConfig = devnet.config();
    config.chain_id = 1;
    let wrong = Keeper::connect(
        &config,
        &devnet.rpc_url(),
        devnet.signer(KEEPER),
        false,
        Logger {
            format: LogFormat::Text,
        },
        Arc::new(Mutex::new(Figures::default())),
        Duties::ACTIVATION,
    )
    .await;
    assert!(matches!(wrong, Err(StartError::Config(_))));
}

#[test]
fn a_keystore_round_trips_and_a_wrong_password_is_refused() {
    use pool_keeper::options::KeySource;
    let dir = std::env::temp_dir().join(format!("pool-keeper-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key = [7u8; 32];
    let (signer, _) = alloy::signers::local::PrivateKeySigner::encrypt_keystore(
        &dir,
        &mut rand::thread_rng(),
        key,
        "correct horse",
        Some("keeper.json"),
    )
    .unwrap();
    let password = dir.join("password");
    std::fs::write(&password, "correct horse\n").unwrap();
    let source = KeySource::Keystore {
        path: dir.join("keeper.json"),
        password_file: Some(password.clone()),
    };
    assert_eq!(
        pool_keeper::signer::load(&source).unwrap().address(),
        signer.address()
    );
    std::fs::write(&password, "wrong").unwrap();
    let error = pool_keeper::signer::load(&source).unwrap_err().to_string();
    assert!(error.contains("could not be opened"), "{error}");
    assert!(!error.contains("0707"), "the key never appears in an error");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn the_program_runs_once_logs_json_and_says_why_it_stops() {
    let devnet = devnet_with_entries(1).await;
    stake(&devnet, "32").await;
    let dir = std::env::temp_dir().join(format!("pool-keeper-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("config.json");
    std::fs::write(&config, serde_json::to_string(&devnet.config()).unwrap()).unwrap();
    let key = |index: usize| alloy::hex::encode(devnet.signer(index).to_bytes());
    let run = |index: usize, extra: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_pool-keeper"))
            .args([
                "--config",
                config.to_str().unwrap(),
                "--once",
                "--log-format",
                "json",
            ])
            .args(extra)
            .env("POOL_KEEPER_PRIVATE_KEY", key(index))
            .output()
            .unwrap()
    };
    // Without the role: exit code 3 and a plain sentence.
    let refused = run(9, &[]);
    assert_eq!(refused.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("does not hold the pool's KEEPER_ROLE")
    );
    // A dry run: one JSON line with the decision, nothing sent.
    let dry = run(KEEPER, &["--dry-run"]);
    assert_eq!(
        dry.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    let stdout = String::from_utf8_lossy(&dry.stdout);
    let decision: serde_json::Value = stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|l| l["event"] == "dry-run")
        .unwrap_or_else(|| panic!("no dry-run line in {stdout}"));
    assert_eq!(
        (decision["first"].as_u64(), decision["count"].as_u64()),
        (Some(0), Some(1))
    );
    assert!(!stdout.contains(&key(KEEPER)), "the key is never logged");
    assert_eq!(activated(&devnet).await, 0);
    // For real.
    let sent = run(KEEPER, &[]);
    assert_eq!(sent.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&sent.stdout).contains("\"event\":\"activated\""));
    assert_eq!(activated(&devnet).await, 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn metrics_are_served_on_loopback() {
    let devnet = devnet_with_entries(1).await;
    stake(&devnet, "10").await;
    let figures = Arc::new(Mutex::new(Figures::default()));
    let mut keeper = keeper_at(&devnet, &devnet.rpc_url(), KEEPER, false, figures.clone())
        .await
        .unwrap();
    let decision = keeper.round().await.unwrap();
    keeper.report(&decision);
    let address = pool_keeper::metrics::serve("127.0.0.1:0".parse().unwrap(), figures)
        .await
        .unwrap();
    let text = alloy::transports::http::reqwest::get(format!("http://{address}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("pool_buffered_eth 10\n"), "{text}");
    assert!(text.contains("pool_pending_entries 1\n"), "{text}");
    assert!(
        text.contains("keeper_last_decision{decision=\"idle\"} 1"),
        "{text}"
    );
    assert!(text.contains("pool_last_report_age_seconds"), "{text}");
    assert!(!text.contains("runway_left"), "no cluster yet: {text}");

    // After an activation, the cluster's runway: about the pool's 30 days.
    stake(&devnet, "22").await;
    assert!(matches!(
        keeper.round().await.unwrap(),
        Decision::Activated { .. }
    ));
    keeper.round().await.unwrap();
    let text = alloy::transports::http::reqwest::get(format!("http://{address}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let days: f64 = text
        .lines()
        .find_map(|l| l.strip_prefix("pool_cluster_runway_left_days "))
        .unwrap_or_else(|| panic!("no runway figure in {text}"))
        .parse()
        .unwrap();
    assert!((29.9..=30.0).contains(&days), "{days} days");
}

mod support;

#[tokio::test]
async fn a_send_that_seems_to_fail_is_never_sent_twice() {
    let devnet = devnet_with_entries(2).await;
    stake(&devnet, "32").await;
    // A node that answers the first `eth_sendRawTransaction` with an HTTP error after anvil
    // took it: the keeper's transaction is out, and the keeper believes the send failed.
    let faults = Arc::new(Faults::default());
    faults.fail_once_after_forwarding("eth_sendRawTransaction");
    let node = TestNode::to(&devnet.rpc_url())
        .with(faults)
        .start()
        .unwrap();
    let mut keeper = keeper_at(&devnet, &node.url(), KEEPER, false, Arc::default())
        .await
        .unwrap();
    // The transaction went out, but the keeper was told the send failed: a fault, retried later.
    let error = keeper.round().await.expect_err("the send looked failed");
    assert!(error.to_string().contains("502"), "{error:#}");
    // anvil answers a send before its block is mined: wait for it.
    for _ in 0..100 {
        if activated(&devnet).await == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(activated(&devnet).await, 1, "yet it was mined");
    // The retry re-reads the pool first: nothing is sent again.
    stake(&devnet, "10").await;
    assert!(matches!(
        keeper.round().await.unwrap(),
        Decision::Idle(Idle::BufferBelowDeposit { .. })
    ));
    assert_eq!(activated(&devnet).await, 1);
    assert_eq!(devnet.deposit_count().await.unwrap(), 1);
}

#[test]
fn an_example_config_without_the_pools_addresses_is_refused_with_the_field_named() {
    let config = concat!(env!("CARGO_MANIFEST_DIR"), "/../../config/mainnet.json");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_pool-keeper"))
        .args(["--config", config, "--once"])
        .env("POOL_KEEPER_PRIVATE_KEY", format!("0x{}", "11".repeat(32)))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("\"poolManager\" is empty"), "{stderr}");
    assert!(
        !stderr.contains(&"11".repeat(32)),
        "the key is never printed"
    );
}
