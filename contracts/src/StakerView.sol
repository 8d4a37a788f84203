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

/// @title The staker page's reading, in one `eth_call` at one block.
/// @notice Never deployed. The page sends this contract's creation code with its arguments as an
///         `eth_call` without a recipient (a "deployless" read): the constructor reads the pool,
///         its queue and the wrapper, and returns the reading in place of code. One request per
///         refresh through a node or a wallet (EIP-1193 has no batches), every figure from the
///         same block, and no getter of ours in the pool's size-limited bytecode.
/// @dev The reading is one ABI-encoded `uint256[]` (a flat list decodes with a few lines in the
///      page's download, where nested structs cost kilobytes), in this order, mirrored by
///      `pool_chain::reads` (LAYOUT there):
///        0 block number, 1 timestamp, 2 the queue's address,
///        3 totalPooledEther, 4 totalShares, 5 bufferedEther, 6 activatedValidators, 7 runway,
///        8 the account's shares, 9 its poolETH (balanceOf), 10 its ETH,
///        11 lastRequestId, 12 lastFinalizedId, 13 unfinalizedEther, 14 validatorsExiting,
///        15 nextReportAt, 16 minReportInterval, 17 MIN_WITHDRAWAL, 18 MAX_FINALIZED_PER_REPORT,
///        19 EXIT_GRACE,
///        20 the wrapper's convertToAssets(1e18), 21 the account's wpoolETH, 22 its poolETH
///           allowance to the wrapper (all 0 without a wrapper),
///        23 the number of the account's requests, then 5 words each, oldest first: id,
///           requestedAt, shares, amount, flags (1 finalized, 2 claimed).
contract StakerView {
    uint256 private constant FIXED = 24;
    uint256 private constant PER_REQUEST = 5;

    constructor(IStakerPool pool, address poolEth, address account, address wrapper) {
        bytes memory out = abi.encode(_read(pool, poolEth, account, wrapper));
        assembly {
            return(add(out, 0x20), mload(out))
        }
    }

    function _read(IStakerPool pool, address poolEth, address account, address wrapper)
        private
        view
        returns (uint256[] memory w)
    {
        WithdrawalQueue queue = pool.withdrawalQueue();
        WithdrawalQueue.Request[] memory requests;
        if (account != address(0)) requests = queue.requestsOf(account);
        w = new uint256[](FIXED + PER_REQUEST * requests.length);
        PoolMath.Snapshot memory s = pool.snapshot(account);
        w[0] = s.blockNumber;
        w[1] = block.timestamp;
        w[2] = uint256(uint160(address(queue)));
        w[3] = s.totalPooledEther;
        w[4] = s.totalShares;
        w[5] = s.bufferedEther;
        w[6] = s.activatedValidators;
        w[7] = s.runway;
        w[8] = s.shares;
        w[9] = s.balance;
        w[10] = s.ethBalance;
        WithdrawalQueue.Summary memory q = queue.summary();
        w[11] = q.lastRequestId;
        w[12] = q.lastFinalizedId;
        w[13] = q.unfinalizedEther;
        w[14] = q.validatorsExiting;
        w[15] = pool.nextReportAt();
        w[16] = pool.minReportInterval();
        w[17] = queue.MIN_WITHDRAWAL();
        w[18] = queue.MAX_FINALIZED_PER_REPORT();
        w[19] = queue.EXIT_GRACE();
        if (wrapper != address(0)) {
            w[20] = IStakerWrapper(wrapper).convertToAssets(1 ether);
            if (account != address(0)) {
                w[21] = IStakerWrapper(wrapper).balanceOf(account);
                w[22] = IStakerWrapper(poolEth).allowance(account, wrapper);
            }
        }
        w[23] = requests.length;
        for (uint256 i; i < requests.length; ++i) {
            WithdrawalQueue.Request memory r = requests[i];
            uint256 first = FIXED + PER_REQUEST * i;
            w[first] = r.id;
            w[first + 1] = r.requestedAt;
            w[first + 2] = r.shares;
            w[first + 3] = r.amount;
            w[first + 4] = (r.finalized ? 1 : 0) | (r.claimed ? 2 : 0);
        }
    }
}
