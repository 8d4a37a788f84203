// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Cluster} from "./ISSVNetwork.sol";

/// @notice What the withdrawal queue reads from and asks of the pool manager.
interface IPoolForQueue {
    function totalPooledEther() external view returns (uint256);
    function bufferedEther() external view returns (uint88);
    function activatedValidators() external view returns (uint24);
    function ssvNetwork() external view returns (address);
    function hasRole(bytes32 role, address account) external view returns (bool);
    /// @dev The registry index of `pubkey`, type(uint256).max if not registered (or dropped).
    function indexOf(bytes calldata pubkey) external view returns (uint256);
    /// @dev The pool, as the validators' cluster owner and withdrawal address, makes the call
    ///      `data` to `target` (the SSV network's exit and removal functions, or the EIP-7002
    ///      contract), paying `fee` from its fee reserve.
    function forwardExit(address target, uint256 fee, bytes calldata data) external;
}

/// @notice The poolETH functions reserved to the queue.
interface IPoolSharesForQueue {
    function totalShares() external view returns (uint256);
    function lockForWithdrawal(address owner, address spender, uint256 amount) external returns (uint256);
    function burnFinalized(uint256 sharesAmount, uint256 amount) external;
}

/// @notice The SSV network's exit and removal calls (ISSVClusters / ISSVValidators, v2).
interface ISSVExits {
    function exitValidator(bytes calldata publicKey, uint64[] calldata operatorIds) external;
    function bulkExitValidator(bytes[] calldata publicKeys, uint64[] calldata operatorIds) external;
    function removeValidator(bytes calldata publicKey, uint64[] calldata operatorIds, Cluster memory cluster) external;
    function bulkRemoveValidator(bytes[] calldata publicKeys, uint64[] calldata operatorIds, Cluster memory cluster)
        external;
}
