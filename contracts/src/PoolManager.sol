// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {PoolETH} from "./PoolETH.sol";
import {RewardsVault} from "./RewardsVault.sol";
import {ValidatorData, ValidatorRegistry} from "./ValidatorRegistry.sol";
import {IDepositContract} from "./interfaces/IDepositContract.sol";
import {Cluster, ISSVNetworkOwner, ISSVNetworkV1, ISSVNetworkV2, ISSVViews} from "./interfaces/ISSVNetwork.sol";

/// @title Pool manager of the SSV liquid staking pool.
/// @notice Takes stakers' ether and mints poolETH shares for it; activates validators from the
///         registry built in the key ceremony (32 ETH to the beacon deposit contract, then SSV
///         registration funded for the pool's runway); accounts for the beacon side, the ether
///         the beacon chain sweeps back and the execution-layer rewards, as the oracle reports.
/// @dev Accounting lives in storage; `address(this).balance` is read only as an upper bound on
///      the withdrawals a report may credit, so ether forced into the contract cannot move the
///      share price by itself.
///      totalPooledEther = buffered + beaconBalance + 32 ETH * (activated - beaconValidators).
///      Roles: the admin (two-step transfer with a delay) grants roles, sets the report bounds,
///      withdraws the fee reserve and may drop pending entries; the operator adds and drops
///      registry entries and manages the clusters; the keeper activates entries that have waited
///      `activationDelay` blocks; the oracle reports. No role can send buffered ether anywhere but
///      the deposit contract, with the pool's credentials.
contract PoolManager is AccessControlDefaultAdminRules, ReentrancyGuardTransient, ValidatorRegistry {
    using SafeERC20 for IERC20;

    bytes32 public constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");
    bytes32 public constant ORACLE_ROLE = keccak256("ORACLE_ROLE");
    bytes32 public constant KEEPER_ROLE = keccak256("KEEPER_ROLE");

    uint256 public constant DEPOSIT_SIZE = 32 ether;
    /// @notice The most the admin may allow the total to grow: 100 % a year.
    uint16 public constant MAX_APR_BPS_LIMIT = 10_000;
    /// @notice The most the admin may allow one report to take off the total: 10 %.
    uint16 public constant MAX_LOSS_BPS_LIMIT = 1_000;
    uint256 private constant BPS = 10_000;
    uint256 private constant SECONDS_PER_YEAR = 365 days;
    /// @dev SSV stores amounts with reduced precision: ETH in units of 1e5 wei, SSV of 1e7.
    uint256 private constant ETH_FEE_PRECISION = 1e5;
    uint256 private constant SSV_FEE_PRECISION = 1e7;

    /// @notice Deployment parameters.
    struct Config {
        address admin;
        /// @dev Seconds between the admin's proposal of a new admin and its acceptance.
        uint48 adminTransferDelay;
        IDepositContract depositContract;
        address ssvNetwork;
        ISSVViews ssvViews;
        /// @dev zero: SSV v2, cluster fees in ETH; otherwise SSV v1.x, fees in this token.
        IERC20 ssvToken;
        uint64 runway;
        /// @dev Seconds of chain time between two oracle reports, at least.
        uint64 minReportInterval;
        uint16 maxAprBps;
        uint16 maxLossBps;
        /// @dev Blocks a registry entry waits before it can be activated.
        uint64 activationDelay;
        /// @dev GENESIS_FORK_VERSION of the network (mainnet 0x00000000, Hoodi 0x10000910): the
        ///      registry refuses deposit signatures made for another.
        bytes4 genesisForkVersion;
    }

    PoolETH public immutable poolETH;
    /// @notice Fee recipient of the pool's validators: execution-layer rewards wait there until
    ///         a report pulls them into the buffer.
    RewardsVault public immutable rewardsVault;
    IDepositContract public immutable depositContract;
    address public immutable ssvNetwork;
    ISSVViews public immutable ssvViews;
    IERC20 public immutable ssvToken;
    /// @notice 0x01 credentials pointing at this contract: principal and the beacon chain's
    ///         sweeps come back to the pool, and reports credit them to the buffer.
    bytes32 public immutable withdrawalCredentials;
    uint64 public immutable minReportInterval;

    // One slot holds everything totalPooledEther() reads, so a deposit reads one slot and writes
    // it back, and an activation updates its counters there (88 bits hold 309 million ETH, more
    // than exists; 24 bits 16 million validators, 15 times all of Ethereum's).
    uint88 public bufferedEther;
    uint88 public beaconBalance;
    uint24 public activatedValidators;
    uint24 public beaconValidators;
    /// @notice Validators the pool has registered with SSV: the SSV owner nonce of its next
    ///         registration, which must be the next entry's registry index.
    uint24 public ssvRegistrations;
    // Slot: report times, runway, report bounds.
    /// @notice Reference time of the last report (the beacon state it describes).
    uint64 public lastReportTimestamp;
    /// @notice Chain time (block.timestamp) of the last report; the bounds count from it.
    uint64 public lastReportAt;
    uint64 public runway;
    uint16 public maxAprBps;
    uint16 public maxLossBps;

    /// @notice Cluster funding set aside by the operator (ETH for v2, SSV for v1); not stakers'.
    uint256 public feeReserve;
    /// @notice Ether withdrawn from the beacon chain to the pool and credited to the buffer, in
    ///         total since deployment (the oracle reports the cumulative figure).
    uint256 public withdrawalsCredited;

    /// @notice Everything the staker page shows, read in one call (one RPC request per refresh,
    ///         through a wallet as well as through a node).
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

    event ValidatorsActivated(uint256 indexed firstIndex, uint256 count, uint256 funding);
    /// @notice One oracle report: the beacon side at `timestamp`, the beacon withdrawals and
    ///         execution-layer rewards it brought into the buffer, and the totals around it.
    event BeaconReported(
        uint64 indexed timestamp,
        uint64 beaconValidators,
        uint256 beaconBalance,
        uint256 withdrawals,
        uint256 executionRewards,
        uint256 preTotalPooledEther,
        uint256 postTotalPooledEther,
        uint256 totalShares
    );
    event RunwaySet(uint64 blocks);
    event ReportBoundsSet(uint16 maxAprBps, uint16 maxLossBps);
    event FeeReserveFunded(address indexed from, uint256 amount);
    event FeeReserveWithdrawn(address indexed to, uint256 amount);
    /// @notice `amount` of the fee reserve went to the cluster of `operatorIds` (a top-up, or a
    ///         reactivation after liquidation).
    event ClusterFunded(uint64[] operatorIds, uint256 amount, bool reactivated);
    /// @notice `amount` of a cluster's balance came back into the fee reserve.
    event ClusterDefunded(uint64[] operatorIds, uint256 amount);

    error ZeroDeposit();
    error UseDeposit();
    error ZeroAddress();
    error InvalidRunway();
    error InvalidBounds();
    error InvalidReportInterval();
    error NotOperatorOrKeeper(address caller);
    error NotOperatorOrAdmin(address caller);
    error ZeroCount();
    error NotEnoughValidators(uint256 pending, uint256 requested);
    error InsufficientBuffer(uint256 buffered, uint256 needed);
    error InsufficientFeeReserve(uint256 reserve, uint256 needed);
    /// @dev A deposit was made since the caller checked the deposit contract (a front-run).
    error DepositCountChanged(uint64 expected, uint64 actual);
    /// @dev The pool's SSV owner nonce is not the next entry's index.
    error SsvNonceMismatch(uint256 nonce, uint256 index);
    error BulkLimitExceeded(uint256 count, uint256 limit);
    error WrongFeeAsset();
    error EtherTransferFailed(address to);
    error StaleReport(uint64 timestamp, uint64 lastTimestamp);
    /// @dev Reports are at least minReportInterval seconds of chain time apart.
    error ReportTooSoon(uint256 nextAllowedAt);
    error InvalidValidatorCount(uint64 reported, uint64 previous, uint64 activated);
    /// @dev No validator is seen on the beacon chain, so none can have a balance.
    error BalanceWithoutValidators(uint256 balance);
    error ReportOutOfBounds(int256 change, uint256 limit);
    error WithdrawalsDecreased(uint256 reported, uint256 credited);
    /// @dev The report credits more beacon withdrawals than the pool has received.
    error WithdrawalsNotReceived(uint256 claimed, uint256 received);
    error NotRewardsVault(address caller);

    constructor(Config memory config)
        AccessControlDefaultAdminRules(config.adminTransferDelay, config.admin)
        ValidatorRegistry(config.activationDelay, config.genesisForkVersion)
    {
        if (
            address(config.depositContract) == address(0) || config.ssvNetwork == address(0)
                || address(config.ssvViews) == address(0)
        ) revert ZeroAddress();
        if (config.runway == 0) revert InvalidRunway();
        if (config.minReportInterval == 0) revert InvalidReportInterval();
        _checkBounds(config.maxAprBps, config.maxLossBps);
        depositContract = config.depositContract;
        ssvNetwork = config.ssvNetwork;
        ssvViews = config.ssvViews;
        ssvToken = config.ssvToken;
        minReportInterval = config.minReportInterval;
        withdrawalCredentials = bytes32(uint256(uint160(address(this))) | (uint256(0x01) << 248));
        runway = config.runway;
        maxAprBps = config.maxAprBps;
        maxLossBps = config.maxLossBps;
        lastReportAt = uint64(block.timestamp);
        poolETH = new PoolETH(address(this));
        rewardsVault = new RewardsVault();
        // Before any validator runs: by default the SSV operators would send execution-layer
        // rewards to the cluster owner, this contract, which refuses plain ether.
        ISSVNetworkOwner(config.ssvNetwork).setFeeRecipientAddress(address(rewardsVault));
        emit RunwaySet(config.runway);
        emit ReportBoundsSet(config.maxAprBps, config.maxLossBps);
    }

    // ------------------------------------------------------------------ staking

    /// @notice All the ether the pool accounts for: the basis of every poolETH balance.
    function totalPooledEther() public view returns (uint256) {
        // Cannot overflow (two 88-bit amounts and 2^24 * 32 ETH), and reports keep
        // beaconValidators <= activatedValidators; the deposit path is the hottest there is.
        unchecked {
            return uint256(bufferedEther) + beaconBalance
                + (uint256(activatedValidators) - beaconValidators) * DEPOSIT_SIZE;
        }
    }

    /// @notice Deposits the sent ether and mints poolETH shares to the sender at the current rate.
    /// @dev The deposit's record is poolETH's mint: `Transfer(0, staker, amount)` and
    ///      `TransferShares(0, staker, shares)` (only deposits mint). A third event of our own
    ///      would repeat them for ~1,900 gas on every deposit.
    function deposit() external payable returns (uint256 shares) {
        if (msg.value == 0) revert ZeroDeposit();
        shares = poolETH.mintForDeposit(msg.sender, msg.value, totalPooledEther());
        bufferedEther += SafeCast.toUint88(msg.value);
    }

    /// @dev Plain ether is refused (stakers use `deposit`), except the SSV network's payment of
    ///      a cluster withdrawal, which `withdrawFromCluster` books into the fee reserve. Beacon
    ///      withdrawals arrive without a call and are credited by reports.
    receive() external payable {
        if (msg.sender != ssvNetwork) revert UseDeposit();
    }

    /// @notice The rewards vault's payment when a report pulls it (accounted by the report).
    function receiveExecutionRewards() external payable {
        if (msg.sender != address(rewardsVault)) revert NotRewardsVault(msg.sender);
    }

    /// @notice The pool's figures and `account`'s position (zeros for the zero address).
    function snapshot(address account) external view returns (Snapshot memory s) {
        s.blockNumber = block.number;
        s.totalPooledEther = totalPooledEther();
        s.totalShares = poolETH.totalShares();
        s.bufferedEther = bufferedEther;
        s.activatedValidators = activatedValidators;
        s.runway = runway;
        if (account != address(0)) {
            s.shares = poolETH.sharesOf(account);
            s.balance = poolETH.balanceOf(account);
            s.ethBalance = account.balance;
        }
    }

    // ------------------------------------------------------------------ oracle

    /// @notice Reports the pool's validators as seen on the beacon chain at `timestamp` (a
    ///         finalized state) and `withdrawals`, the ether withdrawn from the beacon chain to
    ///         the pool up to then, in total since deployment (the sum of the execution blocks'
    ///         withdrawals to this address). Credits the new withdrawals to the buffer (never more
    ///         than has arrived), then pulls execution-layer rewards from the vault into the buffer
    ///         (as much as the bound leaves room for; the rest waits for later reports).
    /// @dev The bounds hold over time, not per call: reports are at least minReportInterval
    ///      seconds of chain time apart; the beacon side (balance + new withdrawals - previous
    ///      balance - 32 ETH per newly seen validator) may rise by at most maxAprBps a year over
    ///      the chain time since the last report and fall by at most maxLossBps per report, both
    ///      of the total before (taken as at least 32 ETH, so an empty pool can still report).
    ///      A sweep lowers the balance by what it adds to the withdrawals: no change.
    function reportBeacon(uint64 timestamp, uint64 validators, uint128 balance, uint128 withdrawals)
        external
        nonReentrant
        onlyRole(ORACLE_ROLE)
    {
        uint256 elapsed = _checkReportTime(timestamp);
        uint64 previous = beaconValidators;
        if (validators < previous || validators > activatedValidators) {
            revert InvalidValidatorCount(validators, previous, activatedValidators);
        }
        if (validators == 0 && balance != 0) revert BalanceWithoutValidators(balance);
        uint256 newWithdrawals = _newWithdrawals(withdrawals);
        uint256 before = totalPooledEther();
        int256 change = int256(uint256(balance) + newWithdrawals)
            - int256(uint256(beaconBalance) + uint256(validators - previous) * DEPOSIT_SIZE);
        uint256 room = _roomAfter(change, before, elapsed);

        beaconValidators = uint24(validators); // <= activatedValidators, a uint24
        beaconBalance = SafeCast.toUint88(balance);
        withdrawalsCredited = withdrawals;
        lastReportTimestamp = timestamp;
        lastReportAt = uint64(block.timestamp);
        bufferedEther += SafeCast.toUint88(newWithdrawals);
        uint256 rewards = room == 0 ? 0 : rewardsVault.pull(room);
        bufferedEther += SafeCast.toUint88(rewards);
        emit BeaconReported(
            timestamp, validators, balance, newWithdrawals, rewards, before, totalPooledEther(), poolETH.totalShares()
        );
    }

    /// @notice The chain time from which the next report is accepted.
    function nextReportAt() external view returns (uint256) {
        return uint256(lastReportAt) + minReportInterval;
    }

    /// @dev Spacing by the chain's clock; the reference time moves forward and is not in the
    ///      future. Returns the chain time since the last report.
    function _checkReportTime(uint64 timestamp) private view returns (uint256 elapsed) {
        uint256 last = lastReportAt;
        if (block.timestamp < last + minReportInterval) revert ReportTooSoon(last + minReportInterval);
        if (timestamp <= lastReportTimestamp || timestamp > block.timestamp) {
            revert StaleReport(timestamp, lastReportTimestamp);
        }
        return block.timestamp - last;
    }

    /// @dev Beacon withdrawals new since the last report, which must have arrived: ether the
    ///      pool holds beyond the buffer and (v2) the fee reserve.
    function _newWithdrawals(uint256 withdrawals) private view returns (uint256 claimed) {
        uint256 credited = withdrawalsCredited;
        if (withdrawals < credited) revert WithdrawalsDecreased(withdrawals, credited);
        claimed = withdrawals - credited;
        if (claimed == 0) return 0;
        uint256 accounted = uint256(bufferedEther) + (address(ssvToken) == address(0) ? feeReserve : 0);
        uint256 held = address(this).balance;
        uint256 received = held > accounted ? held - accounted : 0;
        if (claimed > received) revert WithdrawalsNotReceived(claimed, received);
    }

    /// @dev Checks the beacon side's `change` against the bounds; returns how much more the
    ///      total may grow in this report (room for execution-layer rewards).
    function _roomAfter(int256 change, uint256 before, uint256 elapsed) private view returns (uint256) {
        uint256 base = before < DEPOSIT_SIZE ? DEPOSIT_SIZE : before;
        uint256 upward = (base * maxAprBps * elapsed) / (BPS * SECONDS_PER_YEAR);
        if (change >= 0) {
            if (uint256(change) > upward) revert ReportOutOfBounds(change, upward);
            return upward - uint256(change);
        }
        uint256 downward = (before * maxLossBps) / BPS;
        if (uint256(-change) > downward) revert ReportOutOfBounds(change, downward);
        return upward + uint256(-change);
    }

    // ------------------------------------------------------------------ registry

    /// @notice Appends validators from the key ceremony; activatable `activationDelay` blocks
    ///         later, in order. Refuses an entry whose deposit data root is not that of its own
    ///         pubkey and signature with the pool's credentials and 32 ETH, or whose signature
    ///         does not sign that deposit for the pool's network (`points[i]`: entry i's pubkey
    ///         and signature uncompressed, see `DepositSignatureVerifier`).
    function addValidators(ValidatorData[] calldata entries, bytes[] calldata points)
        external
        onlyRole(OPERATOR_ROLE)
    {
        _addValidators(entries, points);
    }

    /// @notice Drops every pending entry from `fromIndex` on (a front-run key, data made for
    ///         other credentials, an operator gone from SSV: whatever would block the entries
    ///         behind it). Their pubkeys can never be added again; the next ceremony's shares
    ///         start at SSV nonce `fromIndex`.
    function dropValidators(uint256 fromIndex) external {
        if (!hasRole(OPERATOR_ROLE, msg.sender) && !hasRole(DEFAULT_ADMIN_ROLE, msg.sender)) {
            revert NotOperatorOrAdmin(msg.sender);
        }
        _dropFrom(fromIndex);
    }

    function _firstPending() internal view override returns (uint256) {
        return activatedValidators;
    }

    function _credentials() internal view override returns (bytes32) {
        return withdrawalCredentials;
    }

    // ------------------------------------------------------------------ activation

    /// @notice SSV funding of one validator for the current runway, at the live fees:
    ///         burnRate * runway + max(burnRate * liquidationThreshold, minimumCollateral),
    ///         rounded up to the network's precision. In ETH for v2, in SSV for v1.
    function fundingPerValidator(uint64[] calldata operatorIds) external view returns (uint256) {
        uint256 burnRate = ssvViews.getNetworkFee();
        for (uint256 i; i < operatorIds.length; ++i) {
            burnRate += ssvViews.getOperatorFee(operatorIds[i]);
        }
        uint256 collateral = burnRate * ssvViews.getLiquidationThresholdPeriod();
        uint256 minimum = ssvViews.getMinimumLiquidationCollateral();
        if (collateral < minimum) collateral = minimum;
        uint256 precision = address(ssvToken) == address(0) ? ETH_FEE_PRECISION : SSV_FEE_PRECISION;
        uint256 funding = burnRate * runway + collateral;
        return ((funding + precision - 1) / precision) * precision;
    }

    /// @notice Activates the next `validators.length` registry entries: 32 ETH each to the
    ///         deposit contract with the pool's credentials, then one SSV registration of all of
    ///         them (they must share one operator set), funded from the fee reserve.
    /// @param validators the entries, exactly as registered (checked against their hashes).
    /// @param expectedDepositCount the deposit contract's count the caller saw when it checked
    ///        the pubkeys against its logs: a deposit by anyone since then (a front-run of a
    ///        ceremony key) makes this revert. The count moves exactly when the root does, and
    ///        reads one slot instead of the root's 32.
    /// @param perValidatorFunding what each validator brings to its cluster, from the fee
    ///        reserve: the caller quotes it with `fundingPerValidator` (an `eth_call`, free) and
    ///        previews it. Reading the seven live fees here cost ~28,000 gas per activation and
    ///        could fund differently from the preview if a fee moved in between. The network
    ///        refuses a registration that leaves the cluster under its liquidation collateral;
    ///        more than needed stays the pool's, in its cluster (`withdrawFromCluster`).
    /// @param cluster the cluster's latest snapshot, rebuilt from the SSV network's events.
    function activateValidators(
        ValidatorData[] calldata validators,
        uint64 expectedDepositCount,
        uint256 perValidatorFunding,
        Cluster calldata cluster
    ) external nonReentrant onlyRole(KEEPER_ROLE) {
        uint256 count = validators.length;
        if (count == 0) revert ZeroCount();
        uint64 deposits = _depositCount();
        if (deposits != expectedDepositCount) revert DepositCountChanged(expectedDepositCount, deposits);
        uint256 first = activatedValidators;
        uint256 pending = _registryLength() - first;
        if (count > pending) revert NotEnoughValidators(pending, count);
        uint256 needed = count * DEPOSIT_SIZE;
        if (bufferedEther < needed) revert InsufficientBuffer(bufferedEther, needed);
        uint256 limit = _bulkLimit(validators[0].operatorIds.length);
        if (count > limit) revert BulkLimitExceeded(count, limit);

        _checkEntries(validators, first);
        uint256 funding = count * perValidatorFunding;
        if (feeReserve < funding) revert InsufficientFeeReserve(feeReserve, funding);

        uint256 nonce = ssvRegistrations;
        if (nonce != first) revert SsvNonceMismatch(nonce, first);

        bufferedEther -= uint88(needed); // needed <= bufferedEther
        activatedValidators += SafeCast.toUint24(count);
        ssvRegistrations = uint24(nonce + count); // == activatedValidators
        feeReserve -= funding;

        _depositAll(validators);
        _registerWithSsv(validators, funding, cluster);
        emit ValidatorsActivated(first, count, funding);
    }

    /// @dev The deposit contract's `get_deposit_count()`: 8 bytes, little-endian.
    function _depositCount() private view returns (uint64 count) {
        bytes memory le = depositContract.get_deposit_count();
        if (le.length != 8) revert DepositCountChanged(0, type(uint64).max);
        uint64 v;
        assembly ("memory-safe") {
            v := shr(192, mload(add(le, 0x20)))
        }
        // Byte swap: pairs, then 16-bit halves, then 32-bit halves.
        v = ((v & 0xFF00FF00FF00FF00) >> 8) | ((v & 0x00FF00FF00FF00FF) << 8);
        v = ((v & 0xFFFF0000FFFF0000) >> 16) | ((v & 0x0000FFFF0000FFFF) << 16);
        count = (v >> 32) | (v << 32);
    }

    function _depositAll(ValidatorData[] calldata validators) private {
        bytes memory credentials = abi.encodePacked(withdrawalCredentials);
        for (uint256 i; i < validators.length; ++i) {
            ValidatorData calldata v = validators[i];
            // Each call's arguments are encoded at the free pointer; handing that memory back
            // after the call keeps a bulk's memory (and its quadratic cost) flat.
            uint256 freePointer;
            assembly ("memory-safe") {
                freePointer := mload(0x40)
            }
            depositContract.deposit{value: DEPOSIT_SIZE}(v.pubkey, credentials, v.signature, v.depositDataRoot);
            assembly ("memory-safe") {
                mstore(0x40, freePointer)
            }
        }
    }

    function _registerWithSsv(ValidatorData[] calldata validators, uint256 funding, Cluster calldata cluster) private {
        uint256 count = validators.length;
        bool inEth = address(ssvToken) == address(0);
        if (!inEth) ssvToken.forceApprove(ssvNetwork, funding);
        if (count == 1) {
            ValidatorData calldata v = validators[0];
            if (inEth) {
                ISSVNetworkV2(ssvNetwork).registerValidator{value: funding}(v.pubkey, v.operatorIds, v.sharesData, cluster);
            } else {
                ISSVNetworkV1(ssvNetwork).registerValidator(v.pubkey, v.operatorIds, v.sharesData, funding, cluster);
            }
            return;
        }
        bytes[] memory keys = new bytes[](count);
        bytes[] memory shares = new bytes[](count);
        for (uint256 i; i < count; ++i) {
            keys[i] = validators[i].pubkey;
            shares[i] = validators[i].sharesData;
        }
        if (inEth) {
            ISSVNetworkV2(ssvNetwork).bulkRegisterValidator{value: funding}(keys, validators[0].operatorIds, shares, cluster);
        } else {
            ISSVNetworkV1(ssvNetwork).bulkRegisterValidator(keys, validators[0].operatorIds, shares, funding, cluster);
        }
    }

    /// @dev SSV's per-transaction bulk limits: 80 / 40 / 30 / 20 for 4 / 7 / 10 / 13 operators.
    function _bulkLimit(uint256 operators) private pure returns (uint256) {
        if (operators == 4) return 80;
        if (operators == 7) return 40;
        if (operators == 10) return 30;
        return 20;
    }

    // ------------------------------------------------------------------ the pool's clusters

    /// @notice Puts `amount` of the fee reserve into the cluster of `operatorIds`: a top-up of an
    ///         active cluster (its runway grows by amount / burn rate blocks), or the reactivation
    ///         of a liquidated one (its validators run again; `amount` must cover at least the
    ///         liquidation collateral).
    /// @param cluster the cluster's latest snapshot, rebuilt from the SSV network's events; its
    ///        `active` flag chooses between the two.
    function fundCluster(uint64[] calldata operatorIds, uint256 amount, Cluster calldata cluster)
        external
        nonReentrant
        onlyOperatorOrKeeper
    {
        if (amount == 0) revert ZeroDeposit();
        if (feeReserve < amount) revert InsufficientFeeReserve(feeReserve, amount);
        feeReserve -= amount;
        bool inEth = address(ssvToken) == address(0);
        if (!inEth) ssvToken.forceApprove(ssvNetwork, amount);
        if (cluster.active) {
            if (inEth) ISSVNetworkV2(ssvNetwork).deposit{value: amount}(address(this), operatorIds, cluster);
            else ISSVNetworkV1(ssvNetwork).deposit(address(this), operatorIds, amount, cluster);
        } else {
            if (inEth) ISSVNetworkV2(ssvNetwork).reactivate{value: amount}(operatorIds, cluster);
            else ISSVNetworkV1(ssvNetwork).reactivate(operatorIds, amount, cluster);
        }
        emit ClusterFunded(operatorIds, amount, !cluster.active);
    }

    /// @notice Takes `amount` of a cluster's balance back into the fee reserve (the network
    ///         refuses what would leave an active cluster liquidatable).
    function withdrawFromCluster(uint64[] calldata operatorIds, uint256 amount, Cluster calldata cluster)
        external
        nonReentrant
        onlyRole(OPERATOR_ROLE)
    {
        uint256 before = _feeAssetHeld();
        ISSVNetworkOwner(ssvNetwork).withdraw(operatorIds, amount, cluster);
        // Booked as received, not as asked: the reserve only ever holds what arrived.
        uint256 received = _feeAssetHeld() - before;
        feeReserve += received;
        emit ClusterDefunded(operatorIds, received);
    }

    function _feeAssetHeld() private view returns (uint256) {
        return address(ssvToken) == address(0) ? address(this).balance : ssvToken.balanceOf(address(this));
    }

    modifier onlyOperatorOrKeeper() {
        if (!hasRole(OPERATOR_ROLE, msg.sender) && !hasRole(KEEPER_ROLE, msg.sender)) {
            revert NotOperatorOrKeeper(msg.sender);
        }
        _;
    }

    // ------------------------------------------------------------------ fee reserve and settings

    /// @notice Adds ETH to the cluster-funding reserve (SSV v2 pools).
    function fundFeeReserve() external payable {
        if (address(ssvToken) != address(0)) revert WrongFeeAsset();
        if (msg.value == 0) revert ZeroDeposit();
        feeReserve += msg.value;
        emit FeeReserveFunded(msg.sender, msg.value);
    }

    /// @notice Adds SSV tokens to the cluster-funding reserve (SSV v1.x pools); approve first.
    function fundFeeReserveSsv(uint256 amount) external {
        if (address(ssvToken) == address(0)) revert WrongFeeAsset();
        if (amount == 0) revert ZeroDeposit();
        ssvToken.safeTransferFrom(msg.sender, address(this), amount);
        feeReserve += amount;
        emit FeeReserveFunded(msg.sender, amount);
    }

    /// @notice Returns unused reserve (never stakers' ether, which is accounted apart).
    function withdrawFeeReserve(address payable to, uint256 amount) external onlyRole(DEFAULT_ADMIN_ROLE) nonReentrant {
        if (to == address(0)) revert ZeroAddress();
        if (amount > feeReserve) revert InsufficientFeeReserve(feeReserve, amount);
        feeReserve -= amount;
        if (address(ssvToken) == address(0)) {
            (bool ok,) = to.call{value: amount}("");
            if (!ok) revert EtherTransferFailed(to);
        } else {
            ssvToken.safeTransfer(to, amount);
        }
        emit FeeReserveWithdrawn(to, amount);
    }

    /// @notice Sets the runway, in blocks, that each activation funds (about 7160 blocks a day).
    function setRunway(uint64 blocks) external onlyRole(OPERATOR_ROLE) {
        if (blocks == 0) revert InvalidRunway();
        runway = blocks;
        emit RunwaySet(blocks);
    }

    /// @notice Sets how far oracle reports may move total pooled ether: up by at most `aprBps`
    ///         a year (pro rata of the chain time between reports), down by at most `lossBps` per
    ///         report; at most MAX_APR_BPS_LIMIT and MAX_LOSS_BPS_LIMIT.
    function setReportBounds(uint16 aprBps, uint16 lossBps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _checkBounds(aprBps, lossBps);
        maxAprBps = aprBps;
        maxLossBps = lossBps;
        emit ReportBoundsSet(aprBps, lossBps);
    }

    function _checkBounds(uint16 aprBps, uint16 lossBps) private pure {
        if (aprBps == 0 || lossBps == 0 || aprBps > MAX_APR_BPS_LIMIT || lossBps > MAX_LOSS_BPS_LIMIT) {
            revert InvalidBounds();
        }
    }
}
