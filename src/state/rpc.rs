//! Which JSON-RPC endpoint the page reads through: the one `config.json` names, or one the
//! staker set (kept in localStorage, shared with the operator console on the same site). An
//! endpoint is used only once its `eth_chainId` is the configured chain's; the check runs at
//! start, when the staker sets or resets the endpoint, and again on each refresh while it has
//! not passed (an RPC down at load is picked up by itself once it answers).

use alloy_primitives::U64;
use alloy_rpc_client::{ClientBuilder, RpcClient};
use leptos::prelude::*;
use leptos::task::spawn_local;
use pool_core::config::NetworkConfig;
use pool_eip1193::{FetchTransport, TimeoutLayer};

use super::error::AppError;

/// localStorage key of the staker's own RPC URL.
const STORED: &str = "ssv-pool.rpc";

/// How long a read may wait for its answer before it fails with a sentence.
pub const READ_TIMEOUT_MS: u32 = 15_000;

/// Why an endpoint is not used.
#[derive(Debug, Clone)]
pub enum RpcProblem {
    /// Not an http(s) URL.
    NotHttp,
    /// It answered for another chain.
    WrongChain { url: String, actual: u64 },
    /// Its `eth_chainId` failed (unreachable, an error, garbage, no answer in time); the error
    /// names the URL when it could not be reached.
    Failed(AppError),
}

/// Handle to the endpoint in use and the staker's setting.
#[derive(Clone, Copy)]
pub struct Rpc {
    chain_id: u64,
    configured: StoredValue<String>,
    url: RwSignal<String>,
    /// The endpoint in use answered for the configured chain.
    verified: RwSignal<bool>,
    /// Why the endpoint in use is not verified (reads wait meanwhile).
    problem: RwSignal<Option<RpcProblem>>,
    /// A URL the staker asked for is being checked.
    checking: RwSignal<bool>,
    /// Why the URL the staker asked for was not taken (the one in use stays).
    refused: RwSignal<Option<RpcProblem>>,
    /// A check of the endpoint in use is under way: ticks do not pile another on a slow node.
    verifying: StoredValue<bool>,
}

/// Read-only views of the handle's state: only the handle writes it.
impl Rpc {
    pub fn url(&self) -> ReadSignal<String> {
        self.url.read_only()
    }

    pub fn verified(&self) -> ReadSignal<bool> {
        self.verified.read_only()
    }

    pub fn problem(&self) -> ReadSignal<Option<RpcProblem>> {
        self.problem.read_only()
    }

    pub fn checking(&self) -> ReadSignal<bool> {
        self.checking.read_only()
    }

    pub fn refused(&self) -> ReadSignal<Option<RpcProblem>> {
        self.refused.read_only()
    }

    /// Whether the endpoint in use is the staker's own.
    pub fn is_custom(&self) -> bool {
        self.url.track();
        self.is_custom_untracked()
    }

    fn is_custom_untracked(&self) -> bool {
        self.url
            .with_untracked(|u| self.configured.with_value(|c| u != c))
    }
}

impl Rpc {
    /// Uses the staker's stored endpoint, else the configured one, and checks it.
    pub fn new(config: &NetworkConfig) -> Self {
        let stored = super::storage().and_then(|s| s.get_item(STORED).ok().flatten());
        let rpc = Rpc {
            chain_id: config.chain_id,
            configured: StoredValue::new(config.rpc_url.clone()),
            url: RwSignal::new(String::new()),
            verified: RwSignal::new(false),
            problem: RwSignal::new(None),
            checking: RwSignal::new(false),
            refused: RwSignal::new(None),
            verifying: StoredValue::new(false),
        };
        rpc.switch(stored.unwrap_or_else(|| config.rpc_url.clone()), false);
        rpc.verify();
        rpc
    }

    /// A client to the endpoint reads go through: the one in use once it passed its check,
    /// else the configured one (reads time out).
    pub fn client(&self) -> RpcClient {
        if self.verified.get_untracked() {
            self.url.with_untracked(|url| reader(url))
        } else {
            self.configured.with_value(|url| reader(url))
        }
    }

    fn switch(self, url: String, verified: bool) {
        self.url.set(url);
        self.verified.set(verified);
    }

    /// Checks the endpoint in use again, unless a check is under way or it already passed.
    pub fn verify(self) {
        if self.verifying.get_value() || self.verified.get_untracked() {
            return;
        }
        self.verifying.set_value(true);
        let url = self.url.get_untracked();
        spawn_local(async move {
            let checked = check(&url, self.chain_id).await;
            self.verifying.set_value(false);
            // The staker switched meanwhile: this answer is about another endpoint.
            if self.url.get_untracked() != url {
                return;
            }
            match checked {
                Ok(()) => {
                    self.problem.set(None);
                    self.verified.set(true);
                }
                Err(problem) => self.problem.set(Some(problem)),
            }
        });
    }

    /// Checks `url` and, when it serves the configured chain, reads through it from now on and
    /// remembers it; otherwise says why and keeps the endpoint in use.
    pub fn set_custom(self, url: String) {
        let url = url.trim().to_string();
        self.refused.set(None);
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            self.refused.set(Some(RpcProblem::NotHttp));
            return;
        }
        self.checking.set(true);
        spawn_local(async move {
            let checked = check(&url, self.chain_id).await;
            self.checking.set(false);
            match checked {
                Ok(()) => {
                    if let Some(storage) = super::storage() {
                        let _ = storage.set_item(STORED, &url);
                    }
                    self.problem.set(None);
                    self.switch(url, true);
                }
                Err(problem) => self.refused.set(Some(problem)),
            }
        });
    }

    /// Forgets the staker's endpoint: back to the configured one (checked again).
    pub fn reset(self) {
        if !self.is_custom_untracked() {
            self.refused.set(None);
            return;
        }
        if let Some(storage) = super::storage() {
            let _ = storage.remove_item(STORED);
        }
        self.refused.set(None);
        self.problem.set(None);
        self.switch(self.configured.get_value(), false);
        self.verify();
    }
}

/// Whether `url` answers `eth_chainId` with `chain_id`.
async fn check(url: &str, chain_id: u64) -> Result<(), RpcProblem> {
    match pool_chain::client::call::<U64>(&reader(url), "eth_chainId", serde_json::json!([])).await
    {
        Ok(id) if id.to::<u64>() == chain_id => Ok(()),
        Ok(id) => Err(RpcProblem::WrongChain {
            url: url.into(),
            actual: id.to::<u64>(),
        }),
        Err(error) => Err(RpcProblem::Failed(error.into())),
    }
}

/// A client over HTTP to `url` whose requests give up after [`READ_TIMEOUT_MS`].
pub fn reader(url: &str) -> RpcClient {
    ClientBuilder::default()
        .layer(TimeoutLayer::new(READ_TIMEOUT_MS))
        .transport(FetchTransport::new(url), false)
}
