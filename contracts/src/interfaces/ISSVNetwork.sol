// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice A cluster's state; the network stores only its hash, callers pass the latest snapshot.
struct Cluster {
    uint32 validatorCount;
    uint64 networkFeeIndex;
    uint64 index;
    bool active;
    uint256 balance;
}

/// @notice What both generations share, for the cluster owner.
interface ISSVNetworkOwner {
    /// @notice Where the operators send the execution-layer rewards of the owner's validators.
    function setFeeRecipientAddress(address recipientAddress) external;

    /// @notice Takes `amount` of the cluster's balance back to its owner, in ETH.
    function withdraw(uint64[] calldata operatorIds, uint256 amount, Cluster memory cluster) external;
}

/// @notice SSV network v2 (mainnet and Hoodi): cluster fees are paid in ETH (`msg.value`).
interface ISSVNetworkV2 is ISSVNetworkOwner {
    function registerValidator(
        bytes calldata publicKey,
        uint64[] calldata operatorIds,
        bytes calldata sharesData,
        Cluster memory cluster
    ) external payable;

    function bulkRegisterValidator(
        bytes[] calldata publicKeys,
        uint64[] calldata operatorIds,
        bytes[] calldata sharesData,
        Cluster memory cluster
    ) external payable;

    function deposit(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster) external payable;

    function reactivate(uint64[] calldata operatorIds, Cluster memory cluster) external payable;
}

/// @notice The fee views the pool reads (in ETH, SSV v2).
interface ISSVViews {
    function getNetworkFee() external view returns (uint256);
    function getOperatorFee(uint64 operatorId) external view returns (uint256);
    function getLiquidationThresholdPeriod() external view returns (uint64);
    function getMinimumLiquidationCollateral() external view returns (uint256);
}
