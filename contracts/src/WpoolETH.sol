// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20, ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @notice What the wrapper needs of poolETH beyond ERC-20: its shares and their rate.
interface IPoolETHShares {
    function totalShares() external view returns (uint256);
    function getPooledEthByShares(uint256 sharesAmount) external view returns (uint256);
    function getSharesByPooledEth(uint256 ethAmount) external view returns (uint256);
    function transferShares(address to, uint256 sharesAmount) external returns (uint256);
    function transferSharesFrom(address from, address to, uint256 sharesAmount)
        external
        returns (uint256);
}

/// @title wpoolETH: poolETH that does not rebase, for contracts that expect fixed balances.
/// @notice An ERC-4626 vault over poolETH whose own shares ARE poolETH shares: one wpoolETH is
///         one pool share, held by this contract. A rebase moves what a wpoolETH is worth in
///         poolETH, never a wpoolETH balance. The rate is poolETH's own:
///         convertToAssets(s) = poolETH.getPooledEthByShares(s) and
///         convertToShares(a) = poolETH.getSharesByPooledEth(a).
/// @dev Every move of poolETH in or out is a move of shares (`transferSharesFrom`,
///      `transferShares`), never of token units, so the shares this contract holds are at least
///      wpoolETH's total supply at all times (equal, unless someone sends it shares for nothing):
///      it can never owe more poolETH than it holds. Rounding follows ERC-4626, against the
///      caller: previewDeposit and previewRedeem round down, previewMint and previewWithdraw up.
contract WpoolETH is ERC4626, ERC20Permit {
    constructor(IERC20 poolETH)
        ERC20("Wrapped Pool Staked ETH", "wpoolETH")
        ERC20Permit("Wrapped Pool Staked ETH")
        ERC4626(poolETH)
    {}

    function decimals() public view override(ERC4626, ERC20) returns (uint8) {
        return ERC4626.decimals();
    }

    /// @dev Shares for `assets` poolETH at poolETH's rate. Rounded down it is poolETH's own
    ///      figure; rounded up it is the same quotient, plus one when it is not exact.
    function _convertToShares(uint256 assets, Math.Rounding rounding)
        internal
        view
        override
        returns (uint256)
    {
        if (!Math.unsignedRoundsUp(rounding)) return _pool().getSharesByPooledEth(assets);
        uint256 total = _pool().totalShares();
        // No shares yet: poolETH mints one share per wei.
        if (total == 0) return assets;
        return Math.mulDiv(assets, total, IERC20(asset()).totalSupply(), Math.Rounding.Ceil);
    }

    /// @dev poolETH that `shares` are worth at poolETH's rate, rounded as asked.
    function _convertToAssets(uint256 shares, Math.Rounding rounding)
        internal
        view
        override
        returns (uint256)
    {
        if (!Math.unsignedRoundsUp(rounding)) return _pool().getPooledEthByShares(shares);
        uint256 total = _pool().totalShares();
        if (total == 0) return 0;
        return Math.mulDiv(shares, IERC20(asset()).totalSupply(), total, Math.Rounding.Ceil);
    }

    /// @dev Takes exactly `shares` pool shares from the caller (its poolETH allowance to this
    ///      contract is spent in token units, rounded up: previewMint(shares), at most the
    ///      `assets` a deposit names) and issues as many wpoolETH.
    function _deposit(address caller, address receiver, uint256 assets, uint256 shares)
        internal
        override
    {
        _pool().transferSharesFrom(caller, address(this), shares);
        _mint(receiver, shares);
        emit Deposit(caller, receiver, assets, shares);
    }

    /// @dev Burns `shares` wpoolETH of `owner` (spending the caller's wpoolETH allowance when it
    ///      is not the owner) and sends exactly as many pool shares to `receiver`.
    function _withdraw(
        address caller,
        address receiver,
        address owner,
        uint256 assets,
        uint256 shares
    ) internal override {
        if (caller != owner) _spendAllowance(owner, caller, shares);
        _burn(owner, shares);
        _pool().transferShares(receiver, shares);
        emit Withdraw(caller, receiver, owner, assets, shares);
    }

    function _pool() private view returns (IPoolETHShares) {
        return IPoolETHShares(asset());
    }
}
