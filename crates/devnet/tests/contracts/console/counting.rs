//! An HTTP transport to anvil that counts `eth_getLogs` requests (one per scanned window), so
//! that the scan tests can tell how many windows a scan read, including those without a
//! progress callback (the forward scan, a cursor's refresh).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use alloy::rpc::client::RpcClient;
use alloy_json_rpc::{RequestPacket, ResponsePacket, SerializedRequest};
use pool_devnet::Devnet;

type Http = alloy::transports::http::Http<alloy::transports::http::reqwest::Client>;

#[derive(Clone)]
pub struct CountingNode {
    inner: Http,
    logs: Arc<AtomicUsize>,
}

impl CountingNode {
    /// A client of `devnet` over this transport, and its `eth_getLogs` count (batched requests
    /// count one each).
    pub fn client(devnet: &Devnet) -> (RpcClient, Arc<AtomicUsize>) {
        let node = CountingNode {
            inner: Http::new(devnet.rpc_url().parse().unwrap()),
            logs: Arc::default(),
        };
        let logs = node.logs.clone();
        (RpcClient::new(node, true), logs)
    }

    fn count(&self, request: &SerializedRequest) {
        if request.method() == "eth_getLogs" {
            self.logs.fetch_add(1, Ordering::SeqCst);
        }
    }
}

impl tower::Service<RequestPacket> for CountingNode {
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
        match &packet {
            RequestPacket::Single(request) => self.count(request),
            RequestPacket::Batch(requests) => requests.iter().for_each(|r| self.count(r)),
        }
        self.inner.call(packet)
    }
}
