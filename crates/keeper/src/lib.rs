//! `pool-keeper`: activates the pool's validators whenever 32 ETH is pooled, on the same client
//! layer as the app (`pool_chain::client`), so no chain logic is written twice.
//!
//! One round ([`Keeper::round`]) reads the pool, picks the registry entries the buffer, the
//! activation delay, the operator set and the fee reserve allow, refuses any key the deposit
//! contract's logs show was deposited already (a front-run: the duty stops for a person), takes
//! a fresh cluster snapshot and deposit count, simulates, and sends. State is re-read before
//! every send, and the contract's guards make a second keeper's duplicate revert harmlessly.
//!
//! The exit duty ([`Keeper::exits_round`], `exits`) exits validators, oldest first, when the
//! withdrawal queue asks for more ETH than the buffer and the validators in exit bring; the
//! oracle ([`Keeper::oracle_round`]) reports their exits and withdrawals after its report.

pub mod activation;
pub mod beacon;
pub mod beacon_http;
pub mod decision;
pub mod exits;
pub mod keeper;
pub mod log;
pub mod metrics;
pub mod not_done;
pub mod options;
pub mod oracle;
pub mod oracle_exits;
pub mod send;
pub mod send_state;
pub mod signer;
pub mod upkeep;

pub use decision::{Decision, Idle};
pub use keeper::Keeper;
pub use options::Options;
