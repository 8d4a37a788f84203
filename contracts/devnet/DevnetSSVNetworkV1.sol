// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {Cluster} from "../src/interfaces/ISSVNetwork.sol";
import {DevnetSSVNetworkBase} from "./DevnetSSVNetwork.sol";

/// @title Devnet SSV network v1.x: cluster fees in the SSV token, pulled with transferFrom.
contract DevnetSSVNetworkV1 is DevnetSSVNetworkBase {
    using SafeERC20 for IERC20;

    IERC20 public immutable token;

    constructor(IERC20 ssvToken, uint256 networkFee, uint64 threshold, uint256 minimumCollateral)
        DevnetSSVNetworkBase(1e7, networkFee, threshold, minimumCollateral)
    {
        token = ssvToken;
    }

    function registerValidator(
        bytes calldata publicKey,
        uint64[] calldata operatorIds,
        bytes calldata sharesData,
        uint256 amount,
        Cluster memory cluster
    ) external {
        token.safeTransferFrom(msg.sender, address(this), amount);
        _register(_one(publicKey), operatorIds, _one(sharesData), amount, cluster);
    }

    function bulkRegisterValidator(
        bytes[] calldata publicKeys,
        uint64[] calldata operatorIds,
        bytes[] calldata sharesData,
        uint256 amount,
        Cluster memory cluster
    ) external {
        token.safeTransferFrom(msg.sender, address(this), amount);
        _register(publicKeys, operatorIds, sharesData, amount, cluster);
    }

    function deposit(address clusterOwner, uint64[] calldata operatorIds, uint256 amount, Cluster memory cluster)
        external
    {
        token.safeTransferFrom(msg.sender, address(this), amount);
        _deposit(clusterOwner, operatorIds, amount, cluster);
    }

    function reactivate(uint64[] calldata operatorIds, uint256 amount, Cluster memory cluster) external {
        token.safeTransferFrom(msg.sender, address(this), amount);
        _reactivate(operatorIds, amount, cluster);
    }

    function _pay(address to, uint256 amount) internal override {
        token.safeTransfer(to, amount);
    }

    /// @dev v1.x takes SSV amounts in steps of its precision.
    function _checkAmount(uint256 amount) internal view override {
        _shrink(amount);
    }

    /// @dev v1.x's name for it (v2 dropped the final s).
    function _revertNoCluster() internal pure override {
        revert ClusterDoesNotExists();
    }

    error ClusterDoesNotExists();
}
