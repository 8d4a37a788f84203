//! What one transaction may be on a real network, and how many items of a bulk call fit in one.
//!
//! Two limits, both refused by the node before the transaction reaches a block:
//! - **size**: geth, reth and Nethermind refuse a transaction whose signed RLP encoding is over
//!   128 KiB (geth's `txMaxSize`, 4 slots of 32 KiB): "oversized data";
//! - **gas**: since Fusaka (EIP-7825) a transaction may not ask for more than 2^24 gas:
//!   "transaction gas limit too high".
//!
//! A bulk call (`addValidators`, `activateValidators`, ...) is an ABI call whose calldata grows
//! linearly with its items: a dynamic array of `n` items encodes as the call with none plus
//! each item's encoding and its offset word. So one call of a known shape is described by
//! [`BulkCost`] (what it costs with no item, what each item adds, in calldata bytes and gas),
//! measured from two encodings, and [`TxLimits::max_items`] gives the largest `n` under both
//! limits, with margins: the signed envelope around the calldata (nonce, fees, signature, RLP
//! headers) and a share of gas kept for estimate drift.
//!
//! ```
//! use pool_core::limits::{BulkCost, TxLimits};
//! // `addValidators` on 13 operators: ~4,960 bytes of calldata per entry (measured from the
//! // encoding with one and with two entries), ~150k gas each.
//! let cost = BulkCost::from_encodings(5_028, 9_988, 10_000, 150_000);
//! let n = TxLimits::MAINNET.max_items(&cost);
//! assert_eq!(n, 25);
//! assert!(TxLimits::MAINNET.fits(cost.bytes(n), cost.gas(n)));
//! assert!(!TxLimits::MAINNET.fits(cost.bytes(n + 1), cost.gas(n + 1)));
//! ```

/// geth's `txMaxSize` (reth's and Nethermind's default alike): the signed RLP encoding.
pub const MAX_TX_BYTES: usize = 131_072;
/// EIP-7825 (Osaka/Fusaka): the most gas one transaction may ask for.
pub const MAX_TX_GAS: u64 = 16_777_216;
/// What a signed EIP-1559 transaction adds around its calldata, at most: the type byte, the
/// RLP list header, chain id, nonce, both fees, gas, `to`, value (up to 33 bytes each), the
/// calldata's own header, an empty access list, y parity, r and s. 256 covers it.
pub const TX_ENVELOPE_BYTES: usize = 256;
/// Kept free under the size limit beside the envelope.
pub const TX_BYTES_MARGIN: usize = 2_048;
/// Gas kept free under the gas limit, in tenths: estimates move with the state.
pub const TX_GAS_MARGIN_TENTHS: u64 = 1;

/// The limits one transaction is sized under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TxLimits {
    /// Most calldata bytes (the size limit less the envelope and the margin).
    pub calldata_bytes: usize,
    /// Most gas (the gas limit less the margin).
    pub gas: u64,
}

impl TxLimits {
    /// Mainnet, Hoodi and any node that refuses what geth refuses.
    pub const MAINNET: TxLimits = TxLimits {
        calldata_bytes: MAX_TX_BYTES - TX_ENVELOPE_BYTES - TX_BYTES_MARGIN,
        gas: MAX_TX_GAS - MAX_TX_GAS * TX_GAS_MARGIN_TENTHS / 10,
    };

    /// These limits, with the gas further capped at `gas` (e.g. a share of the block gas limit).
    pub fn with_gas_cap(self, gas: u64) -> TxLimits {
        TxLimits {
            gas: self.gas.min(gas),
            ..self
        }
    }

    /// Whether a call of `calldata_bytes` asking for `gas` fits.
    pub fn fits(&self, calldata_bytes: usize, gas: u64) -> bool {
        calldata_bytes <= self.calldata_bytes && gas <= self.gas
    }

    /// The largest number of items of `cost` that fits under both limits (0 when not even one
    /// does).
    pub fn max_items(&self, cost: &BulkCost) -> usize {
        let by_bytes = match self.calldata_bytes.checked_sub(cost.base_bytes) {
            None => 0,
            Some(_) if cost.item_bytes == 0 => usize::MAX,
            Some(room) => room / cost.item_bytes,
        };
        let by_gas = match self.gas.checked_sub(cost.base_gas) {
            None => 0,
            Some(_) if cost.item_gas == 0 => usize::MAX,
            Some(room) => usize::try_from(room / cost.item_gas).unwrap_or(usize::MAX),
        };
        by_bytes.min(by_gas)
    }

    /// Splits items of different sizes (in order) into consecutive batches that each fit,
    /// greedily, at most `max_per_batch` items each: the batches' lengths. An item that does
    /// not fit alone is the error (its index).
    pub fn split(
        &self,
        base: (usize, u64),
        items: impl IntoIterator<Item = (usize, u64)>,
        max_per_batch: usize,
    ) -> Result<Vec<usize>, usize> {
        let mut batches = Vec::new();
        let (mut bytes, mut gas, mut count) = base_totals(base);
        for (index, (item_bytes, item_gas)) in items.into_iter().enumerate() {
            if count == max_per_batch.max(1)
                || !self.fits(bytes + item_bytes, gas.saturating_add(item_gas))
            {
                if count == 0 {
                    return Err(index);
                }
                batches.push(count);
                (bytes, gas, count) = base_totals(base);
                if !self.fits(bytes + item_bytes, gas.saturating_add(item_gas)) {
                    return Err(index);
                }
            }
            bytes += item_bytes;
            gas = gas.saturating_add(item_gas);
            count += 1;
        }
        if count > 0 {
            batches.push(count);
        }
        Ok(batches)
    }
}

fn base_totals((bytes, gas): (usize, u64)) -> (usize, u64, usize) {
    (bytes, gas, 0)
}

/// One bulk call's cost: with no item, and what each item adds (calldata bytes, gas).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BulkCost {
    pub base_bytes: usize,
    pub item_bytes: usize,
    pub base_gas: u64,
    pub item_gas: u64,
}

impl BulkCost {
    /// From the calldata of the call with one item (`one_bytes`) and with two (`two_bytes`),
    /// and the gas of the call beside its items (`base_gas`) and of each item (`item_gas`).
    pub fn from_encodings(
        one_bytes: usize,
        two_bytes: usize,
        base_gas: u64,
        item_gas: u64,
    ) -> BulkCost {
        let item_bytes = two_bytes.saturating_sub(one_bytes);
        BulkCost {
            base_bytes: one_bytes.saturating_sub(item_bytes),
            item_bytes,
            base_gas,
            item_gas,
        }
    }

    /// Calldata bytes of the call with `n` items.
    pub fn bytes(&self, n: usize) -> usize {
        self.base_bytes + n * self.item_bytes
    }

    /// Gas of the call with `n` items.
    pub fn gas(&self, n: usize) -> u64 {
        self.base_gas
            .saturating_add((n as u64).saturating_mul(self.item_gas))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limits_are_the_nodes_less_the_margins() {
        assert_eq!(MAX_TX_BYTES, 4 * 32 * 1024);
        assert_eq!(MAX_TX_GAS, 1 << 24);
        assert_eq!(TxLimits::MAINNET.calldata_bytes, 128_768);
        assert_eq!(TxLimits::MAINNET.gas, 15_099_495);
    }

    #[test]
    fn the_largest_batch_fits_and_one_more_does_not() {
        for (item_bytes, item_gas) in [(3_300, 120_000), (4_960, 150_000), (1_700, 400_000)] {
            let cost = BulkCost {
                base_bytes: 100,
                item_bytes,
                base_gas: 50_000,
                item_gas,
            };
            let n = TxLimits::MAINNET.max_items(&cost);
            assert!(n > 0);
            assert!(TxLimits::MAINNET.fits(cost.bytes(n), cost.gas(n)));
            assert!(!TxLimits::MAINNET.fits(cost.bytes(n + 1), cost.gas(n + 1)));
        }
    }

    #[test]
    fn a_gas_cap_lowers_the_batch_and_nothing_fits_an_oversized_base() {
        let cost = BulkCost::from_encodings(1_000, 2_000, 0, 100_000);
        assert_eq!(cost.base_bytes, 0);
        assert_eq!(TxLimits::MAINNET.max_items(&cost), 128);
        assert_eq!(
            TxLimits::MAINNET.with_gas_cap(1_000_000).max_items(&cost),
            10
        );
        let huge = BulkCost {
            base_bytes: MAX_TX_BYTES,
            ..cost
        };
        assert_eq!(TxLimits::MAINNET.max_items(&huge), 0);
    }

    #[test]
    fn items_of_different_sizes_split_into_batches_that_fit() {
        let items = [(60_000, 1), (60_000, 1), (60_000, 1), (10, 1), (10, 1)];
        assert_eq!(TxLimits::MAINNET.split((100, 0), items, 50), Ok(vec![2, 3]));
        assert_eq!(
            TxLimits::MAINNET.split((0, 0), [(1, 1); 7], 3),
            Ok(vec![3, 3, 1])
        );
        assert_eq!(
            TxLimits::MAINNET.split((0, 0), [(10, 1), (200_000, 1)], 50),
            Err(1)
        );
    }
}
