//! The SSV network's cluster events, as a snapshot scanner reads them: the `eth_getLogs`
//! filter for one owner's clusters and the decoding of each log into a
//! [`pool_core::cluster::ClusterEvent`] (the reducer is in the core).
//!
//! Every event that rewrites a cluster's stored hash is here, including v2's two that are not
//! the owner's doing: `ClusterBalanceUpdated` (anyone may prove a cluster's effective balance,
//! which settles its fees) and `ClusterMigratedToETH` (a legacy SSV cluster moved to ETH fees);
//! missing one leaves every later call with a stale snapshot (`IncorrectClusterState`).

use alloy_primitives::{Address, B256, U64};
use alloy_sol_types::SolEvent;
use pool_core::cluster::{Cluster, ClusterEvent, LogPosition};

use crate::logs::{LogFilter, RawLog, Topic};

alloy_sol_types::sol! {
    /// The cluster-changing events of the SSV network v2, as in its ABI.
    interface SsvClusterEvents {
        struct SsvCluster {
            uint32 validatorCount;
            uint64 networkFeeIndex;
            uint64 index;
            bool active;
            uint256 balance;
        }
        event ValidatorAdded(address indexed owner, uint64[] operatorIds, bytes publicKey, bytes shares, SsvCluster cluster);
        event ValidatorRemoved(address indexed owner, uint64[] operatorIds, bytes publicKey, SsvCluster cluster);
        event ClusterDeposited(address indexed owner, uint64[] operatorIds, uint256 value, SsvCluster cluster);
        event ClusterWithdrawn(address indexed owner, uint64[] operatorIds, uint256 value, SsvCluster cluster);
        event ClusterLiquidated(address indexed owner, uint64[] operatorIds, SsvCluster cluster);
        event ClusterReactivated(address indexed owner, uint64[] operatorIds, SsvCluster cluster);
        event ClusterBalanceUpdated(address indexed owner, uint64[] operatorIds, uint64 indexed blockNum, uint32 effectiveBalance, SsvCluster cluster);
        event ClusterMigratedToETH(address indexed owner, uint64[] operatorIds, uint256 ethDeposited, uint256 ssvRefunded, uint32 effectiveBalance, SsvCluster cluster);
    }
}

use SsvClusterEvents as E;

/// The topics of every cluster-changing event.
pub const CLUSTER_EVENT_TOPICS: [B256; 8] = [
    E::ValidatorAdded::SIGNATURE_HASH,
    E::ValidatorRemoved::SIGNATURE_HASH,
    E::ClusterDeposited::SIGNATURE_HASH,
    E::ClusterWithdrawn::SIGNATURE_HASH,
    E::ClusterLiquidated::SIGNATURE_HASH,
    E::ClusterReactivated::SIGNATURE_HASH,
    E::ClusterBalanceUpdated::SIGNATURE_HASH,
    E::ClusterMigratedToETH::SIGNATURE_HASH,
];

/// `owner`'s cluster events on `ssv_network` in blocks `from..=to` (one `eth_getLogs`: the
/// first topic matches any of the eight, the second is the owner).
pub fn cluster_events_filter(
    ssv_network: Address,
    owner: Address,
    (from, to): (u64, u64),
) -> LogFilter {
    LogFilter {
        address: ssv_network,
        topics: vec![
            Some(Topic::AnyOf(CLUSTER_EVENT_TOPICS.to_vec())),
            Some(Topic::One(owner.into_word())),
        ],
        from_block: U64::from(from),
        to_block: U64::from(to),
    }
}

/// Decodes a cluster-changing log; `None` for another log, or a pending one (no position).
pub fn decode_cluster_event(log: &RawLog) -> Option<ClusterEvent> {
    let at = LogPosition {
        block: log.block_number?.to(),
        index: log.log_index?.to(),
    };
    let topics = log.topics.iter().copied();
    let data = &log.data;
    let (owner, operator_ids, c) = match *log.topics.first()? {
        t if t == E::ValidatorAdded::SIGNATURE_HASH => {
            let e = E::ValidatorAdded::decode_raw_log(topics, data).ok()?;
            (e.owner, e.operatorIds, e.cluster)
        }
        t if t == E::ValidatorRemoved::SIGNATURE_HASH => {
            let e = E::ValidatorRemoved::decode_raw_log(topics, data).ok()?;
            (e.owner, e.operatorIds, e.cluster)
        }
        t if t == E::ClusterDeposited::SIGNATURE_HASH => {
            let e = E::ClusterDeposited::decode_raw_log(topics, data).ok()?;
            (e.owner, e.operatorIds, e.cluster)
        }
        t if t == E::ClusterWithdrawn::SIGNATURE_HASH => {
            let e = E::ClusterWithdrawn::decode_raw_log(topics, data).ok()?;
            (e.owner, e.operatorIds, e.cluster)
        }
        t if t == E::ClusterLiquidated::SIGNATURE_HASH => {
            let e = E::ClusterLiquidated::decode_raw_log(topics, data).ok()?;
            (e.owner, e.operatorIds, e.cluster)
        }
        t if t == E::ClusterReactivated::SIGNATURE_HASH => {
            let e = E::ClusterReactivated::decode_raw_log(topics, data).ok()?;
            (e.owner, e.operatorIds, e.cluster)
        }
        t if t == E::ClusterBalanceUpdated::SIGNATURE_HASH => {
            let e = E::ClusterBalanceUpdated::decode_raw_log(topics, data).ok()?;
            (e.owner, e.operatorIds, e.cluster)
        }
        t if t == E::ClusterMigratedToETH::SIGNATURE_HASH => {
            let e = E::ClusterMigratedToETH::decode_raw_log(topics, data).ok()?;
            (e.owner, e.operatorIds, e.cluster)
        }
        _ => return None,
    };
    Some(ClusterEvent {
        at,
        owner,
        operator_ids,
        cluster: Cluster::from(c),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{Bytes, U256};

    #[test]
    fn the_events_are_the_real_networks() {
        let v2 = crate::reference::signatures("ssv-network-v2.abi.json", "event");
        for signature in [
            E::ValidatorAdded::SIGNATURE,
            E::ValidatorRemoved::SIGNATURE,
            E::ClusterDeposited::SIGNATURE,
            E::ClusterWithdrawn::SIGNATURE,
            E::ClusterLiquidated::SIGNATURE,
            E::ClusterReactivated::SIGNATURE,
            E::ClusterBalanceUpdated::SIGNATURE,
            E::ClusterMigratedToETH::SIGNATURE,
        ] {
            assert!(v2.iter().any(|s| s == signature), "{signature} in v2");
        }
        assert_eq!(
            CLUSTER_EVENT_TOPICS.len(),
            SsvClusterEvents::SsvClusterEventsEvents::SELECTORS.len(),
            "every event is scanned for"
        );
    }

    fn raw(data: alloy_primitives::LogData, block: u64) -> RawLog {
        RawLog {
            address: Address::ZERO,
            topics: data.topics().to_vec(),
            data: data.data,
            block_number: Some(U64::from(block)),
            log_index: Some(U64::from(0)),
        }
    }

    #[test]
    fn the_v2_events_that_are_not_the_owners_carry_the_new_snapshot() {
        let owner = Address::repeat_byte(9);
        let cluster = |balance: u64| E::SsvCluster {
            validatorCount: 3,
            networkFeeIndex: 11,
            index: 12,
            active: true,
            balance: U256::from(balance),
        };
        let updated = E::ClusterBalanceUpdated {
            owner,
            operatorIds: vec![1, 2, 3, 4],
            blockNum: 77,
            effectiveBalance: 96,
            cluster: cluster(500),
        };
        let migrated = E::ClusterMigratedToETH {
            owner,
            operatorIds: vec![5, 6, 7, 8],
            ethDeposited: U256::from(9u64),
            ssvRefunded: U256::from(10u64),
            effectiveBalance: 96,
            cluster: cluster(600),
        };
        let a = decode_cluster_event(&raw(updated.encode_log_data(), 20)).unwrap();
        assert_eq!((a.owner, a.operator_ids.clone()), (owner, vec![1, 2, 3, 4]));
        assert_eq!(a.cluster.balance, U256::from(500u64));
        assert_eq!((a.cluster.index, a.cluster.network_fee_index), (12, 11));
        let b = decode_cluster_event(&raw(migrated.encode_log_data(), 21)).unwrap();
        assert_eq!(b.operator_ids, vec![5, 6, 7, 8]);
        assert_eq!(b.cluster.balance, U256::from(600u64));
        // In the scan's filter, so an owner's scan finds them.
        let filter =
            serde_json::to_value(cluster_events_filter(Address::ZERO, owner, (0, 1))).unwrap();
        let topics = filter["topics"][0].as_array().unwrap();
        for topic in [
            E::ClusterBalanceUpdated::SIGNATURE_HASH,
            E::ClusterMigratedToETH::SIGNATURE_HASH,
        ] {
            assert!(
                topics
                    .iter()
                    .any(|t| t.as_str() == Some(&topic.to_string()))
            );
        }
    }

    #[test]
    fn a_log_decodes_into_its_cluster_and_position() {
        let owner = Address::repeat_byte(7);
        let event = E::ClusterDeposited {
            owner,
            operatorIds: vec![1, 2, 3, 4],
            value: U256::from(5u64),
            cluster: E::SsvCluster {
                validatorCount: 2,
                networkFeeIndex: 3,
                index: 4,
                active: true,
                balance: U256::from(6u64),
            },
        };
        let data = event.encode_log_data();
        let log = RawLog {
            address: Address::ZERO,
            topics: data.topics().to_vec(),
            data: data.data,
            block_number: Some(U64::from(10)),
            log_index: Some(U64::from(2)),
        };
        let decoded = decode_cluster_event(&log).unwrap();
        assert_eq!(
            decoded.at,
            LogPosition {
                block: 10,
                index: 2
            }
        );
        assert_eq!(
            (decoded.owner, decoded.operator_ids),
            (owner, vec![1, 2, 3, 4])
        );
        assert_eq!(decoded.cluster.validator_count, 2);
        assert_eq!(decoded.cluster.balance, U256::from(6u64));
        let pending = RawLog {
            block_number: None,
            ..log.clone()
        };
        assert_eq!(decode_cluster_event(&pending), None);
        let other = RawLog {
            topics: vec![B256::ZERO],
            data: Bytes::new(),
            ..log
        };
        assert_eq!(decode_cluster_event(&other), None);
    }

    #[test]
    fn the_filter_asks_for_any_cluster_event_of_one_owner() {
        let filter = cluster_events_filter(Address::ZERO, Address::repeat_byte(1), (5, 9));
        let json = serde_json::to_value(&filter).unwrap();
        assert_eq!(json["topics"][0].as_array().unwrap().len(), 8);
        assert!(
            json["topics"][1]
                .as_str()
                .unwrap()
                .ends_with("0101010101010101010101010101010101010101")
        );
        assert_eq!(json["fromBlock"], "0x5");
    }
}
