// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Cluster} from "../src/interfaces/ISSVNetwork.sol";

/// @title Devnet stand-in for the SSV network (anvil only).
/// @notice Follows the real network's ABI, errors and events for what the pool and its client
///         use: operators with fees, the network fee, per-block fee indexes, clusters stored as
///         hashes (a call on a cluster never stored reverts as the real `validateHashedCluster`
///         does, `IncorrectClusterState` on a stale snapshot), operator-set validation,
///         `InsufficientBalance` when a registration or withdrawal would leave the cluster
///         liquidatable, validator removal and exit, liquidation (by anyone, once liquidatable),
///         reactivation, withdrawal, the owner's fee recipient, and the same events as the real
///         network carrying each new cluster (`ValidatorAdded`, `ValidatorRemoved`,
///         `ClusterDeposited`, `ClusterWithdrawn`, `ClusterLiquidated`, `ClusterReactivated`), so
///         that a client's snapshot scanner works unchanged here and on a real network.
///         Operators as the real network keeps them for registrations: removal by their owner
///         (`OperatorRemoved`; registering with a removed operator reverts `OperatorDoesNotExist`),
///         privacy and a whitelist (`setOperatorsPrivateUnchecked`, `setOperatorsPublicUnchecked`,
///         `setOperatorsWhitelists`, `removeOperatorsWhitelists`; a private operator refuses others
///         with `CallerNotWhitelistedWithData`), and validator counts per operator under the
///         validators-per-operator limit (`ExceedValidatorLimitWithData`), kept on registration,
///         removal, liquidation and reactivation, so that the views answer from real state.
///         Fee indexes are kept in the network's reduced precision (`PRECISION` wei per unit)
///         and charged per validator unit (`VUNITS_PRECISION` a 32 ETH validator; v2 scales a
///         cluster's units with its proven effective balance). Fees are paid in ETH (SSV v2, the
///         only generation live on mainnet and Hoodi); what v2 adds, its ETH entry points and the
///         effective balances, is in `DevnetSSVNetworkV2.sol`.
abstract contract DevnetSSVNetworkBase {
    struct Operator {
        address owner;
        uint64 fee; // per block, in PRECISION units; zero once removed
        uint64 index; // accumulated fee per validator at `block`
        uint64 block;
        uint32 validatorCount; // validators of active clusters with this operator
        bool active; // false once its owner removed it (the real network zeroes its snapshot)
        bool isPrivate; // only whitelisted addresses may register validators with it
        // A legacy operator: registered before the network moved to ETH fees and not yet in an ETH flow
        // (the real operator's `ethSnapshot.block == 0`): no ETH fee accrues, the views say
        // `isActive = false`, and the first registration with it starts its ETH snapshot.
        bool untouched;
    }

    /// @notice The real network's fixed point for validator units (one 32 ETH validator).
    uint64 internal constant VUNITS_PRECISION = 10_000;

    /// @notice The real network's validators-per-operator limit (500 on mainnet).
    uint32 internal constant DEFAULT_VALIDATORS_PER_OPERATOR_LIMIT = 500;

    /// @notice SSV v2 keeps ETH amounts in fee indexes in units of 1e5 wei.
    uint256 public constant PRECISION = 1e5;
    address public immutable owner;

    uint64 public lastOperatorId;
    mapping(uint64 => Operator) public operators;
    uint64 public networkFeeUnits;
    uint64 public networkIndex;
    uint64 public networkIndexBlock;
    uint64 public liquidationThresholdPeriod;
    uint256 public minimumLiquidationCollateral;
    mapping(bytes32 => bytes32) public clusters;
    mapping(bytes32 => bytes32) public validatorPKs;
    uint32 public validatorsPerOperatorLimit = DEFAULT_VALIDATORS_PER_OPERATOR_LIMIT;
    /// @notice Addresses an operator's owner allowed to register validators with it while it is
    ///         private (the real network keeps the same facts as a bitmap per address).
    mapping(uint64 => mapping(address => bool)) public operatorWhitelist;

    event OperatorAdded(uint64 indexed operatorId, address indexed owner, bytes publicKey, uint256 fee);
    event OperatorRemoved(uint64 indexed operatorId);
    event OperatorPrivacyStatusUpdated(uint64[] operatorIds, bool toPrivate);
    event OperatorMultipleWhitelistUpdated(uint64[] operatorIds, address[] whitelistAddresses);
    event OperatorMultipleWhitelistRemoved(uint64[] operatorIds, address[] whitelistAddresses);
    event NetworkFeeUpdated(uint256 oldFee, uint256 newFee);
    event ValidatorAdded(address indexed owner, uint64[] operatorIds, bytes publicKey, bytes shares, Cluster cluster);
    event ClusterDeposited(address indexed owner, uint64[] operatorIds, uint256 value, Cluster cluster);
    event ValidatorRemoved(address indexed owner, uint64[] operatorIds, bytes publicKey, Cluster cluster);
    event ValidatorExited(address indexed owner, uint64[] operatorIds, bytes publicKey);
    event ClusterLiquidated(address indexed owner, uint64[] operatorIds, Cluster cluster);
    event ClusterReactivated(address indexed owner, uint64[] operatorIds, Cluster cluster);
    event ClusterWithdrawn(address indexed owner, uint64[] operatorIds, uint256 value, Cluster cluster);
    event FeeRecipientAddressUpdated(address indexed owner, address recipientAddress);

    error CallerNotOwner();
    error CallerNotOwnerWithData(address caller, address owner);
    error CallerNotWhitelistedWithData(uint64 operatorId);
    error ETHTransferFailed();
    error EmptyPublicKeysList();
    error ExceedValidatorLimitWithData(uint64 operatorId);
    error ClusterAlreadyEnabled();
    error ClusterDoesNotExist();
    error ClusterIsLiquidated();
    error ClusterNotLiquidatable();
    error IncorrectValidatorStateWithData(bytes publicKey);
    error IncorrectClusterState();
    error InsufficientBalance();
    error InvalidOperatorIdsLength();
    error InvalidPublicKeyLength();
    error InvalidWhitelistAddressesLength();
    error MaxPrecisionExceeded();
    error OperatorDoesNotExist();
    error OperatorsListNotUnique();
    error UnsortedOperatorsList();
    error ValidatorAlreadyExistsWithData(bytes publicKey);
    error ZeroAddressNotAllowed();

    constructor(uint256 networkFee, uint64 threshold, uint256 minimumCollateral) {
        owner = msg.sender;
        networkFeeUnits = _shrink(networkFee);
        networkIndexBlock = uint64(block.number);
        liquidationThresholdPeriod = threshold;
        minimumLiquidationCollateral = minimumCollateral;
    }

    // ---- operators and network fee ----

    function registerOperator(bytes calldata publicKey, uint256 fee, bool setPrivate) external returns (uint64 id) {
        id = ++lastOperatorId;
        operators[id] = Operator({
            owner: msg.sender,
            fee: _shrink(fee),
            index: 0,
            block: uint64(block.number),
            validatorCount: 0,
            active: true,
            isPrivate: setPrivate,
            untouched: false
        });
        emit OperatorAdded(id, msg.sender, publicKey, fee);
        // The real network (v2) announces every new operator's privacy status, public ones too.
        emit OperatorPrivacyStatusUpdated(_oneId(id), setPrivate);
    }

    /// @notice As the real network: only the operator's owner; its fee stops accruing (the index
    ///         is settled, the fee zeroed), its validator count is zeroed, and registrations with
    ///         it revert from now on. Clusters that include it keep working without its fee.
    function removeOperator(uint64 operatorId) external {
        Operator storage op = _ownedOperator(operatorId);
        if (!op.untouched) op.index += (uint64(block.number) - op.block) * op.fee;
        op.block = uint64(block.number);
        op.fee = 0;
        op.validatorCount = 0;
        op.active = false;
        emit OperatorRemoved(operatorId);
    }

    function setOperatorsPrivateUnchecked(uint64[] calldata operatorIds) external {
        _setPrivacy(operatorIds, true);
    }

    function setOperatorsPublicUnchecked(uint64[] calldata operatorIds) external {
        _setPrivacy(operatorIds, false);
    }

    /// @notice Allows `whitelistAddresses` to register validators with the caller's private
    ///         operators (operator ids sorted, as the real network requires).
    function setOperatorsWhitelists(uint64[] calldata operatorIds, address[] calldata whitelistAddresses) external {
        _setWhitelists(operatorIds, whitelistAddresses, true);
        emit OperatorMultipleWhitelistUpdated(operatorIds, whitelistAddresses);
    }

    function removeOperatorsWhitelists(uint64[] calldata operatorIds, address[] calldata whitelistAddresses)
        external
    {
        _setWhitelists(operatorIds, whitelistAddresses, false);
        emit OperatorMultipleWhitelistRemoved(operatorIds, whitelistAddresses);
    }

    /// @notice Devnet only (the real limit is set by the network's DAO): lets a test bring an
    ///         operator to the limit without registering hundreds of validators.
    function updateValidatorsPerOperatorLimit(uint32 limit) external {
        if (msg.sender != owner) revert CallerNotOwner();
        validatorsPerOperatorLimit = limit;
    }

    function updateNetworkFee(uint256 fee) external {
        if (msg.sender != owner) revert CallerNotOwner();
        networkIndex = currentNetworkIndex();
        networkIndexBlock = uint64(block.number);
        uint256 old = uint256(networkFeeUnits) * PRECISION;
        networkFeeUnits = _shrink(fee);
        emit NetworkFeeUpdated(old, fee);
    }

    function currentNetworkIndex() public view returns (uint64) {
        return networkIndex + (uint64(block.number) - networkIndexBlock) * networkFeeUnits;
    }

    function operatorFee(uint64 id) public view returns (uint256) {
        if (operators[id].owner == address(0)) revert OperatorDoesNotExist();
        return uint256(operators[id].fee) * PRECISION;
    }

    // ---- cluster views (served to clients by DevnetSSVNetworkViews) ----

    /// @notice Fees per block of one validator in the cluster, in wei of the fee asset.
    function burnRatePerValidator(uint64[] calldata operatorIds) public view returns (uint256 rate) {
        rate = uint256(networkFeeUnits) * PRECISION;
        for (uint256 i; i < operatorIds.length; ++i) {
            rate += operatorFee(operatorIds[i]);
        }
    }

    /// @notice The cluster's balance now, after the fees burnt since its snapshot; as the real
    ///         views, it reverts for a cluster never registered (`ClusterDoesNotExist`), a stale
    ///         snapshot (`IncorrectClusterState`) and a liquidated cluster (`ClusterIsLiquidated`).
    function clusterBalance(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        public
        view
        returns (uint256)
    {
        bytes32 key = _validateHashedCluster(clusterOwner, operatorIds, cluster);
        if (!cluster.active) revert ClusterIsLiquidated();
        (uint64 sumIndex, uint64 netIndex) = _indexes(operatorIds);
        return _settled(key, cluster, sumIndex, netIndex);
    }

    /// @notice As the real views: reverts for an unknown cluster or a stale snapshot; false for
    ///         a liquidated one.
    function isLiquidatable(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        public
        view
        returns (bool)
    {
        bytes32 key = _validateHashedCluster(clusterOwner, operatorIds, cluster);
        if (!cluster.active) return false;
        (uint64 sumIndex, uint64 netIndex) = _indexes(operatorIds);
        uint256 balance = _settled(key, cluster, sumIndex, netIndex);
        return balance < _threshold(key, burnRatePerValidator(operatorIds), cluster.validatorCount);
    }

    /// @notice The cluster's fees per block, scaled by its validator units (its effective
    ///         balance, in 32 ETH steps); reverts as `isLiquidatable`.
    function clusterBurnRate(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        public
        view
        returns (uint256)
    {
        bytes32 key = _validateHashedCluster(clusterOwner, operatorIds, cluster);
        return burnRatePerValidator(operatorIds) * _units(key, cluster.validatorCount) / VUNITS_PRECISION;
    }

    /// @notice The cluster's validator units (0 validators: 0); reverts for an unknown cluster, a
    ///         stale snapshot or a liquidated cluster, as the real `getEffectiveBalance`.
    function clusterUnits(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        public
        view
        returns (uint256)
    {
        bytes32 key = _validateHashedCluster(clusterOwner, operatorIds, cluster);
        if (!cluster.active) revert ClusterIsLiquidated();
        return _units(key, cluster.validatorCount);
    }

    /// @notice Whether `clusterOwner` has a cluster with these operators (any state).
    function clusterExists(address clusterOwner, uint64[] calldata operatorIds) public view returns (bool) {
        return clusters[keccak256(abi.encodePacked(clusterOwner, operatorIds))] != bytes32(0);
    }

    // ---- registration ----

    function _register(
        bytes[] memory publicKeys,
        uint64[] calldata operatorIds,
        bytes[] memory sharesData,
        uint256 amount,
        Cluster memory cluster
    ) internal {
        _registerWithOperators(operatorIds, uint32(publicKeys.length));
        bytes32 key = _checkSnapshot(msg.sender, operatorIds, cluster);
        if (!cluster.active) revert ClusterIsLiquidated();
        (uint64 sumIndex, uint64 netIndex) = _indexes(operatorIds);
        cluster.balance = _settled(key, cluster, sumIndex, netIndex) + amount;
        cluster.index = sumIndex;
        cluster.networkFeeIndex = netIndex;
        for (uint256 i; i < publicKeys.length; ++i) {
            bytes memory publicKey = publicKeys[i];
            if (publicKey.length != 48) revert InvalidPublicKeyLength();
            bytes32 validatorKey = keccak256(abi.encodePacked(publicKey, msg.sender));
            if (validatorPKs[validatorKey] != bytes32(0)) revert ValidatorAlreadyExistsWithData(publicKey);
            validatorPKs[validatorKey] = bytes32(uint256(keccak256(abi.encodePacked(operatorIds))) | 1);
        }
        cluster.validatorCount += uint32(publicKeys.length);
        if (cluster.balance < _threshold(key, burnRatePerValidator(operatorIds), cluster.validatorCount)) {
            revert InsufficientBalance();
        }
        // After the check, as the real network: a proven cluster's new units count from now.
        _onValidatorsAdded(key, uint32(publicKeys.length));
        clusters[key] = _hash(cluster);
        for (uint256 i; i < publicKeys.length; ++i) {
            emit ValidatorAdded(msg.sender, operatorIds, publicKeys[i], sharesData[i], cluster);
        }
    }

    function _deposit(address clusterOwner, uint64[] calldata operatorIds, uint256 amount, Cluster memory cluster)
        internal
    {
        bytes32 key = _validateHashedCluster(clusterOwner, operatorIds, cluster);
        cluster.balance += amount;
        clusters[key] = _hash(cluster);
        emit ClusterDeposited(clusterOwner, operatorIds, amount, cluster);
    }

    // ---- the owner's operations ----

    function setFeeRecipientAddress(address recipientAddress) external {
        if (recipientAddress == address(0)) revert ZeroAddressNotAllowed();
        emit FeeRecipientAddressUpdated(msg.sender, recipientAddress);
    }

    function removeValidator(bytes calldata publicKey, uint64[] calldata operatorIds, Cluster memory cluster)
        external
    {
        _remove(_one(publicKey), operatorIds, cluster);
    }

    function bulkRemoveValidator(bytes[] calldata publicKeys, uint64[] calldata operatorIds, Cluster memory cluster)
        external
    {
        _remove(publicKeys, operatorIds, cluster);
    }

    function exitValidator(bytes calldata publicKey, uint64[] calldata operatorIds) external {
        _checkValidator(publicKey, operatorIds);
        emit ValidatorExited(msg.sender, operatorIds, publicKey);
    }

    /// @dev As SSVValidators.bulkExitValidator: every key the caller's with these operators, an
    ///      event each; the operators' nodes sign and broadcast the voluntary exits.
    function bulkExitValidator(bytes[] calldata publicKeys, uint64[] calldata operatorIds) external {
        if (publicKeys.length == 0) revert EmptyPublicKeysList();
        for (uint256 i; i < publicKeys.length; ++i) {
            _checkValidator(publicKeys[i], operatorIds);
            emit ValidatorExited(msg.sender, operatorIds, publicKeys[i]);
        }
    }

    /// @notice Anyone may liquidate a cluster whose balance fell under the threshold (its owner
    ///         at any time) and takes what is left of its balance.
    function liquidate(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster) external {
        bytes32 key = _validateHashedCluster(clusterOwner, operatorIds, cluster);
        if (!cluster.active) revert ClusterIsLiquidated();
        (uint64 sumIndex, uint64 netIndex) = _indexes(operatorIds);
        uint256 balance = _settled(key, cluster, sumIndex, netIndex);
        if (
            clusterOwner != msg.sender
                && balance >= _threshold(key, burnRatePerValidator(operatorIds), cluster.validatorCount)
        ) revert ClusterNotLiquidatable();
        cluster.balance = balance;
        _liquidate(key, clusterOwner, operatorIds, cluster);
    }

    /// @dev Liquidates the settled `cluster` (stored under `key`): its validators no longer
    ///      count for its operators (as on the real network; reactivation adds them back), and
    ///      the caller takes what is left of its balance.
    function _liquidate(bytes32 key, address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        internal
    {
        _countValidators(operatorIds, cluster.validatorCount, false);
        uint256 balance = cluster.balance;
        cluster.active = false;
        cluster.balance = 0;
        cluster.index = 0;
        cluster.networkFeeIndex = 0;
        clusters[key] = _hash(cluster);
        if (balance > 0) _pay(msg.sender, balance);
        emit ClusterLiquidated(clusterOwner, operatorIds, cluster);
    }

    function _reactivate(uint64[] calldata operatorIds, uint256 amount, Cluster memory cluster) internal {
        bytes32 key = _validateHashedCluster(msg.sender, operatorIds, cluster);
        if (cluster.active) revert ClusterAlreadyEnabled();
        _countValidators(operatorIds, cluster.validatorCount, true);
        (uint64 sumIndex, uint64 netIndex) = _indexes(operatorIds);
        cluster.balance += amount;
        cluster.active = true;
        cluster.index = sumIndex;
        cluster.networkFeeIndex = netIndex;
        if (cluster.balance < _threshold(key, burnRatePerValidator(operatorIds), cluster.validatorCount)) {
            revert InsufficientBalance();
        }
        clusters[key] = _hash(cluster);
        emit ClusterReactivated(msg.sender, operatorIds, cluster);
    }

    function withdraw(uint64[] calldata operatorIds, uint256 amount, Cluster memory cluster) external {
        bytes32 key = _validateHashedCluster(msg.sender, operatorIds, cluster);
        (uint64 sumIndex, uint64 netIndex) = _indexes(operatorIds);
        uint256 balance = cluster.active ? _settled(key, cluster, sumIndex, netIndex) : cluster.balance;
        if (amount > balance) revert InsufficientBalance();
        cluster.balance = balance - amount;
        if (cluster.active) {
            cluster.index = sumIndex;
            cluster.networkFeeIndex = netIndex;
            if (
                cluster.validatorCount > 0
                    && cluster.balance < _threshold(key, burnRatePerValidator(operatorIds), cluster.validatorCount)
            ) revert InsufficientBalance();
        }
        clusters[key] = _hash(cluster);
        _pay(msg.sender, amount);
        emit ClusterWithdrawn(msg.sender, operatorIds, amount, cluster);
    }

    function _remove(bytes[] memory publicKeys, uint64[] calldata operatorIds, Cluster memory cluster) internal {
        if (publicKeys.length == 0) revert EmptyPublicKeysList();
        bytes32 key = _validateHashedCluster(msg.sender, operatorIds, cluster);
        for (uint256 i; i < publicKeys.length; ++i) {
            delete validatorPKs[_checkValidator(publicKeys[i], operatorIds)];
        }
        if (cluster.active) {
            _countValidators(operatorIds, uint32(publicKeys.length), false);
            (uint64 sumIndex, uint64 netIndex) = _indexes(operatorIds);
            cluster.balance = _settled(key, cluster, sumIndex, netIndex);
            cluster.index = sumIndex;
            cluster.networkFeeIndex = netIndex;
        }
        cluster.validatorCount -= uint32(publicKeys.length);
        _onValidatorsRemoved(key, uint32(publicKeys.length));
        clusters[key] = _hash(cluster);
        for (uint256 i; i < publicKeys.length; ++i) {
            emit ValidatorRemoved(msg.sender, operatorIds, publicKeys[i], cluster);
        }
    }

    /// @dev The caller's validator `publicKey`, registered with these operators; its key.
    function _checkValidator(bytes memory publicKey, uint64[] calldata operatorIds) internal view returns (bytes32 key) {
        key = keccak256(abi.encodePacked(publicKey, msg.sender));
        bytes32 stored = validatorPKs[key];
        if (stored == bytes32(0)) revert IncorrectValidatorStateWithData(publicKey);
        if (stored != bytes32(uint256(keccak256(abi.encodePacked(operatorIds))) | 1)) {
            revert IncorrectValidatorStateWithData(publicKey);
        }
    }

    /// @dev Pays `amount` of ETH.
    function _pay(address to, uint256 amount) internal {
        (bool ok,) = to.call{value: amount}("");
        if (!ok) revert ETHTransferFailed();
    }

    // ---- internals ----

    /// @dev The liquidation threshold of a cluster of `validatorCount` validators (stored under
    ///      `key`) whose validators each pay `burnRate` per block: its fees over the threshold
    ///      period, scaled by its validator units as the real network does, and at least the
    ///      minimum collateral.
    function _threshold(bytes32 key, uint256 burnRate, uint32 validatorCount) internal view returns (uint256) {
        uint256 byPeriod = liquidationThresholdPeriod * (burnRate / PRECISION) * _units(key, validatorCount)
            / VUNITS_PRECISION * PRECISION;
        return byPeriod > minimumLiquidationCollateral ? byPeriod : minimumLiquidationCollateral;
    }

    /// @dev The validator units fees are charged on: one `VUNITS_PRECISION` per validator until
    ///      the cluster's effective balance is proven (`DevnetSSVNetworkV2` scales them with it).
    function _units(bytes32, uint32 validatorCount) internal view virtual returns (uint256) {
        return uint256(validatorCount) * VUNITS_PRECISION;
    }

    /// @dev Hooks for the cluster's validator units when validators come and go.
    function _onValidatorsAdded(bytes32 key, uint32 count) internal virtual {}

    function _onValidatorsRemoved(bytes32 key, uint32 count) internal virtual {}

    function _indexes(uint64[] calldata operatorIds) internal view returns (uint64 sumIndex, uint64 netIndex) {
        for (uint256 i; i < operatorIds.length; ++i) {
            Operator storage op = operators[operatorIds[i]];
            sumIndex += op.index;
            // An operator no ETH flow touched yet has no ETH snapshot: nothing accrues.
            if (!op.untouched) sumIndex += (uint64(block.number) - op.block) * op.fee;
        }
        netIndex = currentNetworkIndex();
    }

    /// @dev The cluster's balance after the fees since its snapshot, charged per validator unit
    ///      (operators and network apart, each rounded down, as the real network).
    function _settled(bytes32 key, Cluster memory cluster, uint64 sumIndex, uint64 netIndex)
        internal
        view
        returns (uint256)
    {
        if (cluster.validatorCount == 0) return cluster.balance;
        uint256 units = _units(key, cluster.validatorCount);
        uint256 burnt = (uint256(sumIndex - cluster.index) * units / VUNITS_PRECISION
                + uint256(netIndex - cluster.networkFeeIndex) * units / VUNITS_PRECISION) * PRECISION;
        return burnt >= cluster.balance ? 0 : cluster.balance - burnt;
    }

    /// @dev The stored hash must exist and match the snapshot (the real `validateHashedCluster`).
    function _validateHashedCluster(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        internal
        view
        returns (bytes32 key)
    {
        key = keccak256(abi.encodePacked(clusterOwner, operatorIds));
        bytes32 stored = clusters[key];
        if (stored == bytes32(0)) revert ClusterDoesNotExist();
        if (stored != _hash(cluster)) revert IncorrectClusterState();
    }

    /// @dev The stored hash must match the snapshot; a cluster never seen must be the default
    ///      (0, 0, 0, true, 0).
    function _checkSnapshot(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        internal
        view
        returns (bytes32 key)
    {
        key = keccak256(abi.encodePacked(clusterOwner, operatorIds));
        bytes32 stored = clusters[key];
        if (stored == bytes32(0)) {
            if (
                cluster.validatorCount != 0 || cluster.networkFeeIndex != 0 || cluster.index != 0
                    || cluster.balance != 0 || !cluster.active
            ) revert IncorrectClusterState();
        } else if (stored != _hash(cluster)) {
            revert IncorrectClusterState();
        }
    }

    /// @dev A registration of `count` validators with these operators, checked per operator in
    ///      the real network's order: sorted, exists and not removed, the caller whitelisted when
    ///      it is private, then its count within the limit.
    function _registerWithOperators(uint64[] calldata operatorIds, uint32 count) internal {
        uint256 n = operatorIds.length;
        if (n != 4 && n != 7 && n != 10 && n != 13) revert InvalidOperatorIdsLength();
        for (uint256 i; i < n; ++i) {
            uint64 id = operatorIds[i];
            if (i > 0 && id <= operatorIds[i - 1]) revert UnsortedOperatorsList();
            Operator storage op = operators[id];
            if (!op.active) revert OperatorDoesNotExist();
            if (op.untouched) {
                // Its first ETH flow: its ETH snapshot starts now (the real `ensureETHDefaults`).
                op.untouched = false;
                op.block = uint64(block.number);
            }
            if (op.isPrivate && !operatorWhitelist[id][msg.sender]) revert CallerNotWhitelistedWithData(id);
            if ((op.validatorCount += count) > validatorsPerOperatorLimit) revert ExceedValidatorLimitWithData(id);
        }
    }

    /// @dev Adds or takes `count` validators to the active operators among `operatorIds`; a
    ///      removed operator is skipped (its count was zeroed), as on the real network. Adding
    ///      (a reactivation) must stay within the limit.
    function _countValidators(uint64[] calldata operatorIds, uint32 count, bool add) internal {
        for (uint256 i; i < operatorIds.length; ++i) {
            Operator storage op = operators[operatorIds[i]];
            if (!op.active) continue;
            if (!add) {
                op.validatorCount -= count;
            } else if ((op.validatorCount += count) > validatorsPerOperatorLimit) {
                revert ExceedValidatorLimitWithData(operatorIds[i]);
            }
        }
    }

    /// @dev The operator `operatorId` if it exists, is not removed and the caller owns it
    ///      (the real network's `checkOwner`).
    function _ownedOperator(uint64 operatorId) internal view returns (Operator storage op) {
        op = operators[operatorId];
        if (!op.active) revert OperatorDoesNotExist();
        if (op.owner != msg.sender) revert CallerNotOwnerWithData(msg.sender, op.owner);
    }

    function _setPrivacy(uint64[] calldata operatorIds, bool toPrivate) internal {
        if (operatorIds.length == 0) revert InvalidOperatorIdsLength();
        for (uint256 i; i < operatorIds.length; ++i) {
            _ownedOperator(operatorIds[i]).isPrivate = toPrivate;
        }
        emit OperatorPrivacyStatusUpdated(operatorIds, toPrivate);
    }

    function _setWhitelists(uint64[] calldata operatorIds, address[] calldata addresses, bool allowed) internal {
        if (addresses.length == 0) revert InvalidWhitelistAddressesLength();
        if (operatorIds.length == 0) revert InvalidOperatorIdsLength();
        for (uint256 i; i < operatorIds.length; ++i) {
            _ownedOperator(operatorIds[i]);
            if (i > 0 && operatorIds[i] <= operatorIds[i - 1]) {
                if (operatorIds[i] == operatorIds[i - 1]) revert OperatorsListNotUnique();
                revert UnsortedOperatorsList();
            }
            for (uint256 j; j < addresses.length; ++j) {
                if (addresses[j] == address(0)) revert ZeroAddressNotAllowed();
                operatorWhitelist[operatorIds[i]][addresses[j]] = allowed;
            }
        }
    }

    function _hash(Cluster memory cluster) internal pure returns (bytes32) {
        return keccak256(
            abi.encodePacked(
                cluster.validatorCount, cluster.networkFeeIndex, cluster.index, cluster.active, cluster.balance
            )
        );
    }

    function _shrink(uint256 value) internal pure returns (uint64) {
        if (value % PRECISION != 0) revert MaxPrecisionExceeded();
        return uint64(value / PRECISION);
    }

    function _one(bytes calldata value) internal pure returns (bytes[] memory list) {
        list = new bytes[](1);
        list[0] = value;
    }

    function _oneId(uint64 id) internal pure returns (uint64[] memory list) {
        list = new uint64[](1);
        list[0] = id;
    }
}

