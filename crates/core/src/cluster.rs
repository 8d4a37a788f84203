//! SSV cluster snapshots, rebuilt from the network's events.
//!
//! The SSV network stores only a hash of each cluster; every call that changes a cluster must
//! carry its latest state, and every event that changes one carries the new state
//! (`ValidatorAdded`, `ValidatorRemoved`, `ClusterDeposited`, `ClusterWithdrawn`,
//! `ClusterLiquidated`, `ClusterReactivated`, and on v2 `ClusterBalanceUpdated`, which anyone
//! can cause with an effective-balance proof, and `ClusterMigratedToETH`). So the snapshot of a
//! cluster is the state in its latest event, in chain order, whoever caused it; a cluster with
//! no event yet is [`Cluster::NEW`].
//!
//! ```
//! use alloy_primitives::{Address, U256};
//! use pool_core::cluster::{Cluster, ClusterEvent, ClusterSnapshots, LogPosition};
//! let owner = Address::repeat_byte(1);
//! let ids = vec![1, 2, 3, 4];
//! let mut snapshots = ClusterSnapshots::default();
//! let funded = Cluster { validator_count: 1, balance: U256::from(900u64), ..Cluster::NEW };
//! let topped_up = Cluster { balance: U256::from(1_000u64), ..funded };
//! // Out of order on purpose: the latest position wins.
//! snapshots.apply(ClusterEvent { at: LogPosition { block: 9, index: 0 }, owner, operator_ids: ids.clone(), cluster: topped_up });
//! snapshots.apply(ClusterEvent { at: LogPosition { block: 7, index: 3 }, owner, operator_ids: ids.clone(), cluster: funded });
//! assert_eq!(snapshots.get(owner, &ids), topped_up);
//! assert_eq!(snapshots.get(owner, &[5, 6, 7, 8]), Cluster::NEW);
//! ```

use std::collections::HashMap;

use alloy_primitives::{Address, U256};

/// A cluster's state as the SSV network hashes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cluster {
    pub validator_count: u32,
    pub network_fee_index: u64,
    pub index: u64,
    pub active: bool,
    pub balance: U256,
}

impl Cluster {
    /// The state the network expects for a cluster it has never seen.
    pub const NEW: Cluster = Cluster {
        validator_count: 0,
        network_fee_index: 0,
        index: 0,
        active: true,
        balance: U256::ZERO,
    };
}

/// Where a log sits in the chain: events apply in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LogPosition {
    pub block: u64,
    pub index: u64,
}

/// One cluster-changing event, decoded (see `pool_chain::ssv`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterEvent {
    pub at: LogPosition,
    pub owner: Address,
    pub operator_ids: Vec<u64>,
    pub cluster: Cluster,
}

/// The latest state of every cluster seen in the events applied so far.
#[derive(Debug, Clone, Default)]
pub struct ClusterSnapshots {
    latest: HashMap<(Address, Vec<u64>), (LogPosition, Cluster)>,
}

impl ClusterSnapshots {
    /// Takes one event; an event older than the one already held for its cluster is ignored,
    /// so events may come in any order (and the same event twice).
    pub fn apply(&mut self, event: ClusterEvent) {
        let key = (event.owner, event.operator_ids);
        match self.latest.get(&key) {
            Some((at, _)) if *at >= event.at => {}
            _ => {
                self.latest.insert(key, (event.at, event.cluster));
            }
        }
    }

    /// The snapshot to pass to the network for `owner`'s cluster of `operator_ids` (ascending).
    pub fn get(&self, owner: Address, operator_ids: &[u64]) -> Cluster {
        self.latest
            .get(&(owner, operator_ids.to_vec()))
            .map_or(Cluster::NEW, |(_, cluster)| *cluster)
    }

    /// Every cluster of `owner` seen, with its operator ids.
    pub fn of_owner(&self, owner: Address) -> Vec<(Vec<u64>, Cluster)> {
        let mut clusters: Vec<_> = self
            .latest
            .iter()
            .filter(|((o, _), _)| *o == owner)
            .map(|((_, ids), (_, cluster))| (ids.clone(), *cluster))
            .collect();
        clusters.sort_by(|a, b| a.0.cmp(&b.0));
        clusters
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(block: u64, owner: u8, ids: &[u64], balance: u64) -> ClusterEvent {
        ClusterEvent {
            at: LogPosition { block, index: 0 },
            owner: Address::repeat_byte(owner),
            operator_ids: ids.to_vec(),
            cluster: Cluster {
                balance: U256::from(balance),
                ..Cluster::NEW
            },
        }
    }

    #[test]
    fn clusters_are_kept_apart_by_owner_and_operator_set() {
        let mut snapshots = ClusterSnapshots::default();
        for e in [
            event(1, 1, &[1, 2, 3, 4], 10),
            event(2, 2, &[1, 2, 3, 4], 20),
            event(3, 1, &[1, 2, 3, 5], 30),
            event(4, 1, &[1, 2, 3, 4], 40),
            event(4, 1, &[1, 2, 3, 4], 40),
        ] {
            snapshots.apply(e);
        }
        let one = Address::repeat_byte(1);
        assert_eq!(snapshots.get(one, &[1, 2, 3, 4]).balance, U256::from(40));
        assert_eq!(
            snapshots
                .get(Address::repeat_byte(2), &[1, 2, 3, 4])
                .balance,
            U256::from(20)
        );
        let mine: Vec<Vec<u64>> = snapshots
            .of_owner(one)
            .into_iter()
            .map(|(ids, _)| ids)
            .collect();
        assert_eq!(mine, [vec![1, 2, 3, 4], vec![1, 2, 3, 5]]);
    }
}
