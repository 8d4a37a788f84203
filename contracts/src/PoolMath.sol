// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ISSVViews} from "./interfaces/ISSVNetwork.sol";

/// @notice The pool manager's getters the snapshot reads.
interface IPoolFigures {
    function totalPooledEther() external view returns (uint256);
    function bufferedEther() external view returns (uint88);
    function activatedValidators() external view returns (uint24);
    function runway() external view returns (uint64);
    function poolETH() external view returns (IPoolShares);
}

/// @notice poolETH's getters the snapshot reads.
interface IPoolShares {
    function totalShares() external view returns (uint256);
    function sharesOf(address account) external view returns (uint256);
    function balanceOf(address account) external view returns (uint256);
}

/// @title The pool manager's calculations: an oracle report's outcome within the bounds, and the
///        SSV funding quote.
/// @notice A calculator the pool manager deploys and calls (it holds no state and moves
///         nothing); split out of the manager to keep it under the EIP-170 code size limit.
/// @dev The truth the oracle states is never refused for being too far: the move it implies is
///      applied clamped to the bounds and the rest is carried, because the pool keeps its own
///      accounted beacon balance and compares every report with it. A gain beyond the bound
///      leaves the accounted balance below the reported one (or reported withdrawals not yet
///      in the buffer, which later reports credit as spare ether); a loss beyond the bound
///      leaves it above. Each later report then measures the difference again and applies what
///      its own bounds allow, until the accounts meet the truth.
contract PoolMath {
    uint256 private constant BPS = 10_000;
    uint256 private constant SECONDS_PER_YEAR = 365 days;
    uint256 private constant SECONDS_PER_DAY = 1 days;
    /// @dev SSV v2 stores ETH amounts in units of 1e5 wei.
    uint256 private constant ETH_FEE_PRECISION = 1e5;

    /// @notice Everything the staker page shows, read in one call (`PoolManager.snapshot`).
    struct Snapshot {
        uint256 blockNumber;
        uint256 totalPooledEther;
        uint256 totalShares;
        uint256 bufferedEther;
        uint256 activatedValidators;
        uint256 runway;
        uint256 shares;
        uint256 balance;
        uint256 ethBalance;
    }

    /// @notice What the pool knows when a report arrives (wei, seconds, basis points).
    struct Input {
        /// @dev Total pooled ether before the report: the base of both bounds (no floor, so
        ///      a pool of a few wei can grow by a few wei: no first-depositor inflation).
        uint256 before;
        /// @dev The accounted beacon balance plus 32 ETH per newly seen validator.
        uint256 expected;
        /// @dev The beacon balance the oracle reports.
        uint256 balance;
        /// @dev Beacon withdrawals reported since the last report (a delta).
        uint256 newWithdrawals;
        /// @dev Ether the pool holds beyond its buffer and (SSV v2) its fee reserve.
        uint256 unaccounted;
        /// @dev The rewards vault's balance.
        uint256 vault;
        /// @dev Chain time since the last report.
        uint256 elapsed;
        uint256 aprBps;
        uint256 lossBps;
    }

    /// @notice What the pool books.
    struct Outcome {
        /// @dev The new accounted beacon balance.
        uint256 beaconBalance;
        /// @dev Ether moved from the pool's own balance into the buffer: reported withdrawals
        ///      and spare ether.
        uint256 fromPool;
        /// @dev The part of `fromPool` that no reported withdrawal explains (coinbase payments,
        ///      self-destructs, withdrawals the oracle has not reported yet).
        uint256 spareEther;
        /// @dev Ether to pull from the rewards vault.
        uint256 fromVault;
    }

    /// @notice The report's outcome. The total moves by at most `aprBps` a year up (pro rata of
    ///         `elapsed`) and `lossBps` a day down (pro rata of `elapsed`, at most a day's worth
    ///         per report), both of `before`. The beacon side (balance + withdrawals that
    ///         arrived) is applied first; the vault, then spare ether, fill the room up that is
    ///         left (so they may offset a loss); what does not fit waits.
    function settle(Input calldata r) external pure returns (Outcome memory o) {
        uint256 up = (r.before * r.aprBps * r.elapsed) / (BPS * SECONDS_PER_YEAR);
        uint256 day = r.elapsed < SECONDS_PER_DAY ? r.elapsed : SECONDS_PER_DAY;
        uint256 down = (r.before * r.lossBps * day) / (BPS * SECONDS_PER_DAY);
        // Only withdrawals that reached the pool: one the oracle claims beyond it was counted
        // before (as spare ether) or never arrived; either way it brings nothing now.
        uint256 backed = r.newWithdrawals < r.unaccounted ? r.newWithdrawals : r.unaccounted;
        uint256 spare = r.unaccounted - backed;
        // Amounts are below 2^128 (uint128 report fields, 88-bit accounts): no overflow.
        int256 delta = int256(r.balance + backed) - int256(r.expected);
        int256 applied = delta;
        if (delta >= int256(up)) {
            applied = int256(up);
        } else {
            uint256 room = uint256(int256(up) - delta);
            o.fromVault = r.vault < room ? r.vault : room;
            room -= o.fromVault;
            o.spareEther = spare < room ? spare : room;
            int256 gains = int256(o.fromVault + o.spareEther);
            if (delta + gains < -int256(down)) applied = -int256(down) - gains;
        }
        // Non-negative: applied >= delta gives expected + applied >= balance + backed, and a
        // clamped gain is up >= 0.
        uint256 level = uint256(int256(r.expected) + applied);
        uint256 credit = backed < level ? backed : level;
        o.beaconBalance = level - credit;
        o.fromPool = credit + o.spareEther;
    }

    /// @notice SSV funding of one validator for `runway` blocks at the live fees of `views`:
    ///         burnRate * runway + max(burnRate * liquidationThreshold, minimumCollateral),
    ///         rounded up to the network's precision (1e5 wei).
    function fundingPerValidator(ISSVViews views, uint64[] calldata operatorIds, uint256 runway)
        external
        view
        returns (uint256)
    {
        uint256 burnRate = views.getNetworkFee();
        for (uint256 i; i < operatorIds.length; ++i) {
            burnRate += views.getOperatorFee(operatorIds[i]);
        }
        uint256 collateral = burnRate * views.getLiquidationThresholdPeriod();
        uint256 minimum = views.getMinimumLiquidationCollateral();
        if (collateral < minimum) collateral = minimum;
        uint256 funding = burnRate * runway + collateral;
        return ((funding + ETH_FEE_PRECISION - 1) / ETH_FEE_PRECISION) * ETH_FEE_PRECISION;
    }

    /// @notice `pool`'s figures and `account`'s position (zeros for the zero address).
    function snapshot(IPoolFigures pool, address account) external view returns (Snapshot memory s) {
        IPoolShares token = pool.poolETH();
        s.blockNumber = block.number;
        s.totalPooledEther = pool.totalPooledEther();
        s.totalShares = token.totalShares();
        s.bufferedEther = pool.bufferedEther();
        s.activatedValidators = pool.activatedValidators();
        s.runway = pool.runway();
        if (account != address(0)) {
            s.shares = token.sharesOf(account);
            s.balance = token.balanceOf(account);
            s.ethBalance = account.balance;
        }
    }
}
