// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {PoolETH} from "./PoolETH.sol";

/// @title Pool manager of the SSV liquid staking pool.
/// @notice Takes stakers' ether and mints poolETH shares for it. Accounting is kept in storage
///         and never read from `address(this).balance`, so ether forced into the contract
///         (selfdestruct, coinbase) cannot move the share price.
contract PoolManager {
    /// @notice The pool's token, deployed by and bound to this manager.
    PoolETH public immutable poolETH;

    /// @notice Deposited ether not yet sent to the beacon chain.
    uint256 public bufferedEther;

    /// @notice A staker deposited `amount` wei and received `shares`.
    event Deposited(address indexed staker, uint256 amount, uint256 shares);

    error ZeroDeposit();
    /// @notice Plain ether transfers are refused: use deposit(), which mints shares.
    error UseDeposit();

    constructor() {
        poolETH = new PoolETH(address(this));
    }

    /// @notice All the ether the pool accounts for: the basis of every poolETH balance.
    function totalPooledEther() public view returns (uint256) {
        return bufferedEther;
    }

    /// @notice Deposits the sent ether and mints poolETH shares to the sender at the current rate.
    /// @return shares the shares minted.
    function deposit() external payable returns (uint256 shares) {
        if (msg.value == 0) revert ZeroDeposit();
        shares = poolETH.mintForDeposit(msg.sender, msg.value, totalPooledEther());
        bufferedEther += msg.value;
        emit Deposited(msg.sender, msg.value, shares);
    }

    receive() external payable {
        revert UseDeposit();
    }
}
