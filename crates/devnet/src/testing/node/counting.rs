//! What went through the node: JSON-RPC calls (a batch's members one each), `eth_getLogs` among
//! them, the bytes of the answers' bodies and the methods in order. The benches measure the
//! requests a scan sends and what it downloads, whatever the client library does with them; the
//! scan tests count the windows read; the end-to-end tests check what the page asked first.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{Behaviour, Exchange, Fault};

/// The counts since the last [`Counts::reset`].
#[derive(Default)]
pub struct Counts {
    requests: AtomicUsize,
    get_logs: AtomicUsize,
    bytes: AtomicUsize,
    methods: Mutex<Vec<String>>,
}

impl Counts {
    pub fn reset(&self) {
        self.requests.store(0, Ordering::SeqCst);
        self.get_logs.store(0, Ordering::SeqCst);
        self.bytes.store(0, Ordering::SeqCst);
        self.methods.lock().unwrap().clear();
    }

    /// JSON-RPC calls (a batch's members one each).
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// `eth_getLogs` calls among them.
    pub fn get_logs(&self) -> usize {
        self.get_logs.load(Ordering::SeqCst)
    }

    /// Bytes of the answers' bodies (without HTTP headers).
    pub fn bytes(&self) -> usize {
        self.bytes.load(Ordering::SeqCst)
    }

    /// The methods called, in the order they came.
    pub fn methods(&self) -> Vec<String> {
        self.methods.lock().unwrap().clone()
    }
}

impl Behaviour for Counts {
    fn request(&self, exchange: &mut Exchange) -> Option<Fault> {
        let mut methods = self.methods.lock().unwrap();
        for method in exchange.methods() {
            self.requests.fetch_add(1, Ordering::SeqCst);
            if method == "eth_getLogs" {
                self.get_logs.fetch_add(1, Ordering::SeqCst);
            }
            methods.push(method.to_string());
        }
        None
    }

    fn sent(&self, body: &[u8]) {
        self.bytes.fetch_add(body.len(), Ordering::SeqCst);
    }
}
