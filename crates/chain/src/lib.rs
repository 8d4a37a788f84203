//! The pool contracts as the clients see them.
//!
//! - [`bindings`]: `sol!` types for every call, event and custom error, generated from the
//!   artifacts the real Solidity compiler produced (`contracts/out/`);
//! - [`reads`]: the calls the staker page makes at each block, and their decoding into a
//!   [`reads::PoolSnapshot`];
//! - [`registry`]: the validator registry's hash chain, to check an entry before activating it;
//! - [`bulk`]: the bulk calls sized by encoded bytes and gas under a real node's limits;
//! - [`revert`]: custom errors turned into sentences;
//! - [`logs`]: `eth_getLogs` filters, logs as nodes answer them, windowed scan ranges;
//! - [`history`]: the staker page's history from the pool's events (reports, transfers);
//! - [`ssv`]: the SSV network's cluster events, for snapshot scanners.
//!
//! The runtime network configuration (`config.json`) is the core's: `pool_core::config`.
//!
//! - [`client`] (feature `client`): chain I/O over an alloy `RpcClient` the caller builds (the
//!   wallet, `fetch`, or HTTP natively): windowed log scans, the SSV fee schedule and cluster
//!   snapshots, the deposit contract's deposits, the fee market.
//!
//! Without `client`, nothing here performs I/O: callers send the encoded calls themselves.

pub mod bindings;
pub mod bulk;
#[cfg(feature = "client")]
pub mod client;
pub mod cluster;
pub mod history;
pub mod logs;
pub mod reads;
pub mod registry;
pub mod revert;
pub mod rpc;
pub mod ssv;

#[cfg(test)]
mod reference;
