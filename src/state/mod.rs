//! Data access, apart from the views: the way into the chain ([`chain::Chain`]: configuration,
//! checked RPC, wallet), the pool's numbers, the history, the staker's transactions and the
//! operator console's state ([`console`]). Each piece is a `Copy` handle of signals, provided
//! once as a context; views read them and call their methods. No words here: errors stay typed
//! ([`error`]) until a view puts them into a sentence.

pub mod chain;
pub mod console;
pub mod error;
pub mod fetch;
pub mod history;
pub mod interval;
pub mod pool;
pub mod refresh;
pub mod rpc;
pub mod stake;
pub mod ticker;
pub mod tx;
pub mod visibility;
pub mod wallet;
pub mod watch_asset;
pub mod withdraw;
pub mod wrap;

pub(crate) use wallet::storage;
