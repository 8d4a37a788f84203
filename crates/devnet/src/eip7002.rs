//! EIP-7002's withdrawal request contract on the devnet: the published runtime code installed at
//! its address (anvil's genesis lacks it), and its queue read as the consensus layer reads it.
//!
//! The pool's forced exits are then the real call to the real contract: the exact fee read from
//! it, 56 bytes of input, the request stored in its queue.

use alloy::primitives::{Address, Bytes, U256, address};
use alloy::providers::{DynProvider, Provider};
use alloy::rpc::types::TransactionRequest;
use anyhow::{Context, Result, ensure};

/// The contract's address, the same on every chain.
pub const WITHDRAWAL_REQUESTS: Address = address!("00000961Ef480Eb55e80D19ad83579A64c007002");
/// The system address whose call (at the end of each block, on a real node) dequeues requests.
pub const SYSTEM_ADDRESS: Address = address!("fffffffffffffffffffffffffffffffffffffffe");

/// The runtime code, from `contracts/reference/eip7002-withdrawal-requests.hex` (its source there).
pub fn runtime_code() -> Bytes {
    let hex = include_str!("../../../contracts/reference/eip7002-withdrawal-requests.hex");
    alloy::hex::decode(hex.trim())
        .expect("the reference file is hex")
        .into()
}

/// Installs the contract as a Prague genesis has it (code, nonce 1, empty storage), unless the
/// node already has code there.
pub async fn install(provider: &DynProvider) -> Result<()> {
    let present = provider.get_code_at(WITHDRAWAL_REQUESTS).await?;
    if !present.is_empty() {
        return Ok(());
    }
    let _: () = provider
        .raw_request(
            "anvil_setCode".into(),
            (WITHDRAWAL_REQUESTS, runtime_code()),
        )
        .await
        .context("installing the EIP-7002 contract")?;
    let _: () = provider
        .raw_request(
            "anvil_setNonce".into(),
            (WITHDRAWAL_REQUESTS, U256::from(1)),
        )
        .await?;
    Ok(())
}

/// One request as the consensus layer receives it: the sender (the validator's withdrawal
/// address must be it), the validator's pubkey, the amount in gwei (0: a full exit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithdrawalRequest {
    pub source: Address,
    pub pubkey: [u8; 48],
    pub amount_gwei: u64,
}

/// The requests the next block's system call would take from the queue (at most 16), read by
/// simulating that call (`eth_call` from the system address with no input): nothing changes.
pub async fn pending_requests(provider: &DynProvider) -> Result<Vec<WithdrawalRequest>> {
    let call = TransactionRequest::default()
        .from(SYSTEM_ADDRESS)
        .to(WITHDRAWAL_REQUESTS)
        .input(Bytes::new().into());
    let out = provider.call(call).await.context("the system call")?;
    ensure!(
        out.len() % 76 == 0,
        "a dequeue answer of {} bytes",
        out.len()
    );
    Ok(out
        .chunks(76)
        .map(|r| WithdrawalRequest {
            source: Address::from_slice(&r[..20]),
            pubkey: r[20..68].try_into().expect("48 bytes"),
            amount_gwei: u64::from_be_bytes(r[68..76].try_into().expect("8 bytes")),
        })
        .collect())
}

/// The fee a request pays in the next block (a call with no input).
pub async fn fee(provider: &DynProvider) -> Result<U256> {
    let call = TransactionRequest::default()
        .to(WITHDRAWAL_REQUESTS)
        .input(Bytes::new().into());
    let out = provider
        .call(call)
        .await
        .context("reading the EIP-7002 fee")?;
    ensure!(out.len() == 32, "a fee of {} bytes", out.len());
    Ok(U256::from_be_slice(&out))
}
