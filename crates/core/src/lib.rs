//! Pure domain logic shared by the app, the devnet tools and the tests.
//!
//! Invariants (see `ARCHITECTURE.md`):
//! - no I/O: nothing here touches the network, the file system or the clock;
//! - every amount is a [`U256`](alloy_primitives::U256) in wei until [`units::format_ether`]
//!   turns it into text for display;
//! - share maths rounds exactly as the pool contracts do, so the client agrees with the chain to
//!   the wei.

pub mod activation;
pub mod bls;
pub mod ceremony;
pub mod cluster;
pub mod config;
pub mod deposit;
pub mod eip2537;
pub mod exits;
pub mod funding;
pub mod gas;
pub mod keyshares;
pub mod limits;
pub mod redemption;
pub mod rewards;
pub mod shares;
pub mod units;

pub use shares::{PoolTotals, SharesError};
pub use units::{AmountError, format_ether, parse_ether};
