//! The operator console's import checks: `deposit_data-*.json` (staking deposit CLI) and key
//! shares (ssv-keys / ssv-dkg) files, checked against what the chain says, before anything is
//! added to the pool's registry.
//!
//! A registry entry that is wrong costs dearly and silently: a bad deposit signature loses 32 ETH,
//! shares out of nonce order never run, a key already deposited elsewhere was front-run. So every
//! rule is checked, every failure named (entry and public key), and nothing refused can be
//! submitted:
//! - a file with any bad entry is refused whole, and no entry is made from it;
//! - key shares are registered in owner-nonce order, so a validator after a refused share is
//!   refused too (registered without it, it would carry the wrong nonce);
//! - registry entries exist only for accepted validators (a deposit and a key share paired by
//!   public key), in nonce order.
//!
//! Pure: the caller reads the chain into a [`CheckContext`] and passes a random seed for the
//! batch signature checks. The BLS work (signatures, share interpolation) can be split across
//! Web Workers: [`check_part`] checks the entries of one [`Slice`], every part repeats the cheap
//! checks, and [`PartialReport::merge`] joins the parts into the [`ImportReport`]; [`check_import`]
//! is the one-part case.

mod deposits;
mod error;
mod facts;
mod import;
mod interpolation;
mod proofs;
mod report;
mod shares;

#[cfg(test)]
mod fixture;
#[cfg(test)]
mod tests;

use alloy_primitives::{Address, B256, Bytes};
use serde::{Deserialize, Serialize};

use crate::deposit::ForkVersion;

pub use error::{CheckError, SUPPORTED_KEYSHARES_VERSIONS};
pub use report::{
    EntryRef, FileKind, FileReport, ImportReport, MergeError, PartialReport, Refusal,
    RegistryEntry, ValidatorReport, Verdict,
};

/// What the chain says, read by the caller before checking: every fact the checks compare to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckContext {
    /// The pool manager: owner of the key shares; credentials `0x01 ‖ 11 zero bytes ‖ pool`.
    pub pool: Address,
    /// The configured network's genesis fork version.
    pub fork_version: ForkVersion,
    /// The pool's next registry index, which is the SSV owner nonce of the first imported share.
    pub next_nonce: u64,
    /// The pool's cluster operator ids; `None` while it has none (then any valid set, the same
    /// for every share).
    pub cluster: Option<Vec<u64>>,
    /// Each operator's key as registered on chain (`OperatorAdded`), base64 PEM as in key
    /// shares files.
    pub operator_keys: Vec<(u64, String)>,
    /// Public keys already in the pool's registry.
    pub registered: Vec<Bytes>,
    /// Public keys dropped from the registry (never added again).
    pub dropped: Vec<Bytes>,
    /// Public keys found in the beacon deposit contract's `DepositEvent`s, with the withdrawal
    /// credentials deposited to.
    pub deposited: Vec<(Bytes, B256)>,
    /// Public keys already registered with SSV.
    pub ssv_registered: Vec<Bytes>,
}

/// A file the operator dropped in: its name (to name it in reasons) and its text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedFile {
    pub name: String,
    pub text: String,
}

/// One part of the BLS work: the entries at positions `p` (counted over all files' entries, in
/// import order) with `p % count == index`. Interleaving spreads any mix of deposit entries and
/// key shares evenly over the parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slice {
    index: u32,
    count: u32,
}

impl Slice {
    /// Everything, in one part.
    pub const WHOLE: Slice = Slice { index: 0, count: 1 };

    /// Part `index` of `count`; `None` unless `index < count`.
    pub fn new(index: u32, count: u32) -> Option<Slice> {
        (index < count).then_some(Slice { index, count })
    }

    /// The `count` parts that together cover everything (one at least).
    pub fn parts(count: u32) -> impl Iterator<Item = Slice> {
        let count = count.max(1);
        (0..count).map(move |index| Slice { index, count })
    }

    pub fn index(self) -> u32 {
        self.index
    }

    pub fn count(self) -> u32 {
        self.count
    }

    fn covers(self, position: usize) -> bool {
        position % self.count as usize == self.index as usize
    }
}

/// Checks the imported files against the chain's facts, all the BLS work included. `seed` must
/// be random and unknown to whoever made the files (it weights the batch signature check).
pub fn check_import(
    files: &[ImportedFile],
    context: &CheckContext,
    seed: [u8; 32],
) -> ImportReport {
    PartialReport::merge(vec![check_part(files, context, seed, Slice::WHOLE)])
        .expect("one part covering everything")
}

/// Checks the imported files, doing the BLS work only for the entries of `slice`: one call per
/// worker with the same files, context and seed, then [`PartialReport::merge`].
pub fn check_part(
    files: &[ImportedFile],
    context: &CheckContext,
    seed: [u8; 32],
    slice: Slice,
) -> PartialReport {
    import::check(files, context, seed, slice)
}
