//! One cluster's snapshot, found newest first. Every SSV cluster event carries the whole new
//! cluster, so the newest event of a cluster is its snapshot: scanning from the head down and
//! stopping at the first window that holds one (as ssv-scanner does) reads a few windows for an
//! active cluster instead of the network's whole history. A [`ClusterCursor`] keeps the result
//! (the app stores it in localStorage) so that a revisit reads only the blocks added since.

use alloy_primitives::{Address, U256};
use alloy_rpc_client::RpcClient;
use pool_core::cluster::{Cluster, LogPosition};
use serde::{Deserialize, Serialize};

use super::scan::{ScanError, scan_logs};
use crate::ssv::{cluster_events_filter, decode_cluster_event};

/// Blocks a refresh reads again below what it read before: a reorganisation that replaced the
/// newest event is picked up (one that only removed it leaves a snapshot the network refuses
/// with `IncorrectClusterState`; scan anew then).
pub const CLUSTER_REORG_MARGIN: u64 = 64;

/// A snapshot and the event it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FoundCluster {
    pub cluster: Cluster,
    pub at: LogPosition,
}

/// The newest cluster of `owner` with exactly `operator_ids` in the logs of one window.
fn newest_in(
    logs: &[Vec<crate::logs::RawLog>],
    owner: Address,
    operator_ids: &[u64],
) -> Option<FoundCluster> {
    logs.iter()
        .flatten()
        .filter_map(decode_cluster_event)
        .filter(|e| e.owner == owner && e.operator_ids == operator_ids)
        .map(|e| FoundCluster {
            cluster: e.cluster,
            at: e.at,
        })
        .max_by_key(|found| found.at)
}

/// The snapshot of `owner`'s cluster of `operator_ids` (ascending) from `ssv_network`'s events
/// in blocks `genesis..=head`, scanning windows of `window` blocks from `head` down and stopping
/// at the first that holds an event of it; `None` when it has none (a new cluster:
/// [`Cluster::NEW`]). `progress(scanned, total)` is called after each window answered, in
/// blocks. A window the node refuses is read in smaller ones (see [`scan_logs`]), and the next
/// windows are no wider than what it answered. On failure, `resume_from` is the block the scan
/// stopped at; nothing is kept.
pub async fn latest_cluster(
    client: &RpcClient,
    ssv_network: Address,
    owner: Address,
    operator_ids: &[u64],
    (genesis, head): (u64, u64),
    window: u64,
    mut progress: impl FnMut(u64, u64),
) -> Result<Option<FoundCluster>, ScanError> {
    if genesis > head {
        return Ok(None);
    }
    let total = head - genesis + 1;
    let mut scanned = 0;
    let mut width = window.max(1);
    let mut top = head;
    loop {
        let bottom = top.saturating_sub(width - 1).max(genesis);
        let mut found: Option<FoundCluster> = None;
        let mut widest = 0;
        scan_logs(
            client,
            bottom,
            top,
            width,
            |range| vec![cluster_events_filter(ssv_network, owner, range)],
            |(from, to), logs| {
                if let Some(newer) = newest_in(&logs, owner, operator_ids) {
                    found = Some(found.map_or(newer, |f| f.max_by_at(newer)));
                }
                widest = widest.max(to - from + 1);
                scanned += to - from + 1;
                progress(scanned, total);
            },
        )
        .await?;
        if found.is_some() || bottom == genesis {
            return Ok(found);
        }
        width = widest.max(1);
        top = bottom - 1;
    }
}

impl FoundCluster {
    fn max_by_at(self, other: FoundCluster) -> FoundCluster {
        if other.at > self.at { other } else { self }
    }
}

/// One cluster's snapshot kept across visits: a refresh reads only the blocks after those
/// already read (and a small margin), forward, and keeps the newest event. Serializable, for
/// the app's localStorage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterCursor {
    pub owner: Address,
    pub operator_ids: Vec<u64>,
    #[serde(with = "stored_cluster")]
    pub cluster: Cluster,
    /// The event the snapshot comes from (block, log index); `None`: no event yet, a new
    /// cluster.
    pub event: Option<(u64, u64)>,
    /// The last block read.
    pub at_block: u64,
}

impl ClusterCursor {
    /// The cursor [`latest_cluster`] leaves, having read up to `head`.
    #[allow(clippy::too_many_arguments)]
    pub async fn scan(
        client: &RpcClient,
        ssv_network: Address,
        owner: Address,
        operator_ids: &[u64],
        (genesis, head): (u64, u64),
        window: u64,
        progress: impl FnMut(u64, u64),
    ) -> Result<ClusterCursor, ScanError> {
        let found = latest_cluster(
            client,
            ssv_network,
            owner,
            operator_ids,
            (genesis, head),
            window,
            progress,
        )
        .await?;
        Ok(ClusterCursor {
            owner,
            operator_ids: operator_ids.to_vec(),
            cluster: found.map_or(Cluster::NEW, |f| f.cluster),
            event: found.map(|f| (f.at.block, f.at.index)),
            at_block: head,
        })
    }

    /// Brings the snapshot up to `head`: reads blocks from `at_block + 1` (less
    /// [`CLUSTER_REORG_MARGIN`]) forward, and takes any event of the cluster at or after the
    /// one held. Whether the snapshot changed. Windows read before a failure are kept.
    pub async fn refresh(
        &mut self,
        client: &RpcClient,
        ssv_network: Address,
        head: u64,
        max_window: u64,
    ) -> Result<bool, ScanError> {
        if head <= self.at_block {
            return Ok(false);
        }
        let from = (self.at_block + 1).saturating_sub(CLUSTER_REORG_MARGIN);
        let before = self.cluster;
        let (owner, ids) = (self.owner, self.operator_ids.clone());
        let result = scan_logs(
            client,
            from,
            head,
            max_window,
            |range| vec![cluster_events_filter(ssv_network, owner, range)],
            |(_, to), logs| {
                if let Some(found) = newest_in(&logs, owner, &ids) {
                    let held = self
                        .event
                        .map(|(block, index)| LogPosition { block, index });
                    if held.is_none_or(|held| found.at >= held) {
                        self.cluster = found.cluster;
                        self.event = Some((found.at.block, found.at.index));
                    }
                }
                self.at_block = self.at_block.max(to);
            },
        )
        .await;
        result.map(|()| self.cluster != before)
    }
}

/// `Cluster` (the core's, without serde) as a JSON object; the balance as a decimal-free hex
/// quantity, as alloy writes `U256`.
mod stored_cluster {
    use super::*;

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Stored {
        validator_count: u32,
        network_fee_index: u64,
        index: u64,
        active: bool,
        balance: U256,
    }

    pub fn serialize<S: serde::Serializer>(c: &Cluster, s: S) -> Result<S::Ok, S::Error> {
        Stored {
            validator_count: c.validator_count,
            network_fee_index: c.network_fee_index,
            index: c.index,
            active: c.active,
            balance: c.balance,
        }
        .serialize(s)
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Cluster, D::Error> {
        let c = Stored::deserialize(d)?;
        Ok(Cluster {
            validator_count: c.validator_count,
            network_fee_index: c.network_fee_index,
            index: c.index,
            active: c.active,
            balance: c.balance,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_survives_json() {
        let cursor = ClusterCursor {
            owner: Address::repeat_byte(3),
            operator_ids: vec![1, 2, 3, 4],
            cluster: Cluster {
                validator_count: 2,
                network_fee_index: 5,
                index: 6,
                active: false,
                balance: U256::from(10u64).pow(U256::from(30u64)),
            },
            event: Some((9, 1)),
            at_block: 12,
        };
        let json = serde_json::to_string(&cursor).unwrap();
        assert!(json.contains("\"atBlock\":12"), "{json}");
        assert_eq!(
            serde_json::from_str::<ClusterCursor>(&json).unwrap(),
            cursor
        );
    }
}
