// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IPoolFigures, PoolMath} from "./PoolMath.sol";
import {PoolETH} from "./PoolETH.sol";
import {RewardsVault} from "./RewardsVault.sol";
import {WithdrawalQueue} from "./WithdrawalQueue.sol";
import {ValidatorData, ValidatorRegistry} from "./ValidatorRegistry.sol";
import {IDepositContract} from "./interfaces/IDepositContract.sol";
import {Cluster, ISSVNetworkOwner, ISSVNetworkV2, ISSVViews} from "./interfaces/ISSVNetwork.sol";
import {ISSVExits} from "./interfaces/IPoolForQueue.sol";

/// @title Pool manager of the SSV liquid staking pool.
/// @notice Takes stakers' ether and mints poolETH shares for it; activates validators from the
///         registry built in the key ceremony (32 ETH to the beacon deposit contract, then SSV
///         registration funded for the pool's runway); accounts for the beacon side, the ether
///         the beacon chain sweeps back and the execution-layer rewards, as the oracle reports.
/// @dev Accounting lives in storage; `address(this).balance` is read only as an upper bound on
///      the withdrawals a report may credit, so ether forced into the contract cannot move the
///      share price by itself.
///      totalPooledEther = buffered + beaconBalance + 32 ETH * (activated - settled), where the
///      settled validators are those seen on the beacon chain (`beaconValidators`) and those
///      written off as never seen (`writtenOffValidators`, see `writeOffValidators`).
///      Roles: the admin (two-step transfer with a delay) grants roles (each grant proposed, then
///      executed after a delay of at least activationDelay blocks and the admin transfer delay),
///      sets the report bounds, pauses deposits, withdraws the fee reserve and may drop pending
///      entries; the operator adds and drops
///      registry entries and manages the clusters; the keeper activates entries that have waited
///      `activationDelay` blocks; the oracle reports. No role can send buffered ether anywhere but
///      the deposit contract, with the pool's credentials.
contract PoolManager is AccessControlDefaultAdminRules, ReentrancyGuardTransient, ValidatorRegistry {

    bytes32 public constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");
    bytes32 public constant ORACLE_ROLE = keccak256("ORACLE_ROLE");
    bytes32 public constant KEEPER_ROLE = keccak256("KEEPER_ROLE");

    uint256 public constant DEPOSIT_SIZE = 32 ether;
    /// @notice The most the admin may allow the total to grow: 100 % a year.
    uint16 public constant MAX_APR_BPS_LIMIT = 10_000;
    /// @notice The most the admin may allow reports to take off the total: 10 % a day.
    uint16 public constant MAX_LOSS_BPS_LIMIT = 1_000;
    uint256 private constant BPS = 10_000;
    uint256 private constant SECONDS_PER_YEAR = 365 days;
    /// @dev The devnet (anvil's chain id), the only chain where the safe minimums below are
    ///      waived (its tests run in seconds of chain time and a few blocks).
    uint256 private constant DEVNET_CHAIN_ID = 31337;
    /// @dev Safe minimums elsewhere: an hour of blocks to see and drop an entry before it can
    ///      be activated (300 blocks of 12 s), an hour between reports (past finality, ~13 min,
    ///      so that a report's reference state is after the previous report), a day before a new
    ///      admin (or, through the role-grant delay, any new role holder) takes over.
    uint64 private constant MIN_ACTIVATION_DELAY = 300;
    uint64 private constant MIN_REPORT_INTERVAL = 1 hours;
    uint48 private constant MIN_ADMIN_TRANSFER_DELAY = 1 days;
    /// @notice How long after the pool's last activation a validator still not seen on the
    ///         beacon chain may be written off: longer than the Electra pending-deposit queue
    ///         has ever made a valid deposit wait (its longest entry queue, in 2023, was ~45
    ///         days), on every chain (the devnet's tests move its clock).
    uint256 private constant WRITE_OFF_DELAY = 60 days;

    /// @notice Deployment parameters.
    struct Config {
        address admin;
        /// @dev The first holders of the operator, oracle and keeper roles (zero: none), granted
        ///      at deployment; every later grant waits its delay (proposeRoleGrant).
        address operator;
        address oracle;
        address keeper;
        /// @dev Seconds between the admin's proposal of a new admin and its acceptance.
        uint48 adminTransferDelay;
        IDepositContract depositContract;
        address ssvNetwork;
        ISSVViews ssvViews;
        uint64 runway;
        /// @dev Seconds of chain time between two oracle reports, at least (1 hour off the devnet).
        uint64 minReportInterval;
        /// @dev Up: the most the total may grow a year. Down: the most it may fall a day.
        uint16 maxAprBps;
        uint16 maxLossBps;
        /// @dev Blocks a registry entry waits before it can be activated (300 off the devnet).
        uint64 activationDelay;
        /// @dev GENESIS_FORK_VERSION of the network (mainnet 0x00000000, Hoodi 0x10000910): the
        ///      registry refuses deposit signatures made for another.
        bytes4 genesisForkVersion;
        /// @dev The deployed PoolMath (stateless, so shared code: deployed apart to keep this
        ///      contract's creation code under EIP-3860's 49,152 bytes).
        PoolMath poolMath;
    }

    PoolETH public immutable poolETH;
    /// @notice Fee recipient of the pool's validators: execution-layer rewards wait there until
    ///         a report pulls them into the buffer.
    RewardsVault public immutable rewardsVault;
    IDepositContract public immutable depositContract;
    address public immutable ssvNetwork;
    ISSVViews public immutable ssvViews;
    /// @notice Stakers' withdrawal requests (created with poolETH): reports finalize them from the
    ///         buffer, which activations leave untouched while requests wait; it asks the pool
    ///         for the exits of its validators (`forwardExit`).
    WithdrawalQueue public immutable withdrawalQueue;
    /// @notice The calculator of report outcomes and funding quotes (stateless; see PoolMath).
    PoolMath public immutable poolMath;
    /// @notice 0x01 credentials pointing at this contract: principal and the beacon chain's
    ///         sweeps come back to the pool, and reports credit them to the buffer.
    bytes32 public immutable withdrawalCredentials;
    uint64 public immutable minReportInterval;

    // One slot holds everything totalPooledEther() reads and the pause flag, so a deposit reads
    // one slot and writes it back, and an activation updates its counters there (88 bits hold
    // 309 million ETH, more than exists; 24 bits 16 million validators, 15 times all of
    // Ethereum's).
    uint88 public bufferedEther;
    /// @notice The beacon balance the pool accounts for: the oracle's last figure, less a gain
    ///         or plus a loss the bounds have not let in yet (carried to later reports).
    uint88 public beaconBalance;
    uint24 public activatedValidators;
    /// @dev Validators no longer in transit: seen on the beacon chain or written off.
    uint24 private settledValidators;
    /// @notice Set by the admin while an incident is open (a loss being carried in, a key
    ///         suspected): deposits are refused, everything else goes on.
    bool public depositsPaused;
    /// @dev The hour (block.timestamp / 1 hour) of the pool's last activation: written in the
    ///      slot an activation writes anyway, 24 bits hold 1,900 years. Private for the code
    ///      size limit: a refused write-off says from when it is allowed (`WriteOffRefused`).
    uint24 private lastActivationHour;
    // Slot: report times, runway, report bounds.
    /// @notice Reference time of the last report (the beacon state it describes).
    uint64 public lastReportTimestamp;
    /// @notice Chain time (block.timestamp) of the last report; the bounds count from it.
    uint64 public lastReportAt;
    uint64 public runway;
    uint16 public maxAprBps;
    uint16 public maxLossBps;
    /// @notice Activated validators written off as never seen on the beacon chain (their
    ///         deposits burned, or not yet seen): see `writeOffValidators`.
    uint24 public writtenOffValidators;

    /// @notice Cluster funding set aside by the operator (ETH); not stakers'.
    uint256 public feeReserve;
    /// @notice Ether withdrawn from the beacon chain to the pool in total since deployment, as
    ///         the last report stated it (the oracle reports this cumulative figure; each report
    ///         credits the increase, as far as it reached the pool and the bounds allow).
    uint256 public withdrawalsCredited;
    /// @dev keccak256(role, account) => (ready time << 64) | ready block of a proposed grant.
    mapping(bytes32 => uint256) private pendingGrants;

    event ValidatorsActivated(uint256 indexed firstIndex, uint256 count, uint256 funding);
    /// @notice One oracle report: the beacon side at `timestamp` as reported (`reportedBalance`)
    ///         and as now accounted (`accountedBalance`: they differ while the bounds carry a
    ///         move), the beacon withdrawals reported since the last report (`newWithdrawals`, a
    ///         delta), the execution-layer rewards pulled from the vault, the spare ether
    ///         credited from the pool's own balance, and the totals around it.
    event BeaconReported(
        uint64 indexed timestamp,
        uint64 beaconValidators,
        uint256 reportedBalance,
        uint256 accountedBalance,
        uint256 newWithdrawals,
        uint256 executionRewards,
        uint256 spareEther,
        uint256 preTotalPooledEther,
        uint256 postTotalPooledEther,
        uint256 totalShares
    );
    /// @notice `count` validators in transit were written off as never seen (`writtenOff` in
    ///         all). A report that shows more validators than are activated and not written
    ///         off counts the difference back (no event of its own, for the code size limit:
    ///         `writtenOff` becomes min(writtenOff, activated - BeaconReported.beaconValidators)).
    event ValidatorsWrittenOff(uint256 count, uint256 writtenOff);
    event DepositsPausedSet(bool paused);
    /// @notice `account` may receive `role` from chain time `readyAt` and block `readyBlock` on.
    event RoleGrantProposed(bytes32 indexed role, address indexed account, uint64 readyAt, uint64 readyBlock);
    event RoleGrantCancelled(bytes32 indexed role, address indexed account);
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
    error DepositsArePaused();
    /// @dev Roles are granted in two steps: proposeRoleGrant, then executeRoleGrant.
    error RoleGrantDelayed();
    error NoPendingGrant(bytes32 role, address account);
    error RoleGrantNotReady(uint64 readyAt, uint64 readyBlock);
    /// @dev Off the devnet, a delay below its safe minimum (0: activation delay, 1: report
    ///      interval, 2: admin transfer delay).
    error BelowSafeMinimum(uint8 setting, uint256 given, uint256 minimum);
    /// @dev The activation's funding is below the pool's floor of its own quote: the SSV network
    ///      fee for the runway plus the minimum liquidation collateral.
    error FundingBelowFloor(uint256 given, uint256 floor);
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
    error BulkLimitExceeded(uint256 count, uint256 limit);
    error EtherTransferFailed(address to);
    error StaleReport(uint64 timestamp, uint64 lastTimestamp);
    /// @dev Reports are at least minReportInterval seconds of chain time apart.
    error ReportTooSoon(uint256 nextAllowedAt);
    error InvalidValidatorCount(uint64 reported, uint64 previous, uint64 activated);
    /// @dev No validator is seen on the beacon chain, so none can have a balance.
    error BalanceWithoutValidators(uint256 balance);
    error NotRewardsVault(address caller);
    /// @dev A write-off needs a report of a beacon state at least WRITE_OFF_DELAY after the
    ///      hour of the pool's last activation (from `notBefore` on), and between one and the
    ///      validators in transit.
    error WriteOffRefused(uint256 inTransit, uint256 notBefore);
    error NotWithdrawalQueue(address caller);
    /// @dev `forwardExit` makes only the SSV network's exit and removal calls (no fee) and
    ///      EIP-7002 requests (56 bytes).
    error ExitCallRefused(address target, bytes4 selector);

    constructor(Config memory config)
        AccessControlDefaultAdminRules(config.adminTransferDelay, config.admin)
        ValidatorRegistry(config.activationDelay, config.genesisForkVersion)
    {
        if (
            address(config.depositContract) == address(0) || config.ssvNetwork == address(0)
                || address(config.ssvViews) == address(0) || address(config.poolMath) == address(0)
        ) revert ZeroAddress();
        if (config.runway == 0) revert InvalidRunway();
        if (config.minReportInterval == 0) revert InvalidReportInterval();
        if (block.chainid != DEVNET_CHAIN_ID) {
            if (config.activationDelay < MIN_ACTIVATION_DELAY) {
                revert BelowSafeMinimum(0, config.activationDelay, MIN_ACTIVATION_DELAY);
            }
            if (config.minReportInterval < MIN_REPORT_INTERVAL) {
                revert BelowSafeMinimum(1, config.minReportInterval, MIN_REPORT_INTERVAL);
            }
            if (config.adminTransferDelay < MIN_ADMIN_TRANSFER_DELAY) {
                revert BelowSafeMinimum(2, config.adminTransferDelay, MIN_ADMIN_TRANSFER_DELAY);
            }
        }
        _checkBounds(config.maxAprBps, config.maxLossBps);
        depositContract = config.depositContract;
        ssvNetwork = config.ssvNetwork;
        ssvViews = config.ssvViews;
        minReportInterval = config.minReportInterval;
        withdrawalCredentials = bytes32(uint256(uint160(address(this))) | (uint256(0x01) << 248));
        runway = config.runway;
        maxAprBps = config.maxAprBps;
        maxLossBps = config.maxLossBps;
        lastReportAt = uint64(block.timestamp);
        poolETH = new PoolETH(address(this));
        withdrawalQueue = WithdrawalQueue(payable(poolETH.withdrawalQueue()));
        rewardsVault = new RewardsVault();
        poolMath = config.poolMath;
        if (config.operator != address(0)) _grantRole(OPERATOR_ROLE, config.operator);
        if (config.oracle != address(0)) _grantRole(ORACLE_ROLE, config.oracle);
        if (config.keeper != address(0)) _grantRole(KEEPER_ROLE, config.keeper);
        // Before any validator runs: by default the SSV operators would send execution-layer
        // rewards to the cluster owner, this contract, which refuses plain ether.
        ISSVNetworkOwner(config.ssvNetwork).setFeeRecipientAddress(address(rewardsVault));
        emit RunwaySet(config.runway);
        emit ReportBoundsSet(config.maxAprBps, config.maxLossBps);
    }

    // ------------------------------------------------------------------ staking

    /// @notice All the ether the pool accounts for: the basis of every poolETH balance.
    function totalPooledEther() public view returns (uint256) {
        // Cannot overflow (two 88-bit amounts and 2^24 * 32 ETH), and reports and write-offs
        // keep settledValidators <= activatedValidators; the deposit path is the hottest there is.
        unchecked {
            return uint256(bufferedEther) + beaconBalance
                + (uint256(activatedValidators) - settledValidators) * DEPOSIT_SIZE;
        }
    }

    /// @notice Deposits the sent ether and mints poolETH shares to the sender at the current rate.
    /// @dev The deposit's record is poolETH's mint: `Transfer(0, staker, amount)` and
    ///      `TransferShares(0, staker, shares)` (only deposits mint). A third event of our own
    ///      would repeat them for ~1,900 gas on every deposit.
    function deposit() external payable returns (uint256 shares) {
        if (msg.value == 0) revert ZeroDeposit();
        uint256 pooled = totalPooledEther();
        // Read beside the total (one slot): the pause costs no storage read of its own.
        if (depositsPaused) revert DepositsArePaused();
        shares = poolETH.mintForDeposit(msg.sender, msg.value, pooled);
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

    /// @notice The pool's figures and `account`'s position (zeros for the zero address), read
    ///         in one call (one RPC request per refresh, through a wallet as well as through a
    ///         node). Computed by PoolMath from this pool's getters; its answer is returned as is.
    function snapshot(address account) external view returns (PoolMath.Snapshot memory) {
        address math = address(poolMath);
        bytes memory data = abi.encodeCall(PoolMath.snapshot, (IPoolFigures(address(this)), account));
        assembly {
            let ok := staticcall(gas(), math, add(data, 0x20), mload(data), 0, 0)
            returndatacopy(0, 0, returndatasize())
            if iszero(ok) { revert(0, returndatasize()) }
            return(0, returndatasize())
        }
    }

    // ------------------------------------------------------------------ oracle

    /// @notice Reports the pool's validators as seen on the beacon chain at `timestamp` (a
    ///         finalized state): how many, their total `balance`, and `cumulativeWithdrawals`,
    ///         the ether withdrawn from the beacon chain to the pool up to then, in total since
    ///         deployment (the sum of the execution blocks' withdrawals to this address).
    ///         Credits the new withdrawals that reached the pool to the buffer, then pulls
    ///         execution-layer rewards from the vault, then credits spare ether the pool holds
    ///         (coinbase payments, self-destructs), as far as the bounds leave room.
    /// @dev Never refused for being too far from the accounts: the bounds clamp, they do not
    ///      reject. Reports are at least minReportInterval seconds of chain time apart; the total
    ///      moves by at most maxAprBps a year up (pro rata of the chain time since the last
    ///      report) and maxLossBps a day down (pro rata, at most a day's worth per report), both
    ///      of the total before (no floor). The beacon side (balance + new withdrawals that
    ///      arrived - accounted balance - 32 ETH per newly seen validator) is applied first; what
    ///      the bound does not let in is carried: the accounted `beaconBalance` stays above a
    ///      reported loss or below a reported gain (a gain also as withdrawn ether left in the
    ///      pool's balance, spare ether for later reports), and every later report moves it
    ///      again as far as its own bounds allow. A sweep lowers the balance by what it adds to
    ///      the withdrawals: no change. A cumulative figure below the last one is taken as the
    ///      new reference (it credits nothing; it cannot credit ether that did not arrive).
    ///      `validators` counts the activated validators seen (written-off ones included, if
    ///      the beacon chain shows them after all: they are counted back, not twice).
    function reportBeacon(uint64 timestamp, uint64 validators, uint128 balance, uint128 cumulativeWithdrawals)
        external
        nonReentrant
        onlyRole(ORACLE_ROLE)
    {
        uint256 elapsed = _checkReportTime(timestamp);
        uint256 activated = activatedValidators;
        uint256 settled = settledValidators;
        uint256 off = writtenOffValidators;
        if (validators < settled - off || validators > activated) {
            revert InvalidValidatorCount(validators, uint64(settled - off), uint64(activated));
        }
        if (validators == 0 && balance != 0) revert BalanceWithoutValidators(balance);
        // More seen than activated and not written off: written-off validators appeared after
        // all. They leave the written-off count; their 32 ETH each is not added again (the
        // write-off kept it in the accounted balance): it is in the reported balance, so the
        // loss still carried shrinks, or a loss already taken in comes back as a gain within
        // the upward bound. The newly seen are matched with the validators in transit first.
        if (validators + off > activated) {
            off = activated - validators; // < off
            writtenOffValidators = uint24(off);
        }
        uint256 before = totalPooledEther();
        PoolMath.Outcome memory o = poolMath.settle(_reportInput(validators + off - settled, balance, cumulativeWithdrawals, before, elapsed));
        uint256 newWithdrawals = cumulativeWithdrawals > withdrawalsCredited ? cumulativeWithdrawals - withdrawalsCredited : 0;

        settledValidators = uint24(validators + off); // <= activatedValidators, a uint24
        beaconBalance = SafeCast.toUint88(o.beaconBalance);
        withdrawalsCredited = cumulativeWithdrawals;
        lastReportTimestamp = timestamp;
        lastReportAt = uint64(block.timestamp);
        bufferedEther += SafeCast.toUint88(o.fromPool);
        uint256 rewards = o.fromVault == 0 ? 0 : rewardsVault.pull(o.fromVault);
        bufferedEther += SafeCast.toUint88(rewards);
        emit BeaconReported(
            timestamp,
            validators,
            balance,
            o.beaconBalance,
            newWithdrawals,
            rewards,
            o.spareEther,
            before,
            totalPooledEther(),
            poolETH.totalShares()
        );
        _finalizeWithdrawals();
    }

    /// @dev The queue finalizes what the buffer can pay, oldest first, burning those shares at a
    ///      payout no higher than their worth (the price cannot fall); the ether leaves the
    ///      buffer, so the total, for the queue's balance.
    function _finalizeWithdrawals() private {
        uint256 buffered = bufferedEther;
        if (buffered == 0) return;
        uint256 paid = withdrawalQueue.finalize(buffered);
        if (paid == 0) return;
        bufferedEther = uint88(buffered - paid); // paid <= buffered
        (bool ok,) = address(withdrawalQueue).call{value: paid}("");
        if (!ok) revert EtherTransferFailed(address(withdrawalQueue));
    }

    /// @notice Validators seen on the beacon chain, as the last report stated.
    function beaconValidators() external view returns (uint24) {
        unchecked {
            return settledValidators - writtenOffValidators; // written off <= settled
        }
    }

    /// @notice Writes off `count` validators activated but still not seen on the beacon chain
    ///         (a deposit the beacon chain ignored: a bad signature, the wrong fork, a key
    ///         deposited before): they leave the ether in transit, so that later depositors no
    ///         longer buy 32 ETH each that does not exist.
    /// @dev Only once the last report describes a beacon state at least WRITE_OFF_DELAY after
    ///      the pool's last activation (its hour, rounded up), and for at most the validators
    ///      that report left in transit (no activation since, so none newer). The write-off moves
    ///      no value by itself: their 32 ETH each moves from in transit into the accounted beacon
    ///      balance, which the beacon chain does not hold, and the reports after it take that
    ///      loss in as any other (at most maxLossBps a day, the rest carried): a stolen oracle
    ///      key can do no more with it than with a false balance. The oracle writes off only
    ///      keys in neither the validators nor the pending deposits of a finalized state. A
    ///      written-off validator seen later is counted back (see reportBeacon), never twice.
    function writeOffValidators(uint256 count) external onlyRole(ORACLE_ROLE) {
        unchecked {
            // 24-bit counters, settled <= activated, and 32 ETH per validator activated from
            // the buffer (ether that existed: below 2^88 wei with the accounted balance).
            uint256 notBefore = (uint256(lastActivationHour) + 1) * 1 hours + WRITE_OFF_DELAY;
            uint256 settled = settledValidators;
            uint256 inTransit = activatedValidators - settled;
            if (lastReportTimestamp < notBefore || count == 0 || count > inTransit) {
                revert WriteOffRefused(inTransit, notBefore);
            }
            settledValidators = uint24(settled + count);
            uint256 off = writtenOffValidators + count;
            writtenOffValidators = uint24(off);
            beaconBalance += uint88(count * DEPOSIT_SIZE);
            emit ValidatorsWrittenOff(count, off);
        }
    }

    function _reportInput(uint256 newlySeen, uint256 balance, uint256 cumulative, uint256 before, uint256 elapsed)
        private
        view
        returns (PoolMath.Input memory r)
    {
        uint256 credited = withdrawalsCredited;
        uint256 accounted = uint256(bufferedEther) + feeReserve;
        uint256 held = address(this).balance;
        r.before = before;
        r.expected = uint256(beaconBalance) + newlySeen * DEPOSIT_SIZE;
        r.balance = balance;
        r.newWithdrawals = cumulative > credited ? cumulative - credited : 0;
        r.unaccounted = held > accounted ? held - accounted : 0;
        r.vault = address(rewardsVault).balance;
        r.elapsed = elapsed;
        r.aprBps = maxAprBps;
        r.lossBps = maxLossBps;
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
    ///         rounded up to the network's precision (1e5 wei), in ETH.
    function fundingPerValidator(uint64[] calldata operatorIds) external view returns (uint256) {
        return poolMath.fundingPerValidator(ssvViews, operatorIds, runway);
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
    ///        could fund differently from the preview if a fee moved in between; instead the
    ///        pool refuses less than a sound floor of its own quote, from two reads: the SSV
    ///        network fee for the whole runway plus the minimum liquidation collateral
    ///        (`FundingBelowFloor`). More than needed stays the pool's, in its cluster
    ///        (`withdrawFromCluster`).
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
        // The waiting withdrawal requests' ether stays in the buffer for their finalization.
        uint256 needed = count * DEPOSIT_SIZE + withdrawalQueue.unfinalizedEther();
        if (bufferedEther < needed) revert InsufficientBuffer(bufferedEther, needed);
        uint256 limit = _bulkLimit(validators[0].operatorIds.length);
        if (count > limit) revert BulkLimitExceeded(count, limit);

        _checkEntries(validators, first);
        uint256 floor = _fundingFloor();
        if (perValidatorFunding < floor) revert FundingBelowFloor(perValidatorFunding, floor);
        uint256 funding = count * perValidatorFunding;
        if (feeReserve < funding) revert InsufficientFeeReserve(feeReserve, funding);

        bufferedEther -= uint88(count * DEPOSIT_SIZE); // <= needed <= bufferedEther
        activatedValidators += SafeCast.toUint24(count);
        lastActivationHour = uint24(block.timestamp / 1 hours);
        feeReserve -= funding;

        _depositAll(validators);
        _registerWithSsv(validators, funding, cluster);
        emit ValidatorsActivated(first, count, funding);
    }

    /// @notice The ether the waiting withdrawal requests ask for: activations leave it in the
    ///         buffer (one read beside the pool's figures, for the console and the keeper).
    function withdrawalsWaiting() external view returns (uint256) {
        return withdrawalQueue.unfinalizedEther();
    }

    /// @notice Validators the pool has registered with SSV: its SSV owner nonce, which is the
    ///         next entry's registry index (every activation registers what it deposits).
    function ssvRegistrations() external view returns (uint256) {
        return activatedValidators;
    }

    /// @notice The least an activation may fund each validator with: the network fee for the
    ///         runway plus the minimum liquidation collateral, a lower bound of
    ///         `fundingPerValidator` for any operator set (operator fees and the threshold's
    ///         collateral only add to it).
    function _fundingFloor() private view returns (uint256) {
        return ssvViews.getNetworkFee() * runway + ssvViews.getMinimumLiquidationCollateral();
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
        if (count == 1) {
            ValidatorData calldata v = validators[0];
            ISSVNetworkV2(ssvNetwork).registerValidator{value: funding}(v.pubkey, v.operatorIds, v.sharesData, cluster);
            return;
        }
        bytes[] memory keys = new bytes[](count);
        bytes[] memory shares = new bytes[](count);
        for (uint256 i; i < count; ++i) {
            keys[i] = validators[i].pubkey;
            shares[i] = validators[i].sharesData;
        }
        ISSVNetworkV2(ssvNetwork).bulkRegisterValidator{value: funding}(keys, validators[0].operatorIds, shares, cluster);
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
        if (cluster.active) ISSVNetworkV2(ssvNetwork).deposit{value: amount}(address(this), operatorIds, cluster);
        else ISSVNetworkV2(ssvNetwork).reactivate{value: amount}(operatorIds, cluster);
        emit ClusterFunded(operatorIds, amount, !cluster.active);
    }

    /// @notice Takes `amount` of a cluster's balance back into the fee reserve (the network
    ///         refuses what would leave an active cluster liquidatable).
    function withdrawFromCluster(uint64[] calldata operatorIds, uint256 amount, Cluster calldata cluster)
        external
        nonReentrant
        onlyRole(OPERATOR_ROLE)
    {
        uint256 before = address(this).balance;
        ISSVNetworkOwner(ssvNetwork).withdraw(operatorIds, amount, cluster);
        // Booked as received, not as asked: the reserve only ever holds what arrived.
        uint256 received = address(this).balance - before;
        feeReserve += received;
        emit ClusterDefunded(operatorIds, received);
    }

    // ------------------------------------------------------------------ exits

    /// @notice The withdrawal queue's exit calls, made by the pool as its validators' cluster
    ///         owner and withdrawal address: SSV `exitValidator`, `bulkExitValidator`,
    ///         `removeValidator`, `bulkRemoveValidator` (no fee), or an EIP-7002 request
    ///         (56 bytes) whose exact `fee` comes from the fee reserve. The queue holds the exit
    ///         rules (who, which validators, when: see ValidatorExits).
    function forwardExit(address target, uint256 fee, bytes calldata data) external nonReentrant {
        if (msg.sender != address(withdrawalQueue)) revert NotWithdrawalQueue(msg.sender);
        bytes4 selector = bytes4(data);
        if (target == ssvNetwork) {
            if (
                fee != 0
                    || (selector != ISSVExits.exitValidator.selector && selector != ISSVExits.bulkExitValidator.selector
                        && selector != ISSVExits.removeValidator.selector
                        && selector != ISSVExits.bulkRemoveValidator.selector)
            ) revert ExitCallRefused(target, selector);
        } else if (target != withdrawalQueue.WITHDRAWAL_REQUESTS() || data.length != 56) {
            revert ExitCallRefused(target, selector);
        }
        if (feeReserve < fee) revert InsufficientFeeReserve(feeReserve, fee);
        feeReserve -= fee;
        (bool ok, bytes memory answer) = target.call{value: fee}(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(answer, 0x20), mload(answer))
            }
        }
    }

    modifier onlyOperatorOrKeeper() {
        if (!hasRole(OPERATOR_ROLE, msg.sender) && !hasRole(KEEPER_ROLE, msg.sender)) {
            revert NotOperatorOrKeeper(msg.sender);
        }
        _;
    }

    // ------------------------------------------------------------------ fee reserve and settings

    /// @notice Adds ETH to the cluster-funding reserve.
    function fundFeeReserve() external payable {
        if (msg.value == 0) revert ZeroDeposit();
        feeReserve += msg.value;
        emit FeeReserveFunded(msg.sender, msg.value);
    }

    /// @notice Returns unused reserve (never stakers' ether, which is accounted apart).
    function withdrawFeeReserve(address payable to, uint256 amount) external onlyRole(DEFAULT_ADMIN_ROLE) nonReentrant {
        if (to == address(0)) revert ZeroAddress();
        if (amount > feeReserve) revert InsufficientFeeReserve(feeReserve, amount);
        feeReserve -= amount;
        (bool ok,) = to.call{value: amount}("");
        if (!ok) revert EtherTransferFailed(to);
        emit FeeReserveWithdrawn(to, amount);
    }

    /// @notice Sets the runway, in blocks, that each activation funds (about 7160 blocks a day).
    function setRunway(uint64 blocks) external onlyRole(OPERATOR_ROLE) {
        if (blocks == 0) revert InvalidRunway();
        runway = blocks;
        emit RunwaySet(blocks);
    }

    /// @notice Sets how fast oracle reports may move total pooled ether: up by at most `aprBps`
    ///         a year, down by at most `lossBps` a day (both pro rata of the chain time between
    ///         reports, a day's worth at most per report down); at most MAX_APR_BPS_LIMIT and
    ///         MAX_LOSS_BPS_LIMIT. Moves beyond them are carried, not refused.
    function setReportBounds(uint16 aprBps, uint16 lossBps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _checkBounds(aprBps, lossBps);
        maxAprBps = aprBps;
        maxLossBps = lossBps;
        emit ReportBoundsSet(aprBps, lossBps);
    }

    /// @notice Refuses (or again accepts) deposits, e.g. while a loss the bounds carry is being
    ///         reported in, so that nobody buys at a price known to be too high.
    function setDepositsPaused(bool paused) external onlyRole(DEFAULT_ADMIN_ROLE) {
        depositsPaused = paused;
        emit DepositsPausedSet(paused);
    }

    // ------------------------------------------------------------------ role grants

    /// @notice The admin transfer delay (and with it the role-grant delay in seconds) keeps its
    ///         safe minimum off the devnet after deployment too.
    function changeDefaultAdminDelay(uint48 newDelay) public override {
        if (block.chainid != DEVNET_CHAIN_ID && newDelay < MIN_ADMIN_TRANSFER_DELAY) {
            revert BelowSafeMinimum(2, newDelay, MIN_ADMIN_TRANSFER_DELAY);
        }
        super.changeDefaultAdminDelay(newDelay);
    }

    /// @notice Roles are not granted at once: see proposeRoleGrant.
    function grantRole(bytes32, address) public pure override {
        revert RoleGrantDelayed();
    }

    /// @notice Proposes to grant `role` to `account`; executable after activationDelay blocks
    ///         and defaultAdminDelay() seconds, so a stolen admin key cannot make itself
    ///         operator and keeper and activate its own keys before anyone can react (the
    ///         admin role itself moves only by the two-step transfer).
    function proposeRoleGrant(bytes32 role, address account) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (role == DEFAULT_ADMIN_ROLE) revert AccessControlEnforcedDefaultAdminRules();
        if (account == address(0)) revert ZeroAddress();
        uint64 readyAt = uint64(block.timestamp) + uint64(defaultAdminDelay());
        uint64 readyBlock = uint64(block.number) + activationDelay;
        pendingGrants[keccak256(abi.encode(role, account))] = (uint256(readyAt) << 64) | readyBlock;
        emit RoleGrantProposed(role, account, readyAt, readyBlock);
    }

    /// @notice Grants a proposed role once its delay has passed.
    function executeRoleGrant(bytes32 role, address account) external onlyRole(DEFAULT_ADMIN_ROLE) {
        bytes32 key = keccak256(abi.encode(role, account));
        (uint64 readyAt, uint64 readyBlock) = _pendingGrant(key, role, account);
        if (block.timestamp < readyAt || block.number < readyBlock) revert RoleGrantNotReady(readyAt, readyBlock);
        delete pendingGrants[key];
        _grantRole(role, account);
    }

    /// @notice Withdraws a proposed grant.
    function cancelRoleGrant(bytes32 role, address account) external onlyRole(DEFAULT_ADMIN_ROLE) {
        bytes32 key = keccak256(abi.encode(role, account));
        _pendingGrant(key, role, account);
        delete pendingGrants[key];
        emit RoleGrantCancelled(role, account);
    }

    /// @notice When a proposed grant becomes executable (zeros: none proposed).
    function pendingRoleGrant(bytes32 role, address account) external view returns (uint64 readyAt, uint64 readyBlock) {
        uint256 word = pendingGrants[keccak256(abi.encode(role, account))];
        return (uint64(word >> 64), uint64(word));
    }

    function _pendingGrant(bytes32 key, bytes32 role, address account) private view returns (uint64, uint64) {
        uint256 word = pendingGrants[key];
        if (word == 0) revert NoPendingGrant(role, account);
        return (uint64(word >> 64), uint64(word));
    }

    function _checkBounds(uint16 aprBps, uint16 lossBps) private pure {
        if (aprBps == 0 || lossBps == 0 || aprBps > MAX_APR_BPS_LIMIT || lossBps > MAX_LOSS_BPS_LIMIT) {
            revert InvalidBounds();
        }
    }
}
