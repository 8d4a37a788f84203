// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice What the vault calls to hand ether to the pool.
interface IRewardsReceiver {
    function receiveExecutionRewards() external payable;
}

/// @title Vault of the validators' execution-layer rewards (priority fees, MEV).
/// @notice The pool's SSV clusters name this contract as fee recipient. It takes ether from
///         anyone (block builders pay with plain transfers, proposers with the coinbase credit)
///         and gives it only to the pool manager that created it, which pulls it into the buffer
///         at each oracle report, within the report's bounds. Nobody else can take anything out.
contract RewardsVault {
    /// @notice The pool manager: the only account that can pull, and the only destination.
    address public immutable pool;

    event RewardsReceived(address indexed from, uint256 amount);
    event RewardsPulled(uint256 amount);

    error NotPool(address caller);

    constructor() {
        pool = msg.sender;
    }

    receive() external payable {
        emit RewardsReceived(msg.sender, msg.value);
    }

    /// @notice Sends min(balance, max) to the pool; returns what was sent.
    function pull(uint256 max) external returns (uint256 amount) {
        if (msg.sender != pool) revert NotPool(msg.sender);
        amount = address(this).balance;
        if (amount > max) amount = max;
        if (amount != 0) {
            IRewardsReceiver(pool).receiveExecutionRewards{value: amount}();
            emit RewardsPulled(amount);
        }
    }
}
