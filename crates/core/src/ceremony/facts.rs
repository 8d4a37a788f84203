//! What the chain says, read once into sets and maps for the checks of every entry: the pool's
//! credentials, keys already in the registry, dropped, on SSV or deposited, the operators' keys.
//! Its own module so that the per-file checks (`deposits`, `shares`) and the pass that drives
//! them (`import`) all depend on it and not on each other.

use std::collections::{HashMap, HashSet};

use alloy_primitives::{B256, Bytes};

use super::{CheckContext, CheckError};
use crate::deposit::eth1_withdrawal_credentials;

/// The chain's facts, indexed for the checks.
pub(super) struct Facts<'a> {
    pub context: &'a CheckContext,
    /// The pool's 0x01 withdrawal credentials.
    pub credentials: B256,
    registered: HashSet<&'a [u8]>,
    dropped: HashSet<&'a [u8]>,
    ssv_registered: HashSet<&'a [u8]>,
    deposited: HashMap<&'a [u8], B256>,
    operator_keys: HashMap<u64, &'a str>,
}

impl<'a> Facts<'a> {
    pub fn new(context: &'a CheckContext) -> Self {
        let set = |keys: &'a [Bytes]| keys.iter().map(|k| k.as_ref()).collect();
        Facts {
            context,
            credentials: eth1_withdrawal_credentials(context.pool),
            registered: set(&context.registered),
            dropped: set(&context.dropped),
            ssv_registered: set(&context.ssv_registered),
            // The first deposit fixes a key's credentials: keep the first one read.
            deposited: context
                .deposited
                .iter()
                .rev()
                .map(|(k, c)| (k.as_ref(), *c))
                .collect(),
            operator_keys: context
                .operator_keys
                .iter()
                .map(|(id, k)| (*id, k.as_str()))
                .collect(),
        }
    }

    pub fn operator_key(&self, id: u64) -> Option<&'a str> {
        self.operator_keys.get(&id).copied()
    }

    fn registry_errors(&self, pubkey: &[u8]) -> impl Iterator<Item = CheckError> {
        let registered = self
            .registered
            .contains(pubkey)
            .then_some(CheckError::AlreadyInRegistry);
        let dropped = self.dropped.contains(pubkey).then_some(CheckError::Dropped);
        registered.into_iter().chain(dropped)
    }

    /// What the chain says against depositing to `pubkey`.
    pub fn deposit_key_errors(&self, pubkey: &[u8]) -> Vec<CheckError> {
        let deposited =
            self.deposited
                .get(pubkey)
                .map(|credentials| CheckError::AlreadyDeposited {
                    credentials: *credentials,
                    to_pool: *credentials == self.credentials,
                });
        self.registry_errors(pubkey).chain(deposited).collect()
    }

    /// What the chain says against registering `pubkey` with SSV.
    pub fn share_key_errors(&self, pubkey: &[u8]) -> Vec<CheckError> {
        let on_ssv = self
            .ssv_registered
            .contains(pubkey)
            .then_some(CheckError::AlreadyOnSsv);
        self.registry_errors(pubkey).chain(on_ssv).collect()
    }
}
