//! The EIP-1193 transport, discovery and events in a real browser, against scripted providers.

#![cfg(target_arch = "wasm32")]

use alloy_json_rpc::RpcError;
use alloy_primitives::{Address, U64, address};
use alloy_rpc_client::RpcClient;
use pool_eip1193::{Eip1193Provider, Eip1193Transport, FetchTransport, codes, discovery, events};
use serde_json::{Value, json};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export function scripted_provider(script) {
    const listeners = {};
    return {
        calls: [],
        request(args) {
            this.calls.push(args);
            const answer = script[args.method];
            if (answer === undefined) {
                return Promise.reject({ code: 4200, message: `unsupported ${args.method}` });
            }
            if (answer.throwSync) { throw answer.throwSync; }
            if (answer.error) { return Promise.reject(answer.error); }
            if (answer.echoParams) { return Promise.resolve(args.params); }
            return new Promise(resolve => setTimeout(() => resolve(answer.result), answer.delay || 0));
        },
        on(event, handler) { (listeners[event] = listeners[event] || []).push(handler); },
        removeListener(event, handler) {
            listeners[event] = (listeners[event] || []).filter(h => h !== handler);
        },
        emit(event, value) { (listeners[event] || []).forEach(h => h(value)); },
        listenerCount(event) { return (listeners[event] || []).length; },
    };
}

export function announce_when_asked(name, rdns, provider) {
    const info = { uuid: crypto.randomUUID(), name, icon: "data:image/svg+xml,<svg/>", rdns };
    const announce = () => window.dispatchEvent(
        new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info, provider }) }));
    window.addEventListener("eip6963:requestProvider", announce);
    announce();
}

export function call_count(provider) { return provider.calls.length; }
export function emit(provider, event, value) { provider.emit(event, value); }
export function listener_count(provider, event) { return provider.listenerCount(event); }
"#)]
extern "C" {
    fn scripted_provider(script: JsValue) -> JsValue;
    fn announce_when_asked(name: &str, rdns: &str, provider: &JsValue);
    fn call_count(provider: &JsValue) -> u32;
    fn emit(provider: &JsValue, event: &str, value: JsValue);
    fn listener_count(provider: &JsValue, event: &str) -> u32;
}

fn provider(script: Value) -> (JsValue, Eip1193Provider) {
    let js = scripted_provider(js_sys::JSON::parse(&script.to_string()).unwrap());
    (
        js.clone(),
        Eip1193Provider::from_js(js).expect("has request()"),
    )
}

fn client(provider: Eip1193Provider) -> RpcClient {
    RpcClient::new(Eip1193Transport::new(provider), false)
}

#[wasm_bindgen_test]
async fn results_pass_through() {
    let (_, wallet) = provider(json!({
        "eth_chainId": {"result": "0x7a69"},
        "eth_accounts": {"result": ["0x70997970c51812dc3a010c7d01b50e0d17dc79c8"]},
    }));
    let client = client(wallet);
    let chain: U64 = client.request_noparams("eth_chainId").await.unwrap();
    assert_eq!(chain, U64::from(31337));
    let accounts: Vec<Address> = client.request_noparams("eth_accounts").await.unwrap();
    assert_eq!(
        accounts,
        vec![address!("70997970C51812dc3A010C7d01b50e0d17dc79C8")]
    );
}

#[wasm_bindgen_test]
async fn params_reach_the_wallet_unchanged() {
    let (_, wallet) = provider(json!({"eth_call": {"echoParams": true}}));
    let params = json!([{"to": "0x5fbdb2315678afecb367f032d93f642f64180aa3", "data": "0x12345678"}, "latest"]);
    let echoed: Value = client(wallet)
        .request("eth_call", params.clone())
        .await
        .unwrap();
    assert_eq!(echoed, params);
}

#[wasm_bindgen_test]
async fn a_rejection_keeps_code_4001_message_and_data() {
    let (_, wallet) = provider(json!({
        "eth_requestAccounts": {"error": {"code": 4001, "message": "User rejected the request.", "data": {"reason": "no"}}},
    }));
    let error = client(wallet)
        .request_noparams::<Value>("eth_requestAccounts")
        .await
        .unwrap_err();
    match error {
        RpcError::ErrorResp(payload) => {
            assert_eq!(payload.code, codes::USER_REJECTED);
            assert_eq!(payload.message, "User rejected the request.");
            assert_eq!(payload.data.unwrap().get(), r#"{"reason":"no"}"#);
        }
        other => panic!("expected an error response, got {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn a_synchronous_throw_and_unknown_methods_are_errors_too() {
    let (_, wallet) = provider(json!({
        "wallet_switchEthereumChain": {"throwSync": {"code": 4902, "message": "Unrecognized chain ID"}},
    }));
    let client = client(wallet);
    let error = client
        .request::<_, Value>("wallet_switchEthereumChain", json!([{"chainId": "0x7a69"}]))
        .await
        .unwrap_err();
    assert_eq!(
        error.as_error_resp().unwrap().code,
        codes::UNRECOGNIZED_CHAIN
    );
    let error = client
        .request_noparams::<Value>("eth_sign")
        .await
        .unwrap_err();
    assert_eq!(
        error.as_error_resp().unwrap().code,
        codes::UNSUPPORTED_METHOD
    );
}

#[wasm_bindgen_test]
async fn a_batch_gets_every_answer_in_place_even_out_of_order() {
    let (js, wallet) = provider(json!({
        "eth_blockNumber": {"result": "0x10", "delay": 30},
        "eth_chainId": {"result": "0x1"},
        "eth_gasPrice": {"error": {"code": -32603, "message": "internal"}},
    }));
    let client = client(wallet);
    let mut batch = client.new_batch();
    let block = batch.add_call::<_, U64>("eth_blockNumber", &()).unwrap();
    let chain = batch.add_call::<_, U64>("eth_chainId", &()).unwrap();
    let price = batch.add_call::<_, U64>("eth_gasPrice", &()).unwrap();
    batch.send().await.unwrap();
    assert_eq!(block.await.unwrap(), U64::from(16));
    assert_eq!(chain.await.unwrap(), U64::from(1));
    assert_eq!(
        price.await.unwrap_err().as_error_resp().unwrap().code,
        codes::INTERNAL
    );
    assert_eq!(call_count(&js), 3);
}

#[wasm_bindgen_test]
async fn a_request_without_an_answer_in_time_is_a_typed_timeout() {
    use alloy_rpc_client::ClientBuilder;
    use pool_eip1193::{TimedOut, TimeoutLayer};
    // The wallet answers after 1 s; the deadline is 100 ms.
    let (_, slow) = provider(json!({ "eth_chainId": { "result": "0x1", "delay": 1000 } }));
    let late = ClientBuilder::default()
        .layer(TimeoutLayer::new(100))
        .transport(Eip1193Transport::new(slow.clone()), false);
    let error = late
        .request_noparams::<U64>("eth_chainId")
        .await
        .unwrap_err();
    let RpcError::Transport(kind) = &error else {
        panic!("a transport error: {error:?}");
    };
    assert_eq!(TimedOut::in_error(kind), Some(&TimedOut { ms: 100 }));
    // Within the deadline, the answer passes through unchanged.
    let patient = ClientBuilder::default()
        .layer(TimeoutLayer::new(5_000))
        .transport(Eip1193Transport::new(slow), false);
    let id: U64 = patient.request_noparams("eth_chainId").await.unwrap();
    assert_eq!(id, U64::from(1));
}

#[wasm_bindgen_test]
async fn an_unreachable_rpc_is_a_clear_transport_error() {
    let client = RpcClient::new(FetchTransport::new("http://127.0.0.1:9/"), false);
    let error = client
        .request_noparams::<U64>("eth_chainId")
        .await
        .unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("could not reach the RPC at http://127.0.0.1:9/"),
        "{text}"
    );
    // Kept as a value: callers recognise it by type, not by its text.
    let RpcError::Transport(kind) = &error else {
        panic!("a transport error: {error:?}");
    };
    let unreachable = pool_eip1193::Unreachable::in_error(kind).expect("typed Unreachable");
    assert_eq!(unreachable.url, "http://127.0.0.1:9/");
}

#[wasm_bindgen_test]
async fn eip6963_announcements_are_discovered_with_their_provider() {
    let (js, _) = provider(json!({"eth_chainId": {"result": "0x2a"}}));
    announce_when_asked("Scripted Wallet", "test.scripted", &js);
    let found = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let sink = found.clone();
    let _discovery = discovery::discover(move |wallet| sink.borrow_mut().push(wallet));
    let wallet = found
        .borrow()
        .iter()
        .find(|w| w.info.rdns == "test.scripted")
        .cloned()
        .expect("the wallet answered the request event");
    assert_eq!(wallet.info.name, "Scripted Wallet");
    assert!(wallet.info.icon.starts_with("data:image/"));
    let chain: U64 = client(wallet.provider)
        .request_noparams("eth_chainId")
        .await
        .unwrap();
    assert_eq!(chain, U64::from(42));
}

#[wasm_bindgen_test]
fn account_and_chain_events_reach_subscribers_until_dropped() {
    let (js, wallet) = provider(json!({}));
    let seen = std::rc::Rc::new(std::cell::RefCell::new((Vec::new(), Vec::new())));
    let (a, c) = (seen.clone(), seen.clone());
    let accounts = events::on_accounts_changed(&wallet, move |list| a.borrow_mut().0.push(list));
    let chains = events::on_chain_changed(&wallet, move |id| c.borrow_mut().1.push(id));
    let list = js_sys::Array::of1(&"0x70997970c51812dc3a010c7d01b50e0d17dc79c8".into());
    emit(&js, "accountsChanged", list.into());
    emit(&js, "accountsChanged", js_sys::Array::new().into());
    emit(&js, "chainChanged", "0x88bb0".into());
    assert_eq!(
        seen.borrow().0,
        vec![
            vec![address!("70997970C51812dc3A010C7d01b50e0d17dc79C8")],
            vec![]
        ]
    );
    assert_eq!(seen.borrow().1, vec![560048]);
    drop(accounts);
    drop(chains);
    assert_eq!(listener_count(&js, "accountsChanged"), 0);
    assert_eq!(listener_count(&js, "chainChanged"), 0);
}
