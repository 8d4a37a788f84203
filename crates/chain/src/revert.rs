//! Custom errors of the pool contracts, decoded from revert data into sentences a staker or the
//! operator can act on. Every error the contracts define has its sentence (the match is
//! exhaustive, so a new error does not compile until it is explained). The SSV network's errors
//! that reach the pool's callers (the pool forwards them) are explained too.

use alloy_sol_types::SolInterface;

use crate::bindings::WithdrawalQueue::WithdrawalQueueErrors;
use crate::bindings::{PoolETH::PoolETHErrors, PoolManager::PoolManagerErrors};

// One module per contract: each error's sentence sits beside its contract's other errors.
mod manager;
mod queue;
mod ssv;
mod token;

pub use queue::exit_state_words;
pub use ssv::SsvNetwork;

/// A custom error of the pool's contracts or of the SSV network behind them, decoded from revert
/// data, so that callers can react to it (re-read the chain and try again after a stale cluster
/// snapshot or a moved deposit count); `Display` gives the sentence a person reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContractError {
    Pool(PoolManagerErrors),
    Token(PoolETHErrors),
    Queue(WithdrawalQueueErrors),
    Ssv(SsvNetwork::SsvNetworkErrors),
}

impl ContractError {
    /// The error in revert `data`, when it is one the pool's contracts or the SSV network define.
    pub fn decode(data: &[u8]) -> Option<Self> {
        if let Ok(error) = PoolManagerErrors::abi_decode(data) {
            return Some(ContractError::Pool(error));
        }
        if let Ok(error) = PoolETHErrors::abi_decode(data) {
            return Some(ContractError::Token(error));
        }
        if let Ok(error) = WithdrawalQueueErrors::abi_decode(data) {
            return Some(ContractError::Queue(error));
        }

        SsvNetwork::SsvNetworkErrors::abi_decode(data)
            .ok()
            .map(ContractError::Ssv)
    }

    /// The transaction was built from a reading the chain has since moved past: read again
    /// (the cluster's snapshot, the deposit count) and retry.
    pub fn is_stale_reading(&self) -> bool {
        matches!(
            self,
            ContractError::Pool(PoolManagerErrors::DepositCountChanged(_))
                | ContractError::Ssv(SsvNetwork::SsvNetworkErrors::IncorrectClusterState(_))
        )
    }
}

impl std::fmt::Display for ContractError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&match self.clone() {
            ContractError::Pool(e) => manager::explain_manager(e),
            ContractError::Token(e) => token::explain_token(e),
            ContractError::Queue(e) => queue::explain_queue(e),
            ContractError::Ssv(e) => ssv::explain_ssv(e),
        })
    }
}

impl std::error::Error for ContractError {}

/// The contract error in revert `data` (see [`ContractError::decode`]).
pub fn decode(data: &[u8]) -> Option<ContractError> {
    ContractError::decode(data)
}

/// Explains revert `data` when it is one of the pool's custom errors or the SSV network's.
pub fn explain_revert(data: &[u8]) -> Option<String> {
    ContractError::decode(data).map(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_sol_types::SolError;

    #[test]
    fn the_queue_errors_are_put_into_words() {
        use crate::bindings::WithdrawalQueue;
        use alloy_primitives::U256;
        for (error, words) in [
            (
                WithdrawalQueue::NotFinalized {
                    id: U256::from(3),
                    lastFinalizedId: U256::from(1),
                }
                .abi_encode(),
                "Request 3 is still waiting",
            ),
            (
                WithdrawalQueue::AlreadyClaimed { id: U256::from(2) }.abi_encode(),
                "claimed already",
            ),
            (
                WithdrawalQueue::ExitsNotNeeded {
                    asked: U256::from(3),
                    needed: U256::from(1),
                }
                .abi_encode(),
                "needs 1 more exits",
            ),
        ] {
            let said = explain_revert(&error).unwrap();
            assert!(said.contains(words), "{said}");
        }
    }

    #[test]
    fn every_v2_error_is_decoded_and_nothing_else() {
        let v2 = crate::reference::signatures("ssv-network-v2.abi.json", "error");
        let ours: Vec<[u8; 4]> = SsvNetwork::SsvNetworkErrors::SELECTORS.to_vec();
        for signature in &v2 {
            let selector = alloy_primitives::keccak256(signature.as_bytes());
            assert!(
                ours.contains(&selector[..4].try_into().unwrap()),
                "{signature} of the v2 ABI is decoded"
            );
        }
        assert_eq!(ours.len(), v2.len(), "nothing beside the v2 ABI");
        for (error, words) in [
            (
                SsvNetwork::IncorrectClusterVersion {}.abi_encode(),
                "other asset",
            ),
            (
                SsvNetwork::ETHTransferFailed {}.abi_encode(),
                "could not send the ETH",
            ),
            (
                SsvNetwork::ClusterDoesNotExist {}.abi_encode(),
                "no cluster",
            ),
            (SsvNetwork::InvalidProof {}.abi_encode(), "proof"),
        ] {
            let said = explain_revert(&error).unwrap();
            assert!(said.contains(words), "{said}");
        }
    }

    #[test]
    fn the_ssv_errors_explained_are_the_real_networks() {
        use SsvNetwork::*;
        let ours = [
            ClusterAlreadyEnabled::SIGNATURE,
            ClusterDoesNotExist::SIGNATURE,
            ClusterIsLiquidated::SIGNATURE,
            ClusterNotLiquidatable::SIGNATURE,
            IncorrectClusterState::SIGNATURE,
            IncorrectValidatorStateWithData::SIGNATURE,
            InsufficientBalance::SIGNATURE,
            InvalidOperatorIdsLength::SIGNATURE,
            InvalidPublicKeyLength::SIGNATURE,
            MaxPrecisionExceeded::SIGNATURE,
            OperatorDoesNotExist::SIGNATURE,
            UnsortedOperatorsList::SIGNATURE,
            OperatorsListNotUnique::SIGNATURE,
            CallerNotWhitelistedWithData::SIGNATURE,
            ExceedValidatorLimitWithData::SIGNATURE,
            ValidatorAlreadyExistsWithData::SIGNATURE,
            ZeroAddressNotAllowed::SIGNATURE,
        ];
        let v2 = crate::reference::signatures("ssv-network-v2.abi.json", "error");
        for signature in ours {
            assert!(
                v2.iter().any(|s| s == signature),
                "{signature} in the v2 ABI"
            );
        }
    }

    #[test]
    fn a_refused_deposit_signature_names_its_entry() {
        use crate::bindings::PoolManager;
        let index = alloy_primitives::U256::from(3);
        let data = PoolManager::InvalidDepositSignature { index }.abi_encode();
        let text = explain_revert(&data).unwrap();
        assert!(text.starts_with("Validator 3:"), "{text}");
        assert!(text.contains("32 ETH would be lost"), "{text}");
        let data = PoolManager::InvalidBlsPoint { index }.abi_encode();
        assert!(
            explain_revert(&data)
                .unwrap()
                .contains("not a valid BLS12-381 point")
        );
    }

    #[test]
    fn a_stale_cluster_snapshot_is_explained() {
        let data = SsvNetwork::IncorrectClusterState {}.abi_encode();
        assert!(
            explain_revert(&data)
                .unwrap()
                .contains("snapshot is out of date")
        );
    }
}
