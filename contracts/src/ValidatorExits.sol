// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Cluster} from "./interfaces/ISSVNetwork.sol";
import {IPoolForQueue, ISSVExits} from "./interfaces/IPoolForQueue.sol";

/// @title The exits of the pool's validators, asked when the withdrawal queue needs their ether.
/// @notice Each activated validator (by registry index) moves through
///         None -> Requested -> Exiting -> Withdrawn -> Removed:
///         - Requested: the pool asked its SSV operators to exit it (`requestExits`); the keeper
///           may ask only for the validators the queue's demand needs (`exitsNeeded`), the
///           operator for any (an operator set being wound down).
///         - After EXIT_GRACE with no exit seen, anyone may have the pool send the validator's
///           EIP-7002 withdrawal request itself (`forceExit`): the consensus layer honours it
///           because the pool is the validator's withdrawal address. The exact fee, read from
///           the system contract in the same transaction, comes from the pool's fee reserve
///           (never stakers' ether), at most MAX_EXIT_FEE, at most MAX_FORCED_EXITS_PER_DAY.
///         - Exiting / Withdrawn: the oracle saw the exit epoch set / the balance withdrawn
///           (`reportExits`); the principal reaches the pool as a beacon withdrawal, which the
///           oracle's report credits like any sweep (counted once).
///         - Removed: the operator or keeper took it out of its SSV cluster (`removeExited`), so
///           its fees stop. Removal comes after the exit: removing first would stop the
///           operators' duties while the validator still has to exit.
/// @dev "Show that the validator has not exited" is the oracle's record here (state Requested:
///      no exit epoch seen), not a beacon-state proof (EIP-4788 proofs would make it trustless;
///      not done). A request the consensus layer ignored (too young, already exiting) costs only
///      the fee, and may be retried after another EXIT_GRACE.
abstract contract ValidatorExits {
    enum ExitState {
        None,
        Requested,
        Exiting,
        Withdrawn,
        Removed
    }

    struct ExitRecord {
        ExitState state;
        /// @dev Chain time of the last step (the SSV exit, the last forced request, the report).
        uint64 since;
    }

    /// @notice EIP-7002's withdrawal request contract (the same address on every chain).
    address public constant WITHDRAWAL_REQUESTS = 0x00000961Ef480Eb55e80D19ad83579A64c007002;
    uint256 public constant EXIT_GRACE = 2 days;
    uint256 public constant MAX_FORCED_EXITS_PER_DAY = 16;
    /// @notice The most the pool pays for one EIP-7002 request: the fee rises ~6 % per request
    ///         above 2 a block, so a flood of other requests can make it expensive; wait it out.
    uint256 public constant MAX_EXIT_FEE = 0.01 ether;
    uint256 private constant VALIDATOR_ETHER = 32 ether;
    bytes32 private constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");
    bytes32 private constant KEEPER_ROLE = keccak256("KEEPER_ROLE");
    bytes32 private constant ORACLE_ROLE = keccak256("ORACLE_ROLE");

    IPoolForQueue public immutable pool;

    mapping(uint256 => ExitRecord) private exits;
    /// @notice Validators asked to exit or seen exiting whose balance is not yet withdrawn.
    uint256 public validatorsExiting;
    /// @dev The current day of forced exits: its start and how many it has had.
    uint64 private forcedDayStart;
    uint64 private forcedToday;

    event ExitRequested(uint256 indexed index, bytes pubkey);
    event ExitForced(uint256 indexed index, bytes pubkey, uint256 fee);
    event ExitReported(uint256 indexed index, ExitState state);
    event ExitedValidatorRemoved(uint256 indexed index, bytes pubkey);

    error NotOperatorOrKeeper(address caller);
    error NotOracle(address caller);
    error NoValidators();
    /// @dev The keeper asked for more exits than the queue needs.
    error ExitsNotNeeded(uint256 asked, uint256 needed);
    /// @dev `pubkey` is not an activated validator of the pool.
    error NotPoolValidator(bytes pubkey);
    error InvalidExitState(uint256 index, ExitState state);
    error ExitGraceNotOver(uint256 index, uint256 from);
    error ForcedExitsRateLimited(uint256 from);
    error ExitFeeTooHigh(uint256 fee, uint256 limit);
    /// @dev The chain has no EIP-7002 contract (before Prague) or it did not answer a fee.
    error WithdrawalRequestsUnavailable();

    constructor(address pool_) {
        pool = IPoolForQueue(pool_);
    }

    /// @notice The ether the queue's waiting requests ask for (their ether at request).
    function _demand() internal view virtual returns (uint256);

    /// @notice More validators that must exit for the queue's demand: what the buffer and the
    ///         validators already exiting (32 ETH each) do not cover, in validators, rounded up.
    function exitsNeeded() public view returns (uint256) {
        uint256 demand = _demand();
        uint256 cover = uint256(pool.bufferedEther()) + validatorsExiting * VALIDATOR_ETHER;
        if (demand <= cover) return 0;
        return (demand - cover + VALIDATOR_ETHER - 1) / VALIDATOR_ETHER;
    }

    function exitOf(bytes calldata pubkey) external view returns (ExitState state, uint64 since) {
        ExitRecord memory e = exits[_poolValidator(pubkey)];
        return (e.state, e.since);
    }

    /// @notice Asks the SSV operators of `operatorIds` to exit these validators of the pool (the
    ///         network checks they are its validators with that operator set).
    function requestExits(bytes[] calldata pubkeys, uint64[] calldata operatorIds) external {
        bool operator = pool.hasRole(OPERATOR_ROLE, msg.sender);
        if (!operator && !pool.hasRole(KEEPER_ROLE, msg.sender)) revert NotOperatorOrKeeper(msg.sender);
        uint256 count = pubkeys.length;
        if (count == 0) revert NoValidators();
        if (!operator) {
            uint256 needed = exitsNeeded();
            if (count > needed) revert ExitsNotNeeded(count, needed);
        }
        for (uint256 i; i < count; ++i) {
            uint256 index = _poolValidator(pubkeys[i]);
            _step(index, ExitState.None, ExitState.Requested);
            emit ExitRequested(index, pubkeys[i]);
        }
        validatorsExiting += count;
        bytes memory call = count == 1
            ? abi.encodeCall(ISSVExits.exitValidator, (pubkeys[0], operatorIds))
            : abi.encodeCall(ISSVExits.bulkExitValidator, (pubkeys, operatorIds));
        pool.forwardExit(pool.ssvNetwork(), 0, call);
    }

    /// @notice Has the pool send the EIP-7002 full-exit request of a validator its operators
    ///         did not exit within EXIT_GRACE (anyone may call; the fee is the pool's).
    function forceExit(bytes calldata pubkey) external {
        uint256 index = _poolValidator(pubkey);
        ExitRecord storage e = exits[index];
        if (e.state != ExitState.Requested) revert InvalidExitState(index, e.state);
        uint256 from = uint256(e.since) + EXIT_GRACE;
        if (block.timestamp < from) revert ExitGraceNotOver(index, from);
        if (block.timestamp >= uint256(forcedDayStart) + 1 days) {
            forcedDayStart = uint64(block.timestamp);
            forcedToday = 0;
        }
        if (forcedToday >= MAX_FORCED_EXITS_PER_DAY) revert ForcedExitsRateLimited(uint256(forcedDayStart) + 1 days);
        ++forcedToday;
        e.since = uint64(block.timestamp);
        uint256 fee = withdrawalRequestFee();
        if (fee > MAX_EXIT_FEE) revert ExitFeeTooHigh(fee, MAX_EXIT_FEE);
        // 56 bytes: the pubkey (48) and the amount in gwei (uint64, big-endian); 0 = full exit.
        pool.forwardExit(WITHDRAWAL_REQUESTS, fee, abi.encodePacked(pubkey, uint64(0)));
        emit ExitForced(index, pubkey, fee);
    }

    /// @notice The EIP-7002 contract's fee for a request in this block (a call with no input).
    function withdrawalRequestFee() public view returns (uint256 fee) {
        (bool ok, bytes memory answer) = WITHDRAWAL_REQUESTS.staticcall("");
        if (!ok || answer.length != 32) revert WithdrawalRequestsUnavailable();
        fee = abi.decode(answer, (uint256));
    }

    /// @notice The oracle's sightings on the beacon chain: `exiting`, an exit epoch set (asked by
    ///         the pool or not: a slashing, an exit signed outside the pool); `withdrawn`, the
    ///         balance withdrawn after the exit. A validator may go straight to withdrawn.
    function reportExits(bytes[] calldata exiting, bytes[] calldata withdrawn) external {
        if (!pool.hasRole(ORACLE_ROLE, msg.sender)) revert NotOracle(msg.sender);
        uint256 inFlight = validatorsExiting;
        for (uint256 i; i < exiting.length; ++i) {
            uint256 index = _poolValidator(exiting[i]);
            ExitRecord storage e = exits[index];
            if (e.state == ExitState.None) ++inFlight;
            else if (e.state != ExitState.Requested) revert InvalidExitState(index, e.state);
            e.state = ExitState.Exiting;
            e.since = uint64(block.timestamp);
            emit ExitReported(index, ExitState.Exiting);
        }
        for (uint256 i; i < withdrawn.length; ++i) {
            uint256 index = _poolValidator(withdrawn[i]);
            ExitRecord storage e = exits[index];
            ExitState state = e.state;
            if (state == ExitState.Requested || state == ExitState.Exiting) --inFlight;
            else if (state != ExitState.None) revert InvalidExitState(index, state);
            e.state = ExitState.Withdrawn;
            e.since = uint64(block.timestamp);
            emit ExitReported(index, ExitState.Withdrawn);
        }
        validatorsExiting = inFlight;
    }

    /// @notice Takes withdrawn validators (one operator set) out of their SSV cluster.
    /// @param cluster the cluster's latest snapshot, rebuilt from the SSV network's events.
    function removeExited(bytes[] calldata pubkeys, uint64[] calldata operatorIds, Cluster calldata cluster) external {
        if (!pool.hasRole(OPERATOR_ROLE, msg.sender) && !pool.hasRole(KEEPER_ROLE, msg.sender)) {
            revert NotOperatorOrKeeper(msg.sender);
        }
        uint256 count = pubkeys.length;
        if (count == 0) revert NoValidators();
        for (uint256 i; i < count; ++i) {
            uint256 index = _poolValidator(pubkeys[i]);
            _step(index, ExitState.Withdrawn, ExitState.Removed);
            emit ExitedValidatorRemoved(index, pubkeys[i]);
        }
        bytes memory call = count == 1
            ? abi.encodeCall(ISSVExits.removeValidator, (pubkeys[0], operatorIds, cluster))
            : abi.encodeCall(ISSVExits.bulkRemoveValidator, (pubkeys, operatorIds, cluster));
        pool.forwardExit(pool.ssvNetwork(), 0, call);
    }

    function _step(uint256 index, ExitState from, ExitState to) private {
        ExitRecord storage e = exits[index];
        if (e.state != from) revert InvalidExitState(index, e.state);
        e.state = to;
        e.since = uint64(block.timestamp);
    }

    /// @dev The registry index of an activated validator of the pool.
    function _poolValidator(bytes calldata pubkey) private view returns (uint256 index) {
        index = pool.indexOf(pubkey); // type(uint256).max when not registered
        if (index >= pool.activatedValidators()) revert NotPoolValidator(pubkey);
    }
}
