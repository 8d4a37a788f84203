//! Redemptions, the rules the staker page applies before the queue does (`WithdrawalQueue.sol`):
//! what a request of some poolETH locks and pays at most, how much is queued ahead of it and how
//! long it waits ([`wait`]), and where each of an account's requests stands.
//!
//! A request locks the shares its amount is worth at request; an oracle report later pays it
//! `min(ETH at request, ETH the shares are worth then)`, so the amount is what it pays at most:
//! a loss reported while it waits lowers the payout, rewards do not raise it.
//!
//! ```
//! use alloy_primitives::U256;
//! use pool_core::PoolTotals;
//! use pool_core::redemption::payout_at;
//! let pool = PoolTotals { total_pooled_ether: U256::from(90u64), total_shares: U256::from(100u64) };
//! // 10 shares asked for 10 wei before a 10 % loss pay 9 wei.
//! assert_eq!(payout_at(U256::from(10u64), U256::from(10u64), &pool), Ok(U256::from(9u64)));
//! ```

pub mod wait;

use alloy_primitives::U256;

use crate::shares::{PoolTotals, SharesError};
pub use wait::{Churn, QueueFigures, Schedule, Wait, estimate_wait};

/// One request, as `WithdrawalQueue.getRequest` returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Ids start at 1, in request order.
    pub id: U256,
    pub requested_at: u64,
    /// Shares locked in the queue.
    pub shares: U256,
    /// ETH at request while waiting; the payout once finalized.
    pub amount: U256,
    pub finalized: bool,
    pub claimed: bool,
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestState {
    /// Not finalized yet; `ahead` waiting requests are older.
    Waiting { ahead: U256 },
    /// Finalized: its owner may claim `amount`.
    Ready,
    /// Paid out.
    Claimed,
}

impl Request {
    /// The request's state, `last_finalized_id` being the queue's (`summary().lastFinalizedId`).
    pub fn state(&self, last_finalized_id: U256) -> RequestState {
        if self.claimed {
            RequestState::Claimed
        } else if self.finalized {
            RequestState::Ready
        } else {
            RequestState::Waiting {
                ahead: self
                    .id
                    .saturating_sub(last_finalized_id)
                    .saturating_sub(U256::from(1u8)),
            }
        }
    }

    /// What it pays: its `amount` once finalized; while waiting, what a report at `totals`
    /// would pay (`min(amount, shares' worth)`).
    pub fn payout(&self, totals: &PoolTotals) -> Result<U256, SharesError> {
        if self.finalized {
            Ok(self.amount)
        } else {
            payout_at(self.amount, self.shares, totals)
        }
    }
}

/// What finalization at `totals` pays a request of `amount` ETH at request for `shares`.
pub fn payout_at(amount: U256, shares: U256, totals: &PoolTotals) -> Result<U256, SharesError> {
    Ok(amount.min(totals.pooled_eth_by_shares(shares)?))
}

/// The account's side of a request: what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holding {
    /// poolETH, in wei (its shares' worth).
    pub balance: U256,
}

/// What a request of some amount would do, before it is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preview {
    /// Shares locked in the queue.
    pub shares: U256,
    /// What it pays at most (a reported loss lowers it, rewards do not raise it).
    pub pays_at_most: U256,
    /// ETH of the waiting requests ahead of it.
    pub queue_ahead: U256,
    /// How many requests wait ahead of it.
    pub requests_ahead: u64,
    pub wait: Wait,
}

/// Why a request of that amount would not be accepted (the queue would revert), or could not be
/// computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestRefusal {
    /// Below `WithdrawalQueue.MIN_WITHDRAWAL`.
    BelowMinimum {
        minimum: U256,
    },
    /// More than the account's poolETH.
    AboveBalance {
        balance: U256,
    },
    Shares(SharesError),
}

impl std::fmt::Display for RequestRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RequestRefusal::BelowMinimum { minimum } => write!(
                f,
                "The smallest withdrawal is {} poolETH.",
                crate::units::format_ether_exact(*minimum)
            ),
            RequestRefusal::AboveBalance { .. } => f.write_str("That is more than your poolETH."),
            RequestRefusal::Shares(e) => write!(f, "{}.", capitalised(&e.to_string())),
        }
    }
}

impl std::error::Error for RequestRefusal {}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// The inputs of a preview that come from the chain, read at one block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueView {
    pub totals: PoolTotals,
    pub queue: QueueFigures,
    pub schedule: Schedule,
    /// `WithdrawalQueue.MIN_WITHDRAWAL`.
    pub minimum: U256,
}

/// The preview of a request of `amount` poolETH wei by an account holding `holding`.
pub fn preview(
    amount: U256,
    holding: Holding,
    view: &QueueView,
    churn: Churn,
) -> Result<Preview, RequestRefusal> {
    if amount < view.minimum {
        return Err(RequestRefusal::BelowMinimum {
            minimum: view.minimum,
        });
    }
    if amount > holding.balance {
        return Err(RequestRefusal::AboveBalance {
            balance: holding.balance,
        });
    }
    let shares = view
        .totals
        .shares_for_transfer(amount)
        .map_err(RequestRefusal::Shares)?;
    Ok(Preview {
        shares,
        pays_at_most: amount,
        queue_ahead: view.queue.unfinalized_ether,
        requests_ahead: view.queue.waiting_requests,
        wait: estimate_wait(amount, &view.queue, &view.schedule, churn),
    })
}

#[cfg(test)]
mod tests;
