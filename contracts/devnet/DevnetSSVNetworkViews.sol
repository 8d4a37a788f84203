// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Cluster} from "../src/interfaces/ISSVNetwork.sol";
import {DevnetSSVNetworkBase} from "./DevnetSSVNetwork.sol";

/// @title Devnet stand-in for SSVNetworkViews (anvil only): the real views' names and answers.
contract DevnetSSVNetworkViews {
    DevnetSSVNetworkBase public immutable ssvNetwork;

    constructor(DevnetSSVNetworkBase network) {
        ssvNetwork = network;
    }

    function getNetworkFee() external view returns (uint256) {
        return uint256(ssvNetwork.networkFeeUnits()) * ssvNetwork.PRECISION();
    }

    function getOperatorFee(uint64 operatorId) external view returns (uint256) {
        return ssvNetwork.operatorFee(operatorId);
    }

    function getLiquidationThresholdPeriod() external view returns (uint64) {
        return ssvNetwork.liquidationThresholdPeriod();
    }

    function getMinimumLiquidationCollateral() external view returns (uint256) {
        return ssvNetwork.minimumLiquidationCollateral();
    }

    function getBalance(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        external
        view
        returns (uint256)
    {
        return ssvNetwork.clusterBalance(clusterOwner, operatorIds, cluster);
    }

    /// @notice The cluster's fees per block: (operator fees + network fee) x validators.
    function getBurnRate(address, uint64[] calldata operatorIds, Cluster memory cluster)
        external
        view
        returns (uint256)
    {
        return ssvNetwork.burnRatePerValidator(operatorIds) * cluster.validatorCount;
    }

    function isLiquidatable(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        external
        view
        returns (bool)
    {
        return ssvNetwork.isLiquidatable(clusterOwner, operatorIds, cluster);
    }
}
