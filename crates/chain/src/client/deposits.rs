//! The beacon deposit contract's deposits: which pubkeys were deposited, with which withdrawal
//! credentials. The first deposit for a pubkey fixes its credentials for good, so a ceremony key
//! that appears here with other credentials was front-run and must never get the pool's 32 ETH.

use alloy_primitives::{Address, B256, Bytes, U64};
use alloy_rpc_client::RpcClient;
use alloy_sol_types::SolEvent;

use super::scan::{ScanError, scan_logs};
use crate::logs::{LogFilter, REORG_MARGIN, RawLog, Topic};

alloy_sol_types::sol!(
    /// The beacon chain deposit contract, from the consensus-specs ABI in `contracts/reference/`.
    #[derive(Debug)]
    DepositContract,
    "../../contracts/reference/deposit-contract.abi.json"
);

/// One deposit, as its `DepositEvent` tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepositedKey {
    pub pubkey: Bytes,
    pub withdrawal_credentials: B256,
    pub amount_gwei: u64,
    /// The deposit's BLS signature (96 bytes when well-formed): a bad one makes the beacon
    /// chain ignore the deposit.
    pub signature: Bytes,
    /// The deposit's index in the contract (its count before it).
    pub index: u64,
    pub block: Option<u64>,
}

/// `DepositEvent`s of `deposit_contract` in blocks `from..=to`.
pub fn deposits_filter(deposit_contract: Address, (from, to): (u64, u64)) -> LogFilter {
    LogFilter {
        address: deposit_contract,
        topics: vec![Some(Topic::One(
            DepositContract::DepositEvent::SIGNATURE_HASH,
        ))],
        from_block: U64::from(from),
        to_block: U64::from(to),
    }
}

/// Decodes a `DepositEvent` log; `None` for anything else or a malformed one.
pub fn decode_deposit(log: &RawLog) -> Option<DepositedKey> {
    let event =
        DepositContract::DepositEvent::decode_raw_log(log.topics.iter().copied(), &log.data)
            .ok()?;
    let le = |bytes: &Bytes| -> Option<u64> {
        Some(u64::from_le_bytes(bytes.as_ref().try_into().ok()?))
    };
    Some(DepositedKey {
        withdrawal_credentials: B256::try_from(event.withdrawal_credentials.as_ref()).ok()?,
        amount_gwei: le(&event.amount)?,
        index: le(&event.index)?,
        pubkey: event.pubkey,
        signature: event.signature,
        block: log.block_number.map(|b| b.to()),
    })
}

/// Every deposit made to `deposit_contract` in blocks `from..=to` (the pubkey is not indexed, so
/// this reads all of them: scan from the pool's deployment block, not from genesis).
pub async fn scan_deposits(
    client: &RpcClient,
    deposit_contract: Address,
    (from, to): (u64, u64),
    max_window: u64,
) -> Result<Vec<DepositedKey>, ScanError> {
    let mut deposits = Vec::new();
    scan_logs(
        client,
        from,
        to,
        max_window,
        |range| vec![deposits_filter(deposit_contract, range)],
        |_, logs| deposits.extend(logs.iter().flatten().filter_map(decode_deposit)),
    )
    .await?;
    Ok(deposits)
}

/// The deposit contract's deposit count at the latest block (`get_deposit_count()`, 8 bytes
/// little-endian). An activation carries the count read **at the block its deposit logs were
/// checked to** ([`deposit_count_at`], as the activation planner does): a count read later may
/// include a deposit nobody checked.
pub async fn deposit_count(
    client: &RpcClient,
    deposit_contract: Address,
) -> Result<u64, super::ChainError> {
    deposit_count_answer(client, deposit_contract, serde_json::json!("latest")).await
}

/// The deposit contract's deposit count at `block`.
pub async fn deposit_count_at(
    client: &RpcClient,
    deposit_contract: Address,
    block: u64,
) -> Result<u64, super::ChainError> {
    deposit_count_answer(
        client,
        deposit_contract,
        serde_json::json!(U64::from(block)),
    )
    .await
}

async fn deposit_count_answer(
    client: &RpcClient,
    deposit_contract: Address,
    block: serde_json::Value,
) -> Result<u64, super::ChainError> {
    use alloy_sol_types::SolCall;
    let data: Bytes = client
        .request(
            "eth_call",
            (
                crate::rpc::TxRequest::call(
                    deposit_contract,
                    DepositContract::get_deposit_countCall {}.abi_encode(),
                ),
                block,
            ),
        )
        .await?;
    decode_count(&data)
}

/// `get_deposit_count()`'s answer as a number.
pub(super) fn decode_count(data: &[u8]) -> Result<u64, super::ChainError> {
    use super::DecodeCause;
    use alloy_sol_types::SolCall;
    let decode_error = |cause: DecodeCause| super::ChainError::Decode {
        what: "get_deposit_count",
        cause,
    };
    let le = DepositContract::get_deposit_countCall::abi_decode_returns(data)
        .map_err(|e| decode_error(DecodeCause::Abi(e)))?;
    let bytes: [u8; 8] = le
        .as_ref()
        .try_into()
        .map_err(|_| decode_error(DecodeCause::CountWidth(le.len())))?;
    Ok(u64::from_le_bytes(bytes))
}

/// The deposit contract's deposits read so far, kept across checks so that each reads only the
/// blocks added since (and the last [`REORG_MARGIN`] again: a reorganisation that replaced a
/// recent deposit is seen at the next check). Without it, a check on mainnet would read every
/// deposit since the pool's deployment, hundreds of megabytes after months.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepositCursor {
    deposit_contract: Address,
    /// The first block covered.
    from: u64,
    /// The first block not read yet.
    next: u64,
    /// Deposits in `from..next`, in chain order.
    deposits: Vec<DepositedKey>,
}

impl DepositCursor {
    /// A cursor over `deposit_contract`'s logs from block `from` on, nothing read yet.
    pub fn new(deposit_contract: Address, from: u64) -> Self {
        DepositCursor {
            deposit_contract,
            from,
            next: from,
            deposits: Vec::new(),
        }
    }

    /// The first block the deposits held cover.
    pub fn from_block(&self) -> u64 {
        self.from
    }

    /// The last block read (`None` before the first read).
    pub fn read_to(&self) -> Option<u64> {
        (self.next > self.from).then(|| self.next - 1)
    }

    /// Covers the blocks from `from` on only: deposits before it are forgotten (a beacon node's
    /// finalized state answers for them). Moving the start back empties the cursor.
    pub fn start_at(&mut self, from: u64) {
        if from < self.from {
            *self = DepositCursor::new(self.deposit_contract, from);
        } else if from > self.from {
            self.deposits.retain(|d| d.block.is_none_or(|b| b >= from));
            self.from = from;
            self.next = self.next.max(from);
        }
    }

    /// Reads up to `to`: the blocks not read yet and the last [`REORG_MARGIN`] read before
    /// (whose deposits are replaced by what the node says now). Windows read before a failure
    /// are dropped: the next refresh reads them again.
    pub async fn refresh(
        &mut self,
        client: &RpcClient,
        to: u64,
        max_window: u64,
    ) -> Result<(), ScanError> {
        let reread = self.next.saturating_sub(REORG_MARGIN).max(self.from);
        if reread > to {
            return Ok(());
        }
        let found = scan_deposits(client, self.deposit_contract, (reread, to), max_window).await?;
        self.deposits
            .retain(|d| d.block.is_some_and(|b| b < reread));
        self.deposits.extend(found);
        self.next = to + 1;
        Ok(())
    }

    /// The deposits held, in chain order.
    pub fn deposits(&self) -> &[DepositedKey] {
        &self.deposits
    }
}
