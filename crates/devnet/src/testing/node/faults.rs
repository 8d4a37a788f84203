//! A node failing the way real RPCs do, switched by the test: down, garbage, stalled, serving
//! another chain ([`Mode`]), or failing a send once after the node took it; and [`Rewrite`], any
//! other change a test makes to the node's answers (an execution client's withdrawals, which
//! anvil has none of).

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;
use tokio::sync::watch;

use super::{Behaviour, Exchange, Fault};

/// What the node does with every request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Forwards.
    Forward,
    /// Drops every connection unanswered (the client sees a network error).
    Down,
    /// Answers 200 with a body that is not JSON-RPC (a gateway's page).
    Garbage,
    /// Takes the request and never answers, until the mode changes (the connection is then
    /// dropped) or the client gives up ([`Faults::abandoned`]).
    Stall,
    /// Forwards, but answers `eth_chainId` with another chain's id (0x1).
    WrongChain,
}

pub struct Faults {
    mode: watch::Sender<Mode>,
    abandoned: std::sync::Arc<AtomicUsize>,
    /// A method whose next request is answered HTTP 502 after the node took it.
    fail_once: Mutex<Option<String>>,
}

impl Default for Faults {
    fn default() -> Faults {
        Faults {
            mode: watch::Sender::new(Mode::Forward),
            abandoned: Default::default(),
            fail_once: Mutex::new(None),
        }
    }
}

impl Faults {
    /// Switches the mode; stalled requests are released (dropped).
    pub fn set(&self, mode: Mode) {
        self.mode.send_replace(mode);
    }

    pub fn mode(&self) -> Mode {
        *self.mode.borrow()
    }

    /// Stalled requests the client gave up on itself (closed before being released).
    pub fn abandoned(&self) -> usize {
        self.abandoned.load(Ordering::SeqCst)
    }

    /// The next request calling `method` is forwarded, then answered HTTP 502 "upstream timed
    /// out": the node took it, the client is told it failed.
    pub fn fail_once_after_forwarding(&self, method: &str) {
        *self.fail_once.lock().unwrap() = Some(method.to_string());
    }
}

impl Behaviour for Faults {
    fn request(&self, _exchange: &mut Exchange) -> Option<Fault> {
        match self.mode() {
            Mode::Forward | Mode::WrongChain => None,
            Mode::Down => Some(Fault::Drop),
            Mode::Garbage => Some(Fault::Answer {
                status: 200,
                content_type: "text/html",
                body: "<html><body>502 Bad Gateway</body></html>".into(),
            }),
            Mode::Stall => {
                // Subscribed now: a change from here on releases it.
                let mut changes = self.mode.subscribe();
                let abandoned = self.abandoned.clone();
                Some(Fault::Stall {
                    until: Box::pin(async move {
                        let _ = changes.changed().await;
                    }),
                    abandoned: Box::new(move || {
                        abandoned.fetch_add(1, Ordering::SeqCst);
                    }),
                })
            }
        }
    }

    fn response(&self, exchange: &mut Exchange) -> Option<Fault> {
        if self.mode() == Mode::WrongChain {
            for (call, answer) in exchange.calls.iter().zip(&mut exchange.answers) {
                if let (true, Some(answer)) = (call["method"] == "eth_chainId", answer) {
                    answer["result"] = "0x1".into();
                }
            }
        }
        let mut fail_once = self.fail_once.lock().unwrap();
        if fail_once.as_deref().is_some_and(|m| exchange.calls(m)) {
            *fail_once = None;
            return Some(Fault::json(502, r#"{"error":"upstream timed out"}"#));
        }
        None
    }
}

/// `rewrite(call, answer)`.
type RewriteFn = dyn Fn(&Value, &mut Value) + Send + Sync;

/// Changes each answer: `rewrite(call, answer)` for every call of every request.
pub struct Rewrite(Box<RewriteFn>);

impl Rewrite {
    pub fn new(rewrite: impl Fn(&Value, &mut Value) + Send + Sync + 'static) -> Rewrite {
        Rewrite(Box::new(rewrite))
    }
}

impl Behaviour for Rewrite {
    fn response(&self, exchange: &mut Exchange) -> Option<Fault> {
        for (call, answer) in exchange.calls.iter().zip(&mut exchange.answers) {
            if let Some(answer) = answer {
                (self.0)(call, answer);
            }
        }
        None
    }
}
