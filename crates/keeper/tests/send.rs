//! The keeper's one send path against anvil with its automine off, as a busy or stingy real
//! chain behaves: a stuck transaction is bumped (same nonce, fees +10% at least) and mined once;
//! a dropped one is reported and not re-sent; the deadline returns with the nonce pending, and
//! the next send replaces that transaction instead of queueing a second one.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use alloy::primitives::{Address, B256, Bytes, U64, U256};
use alloy::providers::Provider;
use pool_devnet::{Devnet, DevnetOptions};
use pool_keeper::Keeper;
use pool_keeper::keeper::Duties;
use pool_keeper::log::Logger;
use pool_keeper::metrics::Figures;
use pool_keeper::options::LogFormat;
use pool_keeper::send::{SendOptions, Sent};

const KEEPER: usize = 7;

async fn setup() -> (Devnet, Keeper, Arc<Mutex<Figures>>) {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    let pool = devnet.pool();
    devnet
        .grant_role(
            pool.KEEPER_ROLE().call().await.unwrap(),
            devnet.accounts()[KEEPER],
        )
        .await
        .unwrap();
    let figures = Arc::new(Mutex::new(Figures::default()));
    let mut keeper = Keeper::connect(
        &devnet.config(),
        &devnet.rpc_url(),
        devnet.signer(KEEPER),
        false,
        Logger {
            format: LogFormat::Json,
        },
        figures.clone(),
        Duties::ACTIVATION,
    )
    .await
    .unwrap();
    keeper.send_options = SendOptions {
        poll: Duration::from_millis(100),
        bump_after: Duration::from_secs(60),
        dropped_after_polls: 10,
        ..SendOptions::default()
    };
    (devnet, keeper, figures)
}

async fn rpc<R: serde::de::DeserializeOwned + std::fmt::Debug + Send + Sync + Unpin + 'static>(
    devnet: &Devnet,
    method: &'static str,
    params: serde_json::Value,
) -> R {
    devnet
        .provider()
        .raw_request(method.into(), params)
        .await
        .unwrap()
}

async fn automine(devnet: &Devnet, on: bool) {
    let _: serde_json::Value = rpc(devnet, "evm_setAutomine", serde_json::json!([on])).await;
}

async fn nonce(devnet: &Devnet, tag: &str) -> u64 {
    let count: U64 = rpc(
        devnet,
        "eth_getTransactionCount",
        serde_json::json!([devnet.accounts()[KEEPER], tag]),
    )
    .await;
    count.to::<u64>()
}

/// A harmless transaction: an empty call of an account without code.
fn target() -> Address {
    Address::repeat_byte(0x42)
}

#[tokio::test]
async fn a_stuck_transaction_is_bumped_and_mined_once() {
    let (devnet, mut keeper, figures) = setup().await;
    keeper.send_options.bump_after = Duration::from_millis(500);
    let before = nonce(&devnet, "latest").await;
    automine(&devnet, false).await;
    let watcher = {
        let figures = figures.clone();
        let url = devnet.rpc_url();
        tokio::spawn(async move {
            // Nothing is mined until the keeper has bumped twice; then one block.
            let started = Instant::now();
            while figures.lock().unwrap().fee_bumps < 2 {
                assert!(started.elapsed() < Duration::from_secs(20), "no fee bump");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            let provider = alloy::providers::ProviderBuilder::new()
                .connect_http(url.parse().unwrap())
                .erased();
            let _: serde_json::Value = provider
                .raw_request("evm_mine".into(), serde_json::json!([]))
                .await
                .unwrap();
        })
    };
    let sent = keeper
        .send_to(target(), Bytes::new(), Duration::from_secs(30))
        .await
        .unwrap();
    watcher.await.unwrap();
    let Sent::Mined { receipt, bumps } = sent else {
        panic!("expected the bumped transaction mined, got {sent:?}");
    };
    assert!(bumps >= 2, "{bumps}");
    // One transaction of the nonce mined, the last bump, with the higher fees.
    assert_eq!(nonce(&devnet, "latest").await, before + 1);
    assert_eq!(
        nonce(&devnet, "pending").await,
        before + 1,
        "nothing left live"
    );
    let block: serde_json::Value = rpc(
        &devnet,
        "eth_getBlockByNumber",
        serde_json::json!([receipt.block_number, true]),
    )
    .await;
    let mined = block["transactions"].as_array().unwrap();
    assert_eq!(mined.len(), 1, "one transaction of the keeper: {mined:?}");
    let tx = &mined[0];
    assert_eq!(
        tx["hash"].as_str().unwrap().parse::<B256>().unwrap(),
        receipt.transaction_hash
    );
    let fee: U256 = tx["maxPriorityFeePerGas"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let first = keeper.send_options.min_priority_fee;
    // Two bumps: at least +10% twice over the first offer.
    assert!(
        fee * U256::from(100u64) >= first * U256::from(121u64),
        "{fee} after {first}"
    );
}

#[tokio::test]
async fn a_dropped_transaction_is_reported_and_not_sent_again() {
    let (devnet, mut keeper, figures) = setup().await;
    let before = nonce(&devnet, "latest").await;
    automine(&devnet, false).await;
    let dropper = {
        let url = devnet.rpc_url();
        let account = devnet.accounts()[KEEPER];
        tokio::spawn(async move {
            let provider = alloy::providers::ProviderBuilder::new()
                .connect_http(url.parse().unwrap())
                .erased();
            // Once the transaction waits in the pool, the node forgets it.
            loop {
                let pending: U64 = provider
                    .raw_request(
                        "eth_getTransactionCount".into(),
                        serde_json::json!([account, "pending"]),
                    )
                    .await
                    .unwrap();
                if pending.to::<u64>() > before {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            let _: serde_json::Value = provider
                .raw_request("anvil_dropAllTransactions".into(), serde_json::json!([]))
                .await
                .unwrap();
        })
    };
    let sent = keeper
        .send_to(target(), Bytes::new(), Duration::from_secs(30))
        .await
        .unwrap();
    dropper.await.unwrap();
    assert!(
        matches!(sent, Sent::Dropped { nonce, .. } if nonce == before),
        "{sent:?}"
    );
    // Not re-sent: the pool stays empty and the nonce unused, even with blocks mined.
    let _: serde_json::Value = rpc(&devnet, "evm_mine", serde_json::json!([])).await;
    assert_eq!(nonce(&devnet, "pending").await, before);
    assert_eq!(nonce(&devnet, "latest").await, before);
    let figures = figures.lock().unwrap();
    assert_eq!((figures.fee_bumps, figures.sends_unmined), (0, 1));
}

#[tokio::test]
async fn the_deadline_returns_and_the_next_send_replaces_the_waiting_transaction() {
    let (devnet, mut keeper, figures) = setup().await;
    let before = nonce(&devnet, "latest").await;
    automine(&devnet, false).await;
    let started = Instant::now();
    let sent = keeper
        .send_to(target(), Bytes::new(), Duration::from_millis(1_500))
        .await
        .unwrap();
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(1_500) && waited < Duration::from_secs(5),
        "{waited:?}"
    );
    let Sent::GaveUp {
        hash: waiting,
        nonce: at,
        ..
    } = sent
    else {
        panic!("expected the deadline to return, got {sent:?}");
    };
    assert_eq!(at, before);
    assert_eq!(nonce(&devnet, "pending").await, before + 1, "still live");
    // The next send takes the same nonce with higher fees: one live transaction, not two.
    // Blocks come every second now, as on a real chain.
    let _: serde_json::Value =
        rpc(&devnet, "anvil_setIntervalMining", serde_json::json!([1])).await;
    let sent = keeper
        .send_to(target(), Bytes::new(), Duration::from_secs(30))
        .await
        .unwrap();
    let Sent::Mined { receipt, .. } = sent else {
        panic!("expected the replacement mined, got {sent:?}");
    };
    assert_ne!(
        receipt.transaction_hash, waiting,
        "the replacement, not the first"
    );
    assert_eq!(nonce(&devnet, "latest").await, before + 1);
    assert_eq!(nonce(&devnet, "pending").await, before + 1);
    let gone: Option<serde_json::Value> = rpc(
        &devnet,
        "eth_getTransactionReceipt",
        serde_json::json!([waiting]),
    )
    .await;
    assert!(gone.is_none(), "the given-up transaction was never mined");
    assert_eq!(
        figures.lock().unwrap().sends_unmined,
        1,
        "the given-up send"
    );
}
