//! The one conversion between the core's [`Cluster`] and the bindings' copies of the SSV
//! network's `Cluster` struct (each contract's ABI generates its own Rust type for it).
//!
//! ```
//! use pool_chain::bindings::PoolManager;
//! use pool_core::cluster::Cluster;
//! let snapshot = Cluster { validator_count: 1, network_fee_index: 2, index: 3, active: true, balance: Default::default() };
//! let argument: PoolManager::Cluster = snapshot.into();
//! assert_eq!(Cluster::from(argument), snapshot);
//! ```

use pool_core::cluster::Cluster;

macro_rules! cluster_conversions {
    ($($binding:ty),* $(,)?) => {$(
        impl From<Cluster> for $binding {
            fn from(c: Cluster) -> Self {
                Self {
                    validatorCount: c.validator_count,
                    networkFeeIndex: c.network_fee_index,
                    index: c.index,
                    active: c.active,
                    balance: c.balance,
                }
            }
        }

        impl From<$binding> for Cluster {
            fn from(c: $binding) -> Self {
                Cluster {
                    validator_count: c.validatorCount,
                    network_fee_index: c.networkFeeIndex,
                    index: c.index,
                    active: c.active,
                    balance: c.balance,
                }
            }
        }
    )*};
}

cluster_conversions!(
    crate::bindings::PoolManager::Cluster,
    crate::bindings::WithdrawalQueue::Cluster,
    crate::ssv::SsvClusterEvents::SsvCluster,
);

#[cfg(feature = "client")]
cluster_conversions!(crate::client::ssv::ISSVNetworkCore::Cluster);

#[cfg(feature = "rpc")]
cluster_conversions!(
    crate::bindings::devnet::DevnetSSVNetworkV2::Cluster,
    crate::bindings::devnet::DevnetSSVNetworkViews::Cluster,
);
