//! A node for the console tests: anvil over HTTP, with `eth_getLogs` counted and the SSV
//! views calls the devnet stand-in lacks answered (`getOperatorById`,
//! `getValidatorsPerOperatorLimit`, `getWhitelistedOperators` as the test sets them;
//! `getValidator` from the stand-in network's own storage).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use alloy::primitives::{Address, B256, Bytes, U256, keccak256};
use alloy::rpc::client::RpcClient;
use alloy::sol_types::{SolCall, SolValue};
use alloy_json_rpc::{RequestPacket, ResponsePacket, ResponsePayload, SerializedRequest};
use pool_chain::bindings::devnet::DevnetSSVNetworkV2;
use pool_chain::client::ssv::{ISSVViewsTypes::OperatorData, SsvViews};
use pool_devnet::Devnet;

type Http = alloy::transports::http::Http<alloy::transports::http::reqwest::Client>;

/// What the console's SSV views calls answer on the devnet, whose stand-in views have only the
/// fee getters: operators as the test sets them, and `getValidator` read from the stand-in
/// network's own `validatorPKs` (the real views read the same slot: registered when set, with
/// its low bit the active flag).
#[derive(Default)]
pub struct Views {
    pub operators: HashMap<u64, OperatorData>,
    pub limit: u32,
    pub whitelisting_pool: Vec<u64>,
}

/// An HTTP transport to anvil that counts `eth_getLogs` requests and answers the SSV views
/// calls the stand-in lacks (each is sent on as a harmless request, and its answer replaced).
#[derive(Clone)]
pub struct ViewsNode {
    inner: Http,
    views: Address,
    ssv_network: Address,
    state: Arc<Mutex<Views>>,
    logs: Arc<AtomicUsize>,
}

/// What to do with one request's answer.
enum Rewrite {
    /// Replace it by this ABI-encoded return.
    Answer(Vec<u8>),
    /// It is the stand-in's `validatorPKs` word: answer whether its low bit is set.
    ActiveFlag,
}

impl ViewsNode {
    /// A client over this transport, the views' answers to set, and the `eth_getLogs` count.
    pub fn client(devnet: &Devnet) -> (RpcClient, Arc<Mutex<Views>>, Arc<AtomicUsize>) {
        let node = ViewsNode {
            inner: Http::new(devnet.rpc_url().parse().unwrap()),
            views: devnet.deployment.ssv_views,
            ssv_network: devnet.deployment.ssv_network,
            state: Arc::default(),
            logs: Arc::default(),
        };
        let (state, logs) = (node.state.clone(), node.logs.clone());
        (RpcClient::new(node, true), state, logs)
    }

    /// The request to send instead of `request`, and how to rewrite its answer.
    fn rewrite(&self, request: SerializedRequest) -> (SerializedRequest, Option<Rewrite>) {
        if request.method() == "eth_getLogs" {
            self.logs.fetch_add(1, Ordering::SeqCst);
        }
        let call = (request.method() == "eth_call")
            .then(|| serde_json::from_str::<serde_json::Value>(request.params()?.get()).ok())
            .flatten();
        let Some(call) = call else {
            return (request, None);
        };
        let to: Address = serde_json::from_value(call[0]["to"].clone()).unwrap();
        let data: Bytes = serde_json::from_value(call[0]["data"].clone()).unwrap();
        if to != self.views {
            return (request, None);
        }
        let state = self.state.lock().unwrap();
        let id = request.id().clone();
        let other = |method: &'static str, params: serde_json::Value| {
            alloy_json_rpc::Request::new(method, id.clone(), params)
                .serialize()
                .unwrap()
        };
        let answer = |encoded: Vec<u8>| {
            (
                other("eth_chainId", serde_json::json!([])),
                Some(Rewrite::Answer(encoded)),
            )
        };
        if let Ok(c) = SsvViews::getOperatorByIdCall::abi_decode(&data) {
            let op = state
                .operators
                .get(&c.operatorId)
                .cloned()
                .unwrap_or_else(|| operator_data(Address::ZERO, 0, false, false));
            answer(SsvViews::getOperatorByIdCall::abi_encode_returns(&op))
        } else if SsvViews::getValidatorsPerOperatorLimitCall::abi_decode(&data).is_ok() {
            answer(state.limit.abi_encode())
        } else if let Ok(c) = SsvViews::getWhitelistedOperatorsCall::abi_decode(&data) {
            let ids: Vec<u64> = c
                .operatorIds
                .into_iter()
                .filter(|id| state.whitelisting_pool.contains(id))
                .collect();
            answer(SsvViews::getWhitelistedOperatorsCall::abi_encode_returns(
                &ids,
            ))
        } else if let Ok(c) = SsvViews::getValidatorCall::abi_decode(&data) {
            let key = keccak256([c.publicKey.as_ref(), c.clusterOwner.as_slice()].concat());
            let read = DevnetSSVNetworkV2::validatorPKsCall(key).abi_encode();
            let params = serde_json::json!([{ "to": self.ssv_network, "data": Bytes::from(read) }, "latest"]);
            (other("eth_call", params), Some(Rewrite::ActiveFlag))
        } else {
            (request, None)
        }
    }
}

/// An operator as the views answer it (fee 1,770,000,000 wei a block, no legacy whitelist).
pub fn operator_data(owner: Address, count: u32, private: bool, active: bool) -> OperatorData {
    OperatorData {
        owner,
        fee: U256::from(1_770_000_000u64),
        validatorCount: count,
        whitelistedAddress: Address::ZERO,
        isPrivate: private,
        isActive: active,
    }
}

fn rewritten(response: &mut alloy_json_rpc::Response, rewrites: &HashMap<String, Rewrite>) {
    let Some(rewrite) = rewrites.get(&response.id.to_string()) else {
        return;
    };
    let encoded = match (rewrite, &response.payload) {
        (Rewrite::Answer(encoded), _) => encoded.clone(),
        (Rewrite::ActiveFlag, ResponsePayload::Success(word)) => {
            let word: B256 = serde_json::from_str(word.get()).unwrap();
            (word[31] & 1 == 1).abi_encode()
        }
        (Rewrite::ActiveFlag, ResponsePayload::Failure(_)) => return,
    };
    response.payload =
        ResponsePayload::Success(serde_json::value::to_raw_value(&Bytes::from(encoded)).unwrap());
}

impl tower::Service<RequestPacket> for ViewsNode {
    type Response = ResponsePacket;
    type Error = alloy::transports::TransportError;
    type Future = alloy::transports::TransportFut<'static>;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, packet: RequestPacket) -> Self::Future {
        let mut rewrites = HashMap::new();
        let mut one = |request: SerializedRequest| {
            let id = request.id().to_string();
            let (request, rewrite) = self.rewrite(request);
            if let Some(rewrite) = rewrite {
                rewrites.insert(id, rewrite);
            }
            request
        };
        let packet = match packet {
            RequestPacket::Single(request) => RequestPacket::Single(one(request)),
            RequestPacket::Batch(requests) => {
                RequestPacket::Batch(requests.into_iter().map(one).collect())
            }
        };
        let mut inner = self.inner.clone();
        Box::pin(async move {
            let mut answer = tower::Service::call(&mut inner, packet).await?;
            match &mut answer {
                ResponsePacket::Single(response) => rewritten(response, &rewrites),
                ResponsePacket::Batch(responses) => responses
                    .iter_mut()
                    .for_each(|response| rewritten(response, &rewrites)),
            }
            Ok(answer)
        })
    }
}
