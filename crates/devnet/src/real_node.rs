//! A JSON-RPC proxy on 127.0.0.1 in front of anvil that refuses transactions a real node
//! (geth, reth, Nethermind) refuses and anvil takes, with geth's words and code:
//!
//! - over 128 KiB (geth's `txMaxSize`): `eth_sendRawTransaction` measured on the signed
//!   encoding as geth does (`tx.Size()`), `eth_sendTransaction` on its calldata plus
//!   [`MIN_ENVELOPE_BYTES`] (the least a signature, fees, nonce and `to` add, so a refusal here is
//!   one geth would make too) - `-32000 "oversized data: transaction size N, limit 131072"`;
//! - asking for more than 2^24 gas (EIP-7825, Osaka): `-32000 "transaction gas limit too high
//!   (cap: 16777216, tx: N)"`. anvil runs with its own check of that limit too
//!   (`--enable-tx-gas-limit`, see [`crate::Devnet::start`]), which catches the transactions it
//!   fills the gas of itself.
//!
//! Everything else (calls, estimates, reads, batches) is forwarded as it is: geth caps calls'
//! and estimates' gas itself rather than refusing them.
//!
//! [`crate::Devnet::start`] puts one in front of its anvil by default
//! (`DevnetOptions::real_node`): `Devnet::rpc_url()` and `Devnet::provider()` go through it,
//! `Devnet::anvil_url()` does not. Another one on the same anvil:
//!
//! ```no_run
//! # async fn demo(devnet: &pool_devnet::Devnet) -> anyhow::Result<()> {
//! let node = pool_devnet::real_node::RealNodeProxy::start(&devnet.anvil_url()).await?;
//! println!("send through {}", node.url());
//! # Ok(()) }
//! ```

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use alloy::consensus::{Transaction, TxEnvelope};
use alloy::eips::eip2718::Decodable2718;
use anyhow::{Context, Result};
use pool_core::limits::{MAX_TX_BYTES, MAX_TX_GAS};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The least a signed EIP-1559 transaction adds around its calldata (type, list and data
/// headers, chain id, nonce, two fees, gas, `to`, value, empty access list, y parity, r, s).
pub const MIN_ENVELOPE_BYTES: usize = 110;

/// geth's JSON-RPC code for a transaction its pool refuses.
pub const REFUSED_CODE: i64 = -32000;

/// The proxy; it stops when dropped. It runs on its own runtime thread, so that a caller that
/// blocks its own (a test waiting for a child process that talks to the devnet) does not stop
/// it.
pub struct RealNodeProxy {
    address: SocketAddr,
    refused: Arc<AtomicUsize>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl RealNodeProxy {
    /// Listens on a free port of 127.0.0.1 and forwards to `upstream` (anvil's URL).
    pub async fn start(upstream: &str) -> Result<RealNodeProxy> {
        RealNodeProxy::start_on(upstream, 0).await
    }

    /// Listens on 127.0.0.1:`port` (0: a free one) and forwards to `upstream`.
    pub async fn start_on(upstream: &str, port: u16) -> Result<RealNodeProxy> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", port))
            .with_context(|| format!("binding the real-node proxy on 127.0.0.1:{port}"))?;
        listener.set_nonblocking(true)?;
        let address = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("real-node-proxy")
            .enable_all()
            .build()
            .context("starting the real-node proxy's runtime")?;
        let refused = Arc::new(AtomicUsize::new(0));
        let upstream = upstream.to_string();
        let counter = refused.clone();
        runtime.spawn(async move {
            let Ok(listener) = TcpListener::from_std(listener) else {
                return;
            };
            let http = alloy::transports::http::reqwest::Client::new();
            while let Ok((stream, _)) = listener.accept().await {
                let (http, upstream, counter) = (http.clone(), upstream.clone(), counter.clone());
                tokio::spawn(async move {
                    let _ = serve(stream, &http, &upstream, &counter).await;
                });
            }
        });
        Ok(RealNodeProxy {
            address,
            refused,
            runtime: Some(runtime),
        })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Transactions refused so far.
    pub fn refused(&self) -> usize {
        self.refused.load(Ordering::Relaxed)
    }
}

impl Drop for RealNodeProxy {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// geth's refusal of `request`, if it refuses it (an error object without the id).
pub fn refusal(request: &Value) -> Option<Value> {
    let params = request.get("params")?;
    let (size, gas) = match request.get("method")?.as_str()? {
        "eth_sendRawTransaction" => {
            let raw = params.get(0)?.as_str()?;
            let bytes = alloy::primitives::hex::decode(raw).ok()?;
            let gas = TxEnvelope::decode_2718(&mut bytes.as_slice())
                .ok()
                .map(|tx| tx.gas_limit());
            (bytes.len(), gas)
        }
        "eth_sendTransaction" => {
            let tx = params.get(0)?;
            let data = tx
                .get("input")
                .or_else(|| tx.get("data"))
                .and_then(Value::as_str)
                .unwrap_or("0x");
            let calldata = data.trim_start_matches("0x").len() / 2;
            let gas = tx
                .get("gas")
                .and_then(Value::as_str)
                .and_then(|g| u64::from_str_radix(g.trim_start_matches("0x"), 16).ok());
            (calldata + MIN_ENVELOPE_BYTES, gas)
        }
        _ => return None,
    };
    if size > MAX_TX_BYTES {
        return Some(json!({
            "code": REFUSED_CODE,
            "message": format!("oversized data: transaction size {size}, limit {MAX_TX_BYTES}"),
        }));
    }
    match gas {
        Some(gas) if gas > MAX_TX_GAS => Some(json!({
            "code": REFUSED_CODE,
            "message": format!("transaction gas limit too high (cap: {MAX_TX_GAS}, tx: {gas})"),
        })),
        _ => None,
    }
}

/// The CORS headers of every answer.
const CORS: &str = "access-control-allow-origin: *\r\naccess-control-allow-methods: POST, GET, OPTIONS\r\naccess-control-allow-headers: *\r\naccess-control-max-age: 600\r\n";

async fn serve(
    mut stream: TcpStream,
    http: &alloy::transports::http::reqwest::Client,
    upstream: &str,
    refused: &AtomicUsize,
) -> Result<()> {
    let Some(Request { preflight, body }) = read_body(&mut stream).await? else {
        return Ok(());
    };
    // Browsers ask first (the app is served from another origin); anvil, like public RPCs,
    // allows any origin, and so does the proxy in front of it.
    if preflight {
        stream
            .write_all(
                format!("HTTP/1.1 204 No Content\r\n{CORS}content-length: 0\r\nconnection: close\r\n\r\n")
                    .as_bytes(),
            )
            .await?;
        return Ok(());
    }
    let answer = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Array(requests)) => {
            let mut answers = Vec::with_capacity(requests.len());
            for request in requests {
                answers.push(one(request, http, upstream, refused).await?);
            }
            Value::Array(answers).to_string()
        }
        Ok(request @ Value::Object(_)) => one(request, http, upstream, refused).await?.to_string(),
        // Not ours to judge: the node says what is wrong with it.
        _ => forward(http, upstream, body).await?,
    };
    let response = format!(
        "HTTP/1.1 200 OK\r\n{CORS}content-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
        answer.len()
    );
    stream.write_all(response.as_bytes()).await?;
    Ok(())
}

async fn one(
    request: Value,
    http: &alloy::transports::http::reqwest::Client,
    upstream: &str,
    refused: &AtomicUsize,
) -> Result<Value> {
    if let Some(error) = refusal(&request) {
        refused.fetch_add(1, Ordering::Relaxed);
        return Ok(json!({"jsonrpc": "2.0", "id": request["id"], "error": error}));
    }
    let answer = forward(http, upstream, request.to_string().into_bytes()).await?;
    Ok(serde_json::from_str(&answer)?)
}

async fn forward(
    http: &alloy::transports::http::reqwest::Client,
    upstream: &str,
    body: Vec<u8>,
) -> Result<String> {
    Ok(http
        .post(upstream)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await?
        .text()
        .await?)
}

/// One HTTP request's body (`None` when the connection closed first).
/// One HTTP request: whether it is a CORS preflight (`OPTIONS`), and its body.
struct Request {
    preflight: bool,
    body: Vec<u8>,
}

async fn read_body(stream: &mut TcpStream) -> Result<Option<Request>> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Ok(None);
        }
        buffer.extend_from_slice(&chunk[..read]);
        let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
        let length = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse::<usize>().ok())
            .unwrap_or(0);
        while buffer.len() < end + 4 + length {
            let read = stream.read(&mut chunk).await?;
            if read == 0 {
                return Ok(None);
            }
            buffer.extend_from_slice(&chunk[..read]);
        }
        return Ok(Some(Request {
            preflight: head.starts_with("options "),
            body: buffer[end + 4..end + 4 + length].to_vec(),
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geths_words_for_each_limit() {
        let big = format!("0x{}", "00".repeat(MAX_TX_BYTES));
        let send = json!({"method": "eth_sendTransaction", "params": [{"input": big}]});
        let error = refusal(&send).unwrap();
        assert_eq!(error["code"], REFUSED_CODE);
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .starts_with("oversized data: transaction size 131182, limit 131072")
        );
        let gas = json!({"method": "eth_sendTransaction", "params": [{"input": "0x", "gas": "0x1000001"}]});
        assert_eq!(
            refusal(&gas).unwrap()["message"],
            "transaction gas limit too high (cap: 16777216, tx: 16777217)"
        );
        let fine = json!({"method": "eth_sendTransaction", "params": [{"input": "0x12", "gas": "0x1000000"}]});
        assert_eq!(refusal(&fine), None);
        let call = json!({"method": "eth_call", "params": [{"input": big}, "latest"]});
        assert_eq!(refusal(&call), None);
    }
}
