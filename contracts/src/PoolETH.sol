// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {WithdrawalQueue} from "./WithdrawalQueue.sol";

/// @notice The pool's accounting view, as PoolETH needs it.
interface IPooledEther {
    function totalPooledEther() external view returns (uint256);
}

// EIP-2612 permit (issue 17): the per-owner nonces, signature recovery.
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

/// @title poolETH: the rebasing liquid staking token of the pool.
/// @notice Holders own shares; a balance is derived from shares and the pool's total ether:
///         balanceOf(a) = sharesOf(a) * totalPooledEther / totalShares (rounded down).
///         Balances move together whenever the pool's total moves (a rebase).
///         Only the pool manager mints, when ether is deposited.
contract PoolETH is Nonces {
    string public constant name = "Pool Staked ETH";
    string public constant symbol = "poolETH";
    uint8 public constant decimals = 18;

    /// @notice The pool manager: the only minter and the source of total pooled ether.
    address public immutable manager;
    /// @notice The withdrawal queue, created with this token: the only account that may lock a
    ///         holder's shares for a withdrawal request and burn them once it is finalized.
    address public immutable withdrawalQueue;

    uint256 public totalShares;
    mapping(address => uint256) private shares;
    mapping(address => mapping(address => uint256)) public allowance;

    /// @notice ERC-20 transfer, in token units (wei of poolETH).
    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);
    /// @notice Every movement of shares, so a client can index holdings exactly.
    event TransferShares(address indexed from, address indexed to, uint256 sharesValue);

    error NotManager(address caller);
    error NotWithdrawalQueue(address caller);
    error ZeroAddress();
    error NoSharesMinted(uint256 amount);
    error EmptyPoolWithShares();
    error InsufficientShares(uint256 available, uint256 needed);
    error InsufficientAllowance(uint256 available, uint256 needed);
    /// @dev The manager, this token and the queue cannot receive shares by transfer: nothing
    ///      could ever move them out.
    error TransferToPoolContract(address to);

    constructor(address manager_) {
        if (manager_ == address(0)) revert ZeroAddress();
        manager = manager_;
        withdrawalQueue = address(new WithdrawalQueue(manager_));
    }

    // ---- views ----

    /// @notice Token total supply: all the ether the pool accounts for.
    function totalSupply() external view returns (uint256) {
        return _totalPooledEther();
    }

    function sharesOf(address account) external view returns (uint256) {
        return shares[account];
    }

    function balanceOf(address account) external view returns (uint256) {
        return getPooledEthByShares(shares[account]);
    }

    /// @notice poolETH that `sharesAmount` shares are worth, rounded down.
    function getPooledEthByShares(uint256 sharesAmount) public view returns (uint256) {
        uint256 total = totalShares;
        if (total == 0) return 0;
        return sharesAmount * _totalPooledEther() / total;
    }

    /// @notice Shares that `ethAmount` of ether buys at the current rate, rounded down
    ///         (one share per wei while no shares exist).
    function getSharesByPooledEth(uint256 ethAmount) public view returns (uint256) {
        return _sharesFor(ethAmount, _totalPooledEther());
    }

    // ---- minting (manager only) ----

    /// @notice Mints the shares `amount` ether buys at the rate before the deposit.
    /// @param pooledBefore total pooled ether before this deposit is counted.
    function mintForDeposit(address to, uint256 amount, uint256 pooledBefore)
        external
        returns (uint256 minted)
    {
        if (msg.sender != manager) revert NotManager(msg.sender);
        minted = _sharesFor(amount, pooledBefore);
        if (minted == 0) revert NoSharesMinted(amount);
        totalShares += minted;
        unchecked {
            // Cannot overflow: the sum of all holdings is totalShares.
            shares[to] += minted;
        }
        emit Transfer(address(0), to, amount);
        emit TransferShares(address(0), to, minted);
    }

    // ---- withdrawals (queue only) ----

    /// @notice Moves the shares `amount` poolETH is worth (rounded up, as a transfer) from `owner`
    ///         into the queue, for a withdrawal request `spender` makes: `owner` itself, or an
    ///         account spending `owner`'s allowance. Locked shares still count in totalShares
    ///         (the share price does not move) until the queue's finalization burns them.
    function lockForWithdrawal(address owner, address spender, uint256 amount)
        external
        returns (uint256 sharesAmount)
    {
        if (msg.sender != withdrawalQueue) revert NotWithdrawalQueue(msg.sender);
        if (spender != owner) _spendAllowance(owner, spender, amount);
        sharesAmount = _sharesForTransfer(amount);
        uint256 held = shares[owner];
        if (held < sharesAmount) revert InsufficientShares(held, sharesAmount);
        unchecked {
            shares[owner] = held - sharesAmount;
            shares[withdrawalQueue] += sharesAmount;
        }
        emit Transfer(owner, withdrawalQueue, amount);
        emit TransferShares(owner, withdrawalQueue, sharesAmount);
    }

    /// @notice Burns `sharesAmount` of the queue's shares, finalized at `amount` ether (which the
    ///         pool takes out of its total in the same transaction: the price cannot fall, since
    ///         a finalization pays at most what the shares are worth).
    function burnFinalized(uint256 sharesAmount, uint256 amount) external {
        if (msg.sender != withdrawalQueue) revert NotWithdrawalQueue(msg.sender);
        uint256 held = shares[withdrawalQueue];
        if (held < sharesAmount) revert InsufficientShares(held, sharesAmount);
        unchecked {
            shares[withdrawalQueue] = held - sharesAmount;
            totalShares -= sharesAmount; // <= held <= totalShares
        }
        emit Transfer(withdrawalQueue, address(0), amount);
        emit TransferShares(withdrawalQueue, address(0), sharesAmount);
    }

    // ---- ERC-20 ----

    function transfer(address to, uint256 amount) external returns (bool) {
        _transfer(msg.sender, to, amount);
        return true;
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        if (spender == address(0)) revert ZeroAddress();
        allowance[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        _spendAllowance(from, msg.sender, amount);
        _transfer(from, to, amount);
        return true;
    }

    function _spendAllowance(address owner, address spender, uint256 amount) internal {
        uint256 allowed = allowance[owner][spender];
        if (allowed != type(uint256).max) {
            if (allowed < amount) revert InsufficientAllowance(allowed, amount);
            unchecked {
                allowance[owner][spender] = allowed - amount;
            }
        }
    }

    /// @notice Moves shares directly (exact, no rounding of token units).
    function transferShares(address to, uint256 sharesAmount) external returns (uint256) {
        uint256 amount = getPooledEthByShares(sharesAmount);
        _moveShares(msg.sender, to, sharesAmount);
        emit Transfer(msg.sender, to, amount);
        return amount;
    }

    // ---- internals ----

    function _totalPooledEther() internal view returns (uint256) {
        return IPooledEther(manager).totalPooledEther();
    }

    function _sharesFor(uint256 amount, uint256 pooled) internal view returns (uint256) {
        uint256 total = totalShares;
        if (total == 0) return amount;
        if (pooled == 0) revert EmptyPoolWithShares();
        return amount * total / pooled;
    }

    /// @dev Shares are rounded UP, so the recipient's balance grows by at least `amount` and a
    ///      contract that credits `amount` on receipt is never short. It never asks for more
    ///      shares than the sender holds when `amount <= balanceOf(from)`: balanceOf is rounded
    ///      down, so amount * totalShares / pooled <= sharesOf(from). The sender may pay up to one
    ///      share more than `amount` is worth (about 1 wei at a rate near 1).
    function _transfer(address from, address to, uint256 amount) internal {
        uint256 sharesAmount = _sharesForTransfer(amount);
        _moveShares(from, to, sharesAmount);
        emit Transfer(from, to, amount);
    }

    function _sharesForTransfer(uint256 amount) internal view returns (uint256) {
        uint256 total = totalShares;
        if (total == 0) return amount;
        uint256 pooled = _totalPooledEther();
        if (pooled == 0) revert EmptyPoolWithShares();
        uint256 product = amount * total;
        // Ceiling division without overflow past the product itself.
        return product == 0 ? 0 : (product - 1) / pooled + 1;
    }

    function _moveShares(address from, address to, uint256 sharesAmount) internal {
        if (to == address(0)) revert ZeroAddress();
        // The queue holds only requests' shares: a plain transfer to it would be stuck there.
        if (to == address(this) || to == manager || to == withdrawalQueue) revert TransferToPoolContract(to);
        uint256 held = shares[from];
        if (held < sharesAmount) revert InsufficientShares(held, sharesAmount);
        unchecked {
            shares[from] = held - sharesAmount;
            shares[to] += sharesAmount;
        }
        emit TransferShares(from, to, sharesAmount);
    }

    // ---- shares by allowance, EIP-2612 permit (issue 17: wpoolETH and permit) ----

    /// @dev The EIP-712 domain {name "Pool Staked ETH", version "1", chainId, this contract},
    ///      written out rather than OpenZeppelin's EIP712 (about 1 KB less code: this token's
    ///      creation code is part of the PoolManager's). Recomputed per call, so a signature for
    ///      another chain or another contract never matches.
    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 private constant NAME_HASH = keccak256("Pool Staked ETH");
    bytes32 private constant VERSION_HASH = keccak256("1");
    bytes32 private constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");

    /// @dev The names OpenZeppelin's ERC20Permit uses (wpoolETH's), so one decoder serves both.
    error ERC2612ExpiredSignature(uint256 deadline);
    error ERC2612InvalidSigner(address signer, address owner);

    /// @notice Moves `sharesAmount` of `from`'s shares to `to` (exact: no rounding of shares),
    ///         spending `from`'s allowance to the caller in token units, as stETH does, but
    ///         rounded UP: an allowance of `a` never moves shares worth more than `a`, even when a
    ///         share is worth less than a wei (rounded down, 0 allowance would move one share).
    ///         This is what lets wpoolETH hold exactly the shares it has issued.
    /// @return amount the poolETH the shares are worth, rounded down (as `transferShares`).
    function transferSharesFrom(address from, address to, uint256 sharesAmount)
        external
        returns (uint256 amount)
    {
        uint256 total = totalShares;
        uint256 product = total == 0 ? 0 : sharesAmount * _totalPooledEther();
        amount = total == 0 ? 0 : product / total;
        // Ceiling division: the allowance a spender must hold for these shares.
        _spendAllowance(from, msg.sender, product == 0 ? 0 : (product - 1) / total + 1);
        _moveShares(from, to, sharesAmount);
        emit Transfer(from, to, amount);
    }

    /// @notice EIP-2612: sets `owner`'s allowance to `spender` (as `approve`) from `owner`'s
    ///         signature of Permit(owner, spender, value, nonces(owner), deadline) in this
    ///         token's domain. Each nonce signs once.
    function permit(
        address owner,
        address spender,
        uint256 value,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external {
        if (block.timestamp > deadline) revert ERC2612ExpiredSignature(deadline);
        if (spender == address(0)) revert ZeroAddress();
        bytes32 permitHash =
            keccak256(abi.encode(PERMIT_TYPEHASH, owner, spender, value, _useNonce(owner), deadline));
        bytes32 digest = keccak256(abi.encodePacked(hex"1901", DOMAIN_SEPARATOR(), permitHash));
        // ECDSA.recover refuses malleable (high-s) and malformed signatures; it never returns 0.
        address signer = ECDSA.recover(digest, v, r, s);
        if (signer != owner) revert ERC2612InvalidSigner(signer, owner);
        allowance[owner][spender] = value;
        emit Approval(owner, spender, value);
    }

    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() public view returns (bytes32) {
        return keccak256(abi.encode(DOMAIN_TYPEHASH, NAME_HASH, VERSION_HASH, block.chainid, address(this)));
    }
}
