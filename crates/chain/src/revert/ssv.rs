//! The SSV network's errors that reach the pool's callers (the pool forwards them), in words.

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

pub(super) fn explain_ssv(error: SsvNetwork::SsvNetworkErrors) -> String {
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
