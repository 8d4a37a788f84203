//! The pool's SSV cluster: its health (balance, burn, runway, threshold) and the rules of the
//! console's cluster actions (a top-up or reactivation from the fee reserve, a withdrawal back
//! to it, funding the reserve from the wallet): who may, what each will do to the runway, and
//! what refuses it, decided before the wallet is asked.

use alloy_primitives::{Address, U256};
use pool_chain::rpc::TxRequest;
use pool_core::cluster::Cluster;
use pool_core::config::NetworkConfig;
use pool_core::funding::{BLOCKS_PER_DAY, FeeSchedule};

use super::ConsoleReading;
use super::operator;

/// Under this much runway left the console warns.
pub const WARN_DAYS: u64 = 30;

/// The pool's cluster: its snapshot, its live balance and the fees it burns.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterHealth {
    pub operator_ids: Vec<u64>,
    pub snapshot: Cluster,
    /// Live balance (the snapshot's less what was burnt since); zero once liquidated.
    pub balance: U256,
    pub fees: FeeSchedule,
}

impl ClusterHealth {
    pub fn validators(&self) -> u32 {
        self.snapshot.validator_count
    }

    /// Burn per block of the whole cluster.
    pub fn burn_rate(&self) -> U256 {
        self.fees.burn_rate() * U256::from(self.validators())
    }

    pub fn threshold(&self) -> U256 {
        self.fees.liquidation_threshold(self.validators())
    }

    /// Blocks until liquidatable (`u64::MAX` with nothing burning).
    pub fn runway_left(&self) -> u64 {
        self.fees.runway_left(self.balance, self.validators())
    }

    /// Liquidatable now (anyone may liquidate it and take its balance).
    pub fn liquidatable(&self) -> bool {
        self.snapshot.active && self.validators() > 0 && self.balance < self.threshold()
    }

    /// Runway left after adding `amount`, or taking it out (`add = false`).
    pub fn runway_after(&self, amount: U256, add: bool) -> u64 {
        let balance = if add {
            self.balance + amount
        } else {
            self.balance.saturating_sub(amount)
        };
        self.fees.runway_left(balance, self.validators())
    }
}

/// What the console says about the cluster's health, worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterAlert {
    /// Liquidated: its validators are not running.
    Liquidated,
    /// Anyone may liquidate it now.
    Liquidatable,
    /// Under [`WARN_DAYS`] of runway left.
    RunwayShort,
}

impl ClusterHealth {
    pub fn alert(&self) -> Option<ClusterAlert> {
        if !self.snapshot.active {
            Some(ClusterAlert::Liquidated)
        } else if self.liquidatable() {
            Some(ClusterAlert::Liquidatable)
        } else if self.validators() > 0 && self.runway_left() / BLOCKS_PER_DAY < WARN_DAYS {
            Some(ClusterAlert::RunwayShort)
        } else {
            None
        }
    }
}

/// The console's cluster actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterAction {
    /// Top-up, or reactivation when liquidated: from the fee reserve into the cluster.
    Fund,
    /// From the cluster back into the fee reserve.
    Withdraw,
    /// From the wallet into the fee reserve.
    FundReserve,
}

/// What an action will do (amounts in wei, runways in blocks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterEffect {
    Reactivates {
        amount: U256,
        runway_after: u64,
    },
    TopsUp {
        amount: U256,
        runway_before: u64,
        runway_after: u64,
    },
    Withdraws {
        amount: U256,
        runway_before: u64,
        runway_after: u64,
    },
    FundsReserve {
        amount: U256,
    },
}

/// Why an action is not offered for sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterRefusal {
    Zero,
    /// The pool has not been read yet.
    NotRead,
    NoCluster,
    /// The fee reserve holds less than the amount.
    ReserveShort {
        reserve: U256,
    },
    /// A reactivation needs at least the liquidation threshold.
    BelowThreshold {
        threshold: U256,
    },
    /// It would leave the cluster liquidatable: at most `at_most` can come out.
    WouldLiquidate {
        at_most: U256,
    },
}

impl ClusterAction {
    /// Whether the reading's account may take this action (the pool's role checks).
    pub fn allowed(self, reading: &ConsoleReading) -> bool {
        let (roles, has_cluster) = (reading.roles, reading.cluster.is_some());
        match self {
            ClusterAction::Fund => has_cluster && (roles.operator || roles.keeper),
            ClusterAction::Withdraw => has_cluster && roles.operator,
            ClusterAction::FundReserve => roles.operator || roles.admin || roles.keeper,
        }
    }

    /// What `amount` wei would do, or why it is refused.
    pub fn effect(
        self,
        reading: Option<&ConsoleReading>,
        amount: U256,
    ) -> Result<ClusterEffect, ClusterRefusal> {
        if amount.is_zero() {
            return Err(ClusterRefusal::Zero);
        }
        let r = reading.ok_or(ClusterRefusal::NotRead)?;
        let health = r.cluster.as_ref().ok_or(ClusterRefusal::NoCluster);
        match self {
            ClusterAction::Fund => {
                let h = health?;
                if amount > r.ops.fee_reserve {
                    return Err(ClusterRefusal::ReserveShort {
                        reserve: r.ops.fee_reserve,
                    });
                }
                if !h.snapshot.active {
                    if amount < h.threshold() {
                        return Err(ClusterRefusal::BelowThreshold {
                            threshold: h.threshold(),
                        });
                    }
                    return Ok(ClusterEffect::Reactivates {
                        amount,
                        runway_after: h.fees.runway_left(amount, h.validators()),
                    });
                }
                Ok(ClusterEffect::TopsUp {
                    amount,
                    runway_before: h.runway_left(),
                    runway_after: h.runway_after(amount, true),
                })
            }
            ClusterAction::Withdraw => {
                let h = health?;
                let after = h.balance.saturating_sub(amount);
                if amount > h.balance || (h.validators() > 0 && after < h.threshold()) {
                    return Err(ClusterRefusal::WouldLiquidate {
                        at_most: h.balance.saturating_sub(h.threshold()),
                    });
                }
                Ok(ClusterEffect::Withdraws {
                    amount,
                    runway_before: h.runway_left(),
                    runway_after: h.runway_after(amount, false),
                })
            }
            ClusterAction::FundReserve => Ok(ClusterEffect::FundsReserve { amount }),
        }
    }

    /// The transaction of `amount` wei from `from`, once [`ClusterAction::effect`] allows it.
    pub fn request(
        self,
        config: &NetworkConfig,
        reading: &ConsoleReading,
        from: Address,
        amount: U256,
    ) -> Option<TxRequest> {
        self.effect(Some(reading), amount).ok()?;
        Some(match (self, &reading.cluster) {
            (ClusterAction::Fund, Some(h)) => {
                operator::fund_cluster(config, from, &h.operator_ids, amount, h.snapshot)
            }
            (ClusterAction::Withdraw, Some(h)) => {
                operator::withdraw_from_cluster(config, from, &h.operator_ids, amount, h.snapshot)
            }
            (ClusterAction::FundReserve, _) => operator::fund_fee_reserve(config, from, amount),
            _ => return None,
        })
    }
}
