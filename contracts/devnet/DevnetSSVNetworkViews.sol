// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Cluster} from "../src/interfaces/ISSVNetwork.sol";
import {DevnetSSVNetworkBase} from "./DevnetSSVNetwork.sol";
import {DevnetSSVNetworkV2} from "./DevnetSSVNetworkV2.sol";

/// @notice The real views' (v2) return type of `getOperatorById`, under the same name so that the
///         stand-in's ABI is the real one.
interface ISSVViewsTypes {
    struct OperatorData {
        address owner;
        uint256 fee;
        uint32 validatorCount;
        address whitelistedAddress;
        bool isPrivate;
        bool isActive;
    }
}

/// @title Devnet stand-in for SSVNetworkViews (anvil only): the real views' names and answers,
///        read from the stand-in network's state.
contract DevnetSSVNetworkViews {
    DevnetSSVNetworkV2 public immutable ssvNetwork;

    error OperatorsListNotUnique();
    error UnsortedOperatorsList();

    constructor(DevnetSSVNetworkV2 network) {
        ssvNetwork = network;
    }

    function getNetworkFee() external view returns (uint256) {
        return uint256(ssvNetwork.networkFeeUnits()) * ssvNetwork.PRECISION();
    }

    function getOperatorFee(uint64 operatorId) external view returns (uint256) {
        return ssvNetwork.operatorFee(operatorId);
    }

    /// @notice As the real views: zeros for an unknown id (no revert); a removed operator keeps
    ///         its owner, with fee and count zeroed and `isActive` false. On v2, `isActive` is
    ///         whether the operator has an ETH snapshot: false for a legacy operator no ETH flow
    ///         touched yet (whose fee reads as the default ETH fee), though registrations with
    ///         it work. `whitelistedAddress` is the legacy single-address whitelist, which no
    ///         function of the v2 network sets any more: always zero here (whitelists are per
    ///         address, see `getWhitelistedOperators`).
    function getOperatorById(uint64 operatorId) external view returns (ISSVViewsTypes.OperatorData memory) {
        (address owner, uint64 fee,,, uint32 validatorCount, bool active, bool isPrivate, bool untouched) =
            ssvNetwork.operators(operatorId);
        return ISSVViewsTypes.OperatorData({
            owner: owner,
            fee: uint256(fee) * ssvNetwork.PRECISION(),
            validatorCount: validatorCount,
            whitelistedAddress: address(0),
            isPrivate: isPrivate,
            isActive: active && !untouched
        });
    }

    /// @notice The operator's SSV side (from before v2). `isActive` is whether it has an SSV
    ///         snapshot, which every operator has until its owner removes it (v2 registrations start
    ///         both snapshots).
    function getOperatorByIdSSV(uint64 operatorId) external view returns (ISSVViewsTypes.OperatorData memory) {
        (address owner,,,,, bool active, bool isPrivate,) = ssvNetwork.operators(operatorId);
        return ISSVViewsTypes.OperatorData({
            owner: owner,
            fee: active ? ssvNetwork.legacySsvFee(operatorId) : 0,
            validatorCount: 0,
            whitelistedAddress: address(0),
            isPrivate: isPrivate,
            isActive: active
        });
    }

    function getValidatorsPerOperatorLimit() external view returns (uint32) {
        return ssvNetwork.validatorsPerOperatorLimit();
    }

    /// @notice Those of `operatorIds` (sorted, as the real views require) whose whitelist holds
    ///         `whitelistedAddress`, in their order; whether they are private does not matter.
    function getWhitelistedOperators(uint64[] calldata operatorIds, address whitelistedAddress)
        external
        view
        returns (uint64[] memory whitelistedOperatorIds)
    {
        if (operatorIds.length == 0 || whitelistedAddress == address(0)) return whitelistedOperatorIds;
        whitelistedOperatorIds = new uint64[](operatorIds.length);
        uint256 count;
        for (uint256 i; i < operatorIds.length; ++i) {
            if (i > 0 && operatorIds[i] <= operatorIds[i - 1]) {
                if (operatorIds[i] == operatorIds[i - 1]) revert OperatorsListNotUnique();
                revert UnsortedOperatorsList();
            }
            if (ssvNetwork.operatorWhitelist(operatorIds[i], whitelistedAddress)) {
                whitelistedOperatorIds[count++] = operatorIds[i];
            }
        }
        // Shrink to the ids found (the real views do the same in assembly).
        assembly {
            mstore(whitelistedOperatorIds, count)
        }
    }

    /// @notice Whether `clusterOwner` registered `publicKey` and has not removed it: the real
    ///         views read the same slot, keyed by (public key, owner), whose low bit is the
    ///         active flag.
    function getValidator(address clusterOwner, bytes calldata publicKey) external view returns (bool) {
        bytes32 data = ssvNetwork.validatorPKs(keccak256(abi.encodePacked(publicKey, clusterOwner)));
        return data & bytes32(uint256(1)) == bytes32(uint256(1));
    }

    function getLiquidationThresholdPeriod() external view returns (uint64) {
        return ssvNetwork.liquidationThresholdPeriod();
    }

    function getMinimumLiquidationCollateral() external view returns (uint256) {
        return ssvNetwork.minimumLiquidationCollateral();
    }

    /// @notice The cluster views revert as the real ones: for a cluster never registered
    ///         (`ClusterDoesNotExist`), a stale snapshot
    ///         (`IncorrectClusterState`), and, for the balance and effective balance, a
    ///         liquidated cluster (`ClusterIsLiquidated`).
    function getBalance(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        external
        view
        returns (uint256)
    {
        return ssvNetwork.clusterBalance(clusterOwner, operatorIds, cluster);
    }

    /// @notice The cluster's fees per block: (operator fees + network fee) x its validator units.
    function getBurnRate(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        external
        view
        returns (uint256)
    {
        return ssvNetwork.clusterBurnRate(clusterOwner, operatorIds, cluster);
    }

    function isLiquidatable(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        external
        view
        returns (bool)
    {
        return ssvNetwork.isLiquidatable(clusterOwner, operatorIds, cluster);
    }

    function isLiquidated(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        external
        view
        returns (bool)
    {
        ssvNetwork.clusterBurnRate(clusterOwner, operatorIds, cluster); // validates the snapshot
        return !cluster.active;
    }

    /// @notice The cluster's effective balance in ETH (32 per validator until a proof).
    function getEffectiveBalance(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        external
        view
        returns (uint32)
    {
        return uint32(ssvNetwork.clusterUnits(clusterOwner, operatorIds, cluster) * 32 / 10_000);
    }

    /// @notice 1 (ETH) for a cluster of this network; reverts for an unknown one.
    function getClusterAssetType(address clusterOwner, uint64[] calldata operatorIds) external view returns (uint8) {
        // No legacy SSV clusters on the devnet: every cluster is an ETH one.
        if (!ssvNetwork.clusterExists(clusterOwner, operatorIds)) revert DevnetSSVNetworkBase.ClusterDoesNotExist();
        return 1;
    }

    function getCommittedRoot(uint64 blockNum) external view returns (bytes32) {
        return ssvNetwork.ebRoots(blockNum);
    }
}
