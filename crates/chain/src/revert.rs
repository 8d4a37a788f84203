//! Custom errors of the pool contracts, decoded from revert data into sentences a staker or the
//! operator can act on. Every error the contracts define has its sentence (the match is
//! exhaustive, so a new error does not compile until it is explained). The SSV network's errors
//! that reach the pool's callers (the pool forwards them) are explained too.

// The core's exact formatting, the one the app shows amounts with (alloy's `utils` would add a
// second formatter to the staker's download, and pads to 18 decimals).
use alloy_sol_types::SolInterface;
use pool_core::units::format_ether_exact as format_ether;

use crate::bindings::WithdrawalQueue::WithdrawalQueueErrors;
use crate::bindings::{PoolETH::PoolETHErrors, PoolManager::PoolManagerErrors};

mod queue;
pub use queue::exit_state_words;

alloy_sol_types::sol! {
    /// The SSV network's errors: every error of the v2 ABI (names and arguments as there;
    /// checked by a test), and nothing else.
    #[derive(Debug, PartialEq, Eq)]
    interface SsvNetwork {
        error ClusterAlreadyEnabled();
        error ClusterDoesNotExist();
        error ClusterIsLiquidated();
        error ClusterNotLiquidatable();
        error IncorrectClusterState();
        error IncorrectValidatorStateWithData(bytes publicKey);
        error InsufficientBalance();
        error InvalidOperatorIdsLength();
        error InvalidPublicKeyLength();
        error MaxPrecisionExceeded();
        error OperatorDoesNotExist();
        error UnsortedOperatorsList();
        error OperatorsListNotUnique();
        error CallerNotWhitelistedWithData(uint64 operatorId);
        error ExceedValidatorLimitWithData(uint64 operatorId);
        error ValidatorAlreadyExistsWithData(bytes publicKey);
        error ZeroAddressNotAllowed();
        error AddressIsWhitelistingContract(address contractAddress);
        error AlreadyVoted();
        error ApprovalNotWithinTimeframe();
        error CallerNotOwner();
        error CallerNotOwnerWithData(address caller, address owner);
        error CallerNotWhitelisted();
        error EBBelowMinimum();
        error EBExceedsMaximum();
        error ETHTransferFailed();
        error EmptyPublicKeysList();
        error ExceedValidatorLimit(uint64 operatorId);
        error FeeExceedsIncreaseLimit();
        error FeeIncreaseNotAllowed();
        error FeeTooHigh();
        error FeeTooLow();
        error FutureBlockNumber();
        error IncorrectClusterVersion();
        error IncorrectOperatorVersion(uint8 operatorVersion);
        error IncorrectValidatorState();
        error InsufficientCSSVSupply();
        error InvalidOperatorFeeIncreaseLimit();
        error InvalidOperatorFeeRange();
        error InvalidOracleId();
        error InvalidProof();
        error InvalidQuorum();
        error InvalidToken();
        error InvalidWhitelistAddressesLength();
        error InvalidWhitelistingContract(address contractAddress);
        error LegacyOperatorFeeDeclarationInvalid();
        error MaxRequestsAmountReached();
        error MaxValueExceeded();
        error MustUseLatestRoot();
        error NewBlockPeriodIsBelowMinimum();
        error NoFeeDeclared();
        error NotCSSV();
        error NotOracle();
        error NothingToClaim();
        error NothingToWithdraw();
        error OperatorAlreadyExists();
        error OracleAlreadyAssigned();
        error PublicKeysSharesLengthMismatch();
        error RootNotFound();
        error SameFeeChangeNotAllowed();
        error SameOracleAddressNotAllowed();
        error StakeTooLow();
        error StaleBlockNumber();
        error StaleUpdate();
        error TargetModuleDoesNotExist();
        error TargetModuleDoesNotExistWithData(uint8 moduleId);
        error TokenTransferFailed();
        error UnstakeAmountExceedsBalance();
        error UpdateTooFrequent();
        error ValidatorAlreadyExists();
        error ValidatorAlreadyRegistered(bytes publicKey, address owner);
        error ValidatorDoesNotExist();
        error ZeroAddress();
        error ZeroAmount();
        error ZeroCSSVSupply();
    }
}

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
            ContractError::Pool(e) => explain_manager(e),
            ContractError::Token(e) => explain_token(e),
            ContractError::Queue(e) => queue::explain_queue(e),
            ContractError::Ssv(e) => explain_ssv(e),
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

fn explain_ssv(error: SsvNetwork::SsvNetworkErrors) -> String {
    use SsvNetwork::SsvNetworkErrors as E;
    match error {
        E::ClusterAlreadyEnabled(_) => {
            "This cluster is active already: nothing to reactivate.".into()
        }
        E::ClusterDoesNotExist(_) => {
            "The SSV network has no cluster of this owner with these operators.".into()
        }
        E::ClusterIsLiquidated(_) => {
            "This cluster was liquidated: reactivate it before adding validators or funds.".into()
        }
        E::ClusterNotLiquidatable(_) => {
            "This cluster holds enough to cover its collateral: it cannot be liquidated.".into()
        }
        E::IncorrectClusterState(_) => "The cluster snapshot is out of date (the cluster changed \
            since it was read): rebuild it from the latest events and try again."
            .into(),
        E::IncorrectValidatorStateWithData(e) => format!(
            "Validator 0x{} is not registered with these operators for the pool.",
            alloy_primitives::hex::encode(&e.publicKey)
        ),
        E::InsufficientBalance(_) => "This would leave the cluster below its liquidation \
            collateral: fund it with more."
            .into(),
        E::InvalidOperatorIdsLength(_) => "A cluster has 4, 7, 10 or 13 operators.".into(),
        E::InvalidPublicKeyLength(_) => "A validator public key is 48 bytes.".into(),
        E::MaxPrecisionExceeded(_) => {
            "The SSV network takes amounts in steps of its precision: round the amount.".into()
        }
        E::OperatorDoesNotExist(_) => "One of these operators does not exist.".into(),
        E::UnsortedOperatorsList(_) => "Operator ids must be sorted and unique.".into(),
        E::OperatorsListNotUnique(_) => "An operator id appears twice in the set.".into(),
        E::CallerNotWhitelistedWithData(e) => format!(
            "Operator {} is private and does not whitelist the pool: it refuses the pool's validators.",
            e.operatorId
        ),
        E::ExceedValidatorLimitWithData(e) => format!(
            "Operator {} runs as many validators as the SSV network allows: it takes no more.",
            e.operatorId
        ),
        E::ValidatorAlreadyExistsWithData(e) => format!(
            "Validator 0x{} is registered on the SSV network already.",
            alloy_primitives::hex::encode(&e.publicKey)
        ),
        E::ZeroAddressNotAllowed(_) | E::ZeroAddress(_) => {
            "The zero address is not allowed here.".into()
        }
        E::IncorrectClusterVersion(_) => "This cluster pays its fees in the other asset (a \
            legacy SSV cluster or an ETH one): it must be migrated to ETH first, or called \
            with the other asset's function."
            .into(),
        E::ETHTransferFailed(_) => {
            "The SSV network could not send the ETH: the receiver refused it.".into()
        }
        E::TokenTransferFailed(_) => "The SSV network's token transfer failed.".into(),
        E::EBBelowMinimum(_) => {
            "The effective balance given is below 32 ETH per validator of the cluster.".into()
        }
        E::EBExceedsMaximum(_) => {
            "The effective balance given is above 2048 ETH per validator of the cluster.".into()
        }
        E::InvalidProof(_) => "The effective-balance proof does not match the committed root.".into(),
        E::RootNotFound(_) => "No effective-balance root was committed at that block.".into(),
        E::StaleUpdate(_) => "This cluster's effective balance was updated from a newer root already.".into(),
        E::UpdateTooFrequent(_) => {
            "This cluster's effective balance was updated too recently: wait some blocks.".into()
        }
        E::MustUseLatestRoot(_) => "Only the latest committed effective-balance root is accepted.".into(),
        E::FutureBlockNumber(_) => "That block number is in the future.".into(),
        E::StaleBlockNumber(_) => "That block number is older than the latest committed root.".into(),
        E::EmptyPublicKeysList(_) => "No validator public key was given.".into(),
        E::PublicKeysSharesLengthMismatch(_) => {
            "The number of key shares differs from the number of public keys.".into()
        }
        E::ValidatorAlreadyExists(_) => "A validator is registered on the SSV network already.".into(),
        E::ValidatorAlreadyRegistered(e) => format!(
            "Validator 0x{} is registered on the SSV network already, by {}.",
            alloy_primitives::hex::encode(&e.publicKey),
            e.owner
        ),
        E::ValidatorDoesNotExist(_) => "That validator is not registered on the SSV network.".into(),
        E::IncorrectValidatorState(_) => {
            "That validator is not registered with these operators for this owner.".into()
        }
        E::ExceedValidatorLimit(e) => format!(
            "Operator {} runs as many validators as the SSV network allows: it takes no more.",
            e.operatorId
        ),
        E::CallerNotWhitelisted(_) => {
            "A private operator of this set does not whitelist the sender.".into()
        }
        E::CallerNotOwner(_) => "Only the owner may do this on the SSV network.".into(),
        E::CallerNotOwnerWithData(e) => {
            format!("{} is not the owner ({}) on the SSV network.", e.caller, e.owner)
        }
        E::AddressIsWhitelistingContract(SsvNetwork::AddressIsWhitelistingContract {
            contractAddress,
        })
        | E::InvalidWhitelistingContract(SsvNetwork::InvalidWhitelistingContract {
            contractAddress,
        }) => format!("{contractAddress} cannot be used as an operator whitelist here."),
        E::InvalidWhitelistAddressesLength(_) => "No whitelist address was given.".into(),
        E::OperatorAlreadyExists(_) => "An operator with this public key exists already.".into(),
        E::IncorrectOperatorVersion(e) => {
            format!("Operator earnings of version {} do not exist.", e.operatorVersion)
        }
        E::FeeTooLow(_) => "The operator fee is below the network's minimum.".into(),
        E::FeeTooHigh(_) => "The operator fee is above the network's maximum.".into(),
        E::FeeExceedsIncreaseLimit(_) => {
            "The operator fee rises more than the network allows at once.".into()
        }
        E::FeeIncreaseNotAllowed(_) => "This operator's fee cannot be raised this way.".into(),
        E::SameFeeChangeNotAllowed(_) => "The operator fee is that already.".into(),
        E::NoFeeDeclared(_) => "No operator fee change was declared.".into(),
        E::ApprovalNotWithinTimeframe(_) => {
            "The declared operator fee can be executed only within its approval window.".into()
        }
        E::LegacyOperatorFeeDeclarationInvalid(_) => {
            "A fee declared before the SSV network moved to ETH cannot be executed: declare it again."
                .into()
        }
        E::InvalidOperatorFeeIncreaseLimit(_) | E::InvalidOperatorFeeRange(_) => {
            "The operator fee bounds given are invalid.".into()
        }
        E::MaxValueExceeded(_) => "A value is above what the SSV network accepts.".into(),
        E::NewBlockPeriodIsBelowMinimum(_) => "The period given is below the network's minimum.".into(),
        E::TargetModuleDoesNotExist(_) => "That SSV network module does not exist.".into(),
        E::TargetModuleDoesNotExistWithData(e) => {
            format!("SSV network module {} does not exist.", e.moduleId)
        }
        E::NotOracle(_) => "Only an effective-balance oracle may do this.".into(),
        E::AlreadyVoted(_) => "This oracle voted for that root already.".into(),
        E::InvalidOracleId(_) => "No such effective-balance oracle.".into(),
        E::InvalidQuorum(_) => "The oracle quorum given is invalid.".into(),
        E::OracleAlreadyAssigned(_) | E::SameOracleAddressNotAllowed(_) => {
            "That oracle address is assigned already.".into()
        }
        E::InvalidToken(_) | E::NotCSSV(_) => "That token is not the one the SSV network takes here.".into(),
        E::InsufficientCSSVSupply(_) | E::ZeroCSSVSupply(_) => {
            "There is not enough staked SSV (cSSV) for this.".into()
        }
        E::StakeTooLow(_) => "The SSV stake is below the minimum.".into(),
        E::UnstakeAmountExceedsBalance(_) => "More SSV was asked to unstake than is staked.".into(),
        E::MaxRequestsAmountReached(_) => "Too many unstake requests are pending.".into(),
        E::NothingToClaim(_) => "There are no staking rewards to claim.".into(),
        E::NothingToWithdraw(_) => "There is nothing to withdraw.".into(),
        E::ZeroAmount(_) => "The amount is zero.".into(),
    }
}

fn explain_manager(error: PoolManagerErrors) -> String {
    use PoolManagerErrors as E;
    match error {
        E::ZeroDeposit(_) => "The pool refused an amount of zero.".into(),
        E::UseDeposit(_) => "The pool refuses plain transfers: use the deposit button.".into(),
        E::DepositsArePaused(_) => {
            "Deposits are paused by the pool's admin while an incident is looked into.".into()
        }
        E::RoleGrantDelayed(_) => {
            "Roles are granted in two steps: propose the grant, then execute it after its delay."
                .into()
        }
        E::NoPendingGrant(e) => format!("No grant of role {} to {} is pending.", e.role, e.account),
        E::RoleGrantNotReady(e) => format!(
            "The proposed grant can be executed from chain time {} and block {}.",
            e.readyAt, e.readyBlock
        ),
        E::BelowSafeMinimum(e) => format!(
            "The {} ({}) is below its safe minimum ({}) for a real network.",
            match e.setting {
                0 => "activation delay in blocks",
                1 => "minimum report interval in seconds",
                _ => "admin transfer delay in seconds",
            },
            e.given,
            e.minimum
        ),
        E::FundingBelowFloor(e) => format!(
            "The SSV funding per validator ({}) is below the pool's floor ({}): the network fee \
            for the runway plus the minimum liquidation collateral.",
            format_ether(e.given),
            format_ether(e.floor)
        ),
        E::ZeroAddress(_) => "An address given to the pool is the zero address.".into(),
        E::InvalidRunway(_) => "The runway must be at least one block.".into(),
        E::InvalidBounds(_) => "Report bounds must be above zero, at most 100 % a year up and \
            10 % a day down."
            .into(),
        E::InvalidReportInterval(_) => {
            "The minimum time between oracle reports must be at least one second.".into()
        }
        E::InvalidPubkeyLength(e) => {
            format!("Validator {}: the public key is not 48 bytes.", e.index)
        }
        E::InvalidSignatureLength(e) => format!(
            "Validator {}: the deposit signature is not 96 bytes.",
            e.index
        ),
        E::InvalidOperatorIds(e) => format!(
            "Validator {}: operator ids must be 4, 7, 10 or 13 distinct ids in ascending order.",
            e.index
        ),
        E::InvalidSharesLength(e) => format!(
            "Validator {}: the key shares are {} bytes where this operator set needs {}.",
            e.index, e.actual, e.expected
        ),
        E::InvalidDepositDataRoot(e) => format!(
            "Validator {}: the deposit data root {} is not the root of its key and signature with \
            the pool's withdrawal credentials and 32 ETH ({}): this deposit data was made for \
            other credentials or another amount.",
            e.index, e.given, e.expected
        ),
        E::BlsPointsCountMismatch(e) => format!(
            "{} entries came with {} sets of uncompressed points: each entry needs its own.",
            e.entries, e.points
        ),
        E::BlsPointsMismatch(e) => format!(
            "Validator {}: the uncompressed points sent with it are not its public key and \
            deposit signature (the key or the signature is not a valid BLS12-381 point).",
            e.index
        ),
        E::InvalidBlsPoint(e) => format!(
            "Validator {}: its public key or deposit signature is not a valid BLS12-381 point \
            (off the curve or outside its subgroup): the beacon chain would refuse the deposit.",
            e.index
        ),
        E::InvalidDepositSignature(e) => format!(
            "Validator {}: the deposit signature does not sign a 32 ETH deposit to the pool's \
            withdrawal credentials on this network (a wrong key, other credentials, or deposit \
            data made for another network): the beacon chain would ignore the deposit and the \
            32 ETH would be lost.",
            e.index
        ),
        E::DuplicateValidator(e) => format!("Validator {} is already in the registry.", e.pubkey),
        E::DroppedValidator(e) => format!(
            "Validator {} was dropped from the registry and can never be added again.",
            e.pubkey
        ),
        E::NothingToDrop(e) => format!(
            "Nothing to drop from index {}: only pending entries ({} to {}) can be dropped.",
            e.fromIndex,
            e.firstPending,
            e.length.saturating_sub(alloy_primitives::U256::from(1))
        ),
        E::ValidatorNotReady(e) => format!(
            "Validator {} was added too recently: it can be activated from block {}.",
            e.index, e.readyAt
        ),
        E::NotOperatorOrAdmin(e) => {
            format!("{} is neither the pool operator nor its admin.", e.caller)
        }
        E::NotOperatorOrKeeper(e) => {
            format!("{} is neither the pool operator nor its keeper.", e.caller)
        }
        E::ZeroCount(_) => "Choose at least one validator to activate.".into(),
        E::NotEnoughValidators(e) => format!(
            "Only {} validators are waiting in the registry; {} were asked for.",
            e.pending, e.requested
        ),
        E::InsufficientBuffer(e) => format!(
            "The pool holds {} ETH of deposits; activating needs {} ETH.",
            format_ether(e.buffered),
            format_ether(e.needed)
        ),
        E::InsufficientFeeReserve(e) => format!(
            "The fee reserve holds {} but this needs {}: top it up first.",
            format_ether(e.reserve),
            format_ether(e.needed)
        ),
        E::DepositCountChanged(_) => {
            "Someone deposited to the beacon deposit contract since you looked: \
            check that none of these keys was front-run, then try again."
                .into()
        }
        E::ValidatorDataMismatch(e) => format!(
            "These are not the next {} validators of the registry (from index {}) exactly as \
            registered: activate in registry order, with the data the registry holds.",
            e.count, e.first
        ),
        E::MixedOperatorSets(e) => format!(
            "Validator {} uses another operator set: activate one operator set at a time.",
            e.index
        ),
        E::BulkLimitExceeded(e) => format!(
            "The SSV network takes at most {} validators of this operator set per transaction ({} asked).",
            e.limit, e.count
        ),
        E::EtherTransferFailed(e) => format!("{} refused the ether sent to it.", e.to),
        E::StaleReport(e) => format!(
            "The report's time ({}) is not after the last report ({}) or is in the future.",
            e.timestamp, e.lastTimestamp
        ),
        E::ReportTooSoon(e) => format!(
            "Too soon after the last report: the next one is accepted from {} (chain time).",
            e.nextAllowedAt
        ),
        E::BalanceWithoutValidators(e) => format!(
            "The report gives a beacon balance of {} ETH but no validator of the pool on the beacon chain.",
            format_ether(e.balance)
        ),
        E::NotWithdrawalQueue(e) => {
            format!(
                "Only the pool's withdrawal queue may do this ({}).",
                e.caller
            )
        }
        E::ExitCallRefused(e) => format!(
            "The pool makes only SSV exit and removal calls and EIP-7002 requests for the queue              (refused: {} to {}).",
            e.selector, e.target
        ),
        E::NotRewardsVault(e) => format!(
            "Only the pool's rewards vault pays rewards in ({}).",
            e.caller
        ),
        E::WriteOffRefused(e) => format!(
            "A write-off needs a report of a beacon state from chain time {} on (60 days after the \
             pool's last activation) and between 1 and {} validators (those in transit).",
            e.notBefore, e.inTransit
        ),
        E::InvalidValidatorCount(e) => format!(
            "The report counts {} validators; it must be between {} and {} (activated).",
            e.reported, e.previous, e.activated
        ),
        E::AccessControlUnauthorizedAccount(e) => {
            format!(
                "{} lacks the role this action needs ({}).",
                e.account, e.neededRole
            )
        }
        E::AccessControlBadConfirmation(_) => {
            "Only the account itself can renounce its role.".into()
        }
        E::AccessControlEnforcedDefaultAdminRules(_) => {
            "The admin role moves only through the two-step transfer (begin, wait, accept).".into()
        }
        E::AccessControlEnforcedDefaultAdminDelay(e) => format!(
            "The admin transfer's delay has not passed: it can be accepted from {} (chain time).",
            e.schedule
        ),
        E::AccessControlInvalidDefaultAdmin(e) => {
            format!("{} is not the pending admin of the pool.", e.defaultAdmin)
        }
        E::ReentrancyGuardReentrantCall(_) => "The pool refused a re-entrant call.".into(),
        E::SafeCastOverflowedUintDowncast(e) => {
            format!(
                "{} does not fit the pool's accounting ({} bits).",
                e.value, e.bits
            )
        }
    }
}

fn explain_token(error: PoolETHErrors) -> String {
    use PoolETHErrors as E;
    match error {
        E::NoSharesMinted(e) => {
            format!(
                "{} wei is too small to buy a single share at the current rate.",
                e.amount
            )
        }
        E::EmptyPoolWithShares(_) => {
            "The pool has shares outstanding but no ether: deposits are paused.".into()
        }
        E::InsufficientShares(_) => "The balance is too low for this transfer.".into(),
        E::InsufficientAllowance(_) => "The allowance is too low.".into(),
        E::NotManager(_) => "Only the pool manager may mint poolETH.".into(),
        E::NotWithdrawalQueue(_) => {
            "Only the pool's withdrawal queue may lock or burn poolETH for a withdrawal.".into()
        }
        E::ZeroAddress(_) => "That address cannot receive poolETH.".into(),
        E::TransferToPoolContract(_) => {
            "The pool's own contracts cannot receive poolETH by transfer: it would be lost (ask for a withdrawal instead).".into()
        }
        // EIP-2612 permit (issue 17).
        E::ERC2612ExpiredSignature(_) => {
            "The signed permit has expired: sign a new one.".into()
        }
        E::ERC2612InvalidSigner(_) | E::ECDSAInvalidSignature(_) => {
            "The permit was not signed by the owner for this token on this chain (or its nonce was already used).".into()
        }
        E::ECDSAInvalidSignatureLength(_) | E::ECDSAInvalidSignatureS(_) => {
            "The permit's signature is malformed.".into()
        }
        E::InvalidAccountNonce(_) => "The permit's nonce was already used.".into(),
    }
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
