//! Batched `eth_call`s: the console's reads go out as one JSON-RPC batch each (one HTTP request
//! through `fetch`, one round trip through a wallet), and each answer is decoded with the
//! call's own ABI type, so a wrong answer names the getter at fault.

use alloy_primitives::{Address, Bytes};
use alloy_rpc_client::{BatchRequest, RpcClient, Waiter};
use alloy_sol_types::SolCall;
use alloy_transport::TransportResult;

use super::{ChainError, DecodeCause};
use crate::rpc::TxRequest;

/// One JSON-RPC batch being put together; [`Calls::send`] sends it.
pub(super) struct Calls<'a> {
    batch: BatchRequest<'a>,
    /// The block every call of the batch reads (`"latest"`, or a block number).
    block: serde_json::Value,
}

impl<'a> Calls<'a> {
    pub(super) fn new(client: &'a RpcClient) -> Self {
        Calls {
            batch: client.new_batch(),
            block: serde_json::json!("latest"),
        }
    }

    /// A batch whose calls all read block `number`: figures that guard money are read at one
    /// block, whatever lands while the batch is answered.
    pub(super) fn at(client: &'a RpcClient, number: u64) -> Self {
        Calls {
            batch: client.new_batch(),
            block: serde_json::json!(alloy_primitives::U64::from(number)),
        }
    }

    /// Adds `call` on `to` at the batch's block; await the waiter after [`Calls::send`].
    pub(super) fn call<C: SolCall>(
        &mut self,
        to: Address,
        call: &C,
    ) -> Result<Waiter<Bytes>, ChainError> {
        self.batch
            .add_call(
                "eth_call",
                &(TxRequest::call(to, call.abi_encode()), &self.block),
            )
            .map_err(|e| ChainError::Decode {
                what: C::SIGNATURE,
                cause: DecodeCause::Request(e),
            })
    }

    /// Adds `eth_blockNumber`: the block the batch's calls were (almost always) answered at.
    pub(super) fn block_number(&mut self) -> Result<Waiter<alloy_primitives::U64>, ChainError> {
        self.batch
            .add_call("eth_blockNumber", &())
            .map_err(|e| ChainError::Decode {
                what: "eth_blockNumber",
                cause: DecodeCause::Request(e),
            })
    }

    /// Adds another request (`method` with `params`) to the batch, answered as `R`; a block
    /// read (`eth_getBlockByNumber`) names its block itself.
    pub(super) fn raw<R: alloy_json_rpc::RpcRecv>(
        &mut self,
        method: &'static str,
        params: serde_json::Value,
    ) -> Result<Waiter<R>, ChainError> {
        self.batch
            .add_call(method, &params)
            .map_err(|e| ChainError::Decode {
                what: method,
                cause: DecodeCause::Request(e),
            })
    }

    pub(super) async fn send(self) -> Result<(), ChainError> {
        Ok(self.batch.send().await?)
    }
}

/// The decoded return of `C` from its waiter.
pub(super) async fn answer<C: SolCall>(waiter: Waiter<Bytes>) -> Result<C::Return, ChainError> {
    decode::<C>(&waiter.await?)
}

/// The decoded return of `C`, or `on_revert`'s reading of what the call reverted with (some
/// getters revert where others answer "none"); a revert it does not read, a node error
/// without revert data or a transport failure stays a [`ChainError`].
pub(super) async fn answer_or<C: SolCall>(
    waiter: Waiter<Bytes>,
    on_revert: impl Fn(&[u8]) -> Option<C::Return>,
) -> Result<C::Return, ChainError> {
    let answer: TransportResult<Bytes> = waiter.await;
    match answer {
        Ok(data) => decode::<C>(&data),
        Err(error) => {
            let read = error
                .as_error_resp()
                .and_then(|payload| payload.as_revert_data())
                .and_then(|data| on_revert(&data));
            read.ok_or(ChainError::Rpc(error))
        }
    }
}

pub(super) fn decode<C: SolCall>(data: &[u8]) -> Result<C::Return, ChainError> {
    C::abi_decode_returns(data).map_err(|e| ChainError::Decode {
        what: C::SIGNATURE,
        cause: DecodeCause::Abi(e),
    })
}
