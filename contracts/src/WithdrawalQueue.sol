// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IPoolSharesForQueue} from "./interfaces/IPoolForQueue.sol";
import {ValidatorExits} from "./ValidatorExits.sol";

/// @title The pool's withdrawal queue: stakers' requests to redeem poolETH for ether.
/// @notice A request locks the shares of the amount asked at once (they leave the staker's
///         balance, still count in the pool until finalized: the share price does not move).
///         Oracle reports finalize requests oldest first, from the pool's buffer, each at
///         min(its ether at request, what its shares are worth after the report): a request
///         neither escapes a loss reported later nor earns while it waits (what its shares
///         earned stays with the pool's holders). Finalized ether is held here, out of the
///         pool's total, until its owner claims it, once.
///         Requests are not transferable (an owner of a request is who asked, or whose poolETH
///         an approved spender used); a claim may name another recipient. Tokenised claims for
///         DeFi are wpoolETH's job, not the queue's.
/// @dev Created by poolETH's constructor (`msg.sender` is the token); the pool manager is the
///      only caller of `finalize`, and sends the finalized ether in the same transaction.
///      Invariants: lastFinalizedId <= lastRequestId; unfinalizedEther/Shares are the sums of the
///      waiting requests' amounts/shares; this contract's balance >= the finalized, unclaimed
///      amounts (ether forced in only adds to it).
contract WithdrawalQueue is ValidatorExits {
    /// @notice The smallest request, in poolETH (dust requests would fill the finalization batches).
    uint256 public constant MIN_WITHDRAWAL = 0.001 ether;
    /// @notice Requests one report finalizes at most (~3,000 gas each): a report stays far under
    ///         a block's and a transaction's gas limit whatever the queue's length.
    uint256 public constant MAX_FINALIZED_PER_REPORT = 200;

    struct Request {
        uint256 id;
        address owner;
        uint64 requestedAt;
        uint256 shares;
        /// @dev The ether at request while waiting; once finalized, the payout (never more).
        uint256 amount;
        bool finalized;
        bool claimed;
    }

    /// @notice The queue and the figures a staker's wait depends on, at one block.
    struct Summary {
        uint256 lastRequestId;
        uint256 lastFinalizedId;
        uint256 unfinalizedEther;
        uint256 unfinalizedShares;
        /// @dev When the oldest waiting request was made (0: none waits).
        uint64 oldestWaitingAt;
        uint256 validatorsExiting;
        uint256 bufferedEther;
        uint256 exitsNeeded;
    }

    /// @dev Two slots a request.
    struct Stored {
        address owner;
        uint64 requestedAt;
        bool claimed;
        uint128 shares;
        uint128 amount;
    }

    IPoolSharesForQueue public immutable token;

    uint256 public lastRequestId;
    uint256 public lastFinalizedId;
    uint128 public unfinalizedEther;
    uint128 public unfinalizedShares;
    mapping(uint256 => Stored) private requests;
    mapping(address => uint256[]) private requestIdsOf;

    event WithdrawalRequested(uint256 indexed id, address indexed owner, address indexed by, uint256 shares, uint256 amount);
    event WithdrawalsFinalized(uint256 fromId, uint256 toId, uint256 amountOfEther, uint256 shares);
    event WithdrawalClaimed(uint256 indexed id, address indexed owner, address recipient, uint256 amount);

    error RequestTooSmall(uint256 amount, uint256 minimum);
    error NotPool(address caller);
    error NotRequestOwner(uint256 id, address caller);
    error NotFinalized(uint256 id, uint256 lastFinalizedId);
    error AlreadyClaimed(uint256 id);
    error EtherTransferFailed(address to);

    constructor(address pool_) ValidatorExits(pool_) {
        token = IPoolSharesForQueue(msg.sender);
    }

    /// @notice Only the pool's finalization pays in.
    receive() external payable {
        if (msg.sender != address(pool)) revert NotPool(msg.sender);
    }

    // ------------------------------------------------------------------ requests

    /// @notice Requests `amount` of the caller's poolETH back as ether.
    function requestWithdrawal(uint256 amount) external returns (uint256 id) {
        return _request(msg.sender, amount);
    }

    /// @notice Requests `amount` of `owner`'s poolETH back for `owner`, spending the caller's
    ///         poolETH allowance from `owner` (the request and its claim are `owner`'s).
    function requestWithdrawalFrom(address owner, uint256 amount) external returns (uint256 id) {
        return _request(owner, amount);
    }

    function _request(address owner, uint256 amount) private returns (uint256 id) {
        if (amount < MIN_WITHDRAWAL) revert RequestTooSmall(amount, MIN_WITHDRAWAL);
        uint256 shares = token.lockForWithdrawal(owner, msg.sender, amount);
        id = ++lastRequestId;
        // Both below 2^128: poolETH amounts and shares are bounded by the ether in existence
        // (shares start at one per wei and only fall in number per wei as the pool earns).
        requests[id] = Stored(owner, uint64(block.timestamp), false, uint128(shares), uint128(amount));
        unfinalizedEther += uint128(amount);
        unfinalizedShares += uint128(shares);
        requestIdsOf[owner].push(id);
        emit WithdrawalRequested(id, owner, msg.sender, shares, amount);
    }

    // ------------------------------------------------------------------ finalization

    /// @notice Finalizes waiting requests oldest first, from `available` ether, at the pool's
    ///         rate now (after the report): each pays min(ether at request, shares' worth
    ///         rounded down). Stops at the first request `available` cannot pay whole (no
    ///         request overtakes another) or after MAX_FINALIZED_PER_REPORT. Burns the
    ///         finalized shares; the pool then sends `paid` here and takes it from its buffer.
    function finalize(uint256 available) external returns (uint256 paid) {
        if (msg.sender != address(pool)) revert NotPool(msg.sender);
        uint256 first = lastFinalizedId + 1;
        uint256 end = lastRequestId;
        if (first > end) return 0;
        if (end - first >= MAX_FINALIZED_PER_REPORT) end = first + MAX_FINALIZED_PER_REPORT - 1;
        uint256 pooled = pool.totalPooledEther();
        uint256 total = token.totalShares();
        uint256 asked;
        uint256 burned;
        uint256 id = first;
        for (; id <= end; ++id) {
            Stored storage r = requests[id];
            uint256 shares = r.shares;
            uint256 amount = r.amount;
            uint256 worth = shares * pooled / total;
            uint256 pay = worth < amount ? worth : amount;
            if (paid + pay > available) break;
            if (pay < amount) r.amount = uint128(pay);
            asked += amount;
            burned += shares;
            paid += pay;
        }
        if (id == first) return 0;
        lastFinalizedId = id - 1;
        // The sums of what was added for these requests.
        unfinalizedEther -= uint128(asked);
        unfinalizedShares -= uint128(burned);
        token.burnFinalized(burned, paid);
        emit WithdrawalsFinalized(first, id - 1, paid, burned);
    }

    // ------------------------------------------------------------------ claims

    /// @notice Sends a finalized request's ether to `recipient` (zero: the owner), once.
    function claim(uint256 id, address recipient) external {
        Stored storage r = requests[id];
        // A request that does not exist has no owner, and the caller is never address 0.
        if (r.owner != msg.sender) revert NotRequestOwner(id, msg.sender);
        if (id > lastFinalizedId) revert NotFinalized(id, lastFinalizedId);
        if (r.claimed) revert AlreadyClaimed(id);
        r.claimed = true;
        if (recipient == address(0)) recipient = msg.sender;
        uint256 amount = r.amount;
        (bool ok,) = recipient.call{value: amount}("");
        if (!ok) revert EtherTransferFailed(recipient);
        emit WithdrawalClaimed(id, msg.sender, recipient, amount);
    }

    // ------------------------------------------------------------------ views

    function getRequest(uint256 id) public view returns (Request memory) {
        Stored memory r = requests[id];
        return Request(id, r.owner, r.requestedAt, r.shares, r.amount, id != 0 && id <= lastFinalizedId && r.owner != address(0), r.claimed);
    }

    /// @notice Every request of `owner`, oldest first.
    function requestsOf(address owner) external view returns (Request[] memory list) {
        uint256[] storage ids = requestIdsOf[owner];
        list = new Request[](ids.length);
        for (uint256 i; i < ids.length; ++i) {
            list[i] = getRequest(ids[i]);
        }
    }

    function summary() external view returns (Summary memory s) {
        s.lastRequestId = lastRequestId;
        s.lastFinalizedId = lastFinalizedId;
        s.unfinalizedEther = unfinalizedEther;
        s.unfinalizedShares = unfinalizedShares;
        if (s.lastFinalizedId < s.lastRequestId) s.oldestWaitingAt = requests[s.lastFinalizedId + 1].requestedAt;
        s.validatorsExiting = validatorsExiting;
        s.bufferedEther = pool.bufferedEther();
        s.exitsNeeded = exitsNeeded();
    }

    function _demand() internal view override returns (uint256) {
        return unfinalizedEther;
    }
}
