//! The beacon deposit contract's deposits: which pubkeys were deposited, with which withdrawal
//! credentials. The first deposit for a pubkey fixes its credentials for good, so a ceremony key
//! that appears here with other credentials was front-run and must never get the pool's 32 ETH.

use alloy_primitives::{Address, B256, Bytes, U64};
use alloy_rpc_client::RpcClient;
use alloy_sol_types::SolEvent;

use super::scan::{ScanError, scan_logs};
use crate::history::{LogFilter, RawLog, Topic};

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

/// The deposit contract's deposit count now (`get_deposit_count()`, 8 bytes little-endian): what
/// an activation carries, so that any deposit made after the caller checked the logs reverts it.
pub async fn deposit_count(
    client: &RpcClient,
    deposit_contract: Address,
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
                "latest",
            ),
        )
        .await?;
    let decode_error = |cause: String| super::ChainError::Decode {
        what: "get_deposit_count",
        cause,
    };
    let le = DepositContract::get_deposit_countCall::abi_decode_returns(&data)
        .map_err(|e| decode_error(e.to_string()))?;
    let bytes: [u8; 8] = le
        .as_ref()
        .try_into()
        .map_err(|_| decode_error(format!("{} bytes, not 8", le.len())))?;
    Ok(u64::from_le_bytes(bytes))
}
