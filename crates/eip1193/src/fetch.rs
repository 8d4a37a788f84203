//! JSON-RPC over HTTP with the browser's `fetch`.

use std::task::{Context, Poll};

use alloy_json_rpc::{RequestPacket, ResponsePacket};
use alloy_transport::{TransportError, TransportErrorKind, TransportFut};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Posts each request packet (single or batch) to `url` in one HTTP request.
///
/// Used before a wallet is connected, and whenever the page must not depend on the wallet's own
/// node. Unreachable endpoints and HTTP errors are transport errors naming the URL.
#[derive(Debug, Clone)]
pub struct FetchTransport {
    url: String,
}

impl FetchTransport {
    pub fn new(url: impl Into<String>) -> Self {
        FetchTransport { url: url.into() }
    }

    pub fn url(&self) -> &str {
        &self.url
    }
}

impl tower::Service<RequestPacket> for FetchTransport {
    type Response = ResponsePacket;
    type Error = TransportError;
    type Future = TransportFut<'static>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, packet: RequestPacket) -> Self::Future {
        let url = self.url.clone();
        Box::pin(async move {
            let body = serde_json::to_string(&packet).map_err(TransportError::ser_err)?;
            let text = post(&url, &body).await.map_err(|e| match e {
                PostError::Unreachable(reason) => TransportErrorKind::custom(Unreachable {
                    url: url.clone(),
                    reason,
                }),
                PostError::Status(status, body) => TransportErrorKind::http_error(status, body),
            })?;
            serde_json::from_str(&text).map_err(|e| TransportError::deser_err(e, text))
        })
    }
}

/// The endpoint could not be reached at all (no answer, not an HTTP error): kept as a value in
/// the transport error (`TransportErrorKind::Custom`), so callers recognise it by type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreachable {
    pub url: String,
    /// The browser's reason, as it gave it.
    pub reason: String,
}

impl Unreachable {
    /// The `Unreachable` inside a transport error, if that is what it is.
    pub fn in_error(kind: &TransportErrorKind) -> Option<&Unreachable> {
        match kind {
            TransportErrorKind::Custom(error) => error.downcast_ref::<Unreachable>(),
            _ => None,
        }
    }
}

impl std::fmt::Display for Unreachable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "could not reach the RPC at {} ({})",
            self.url, self.reason
        )
    }
}

impl std::error::Error for Unreachable {}

enum PostError {
    Unreachable(String),
    Status(u16, String),
}

/// Aborts its request when dropped (a no-op once the answer is read).
struct AbortOnDrop<'a>(&'a web_sys::AbortController);

impl Drop for AbortOnDrop<'_> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn post(url: &str, body: &str) -> Result<String, PostError> {
    let unreachable = |e: JsValue| {
        PostError::Unreachable(
            js_sys::Reflect::get(&e, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
                .unwrap_or_else(|| "network error".into()),
        )
    };
    // Dropped before the answer (a read's deadline passed, its page went away), the request is
    // aborted: the browser frees its connection instead of waiting on a stalled node, which
    // would soon leave no connection for the reads that follow.
    let abort = web_sys::AbortController::new().map_err(unreachable)?;
    let _abort_on_drop = AbortOnDrop(&abort);
    let init = web_sys::RequestInit::new();
    init.set_signal(Some(&abort.signal()));
    init.set_method("POST");
    init.set_body(&JsValue::from_str(body));
    let headers = web_sys::Headers::new().map_err(unreachable)?;
    headers
        .set("Content-Type", "application/json")
        .map_err(unreachable)?;
    init.set_headers(&headers);
    let request = web_sys::Request::new_with_str_and_init(url, &init).map_err(unreachable)?;
    let window = web_sys::window().ok_or_else(|| PostError::Unreachable("no window".into()))?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(unreachable)?
        .unchecked_into();
    let text = JsFuture::from(response.text().map_err(unreachable)?)
        .await
        .map_err(unreachable)?
        .as_string()
        .unwrap_or_default();
    if !response.ok() {
        return Err(PostError::Status(response.status(), text));
    }
    Ok(text)
}
