// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {PoolMath} from "./PoolMath.sol";
import {WithdrawalQueue} from "./WithdrawalQueue.sol";

/// @notice The pool manager's getters the staker page reads.
interface IStakerPool {
    function snapshot(address account) external view returns (PoolMath.Snapshot memory);
    function withdrawalQueue() external view returns (WithdrawalQueue);
    function nextReportAt() external view returns (uint256);
    function minReportInterval() external view returns (uint64);
}

/// @notice The ERC-4626 and ERC-20 getters of the wrapper (wpoolETH) and poolETH the page reads.
interface IStakerWrapper {
    function convertToAssets(uint256 shares) external view returns (uint256);
    function balanceOf(address account) external view returns (uint256);
    function allowance(address owner, address spender) external view returns (uint256);
}

/// @notice The shape of the staker page's one read: see `StakerView`.
interface IStakerView {
    struct Reading {
        uint256 timestamp;
        address queueAddress;
        PoolMath.Snapshot pool;
        WithdrawalQueue.Summary queue;
        /// @dev The account's requests, oldest first (none for the zero address).
        WithdrawalQueue.Request[] requests;
        uint256 nextReportAt;
        uint256 reportInterval;
        uint256 minWithdrawal;
        uint256 maxFinalizedPerReport;
        uint256 exitGrace;
        /// @dev The wrapper's figures, zeros without one: `convertToAssets(1e18)`, the
        ///      account's wpoolETH, and its poolETH allowance to the wrapper (for a wrap).
        uint256 wrapperRate;
        uint256 wrapped;
        uint256 wrapperAllowance;
    }

    function read(IStakerPool pool, address poolEth, address account, address wrapper)
        external
        view
        returns (Reading memory);
}

/// @title The staker page's reading, in one `eth_call` at one block.
/// @notice Never deployed. The page sends this contract's creation code with its arguments as an
///         `eth_call` without a recipient (a "deployless" read): the constructor reads the pool,
///         its queue and the wrapper, and returns the reading (ABI-encoded as
///         `IStakerView.read` returns it) in place of code. One request per refresh through a
///         node or a wallet (EIP-1193 has no batches), every figure from the same block, and no
///         getter of ours in the pool's size-limited bytecode.
contract StakerView {
    constructor(IStakerPool pool, address poolEth, address account, address wrapper) {
        bytes memory out = abi.encode(_read(pool, poolEth, account, wrapper));
        assembly {
            return(add(out, 0x20), mload(out))
        }
    }

    function _read(IStakerPool pool, address poolEth, address account, address wrapper)
        private
        view
        returns (IStakerView.Reading memory r)
    {
        WithdrawalQueue queue = pool.withdrawalQueue();
        r.timestamp = block.timestamp;
        r.queueAddress = address(queue);
        r.pool = pool.snapshot(account);
        r.queue = queue.summary();
        if (account != address(0)) r.requests = queue.requestsOf(account);
        r.nextReportAt = pool.nextReportAt();
        r.reportInterval = pool.minReportInterval();
        r.minWithdrawal = queue.MIN_WITHDRAWAL();
        r.maxFinalizedPerReport = queue.MAX_FINALIZED_PER_REPORT();
        r.exitGrace = queue.EXIT_GRACE();
        if (wrapper != address(0)) {
            r.wrapperRate = IStakerWrapper(wrapper).convertToAssets(1 ether);
            if (account != address(0)) {
                r.wrapped = IStakerWrapper(wrapper).balanceOf(account);
                r.wrapperAllowance = IStakerWrapper(poolEth).allowance(account, wrapper);
            }
        }
    }
}
