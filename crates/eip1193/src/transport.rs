//! An alloy transport over a wallet's `request` method.

use std::borrow::Cow;
use std::task::{Context, Poll};

use alloy_json_rpc::{
    ErrorPayload, RequestPacket, Response, ResponsePacket, ResponsePayload, SerializedRequest,
};
use alloy_transport::{TransportError, TransportFut};
use send_wrapper::SendWrapper;

use crate::provider::Eip1193Provider;

/// Sends alloy's JSON-RPC requests through an EIP-1193 wallet.
///
/// A wallet error becomes a JSON-RPC error response with the wallet's own code, message and
/// data, so callers see `RpcError::ErrorResp` with `code == 4001` when the user rejects. A batch
/// is answered by sending its requests to the wallet concurrently (EIP-1193 has no batch call).
///
/// alloy requires transports to be `Send + Sync`; browser objects are neither, but the wasm
/// build runs on one thread, which [`SendWrapper`] checks at run time.
#[derive(Debug, Clone)]
pub struct Eip1193Transport {
    provider: SendWrapper<Eip1193Provider>,
}

impl Eip1193Transport {
    pub fn new(provider: Eip1193Provider) -> Self {
        Eip1193Transport {
            provider: SendWrapper::new(provider),
        }
    }

    pub fn provider(&self) -> &Eip1193Provider {
        &self.provider
    }
}

impl tower::Service<RequestPacket> for Eip1193Transport {
    type Response = ResponsePacket;
    type Error = TransportError;
    type Future = TransportFut<'static>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, packet: RequestPacket) -> Self::Future {
        let provider: Eip1193Provider = (*self.provider).clone();
        Box::pin(async move {
            Ok(match packet {
                RequestPacket::Single(request) => {
                    ResponsePacket::Single(send_one(&provider, request).await)
                }
                RequestPacket::Batch(requests) => {
                    let sent = requests.into_iter().map(|r| send_one(&provider, r));
                    ResponsePacket::Batch(futures_util::future::join_all(sent).await)
                }
            })
        })
    }
}

async fn send_one(provider: &Eip1193Provider, request: SerializedRequest) -> Response {
    let id = request.id().clone();
    let payload = match provider.request(request.method(), request.params()).await {
        Ok(result) => ResponsePayload::Success(result),
        Err(error) => ResponsePayload::Failure(ErrorPayload {
            code: error.code,
            message: Cow::Owned(error.message),
            data: error.data,
        }),
    };
    Response { id, payload }
}
