//! Browser wallets for alloy.
//!
//! No maintained crate bridges alloy to `window.ethereum`, so this one does, in four small
//! pieces:
//! - [`Eip1193Provider`]: the wallet's JavaScript object (`request`, `on`, `removeListener`);
//! - [`Eip1193Transport`]: an alloy transport (a tower `Service`) over `provider.request`, which
//!   keeps the wallet's error codes (a rejection stays `4001`) and answers batches;
//! - [`FetchTransport`]: JSON-RPC over HTTP with the browser's `fetch`, for reads before a
//!   wallet is connected (a whole batch is one request);
//! - [`TimeoutLayer`]: a deadline for reads over either transport (a stalled node answers with
//!   a [`TimedOut`] error instead of never);
//! - [`discovery`] (EIP-6963) and [`events`] (`accountsChanged`, `chainChanged`).
//!
//! ```no_run
//! use alloy_rpc_client::RpcClient;
//! use pool_eip1193::{Eip1193Transport, discovery};
//!
//! let _discovery = discovery::discover(|wallet| {
//!     let client = RpcClient::new(Eip1193Transport::new(wallet.provider), false);
//!     // client.request_noparams::<alloy_primitives::U64>("eth_chainId") ...
//! });
//! ```

pub mod discovery;
mod error;
pub mod events;
mod fetch;
mod provider;
mod timeout;
mod transport;

pub use error::{ProviderError, codes};
pub use fetch::{FetchTransport, Unreachable};
pub use provider::Eip1193Provider;
pub use timeout::{TimedOut, Timeout, TimeoutLayer};
pub use transport::Eip1193Transport;
