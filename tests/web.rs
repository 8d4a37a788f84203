//! The app's state handles in a real browser (headless Chromium), driven against scripted
//! EIP-1193 wallets: discovery and connection, account changes, a refusal kept apart from a
//! failure, the pool read through the wallet (one `eth_call` per refresh), and every listener
//! released when the handles' owner goes.

#![cfg(target_arch = "wasm32")]

use alloy_primitives::{Address, U256, address};
use leptos::prelude::*;
use pool_chain::reads::layout;
use pool_core::config::NetworkConfig;
use serde_json::{Value, json};
use ssv_pool_app::state::refresh::Refresh;
use ssv_pool_app::state::{chain::Chain, pool::PoolData, rpc::Rpc, wallet::Wallet};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export function scripted_wallet(script) {
    const listeners = {};
    return {
        calls: [],
        request(args) {
            this.calls.push(args.method);
            const answer = script[args.method];
            if (answer === undefined) {
                return Promise.reject({ code: 4200, message: `unsupported ${args.method}` });
            }
            if (answer.error) { return Promise.reject(answer.error); }
            return Promise.resolve(answer.result);
        },
        on(event, handler) { (listeners[event] = listeners[event] || []).push(handler); },
        removeListener(event, handler) {
            listeners[event] = (listeners[event] || []).filter(h => h !== handler);
        },
        emit(event, value) { (listeners[event] || []).forEach(h => h(value)); },
        listenerCount(event) { return (listeners[event] || []).length; },
    };
}

export function announce(name, rdns, provider) {
    const info = { uuid: crypto.randomUUID(), name, icon: "data:image/svg+xml,<svg/>", rdns };
    const send = () => window.dispatchEvent(
        new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info, provider }) }));
    window.addEventListener("eip6963:requestProvider", send);
    send();
}

export function calls_of(provider, method) { return provider.calls.filter(m => m === method).length; }
export function emit(provider, event, value) { provider.emit(event, value); }
export function listener_count(provider, event) { return provider.listenerCount(event); }
"#)]
extern "C" {
    fn scripted_wallet(script: JsValue) -> JsValue;
    fn announce(name: &str, rdns: &str, provider: &JsValue);
    fn calls_of(provider: &JsValue, method: &str) -> u32;
    fn emit(provider: &JsValue, event: &str, value: JsValue);
    fn listener_count(provider: &JsValue, event: &str) -> u32;
}

const ALICE: Address = address!("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
const BOB: Address = address!("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");

fn wallet_script(extra: Value) -> JsValue {
    let mut script = json!({
        "eth_requestAccounts": { "result": [ALICE] },
        "eth_accounts": { "result": [] },
        "eth_chainId": { "result": "0x7a69" },
    });
    for (k, v) in extra.as_object().unwrap() {
        script[k] = v.clone();
    }
    serde_wasm_bindgen_like(&script)
}

/// `JSON.parse` of the script: plain objects the scripted wallet reads.
fn serde_wasm_bindgen_like(value: &Value) -> JsValue {
    js_sys::JSON::parse(&value.to_string()).unwrap()
}

async fn sleep(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

/// Waits until `ready` holds (a tick at a time, up to two seconds).
async fn until(ready: impl Fn() -> bool) {
    for _ in 0..100 {
        if ready() {
            return;
        }
        sleep(20).await;
    }
    panic!("timed out");
}

fn config() -> NetworkConfig {
    NetworkConfig {
        chain_id: 31337,
        chain_name: "test".into(),
        // Never reached: reads go through the wallet on the right chain.
        rpc_url: "http://127.0.0.1:9".into(),
        explorer_url: None,
        pool_manager: Address::repeat_byte(0x11),
        pool_eth: Address::repeat_byte(0x22),
        wpool_eth: None,
        deployment_block: 0,
        refresh_interval_ms: Some(60_000),
        genesis_fork_version: None,
        ssv_genesis_block: None,
        beacon_url: None,
    }
}

/// A connected wallet handle, from a scripted wallet announced under `name`.
async fn connected(owner: &Owner, name: &str, provider: &JsValue) -> Wallet {
    announce(name, &format!("test.{name}"), provider);
    let wallet = owner.with(Wallet::new);
    until(|| {
        wallet
            .discovered()
            .with_untracked(|d| d.iter().any(|w| w.info.name == name))
    })
    .await;
    let chosen = wallet
        .discovered()
        .with_untracked(|d| d.iter().find(|w| w.info.name == name).cloned())
        .unwrap();
    owner.with(|| wallet.connect(chosen));
    wallet
}

#[wasm_bindgen_test]
async fn a_wallet_is_discovered_connected_and_followed_then_released() {
    let _ = any_spawner::Executor::init_wasm_bindgen();
    let owner = Owner::new();
    let provider = scripted_wallet(wallet_script(json!({})));
    let wallet = connected(&owner, "Alpha", &provider).await;
    until(|| {
        wallet
            .connection()
            .with_untracked(|c| c.as_ref().map(|c| c.account))
            == Some(ALICE)
    })
    .await;
    assert_eq!(
        wallet
            .connection()
            .with_untracked(|c| c.as_ref().unwrap().chain_id),
        31337
    );
    assert!(listener_count(&provider, "accountsChanged") >= 1);

    // The wallet switches account: the handle follows.
    emit(
        &provider,
        "accountsChanged",
        serde_wasm_bindgen_like(&json!([BOB])),
    );
    until(|| {
        wallet
            .connection()
            .with_untracked(|c| c.as_ref().map(|c| c.account))
            == Some(BOB)
    })
    .await;

    // The owner goes (a route left): its listeners go with it.
    owner.cleanup();
    assert_eq!(listener_count(&provider, "accountsChanged"), 0);
    assert_eq!(listener_count(&provider, "chainChanged"), 0);
}

#[wasm_bindgen_test]
async fn a_refused_connection_is_the_users_choice_not_a_failure() {
    let _ = any_spawner::Executor::init_wasm_bindgen();
    let owner = Owner::new();
    let refusing = scripted_wallet(wallet_script(json!({
        "eth_requestAccounts": { "error": { "code": 4001, "message": "User rejected the request." } },
    })));
    let wallet = connected(&owner, "Refuser", &refusing).await;
    until(|| wallet.error().with_untracked(Option::is_some)).await;
    let error = wallet.error().get_untracked().unwrap();
    assert!(error.is_user_rejection());
    assert_eq!(
        error.to_string(),
        "You rejected the request in your wallet. Nothing was sent."
    );
    assert!(wallet.connection().with_untracked(Option::is_none));

    // A wallet that fails otherwise is a failure.
    let broken = scripted_wallet(wallet_script(json!({
        "eth_requestAccounts": { "error": { "code": -32603, "message": "internal error" } },
    })));
    let wallet = connected(&owner, "Broken", &broken).await;
    until(|| wallet.error().with_untracked(Option::is_some)).await;
    assert!(!wallet.error().get_untracked().unwrap().is_user_rejection());
    owner.cleanup();
}

#[wasm_bindgen_test]
async fn the_pool_is_read_through_the_wallet_in_one_call() {
    let _ = any_spawner::Executor::init_wasm_bindgen();
    let owner = Owner::new();
    let eth = U256::from(10u64).pow(U256::from(18));
    // StakerView's answer: the flat list of words of `reads::layout`, one request.
    let mut words = vec![U256::ZERO; layout::FIXED];
    words[layout::BLOCK] = U256::from(42);
    words[layout::TIMESTAMP] = U256::from(2_000);
    words[layout::QUEUE] = U256::from(0x0707u64);
    words[layout::TOTAL_POOLED] = eth * U256::from(11);
    words[layout::TOTAL_SHARES] = eth * U256::from(10);
    words[layout::BUFFERED] = eth * U256::from(11);
    words[layout::RUNWAY] = U256::from(214_800);
    words[layout::SHARES] = eth;
    words[layout::BALANCE] = eth * U256::from(11) / U256::from(10);
    words[layout::ETH_BALANCE] = eth * U256::from(5);
    words[layout::LAST_REQUEST_ID] = U256::from(1);
    words[layout::LAST_FINALIZED_ID] = U256::from(1);
    words[layout::NEXT_REPORT_AT] = U256::from(90_000);
    words[layout::REPORT_INTERVAL] = U256::from(86_400);
    words[layout::MIN_WITHDRAWAL] = eth / U256::from(1_000);
    words[layout::MAX_PER_REPORT] = U256::from(200);
    words[layout::EXIT_GRACE] = U256::from(172_800);
    words[layout::REQUESTS] = U256::from(1);
    words.extend([U256::from(1), U256::from(1_000), eth, eth, U256::from(1)]);
    let encoded = alloy_sol_types::SolValue::abi_encode(&words);
    let provider = scripted_wallet(wallet_script(json!({
        "eth_call": { "result": alloy_primitives::hex::encode_prefixed(encoded) },
    })));
    let wallet = connected(&owner, "Reader", &provider).await;
    until(|| wallet.connection().with_untracked(Option::is_some)).await;
    // The configured RPC is unreachable: its check fails, and reads go through the wallet.
    let pool = owner.with(|| PoolData::new(Chain::new(config(), Rpc::new(&config()), wallet)));
    until(|| {
        pool.reading()
            .with_untracked(|r| r.as_ref().is_some_and(|r| r.pool.account.is_some()))
    })
    .await;
    let reading = pool.reading().get_untracked().unwrap();
    assert_eq!(reading.block, 42);
    assert_eq!(reading.pool.totals.total_pooled_ether, eth * U256::from(11));
    let account = reading.pool.account.unwrap();
    assert_eq!((account.address, account.shares), (ALICE, eth));
    // The queue and the account's requests come in the same call.
    assert_eq!(
        reading.queue.address,
        address!("0000000000000000000000000000000000000707")
    );
    assert_eq!(reading.queue.requests.len(), 1);
    assert!(reading.queue.requests[0].finalized && !reading.queue.requests[0].claimed);
    assert_eq!(reading.queue.view.schedule.next_report_at, 90_000);
    // The balance is the client's own computation from shares, to the wei.
    assert_eq!(
        reading
            .pool
            .totals
            .pooled_eth_by_shares(account.shares)
            .unwrap(),
        eth * U256::from(11) / U256::from(10)
    );
    // One eth_call per refresh; none more while nothing asks.
    let calls = calls_of(&provider, "eth_call");
    pool.refresh();
    until(|| calls_of(&provider, "eth_call") == calls + 1).await;
    sleep(200).await;
    assert_eq!(calls_of(&provider, "eth_call"), calls + 1);
    owner.cleanup();
}

#[wasm_bindgen_test]
async fn a_refresh_keeps_only_the_newest_requests_answer() {
    let _ = any_spawner::Executor::init_wasm_bindgen();
    let owner = Owner::new();
    // What is asked for (0: nothing), each read as slow as the test says, and what settled.
    let asked = owner.with(|| RwSignal::new(1u32));
    let settled = owner.with(|| RwSignal::new(Vec::<u32>::new()));
    let refresh = owner.with(|| {
        Refresh::new(
            move || Some(asked.get()).filter(|n| *n > 0),
            |n: u32| async move {
                sleep(if n == 1 { 300 } else { 20 }).await;
                n
            },
            move |n| settled.update(|s| s.push(n)),
        )
    });
    sleep(50).await;
    assert!(refresh.is_running());
    // A newer request overtakes the slow first read: only its answer lands.
    asked.set(2);
    sleep(400).await;
    assert_eq!(settled.get_untracked(), vec![2]);
    assert!(!refresh.is_running());
    // Asking again reads again; an answer asked for before a change to "nothing" is dropped.
    asked.set(1);
    sleep(50).await;
    asked.set(0);
    sleep(400).await;
    assert_eq!(settled.get_untracked(), vec![2]);
    refresh.again();
    sleep(100).await;
    assert_eq!(
        settled.get_untracked(),
        vec![2],
        "nothing is asked for: no read"
    );
    owner.cleanup();
}
