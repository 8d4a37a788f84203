//! Why a call a duty meant to make did not land, kept typed (the simulation's [`TxError`], or
//! how the send ended) until the duty's log line puts it into words.

use std::fmt;

use pool_chain::client::tx::TxError;

use crate::send::Sent;

/// A call that was refused or not mined: the next round reads the chain again.
#[derive(Debug)]
pub enum NotDone {
    /// The simulation refused it (the contract's own error, when known): nothing was sent.
    Refused(TxError),
    /// It was sent, but not mined as it should be: reverted, replaced, dropped or given up.
    NotMined(Sent),
    /// Mined, and reverted on chain (the chain moved after the simulation).
    RevertedOnChain { call: &'static str },
}

impl fmt::Display for NotDone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotDone::Refused(error) => write!(f, "{error}"),
            NotDone::NotMined(sent) => write!(f, "{sent}"),
            NotDone::RevertedOnChain { call } => write!(f, "{call} reverted on chain"),
        }
    }
}

impl std::error::Error for NotDone {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            NotDone::Refused(error) => Some(error),
            NotDone::NotMined(_) | NotDone::RevertedOnChain { .. } => None,
        }
    }
}
