//! The console's read-only view of the pool: its figures and addresses in one JSON-RPC batch,
//! so that one refresh is one request through the wallet or `fetch`, and the figures shown
//! together were read together.

use alloy_primitives::{Address, B256, U256};
use alloy_rpc_client::RpcClient;

use super::calls::{Calls, answer};
use super::{ChainError, DecodeCause};
use crate::bindings::PoolManager as P;

/// The pool's own addresses (immutable: set at deployment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolAddresses {
    pub pool_eth: Address,
    pub ssv_network: Address,
    pub ssv_views: Address,
    pub deposit_contract: Address,
    pub rewards_vault: Address,
    /// The 0x01 credentials every deposit names (pointing at the pool).
    pub withdrawal_credentials: B256,
}

/// The pool as the console's read-only view shows it, at `block`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operations {
    /// The latest block when the batch was answered (a node answers a batch in order, so the
    /// calls after it were answered at this block unless one landed in between).
    pub block: u64,
    pub total_pooled_ether: U256,
    /// Stakers' ether waiting for activation.
    pub buffered_ether: U256,
    /// Of it, what waiting withdrawal requests ask for (activations leave it there).
    pub withdrawals_waiting: U256,
    /// Cluster funding set aside, in ETH (SSV v2 fees).
    pub fee_reserve: U256,
    /// Blocks of SSV fees each activation funds.
    pub runway: u64,
    pub activated_validators: u64,
    /// Registry entries, activated or not.
    pub validator_count: u64,
    pub pending_validators: u64,
    /// The SSV owner nonce of the pool's next registration.
    pub ssv_registrations: u64,
    /// Blocks an entry waits after being added before it can be activated.
    pub activation_delay: u64,
    /// Chain time of the last oracle report (0: none yet).
    pub last_report_at: u64,
    /// Chain time from which the next report is accepted.
    pub next_report_at: u64,
    pub addresses: PoolAddresses,
}

/// Everything [`Operations`] holds, read from `pool` in one JSON-RPC batch.
pub async fn read_operations(client: &RpcClient, pool: Address) -> Result<Operations, ChainError> {
    let mut calls = Calls::new(client);
    let block = calls.block_number()?;
    let total = calls.call(pool, &P::totalPooledEtherCall {})?;
    let buffered = calls.call(pool, &P::bufferedEtherCall {})?;
    let queued = calls.call(pool, &P::withdrawalsWaitingCall {})?;
    let reserve = calls.call(pool, &P::feeReserveCall {})?;
    let runway = calls.call(pool, &P::runwayCall {})?;
    let activated = calls.call(pool, &P::activatedValidatorsCall {})?;
    let count = calls.call(pool, &P::validatorCountCall {})?;
    let pending = calls.call(pool, &P::pendingValidatorsCall {})?;
    let registrations = calls.call(pool, &P::ssvRegistrationsCall {})?;
    let delay = calls.call(pool, &P::activationDelayCall {})?;
    let last_report = calls.call(pool, &P::lastReportAtCall {})?;
    let next_report = calls.call(pool, &P::nextReportAtCall {})?;
    let pool_eth = calls.call(pool, &P::poolETHCall {})?;
    let ssv_network = calls.call(pool, &P::ssvNetworkCall {})?;
    let ssv_views = calls.call(pool, &P::ssvViewsCall {})?;
    let deposit_contract = calls.call(pool, &P::depositContractCall {})?;
    let rewards_vault = calls.call(pool, &P::rewardsVaultCall {})?;
    let credentials = calls.call(pool, &P::withdrawalCredentialsCall {})?;
    calls.send().await?;

    let figure = |value: U256, what: &'static str| {
        u64::try_from(value).map_err(|e| ChainError::Decode {
            what,
            cause: DecodeCause::TooLarge(e),
        })
    };
    Ok(Operations {
        block: block.await?.to(),
        total_pooled_ether: answer::<P::totalPooledEtherCall>(total).await?,
        buffered_ether: U256::from(answer::<P::bufferedEtherCall>(buffered).await?),
        withdrawals_waiting: answer::<P::withdrawalsWaitingCall>(queued).await?,
        fee_reserve: answer::<P::feeReserveCall>(reserve).await?,
        runway: answer::<P::runwayCall>(runway).await?,
        activated_validators: answer::<P::activatedValidatorsCall>(activated).await?.to(),
        validator_count: figure(
            answer::<P::validatorCountCall>(count).await?,
            "validatorCount",
        )?,
        pending_validators: figure(
            answer::<P::pendingValidatorsCall>(pending).await?,
            "pendingValidators",
        )?,
        ssv_registrations: answer::<P::ssvRegistrationsCall>(registrations).await?.to(),
        activation_delay: answer::<P::activationDelayCall>(delay).await?,
        last_report_at: answer::<P::lastReportAtCall>(last_report).await?,
        next_report_at: figure(
            answer::<P::nextReportAtCall>(next_report).await?,
            "nextReportAt",
        )?,
        addresses: PoolAddresses {
            pool_eth: answer::<P::poolETHCall>(pool_eth).await?,
            ssv_network: answer::<P::ssvNetworkCall>(ssv_network).await?,
            ssv_views: answer::<P::ssvViewsCall>(ssv_views).await?,
            deposit_contract: answer::<P::depositContractCall>(deposit_contract).await?,
            rewards_vault: answer::<P::rewardsVaultCall>(rewards_vault).await?,
            withdrawal_credentials: answer::<P::withdrawalCredentialsCall>(credentials).await?,
        },
    })
}

/// The pool's quote (`fundingPerValidator`: its runway at the live SSV fees, rounded to the
/// network's precision) of what each validator of `operator_ids` brings to its cluster. An
/// activation passes it as is, so what the preview shows is what is sent.
pub async fn funding_quote(
    client: &RpcClient,
    pool: Address,
    operator_ids: Vec<u64>,
) -> Result<U256, ChainError> {
    let mut calls = Calls::new(client);
    let quote = calls.call(
        pool,
        &P::fundingPerValidatorCall {
            operatorIds: operator_ids,
        },
    )?;
    calls.send().await?;
    answer::<P::fundingPerValidatorCall>(quote).await
}
