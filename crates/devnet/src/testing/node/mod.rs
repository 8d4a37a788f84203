//! One JSON-RPC node for tests and benches: an HTTP server on 127.0.0.1 that forwards to anvil,
//! with behaviours put in front of it, so that a test sees the node a real network would give it
//! (limits, faults, rewritten answers) and what its client asked (counts, ranges):
//!
//! - [`RealNode`]: refuses the transactions geth refuses and anvil takes (over 128 KiB, over
//!   2^24 gas); [`crate::Devnet::start`] puts one in front of its anvil by default;
//! - [`Counts`]: requests, `eth_getLogs`, bytes answered, methods seen;
//! - [`LogRanges`], [`RateLimit`], [`LogCap`]: the `eth_getLogs` ranges asked and when, a public
//!   RPC's rate limits (HTTP 429, -32005 "limit exceeded") and its cap on a range;
//! - [`Faults`]: a node that is down, answers garbage, stalls, serves another chain, or fails a
//!   send after taking it; [`Rewrite`]: any other change to the node's answers.
//!
//! Behaviours see each HTTP request in the order they were added ([`Behaviour::request`]), may
//! answer some of its calls themselves or the whole request with a [`Fault`]; the calls left are
//! forwarded (as one batch or one call, as asked), and every behaviour then sees the answers
//! ([`Behaviour::response`]). The `test-node` program serves the same node to the end-to-end
//! tests.
//!
//! ```no_run
//! # fn demo(devnet: &pool_devnet::Devnet) -> anyhow::Result<()> {
//! use std::sync::Arc;
//! use pool_devnet::testing::node::{Counts, LogCap, TestNode};
//! let counts = Arc::new(Counts::default());
//! let node = TestNode::to(&devnet.anvil_url())
//!     .with(counts.clone())
//!     .with(Arc::new(LogCap::new(5)))
//!     .start()?;
//! println!("{} answers; {} eth_getLogs so far", node.url(), counts.get_logs());
//! # Ok(()) }
//! ```

mod counting;
mod faults;
mod http;
mod logs;
mod real_node;
mod server;

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;

use anyhow::{Context, Result};
use serde_json::{Value, json};

pub use counting::Counts;
pub use faults::{Faults, Mode, Rewrite};
pub use logs::{LogCap, LogRange, LogRanges, RateLimit};
pub use real_node::{MIN_ENVELOPE_BYTES, REFUSED_CODE, RealNode, refusal};

/// What a behaviour does with the requests and answers going through the node.
pub trait Behaviour: Send + Sync + 'static {
    /// Before forwarding: may answer calls itself ([`Exchange::answer`]), or the whole request
    /// (a [`Fault`], which ends it: no later behaviour sees it).
    fn request(&self, _exchange: &mut Exchange) -> Option<Fault> {
        None
    }

    /// With every call answered (by the node or by a behaviour): may change the answers, or
    /// send a [`Fault`] instead of them.
    fn response(&self, _exchange: &mut Exchange) -> Option<Fault> {
        None
    }

    /// The body of the answer as sent (what the client downloads, HTTP headers aside).
    fn sent(&self, _body: &[u8]) {}
}

/// One HTTP request's JSON-RPC calls and their answers.
pub struct Exchange {
    /// A browser's CORS preflight (`OPTIONS`, no calls): answered by the node unless a fault
    /// drops it.
    pub preflight: bool,
    /// The calls (one for a single request; none for a preflight or a body that is not JSON).
    pub calls: Vec<Value>,
    /// Their answers, in the calls' order: set during [`Behaviour::request`] for a call a
    /// behaviour answers itself (it is then not forwarded), the node's otherwise.
    pub answers: Vec<Option<Value>>,
    batch: bool,
    forwarded: Vec<bool>,
}

impl Exchange {
    fn new(preflight: bool, calls: Vec<Value>, batch: bool) -> Exchange {
        let n = calls.len();
        Exchange {
            preflight,
            calls,
            answers: vec![None; n],
            batch,
            forwarded: vec![false; n],
        }
    }

    /// The methods called, in order.
    pub fn methods(&self) -> impl Iterator<Item = &str> {
        self.calls.iter().filter_map(|call| call["method"].as_str())
    }

    /// Whether any call is to `method`.
    pub fn calls(&self, method: &str) -> bool {
        self.methods().any(|m| m == method)
    }

    /// Answers call `index` with the JSON-RPC error `error` (`{code, message}`), unforwarded.
    pub fn answer(&mut self, index: usize, error: Value) {
        let id = self.calls[index]["id"].clone();
        self.answers[index] = Some(json!({"jsonrpc": "2.0", "id": id, "error": error}));
    }

    /// Answers every call with the JSON-RPC error `code`, `message` (a node refusing the whole
    /// batch).
    pub fn answer_all(&mut self, code: i64, message: &str) {
        for index in 0..self.calls.len() {
            self.answer(index, json!({"code": code, "message": message}));
        }
    }

    /// Whether call `index` went to the node (known in [`Behaviour::response`]).
    pub fn forwarded(&self, index: usize) -> bool {
        self.forwarded[index]
    }
}

/// An answer to the whole request instead of the node's.
pub enum Fault {
    /// An HTTP answer of this status, content type and body (a gateway's error, a rate limit).
    Answer {
        status: u16,
        content_type: &'static str,
        body: String,
    },
    /// The connection closed unanswered (a node that is down: the client sees a network error).
    Drop,
    /// No answer: the connection is held until `until` completes (then dropped), or the
    /// client gives up on it (then `abandoned` is called).
    Stall {
        until: Pin<Box<dyn Future<Output = ()> + Send>>,
        abandoned: Box<dyn FnOnce() + Send>,
    },
}

impl Fault {
    /// An HTTP error whose body is JSON (as gateways and rate limiters send).
    pub fn json(status: u16, body: &str) -> Fault {
        Fault::Answer {
            status,
            content_type: "application/json",
            body: body.to_string(),
        }
    }
}

/// A node about to start: its upstream and behaviours.
pub struct TestNodeBuilder {
    upstream: String,
    port: u16,
    behaviours: Vec<Arc<dyn Behaviour>>,
}

impl TestNodeBuilder {
    /// Adds a behaviour after those already added (keep an `Arc` of it to read or steer it).
    pub fn with(mut self, behaviour: Arc<impl Behaviour>) -> TestNodeBuilder {
        self.behaviours.push(behaviour);
        self
    }

    /// Listens on 127.0.0.1:`port` (the default, 0, takes a free one).
    pub fn port(mut self, port: u16) -> TestNodeBuilder {
        self.port = port;
        self
    }

    /// Binds and serves on its own runtime thread, so that a caller blocking its own (a test
    /// waiting for a child process that talks to the node) does not stop it.
    pub fn start(self) -> Result<TestNode> {
        let port = self.port;
        let listener = std::net::TcpListener::bind(("127.0.0.1", port))
            .with_context(|| format!("binding the test node on 127.0.0.1:{port}"))?;
        listener.set_nonblocking(true)?;
        let address = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("test-node")
            .enable_all()
            .build()
            .context("starting the test node's runtime")?;
        let node = Arc::new(server::Node::new(self.upstream, self.behaviours));
        runtime.spawn(server::serve(listener, node));
        Ok(TestNode {
            address,
            runtime: Some(runtime),
        })
    }
}

/// A running node; it stops when dropped (its connections with it).
pub struct TestNode {
    address: SocketAddr,
    runtime: Option<tokio::runtime::Runtime>,
}

impl TestNode {
    /// A node forwarding to `upstream` (anvil's URL), with no behaviour yet.
    pub fn to(upstream: &str) -> TestNodeBuilder {
        TestNodeBuilder {
            upstream: upstream.to_string(),
            port: 0,
            behaviours: Vec::new(),
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }
}

impl Drop for TestNode {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}
