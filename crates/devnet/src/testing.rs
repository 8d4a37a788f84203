//! Shortcuts for tests and tools driving a devnet: contract handles, a deposit, the pool's
//! totals, the deposit contract's root, an oracle report, and decoding the pool's errors.

use alloy::primitives::{Address, B256, U256};
use alloy::providers::{DynProvider, Provider};
use alloy::rpc::types::TransactionReceipt;
use anyhow::{Context, Result, ensure};
use pool_chain::bindings::PoolETH::PoolETHInstance;
pub use pool_chain::bindings::PoolManager::PoolManagerErrors;
use pool_chain::bindings::PoolManager::PoolManagerInstance;
use pool_chain::bindings::devnet::DevnetDepositContract;
use pool_chain::bindings::{PoolETH, PoolManager};
use pool_core::PoolTotals;

use crate::Devnet;

impl Devnet {
    /// The pool manager, sending from anvil's account #0 unless told otherwise.
    pub fn pool(&self) -> PoolManagerInstance<DynProvider> {
        PoolManager::new(self.deployment.pool_manager, self.provider())
    }

    pub fn token(&self) -> PoolETHInstance<DynProvider> {
        PoolETH::new(self.deployment.pool_eth, self.provider())
    }

    /// `from` deposits `wei` into the pool; the receipt of a successful deposit.
    pub async fn stake(&self, from: Address, wei: U256) -> Result<TransactionReceipt> {
        let receipt = self
            .pool()
            .deposit()
            .from(from)
            .value(wei)
            .send()
            .await?
            .get_receipt()
            .await?;
        ensure!(receipt.status(), "the deposit reverted");
        Ok(receipt)
    }

    /// Total pooled ether and total shares now.
    pub async fn totals(&self) -> Result<PoolTotals> {
        Ok(PoolTotals {
            total_pooled_ether: self.pool().totalPooledEther().call().await?,
            total_shares: self.token().totalShares().call().await?,
        })
    }

    /// The deposit contract's root now (what an activation must carry).
    pub async fn deposit_root(&self) -> Result<B256> {
        let deposit = DevnetDepositContract::new(self.deployment.deposit_contract, self.provider());
        Ok(deposit.get_deposit_root().call().await?)
    }

    /// An oracle report 12 seconds after the latest block, with report bounds widened so that
    /// any move passes.
    pub async fn report_beacon(
        &self,
        validators: u64,
        balance: U256,
    ) -> Result<TransactionReceipt> {
        let pool = self.pool();
        pool.setReportBounds(10_000, 10_000)
            .send()
            .await?
            .get_receipt()
            .await?;
        let provider = self.provider();
        let latest = provider
            .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest)
            .await?
            .context("the latest block")?;
        let at = latest.header.timestamp + 12;
        let _: () = provider
            .raw_request("evm_setNextBlockTimestamp".into(), [at])
            .await?;
        let receipt = pool
            .reportBeacon(at, validators, balance.to::<u128>())
            .send()
            .await?
            .get_receipt()
            .await?;
        ensure!(receipt.status(), "the report reverted");
        Ok(receipt)
    }
}

/// Asserts that a contract call (a `CallBuilder`, before `.call()`) reverts with the pool's
/// custom error `Variant`, in an async test:
/// `assert_pool_error!(pool.setRunway(0), InvalidRunway);`
#[macro_export]
macro_rules! assert_pool_error {
    ($call:expr, $variant:ident) => {{
        let error = $call
            .call()
            .await
            .expect_err(concat!("expected a revert with ", stringify!($variant)));
        let decoded = $crate::testing::pool_error(error);
        assert!(
            matches!(decoded, $crate::testing::PoolManagerErrors::$variant(_)),
            "expected {}, got {decoded:?}",
            stringify!($variant)
        );
    }};
}

/// The pool's custom error a call reverted with; panics with the error when it is not one.
pub fn pool_error(error: alloy::contract::Error) -> PoolManagerErrors {
    error
        .as_decoded_interface_error::<PoolManagerErrors>()
        .unwrap_or_else(|| panic!("not a pool error: {error:?}"))
}

/// `.mined()`: send a contract call and wait for its receipt, panicking on any failure to send
/// (a revert shows as `status() == false`). For tests.
#[allow(async_fn_in_trait)]
pub trait Mined {
    async fn mined(self) -> TransactionReceipt;
}

impl<P, D> Mined for alloy::contract::CallBuilder<P, D>
where
    P: Provider,
    D: alloy::contract::CallDecoder,
{
    async fn mined(self) -> TransactionReceipt {
        self.send()
            .await
            .expect("sent")
            .get_receipt()
            .await
            .expect("mined")
    }
}

/// The cluster as the last SSV network event in `receipt` left it (`ValidatorAdded`,
/// `ValidatorRemoved`, `ClusterDeposited`, `ClusterWithdrawn`, `ClusterLiquidated` or
/// `ClusterReactivated`): what a client's snapshot scanner would hold after this transaction.
pub fn cluster_after(receipt: &TransactionReceipt) -> Option<PoolManager::Cluster> {
    use pool_chain::history::RawLog;
    let event = receipt.inner.logs().iter().rev().find_map(|log| {
        pool_chain::ssv::decode_cluster_event(&RawLog {
            address: log.address(),
            topics: log.topics().to_vec(),
            data: log.data().data.clone(),
            // Positions do not matter within one receipt read backwards.
            block_number: Some(alloy::primitives::U64::ZERO),
            log_index: Some(alloy::primitives::U64::ZERO),
        })
    })?;
    let c = event.cluster;
    Some(PoolManager::Cluster {
        validatorCount: c.validator_count,
        networkFeeIndex: c.network_fee_index,
        index: c.index,
        active: c.active,
        balance: c.balance,
    })
}
