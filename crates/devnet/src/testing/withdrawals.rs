//! Shortcuts for the withdrawal queue: its handle, a request, the queue's custom errors.

use alloy::primitives::{Address, U256};
use alloy::providers::DynProvider;
use alloy::rpc::types::TransactionReceipt;
use anyhow::{Context, Result, ensure};
pub use pool_chain::bindings::WithdrawalQueue::WithdrawalQueueErrors;
use pool_chain::bindings::WithdrawalQueue::{self, WithdrawalQueueInstance};

use crate::Devnet;

impl Devnet {
    /// The withdrawal queue, sending from anvil's account #0 unless told otherwise.
    pub fn queue(&self) -> WithdrawalQueueInstance<DynProvider> {
        WithdrawalQueue::new(self.deployment.withdrawal_queue, self.provider())
    }

    /// `from` requests `amount` of its poolETH back; the request's id and the receipt.
    pub async fn request_withdrawal(
        &self,
        from: Address,
        amount: U256,
    ) -> Result<(U256, TransactionReceipt)> {
        let receipt = self
            .queue()
            .requestWithdrawal(amount)
            .from(from)
            .send()
            .await?
            .get_receipt()
            .await?;
        ensure!(receipt.status(), "requestWithdrawal reverted");
        let requested = receipt
            .decoded_log::<WithdrawalQueue::WithdrawalRequested>()
            .context("a WithdrawalRequested event")?;
        Ok((requested.data.id, receipt))
    }
}

/// The queue's custom error a call reverted with; panics when it is not one.
pub fn queue_error(error: alloy::contract::Error) -> WithdrawalQueueErrors {
    error
        .as_decoded_interface_error::<WithdrawalQueueErrors>()
        .unwrap_or_else(|| panic!("not a queue error: {error:?}"))
}

/// Asserts that a queue call (a `CallBuilder`, before `.call()`) reverts with `Variant`.
#[macro_export]
macro_rules! assert_queue_error {
    ($call:expr, $variant:ident) => {{
        let error = $call
            .call()
            .await
            .expect_err(concat!("expected a revert with ", stringify!($variant)));
        let decoded = $crate::testing::withdrawals::queue_error(error);
        assert!(
            matches!(
                decoded,
                $crate::testing::withdrawals::WithdrawalQueueErrors::$variant(_)
            ),
            "expected {}, got {decoded:?}",
            stringify!($variant)
        );
    }};
}
