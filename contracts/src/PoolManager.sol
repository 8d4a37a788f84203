// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {PoolETH} from "./PoolETH.sol";
import {IDepositContract} from "./interfaces/IDepositContract.sol";
import {Cluster, ISSVNetworkOwner, ISSVNetworkV1, ISSVNetworkV2, ISSVViews} from "./interfaces/ISSVNetwork.sol";

/// @title Pool manager of the SSV liquid staking pool.
/// @notice Takes stakers' ether and mints poolETH shares for it; activates validators from the
///         registry built in the key ceremony (32 ETH to the beacon deposit contract, then SSV
///         registration funded for the pool's runway); accounts for the beacon side as reported
///         by the oracle.
/// @dev Accounting lives in storage and never reads `address(this).balance`, so ether forced
///      into the contract cannot move the share price.
///      totalPooledEther = buffered + beaconBalance + 32 ETH * (activated - beaconValidators).
contract PoolManager is AccessControl, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    bytes32 public constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");
    bytes32 public constant ORACLE_ROLE = keccak256("ORACLE_ROLE");
    bytes32 public constant KEEPER_ROLE = keccak256("KEEPER_ROLE");

    uint256 public constant DEPOSIT_SIZE = 32 ether;
    uint256 private constant PUBKEY_LENGTH = 48;
    uint256 private constant SIGNATURE_LENGTH = 96;
    uint256 private constant SHARE_PUBKEY_LENGTH = 48;
    uint256 private constant ENCRYPTED_SHARE_LENGTH = 256;
    uint256 private constant BPS = 10_000;
    /// @dev SSV stores amounts with reduced precision: ETH in units of 1e5 wei, SSV of 1e7.
    uint256 private constant ETH_FEE_PRECISION = 1e5;
    uint256 private constant SSV_FEE_PRECISION = 1e7;

    /// @notice Deployment parameters.
    struct Config {
        address admin;
        IDepositContract depositContract;
        address ssvNetwork;
        ISSVViews ssvViews;
        /// @dev zero: SSV v2, cluster fees in ETH; otherwise SSV v1.x, fees in this token.
        IERC20 ssvToken;
        uint64 runway;
        uint16 maxRewardBps;
        uint16 maxLossBps;
        /// @dev Receives the validators' execution-layer rewards (see `setFeeRecipient`).
        address feeRecipient;
    }

    /// @notice One validator from the key ceremony, as passed to `addValidators` and
    ///         `activateValidators` (the registry stores its hash; the event carries it whole).
    struct ValidatorData {
        bytes pubkey;
        bytes signature;
        bytes32 depositDataRoot;
        uint64[] operatorIds;
        bytes sharesData;
    }

    PoolETH public immutable poolETH;
    IDepositContract public immutable depositContract;
    address public immutable ssvNetwork;
    ISSVViews public immutable ssvViews;
    IERC20 public immutable ssvToken;
    /// @notice 0x01 credentials pointing at this contract: principal comes back to the pool.
    bytes32 public immutable withdrawalCredentials;

    // One slot holds everything totalPooledEther() reads, so a deposit reads one slot and writes
    // it back (96 bits hold 79 billion ETH; 32 bits 4 billion validators).
    uint96 public bufferedEther;
    uint96 public beaconBalance;
    uint32 public activatedValidators;
    uint32 public beaconValidators;
    // Slot: report time, runway, report bounds.
    uint64 public lastReportTimestamp;
    uint64 public runway;
    uint16 public maxRewardBps;
    uint16 public maxLossBps;

    /// @notice Cluster funding set aside by the operator (ETH for v2, SSV for v1); not stakers'.
    uint256 public feeReserve;

    /// @dev The registry as a hash chain, in activation order:
    ///      registryChain[i] = keccak256(registryChain[i - 1] ‖ entryHash(entry i)), with 0 before
    ///      the first. Activating n entries then reads two slots, not n (2,100 gas per cold slot).
    bytes32[] private registryChain;
    bytes[] private pubkeys;
    /// @dev keccak256(pubkey) => registry index + 1.
    mapping(bytes32 => uint256) private indexPlusOne;

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

    event ValidatorRegistered(
        uint256 indexed index, bytes pubkey, bytes signature, bytes32 depositDataRoot, uint64[] operatorIds, bytes sharesData
    );
    event ValidatorsActivated(uint256 indexed firstIndex, uint256 count, uint256 funding);
    event BeaconReported(
        uint64 indexed timestamp,
        uint64 beaconValidators,
        uint256 beaconBalance,
        uint256 preTotalPooledEther,
        uint256 postTotalPooledEther,
        uint256 totalShares
    );
    event RunwaySet(uint64 blocks);
    event ReportBoundsSet(uint16 maxRewardBps, uint16 maxLossBps);
    event FeeReserveFunded(address indexed from, uint256 amount);
    event FeeReserveWithdrawn(address indexed to, uint256 amount);
    /// @notice `amount` of the fee reserve went to the cluster of `operatorIds` (a top-up, or a
    ///         reactivation after liquidation).
    event ClusterFunded(uint64[] operatorIds, uint256 amount, bool reactivated);
    /// @notice `amount` of a cluster's balance came back into the fee reserve.
    event ClusterDefunded(uint64[] operatorIds, uint256 amount);
    event FeeRecipientSet(address recipient);

    error ZeroDeposit();
    error UseDeposit();
    error ZeroAddress();
    error InvalidRunway();
    error InvalidBounds();
    error InvalidPubkeyLength(uint256 index);
    error InvalidSignatureLength(uint256 index);
    error InvalidOperatorIds(uint256 index);
    error InvalidSharesLength(uint256 index, uint256 expected, uint256 actual);
    error DuplicateValidator(bytes pubkey);
    error NotOperatorOrKeeper(address caller);
    error ZeroCount();
    error NotEnoughValidators(uint256 pending, uint256 requested);
    error InsufficientBuffer(uint256 buffered, uint256 needed);
    error InsufficientFeeReserve(uint256 reserve, uint256 needed);
    error DepositRootChanged(bytes32 expected, bytes32 actual);
    /// @dev Entries first..first+count-1 are not the next ones exactly as registered.
    error ValidatorDataMismatch(uint256 first, uint256 count);
    error MixedOperatorSets(uint256 index);
    error BulkLimitExceeded(uint256 count, uint256 limit);
    error WrongFeeAsset();
    error EtherTransferFailed(address to);
    error StaleReport(uint64 timestamp, uint64 lastTimestamp);
    error InvalidValidatorCount(uint64 reported, uint64 previous, uint64 activated);
    error ReportOutOfBounds(int256 change, uint256 limit);

    constructor(Config memory config) {
        if (
            config.admin == address(0) || address(config.depositContract) == address(0)
                || config.ssvNetwork == address(0) || address(config.ssvViews) == address(0)
                || config.feeRecipient == address(0)
        ) revert ZeroAddress();
        if (config.runway == 0) revert InvalidRunway();
        if (config.maxRewardBps == 0 || config.maxLossBps == 0 || config.maxLossBps > BPS) revert InvalidBounds();
        _grantRole(DEFAULT_ADMIN_ROLE, config.admin);
        depositContract = config.depositContract;
        ssvNetwork = config.ssvNetwork;
        ssvViews = config.ssvViews;
        ssvToken = config.ssvToken;
        withdrawalCredentials = bytes32(uint256(uint160(address(this))) | (uint256(0x01) << 248));
        runway = config.runway;
        maxRewardBps = config.maxRewardBps;
        maxLossBps = config.maxLossBps;
        poolETH = new PoolETH(address(this));
        // Before any validator runs: by default the SSV operators would send execution-layer
        // rewards to the cluster owner, this contract, which refuses plain ether.
        _setFeeRecipient(config.feeRecipient);
        emit RunwaySet(config.runway);
        emit ReportBoundsSet(config.maxRewardBps, config.maxLossBps);
    }

    // ------------------------------------------------------------------ staking

    /// @notice All the ether the pool accounts for: the basis of every poolETH balance.
    function totalPooledEther() public view returns (uint256) {
        return uint256(bufferedEther) + beaconBalance
            + uint256(activatedValidators - beaconValidators) * DEPOSIT_SIZE;
    }

    /// @notice Deposits the sent ether and mints poolETH shares to the sender at the current rate.
    /// @dev The deposit's record is poolETH's mint: `Transfer(0, staker, amount)` and
    ///      `TransferShares(0, staker, shares)` (only deposits mint). A third event of our own
    ///      would repeat them for ~1,900 gas on every deposit.
    function deposit() external payable returns (uint256 shares) {
        if (msg.value == 0) revert ZeroDeposit();
        shares = poolETH.mintForDeposit(msg.sender, msg.value, totalPooledEther());
        bufferedEther += SafeCast.toUint96(msg.value);
    }

    /// @dev Plain ether is refused (stakers use `deposit`), except the SSV network's payment of
    ///      a cluster withdrawal, which `withdrawFromCluster` books into the fee reserve.
    receive() external payable {
        if (msg.sender != ssvNetwork) revert UseDeposit();
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

    /// @notice Reports the pool's validators as seen on the beacon chain at `timestamp`.
    /// @dev One report may move total pooled ether by at most maxRewardBps up or maxLossBps down
    ///      (validators newly seen on the beacon chain bring their 32 ETH, which is no change).
    function reportBeacon(uint64 timestamp, uint64 validators, uint128 balance) external onlyRole(ORACLE_ROLE) {
        if (timestamp <= lastReportTimestamp || timestamp > block.timestamp) {
            revert StaleReport(timestamp, lastReportTimestamp);
        }
        uint64 previous = beaconValidators;
        if (validators < previous || validators > activatedValidators) {
            revert InvalidValidatorCount(validators, previous, activatedValidators);
        }
        uint96 newBalance = SafeCast.toUint96(balance);
        uint256 before = totalPooledEther();
        int256 change = int256(uint256(balance)) - int256(uint256(beaconBalance))
            - int256(uint256(validators - previous) * DEPOSIT_SIZE);
        uint256 limit = (before * (change >= 0 ? maxRewardBps : maxLossBps)) / BPS;
        if ((change >= 0 ? uint256(change) : uint256(-change)) > limit) revert ReportOutOfBounds(change, limit);
        beaconValidators = uint32(validators); // <= activatedValidators, a uint32
        beaconBalance = newBalance;
        lastReportTimestamp = timestamp;
        emit BeaconReported(timestamp, validators, balance, before, totalPooledEther(), poolETH.totalShares());
    }

    // ------------------------------------------------------------------ registry

    /// @notice Appends validators from the key ceremony; activated later, in order.
    function addValidators(ValidatorData[] calldata entries) external onlyRole(OPERATOR_ROLE) {
        for (uint256 i; i < entries.length; ++i) {
            ValidatorData calldata entry = entries[i];
            uint256 index = registryChain.length;
            if (entry.pubkey.length != PUBKEY_LENGTH) revert InvalidPubkeyLength(index);
            if (entry.signature.length != SIGNATURE_LENGTH) revert InvalidSignatureLength(index);
            uint256 operators = entry.operatorIds.length;
            if (!_validOperatorSet(entry.operatorIds)) revert InvalidOperatorIds(index);
            uint256 expected = SIGNATURE_LENGTH + operators * (SHARE_PUBKEY_LENGTH + ENCRYPTED_SHARE_LENGTH);
            if (entry.sharesData.length != expected) revert InvalidSharesLength(index, expected, entry.sharesData.length);
            bytes32 key = keccak256(entry.pubkey);
            if (indexPlusOne[key] != 0) revert DuplicateValidator(entry.pubkey);
            indexPlusOne[key] = index + 1;
            (bytes32 entryHash,) = _entryHash(entry);
            registryChain.push(_link(index == 0 ? bytes32(0) : registryChain[index - 1], entryHash));
            pubkeys.push(entry.pubkey);
            emit ValidatorRegistered(
                index, entry.pubkey, entry.signature, entry.depositDataRoot, entry.operatorIds, entry.sharesData
            );
        }
    }

    /// @notice Validators in the registry, activated or not.
    function validatorCount() external view returns (uint256) {
        return registryChain.length;
    }

    /// @notice Validators registered but not yet activated.
    function pendingValidators() external view returns (uint256) {
        return registryChain.length - activatedValidators;
    }

    /// @notice Registry entry `index`: its pubkey, its link in the registry's hash chain
    ///         (keccak256(previous link ‖ entryHash), see `_entryHash`), and whether it is active.
    ///         A client checks an entry's data from the events against the links i-1 and i.
    function getValidator(uint256 index) external view returns (bytes memory pubkey, bytes32 link, bool activated) {
        return (pubkeys[index], registryChain[index], index < activatedValidators);
    }

    /// @notice Registry index of `pubkey`, or type(uint256).max when it is not registered.
    function indexOf(bytes calldata pubkey) external view returns (uint256) {
        uint256 found = indexPlusOne[keccak256(pubkey)];
        return found == 0 ? type(uint256).max : found - 1;
    }

    // ------------------------------------------------------------------ activation

    /// @notice SSV funding of one validator for the current runway, at the live fees:
    ///         burnRate * runway + max(burnRate * liquidationThreshold, minimumCollateral),
    ///         rounded up to the network's precision. In ETH for v2, in SSV for v1.
    function fundingPerValidator(uint64[] memory operatorIds) public view returns (uint256) {
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
    /// @param expectedDepositRoot the deposit contract root the caller saw: a deposit by anyone
    ///        else since then (a front-run of a ceremony key) makes this revert.
    /// @param cluster the cluster's latest snapshot, rebuilt from the SSV network's events.
    function activateValidators(
        ValidatorData[] calldata validators,
        bytes32 expectedDepositRoot,
        Cluster calldata cluster
    ) external nonReentrant onlyOperatorOrKeeper {
        uint256 count = validators.length;
        if (count == 0) revert ZeroCount();
        bytes32 root = depositContract.get_deposit_root();
        if (root != expectedDepositRoot) revert DepositRootChanged(expectedDepositRoot, root);
        uint256 first = activatedValidators;
        uint256 pending = registryChain.length - first;
        if (count > pending) revert NotEnoughValidators(pending, count);
        uint256 needed = count * DEPOSIT_SIZE;
        if (bufferedEther < needed) revert InsufficientBuffer(bufferedEther, needed);
        uint256 limit = _bulkLimit(validators[0].operatorIds.length);
        if (count > limit) revert BulkLimitExceeded(count, limit);

        _checkEntries(validators, first);
        uint256 funding = count * fundingPerValidator(validators[0].operatorIds);
        if (feeReserve < funding) revert InsufficientFeeReserve(feeReserve, funding);

        bufferedEther -= uint96(needed); // needed <= bufferedEther
        activatedValidators += SafeCast.toUint32(count);
        feeReserve -= funding;

        _depositAll(validators);
        _registerWithSsv(validators, funding, cluster);
        emit ValidatorsActivated(first, count, funding);
    }

    /// @dev The entries are the next ones in the registry, exactly as registered (their chain
    ///      from the last activated link ends on the registry's link), and all share the first
    ///      entry's operator set.
    function _checkEntries(ValidatorData[] calldata validators, uint256 first) private view {
        uint256 count = validators.length;
        bytes32 chain = first == 0 ? bytes32(0) : registryChain[first - 1];
        bytes32 operatorSet;
        for (uint256 i; i < count; ++i) {
            (bytes32 entryHash, bytes32 idsHash) = _entryHash(validators[i]);
            chain = _link(chain, entryHash);
            if (i == 0) operatorSet = idsHash;
            else if (idsHash != operatorSet) revert MixedOperatorSets(first + i);
        }
        if (chain != registryChain[first + count - 1]) revert ValidatorDataMismatch(first, count);
    }

    function _link(bytes32 previous, bytes32 entryHash) private pure returns (bytes32 link) {
        assembly ("memory-safe") {
            mstore(0x00, previous)
            mstore(0x20, entryHash)
            link := keccak256(0x00, 0x40)
        }
    }

    /// @notice The registry's hash of an entry, as stored by addValidators:
    ///         keccak256(keccak256(pubkey) ‖ keccak256(signature) ‖ depositDataRoot ‖
    ///         keccak256(abi.encodePacked(operatorIds)) ‖ keccak256(sharesData)).
    /// @dev Hashed field by field in scratch memory (never allocated), so checking a bulk of 80
    ///      entries costs no memory growth; abi.encode of the whole struct cost ~4,000 gas more
    ///      per entry. Also returns the operator ids' hash, to compare operator sets.
    function _entryHash(ValidatorData calldata v) private pure returns (bytes32 entryHash, bytes32 idsHash) {
        bytes32 pubkeyHash = _hashBytes(v.pubkey);
        bytes32 signatureHash = _hashBytes(v.signature);
        // uint64[] in calldata is one 32-byte word per id, as abi.encodePacked lays it out; ids
        // were checked clean when registered, and dirty ones here only make the hash differ.
        idsHash = _hashIds(v.operatorIds);
        bytes32 sharesHash = _hashBytes(v.sharesData);
        bytes32 root = v.depositDataRoot;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, pubkeyHash)
            mstore(add(ptr, 0x20), signatureHash)
            mstore(add(ptr, 0x40), root)
            mstore(add(ptr, 0x60), idsHash)
            mstore(add(ptr, 0x80), sharesHash)
            entryHash := keccak256(ptr, 0xa0)
        }
    }

    /// @dev keccak256 of calldata bytes, using the memory past the free pointer as scratch.
    function _hashBytes(bytes calldata data) private pure returns (bytes32 h) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, data.offset, data.length)
            h := keccak256(ptr, data.length)
        }
    }

    /// @dev keccak256(abi.encodePacked(ids)) straight from calldata, in scratch memory.
    function _hashIds(uint64[] calldata ids) private pure returns (bytes32 h) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            let length := mul(ids.length, 0x20)
            calldatacopy(ptr, ids.offset, length)
            h := keccak256(ptr, length)
        }
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

    /// @dev 4, 7, 10 or 13 ids, strictly ascending (sorted and unique), none zero.
    function _validOperatorSet(uint64[] calldata ids) private pure returns (bool) {
        uint256 n = ids.length;
        if (n != 4 && n != 7 && n != 10 && n != 13) return false;
        if (ids[0] == 0) return false;
        for (uint256 i = 1; i < n; ++i) {
            if (ids[i] <= ids[i - 1]) return false;
        }
        return true;
    }

    // ------------------------------------------------------------------ the pool's clusters

    /// @notice Tops up the cluster of `operatorIds` with `amount` from the fee reserve,
    ///         lengthening its runway by amount / burn rate blocks.
    /// @param cluster the cluster's latest snapshot, rebuilt from the SSV network's events.
    function fundCluster(uint64[] calldata operatorIds, uint256 amount, Cluster calldata cluster)
        external
        nonReentrant
        onlyOperatorOrKeeper
    {
        _spendFeeReserve(amount);
        if (address(ssvToken) == address(0)) {
            ISSVNetworkV2(ssvNetwork).deposit{value: amount}(address(this), operatorIds, cluster);
        } else {
            ssvToken.forceApprove(ssvNetwork, amount);
            ISSVNetworkV1(ssvNetwork).deposit(address(this), operatorIds, amount, cluster);
        }
        emit ClusterFunded(operatorIds, amount, false);
    }

    /// @notice Brings back a liquidated cluster (its validators stopped) with `amount` from the
    ///         fee reserve, which must cover at least its liquidation collateral.
    function reactivateCluster(uint64[] calldata operatorIds, uint256 amount, Cluster calldata cluster)
        external
        nonReentrant
        onlyOperatorOrKeeper
    {
        _spendFeeReserve(amount);
        if (address(ssvToken) == address(0)) {
            ISSVNetworkV2(ssvNetwork).reactivate{value: amount}(operatorIds, cluster);
        } else {
            ssvToken.forceApprove(ssvNetwork, amount);
            ISSVNetworkV1(ssvNetwork).reactivate(operatorIds, amount, cluster);
        }
        emit ClusterFunded(operatorIds, amount, true);
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

    /// @notice Where the SSV operators send the execution-layer rewards (priority fees, MEV) of
    ///         the pool's validators; set at deployment, changeable by the admin.
    function setFeeRecipient(address recipient) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setFeeRecipient(recipient);
    }

    function _setFeeRecipient(address recipient) private {
        if (recipient == address(0)) revert ZeroAddress();
        ISSVNetworkOwner(ssvNetwork).setFeeRecipientAddress(recipient);
        emit FeeRecipientSet(recipient);
    }

    function _spendFeeReserve(uint256 amount) private {
        if (amount == 0) revert ZeroDeposit();
        if (feeReserve < amount) revert InsufficientFeeReserve(feeReserve, amount);
        feeReserve -= amount;
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

    /// @notice Sets how far one oracle report may move total pooled ether, in basis points.
    function setReportBounds(uint16 rewardBps, uint16 lossBps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (rewardBps == 0 || lossBps == 0 || lossBps > BPS) revert InvalidBounds();
        maxRewardBps = rewardBps;
        maxLossBps = lossBps;
        emit ReportBoundsSet(rewardBps, lossBps);
    }
}
