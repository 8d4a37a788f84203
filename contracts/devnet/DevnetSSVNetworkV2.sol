// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

import {Cluster} from "../src/interfaces/ISSVNetwork.sol";
import {DevnetSSVNetworkBase} from "./DevnetSSVNetwork.sol";

/// @title Devnet SSV network v2: cluster fees in ETH, scaled by the clusters' effective balance.
/// @notice Beside the base's clusters and operators, what v2 adds and a client must survive:
///         - ETH amounts in wei, with no rounding rule (the real v2 adds and subtracts
///           `msg.value` and withdrawn amounts as they are; only fee indexes are packed);
///         - effective-balance roots and `updateClusterBalance`, callable by anyone with a
///           Merkle proof against a committed root: it settles the cluster's fees with its old
///           validator units, stores the new ones (`ceil(EB * 10000 / 32)`), liquidates the
///           cluster when the new fees leave it under its threshold (the caller takes the
///           balance), rewrites the stored hash and emits `ClusterBalanceUpdated` with the new
///           snapshot - the only event of that call when it does not liquidate;
///         - legacy operators (registered before v2, never in an ETH flow): the views say
///           `isActive = false` for them, yet a registration with one succeeds and starts its
///           ETH snapshot.
///         What differs from the real network, and why: the effective-balance oracles (a quorum
///         of weighted votes, `WeightedRootProposed`) are the devnet admin, who commits a root
///         with `commitRoot` (same signature and `RootCommitted` event; the leaf, the proof
///         check, the staleness, frequency and bound checks are the real ones); legacy operators
///         come from `registerLegacyOperator`, a devnet-only function (the real ones exist from
///         before the upgrade); there are no legacy SSV clusters, so `migrateClusterToETH`
///         (`ClusterMigratedToETH`) and `IncorrectClusterVersion` cannot happen here.
contract DevnetSSVNetworkV2 is DevnetSSVNetworkBase {
    /// @notice The real network's default ETH fee of a legacy operator with an SSV fee.
    uint256 public constant DEFAULT_OPERATOR_ETH_FEE = 1_770_000_000;
    uint32 internal constant MIN_EB_PER_VALIDATOR = 32; // ETH
    uint32 internal constant MAX_EB_PER_VALIDATOR = 2048; // ETH

    /// @notice A cluster's proven effective balance, as the real `ClusterEBSnapshot`.
    struct EBSnapshot {
        uint64 vUnits; // 0 until a first proof: the cluster counts 32 ETH per validator
        uint64 lastRootBlockNum;
        uint64 lastUpdateBlock;
    }

    mapping(uint64 => bytes32) public ebRoots;
    uint64 public latestCommittedBlock;
    uint32 public minBlocksBetweenUpdates;
    mapping(bytes32 => EBSnapshot) public clusterEB;
    /// @notice A legacy operator's SSV fee (what the real `getOperatorByIdSSV` reports).
    mapping(uint64 => uint256) public legacySsvFee;

    event ClusterBalanceUpdated(
        address indexed owner, uint64[] operatorIds, uint64 indexed blockNum, uint32 effectiveBalance, Cluster cluster
    );
    event RootCommitted(bytes32 indexed merkleRoot, uint64 indexed blockNum);
    event MinBlocksBetweenUpdatesUpdated(uint32 newMinBlocksBetweenUpdates);

    error EBBelowMinimum();
    error EBExceedsMaximum();
    error FutureBlockNumber();
    error InvalidProof();
    error NotOracle();
    error RootNotFound();
    error StaleBlockNumber();
    error StaleUpdate();
    error UpdateTooFrequent();

    constructor(uint256 networkFee, uint64 threshold, uint256 minimumCollateral)
        DevnetSSVNetworkBase(networkFee, threshold, minimumCollateral)
    {}

    function registerValidator(
        bytes calldata publicKey,
        uint64[] calldata operatorIds,
        bytes calldata sharesData,
        Cluster memory cluster
    ) external payable {
        _register(_one(publicKey), operatorIds, _one(sharesData), msg.value, cluster);
    }

    function bulkRegisterValidator(
        bytes[] calldata publicKeys,
        uint64[] calldata operatorIds,
        bytes[] calldata sharesData,
        Cluster memory cluster
    ) external payable {
        _register(publicKeys, operatorIds, sharesData, msg.value, cluster);
    }

    function deposit(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster) external payable {
        _deposit(clusterOwner, operatorIds, msg.value, cluster);
    }

    function reactivate(uint64[] calldata operatorIds, Cluster memory cluster) external payable {
        _reactivate(operatorIds, msg.value, cluster);
    }

    // ---- legacy operators (devnet only) ----

    /// @notice Devnet only: an operator as one registered before the v2 upgrade is now (an SSV
    ///         fee, no ETH snapshot). Its ETH fee is the network's default when its SSV fee is
    ///         not zero, as the real `ensureETHDefaults` sets it.
    function registerLegacyOperator(bytes calldata publicKey, uint256 ssvFee, bool setPrivate)
        external
        returns (uint64 id)
    {
        id = ++lastOperatorId;
        operators[id] = Operator({
            owner: msg.sender,
            fee: ssvFee == 0 ? 0 : _shrink(DEFAULT_OPERATOR_ETH_FEE),
            index: 0,
            block: 0,
            validatorCount: 0,
            active: true,
            isPrivate: setPrivate,
            untouched: true
        });
        legacySsvFee[id] = ssvFee;
        emit OperatorAdded(id, msg.sender, publicKey, ssvFee);
    }

    // ---- effective balances ----

    /// @notice The devnet admin stands in for the effective-balance oracles' quorum: it commits
    ///         the Merkle root of (cluster id, effective balance) leaves at `blockNum`.
    function commitRoot(bytes32 merkleRoot, uint64 blockNum) external {
        if (msg.sender != owner) revert NotOracle();
        if (blockNum > block.number) revert FutureBlockNumber();
        if (blockNum <= latestCommittedBlock) revert StaleBlockNumber();
        latestCommittedBlock = blockNum;
        ebRoots[blockNum] = merkleRoot;
        emit RootCommitted(merkleRoot, blockNum);
    }

    function updateMinBlocksBetweenUpdates(uint32 blocks) external {
        if (msg.sender != owner) revert CallerNotOwner();
        minBlocksBetweenUpdates = blocks;
        emit MinBlocksBetweenUpdatesUpdated(blocks);
    }

    /// @notice Anyone may bring a cluster's effective balance (in ETH, all its validators
    ///         together) to the value proven against the root committed at `blockNum`; see the
    ///         contract's notice for what it does to the cluster.
    function updateClusterBalance(
        uint64 blockNum,
        address clusterOwner,
        uint64[] calldata operatorIds,
        Cluster memory cluster,
        uint32 effectiveBalance,
        bytes32[] calldata merkleProof
    ) external {
        bytes32 key = _validateHashedCluster(clusterOwner, operatorIds, cluster);
        bytes32 root = ebRoots[blockNum];
        if (root == bytes32(0)) revert RootNotFound();
        EBSnapshot storage eb = clusterEB[key];
        if (eb.lastUpdateBlock != 0 && block.number < eb.lastUpdateBlock + minBlocksBetweenUpdates) {
            revert UpdateTooFrequent();
        }
        if (eb.lastRootBlockNum != 0 && blockNum <= eb.lastRootBlockNum) revert StaleUpdate();
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(key, effectiveBalance))));
        if (!MerkleProof.verify(merkleProof, root, leaf)) revert InvalidProof();
        if (uint256(effectiveBalance) > uint256(cluster.validatorCount) * MAX_EB_PER_VALIDATOR) {
            revert EBExceedsMaximum();
        }
        if (uint256(effectiveBalance) < uint256(cluster.validatorCount) * MIN_EB_PER_VALIDATOR) {
            revert EBBelowMinimum();
        }
        if (cluster.active) {
            // Fees up to now at the old units.
            (uint64 sumIndex, uint64 netIndex) = _indexes(operatorIds);
            cluster.balance = _settled(key, cluster, sumIndex, netIndex);
            cluster.index = sumIndex;
            cluster.networkFeeIndex = netIndex;
        }
        eb.vUnits = _ebToVUnits(effectiveBalance);
        eb.lastRootBlockNum = blockNum;
        eb.lastUpdateBlock = uint64(block.number);
        if (cluster.active) {
            if (
                cluster.validatorCount != 0
                    && cluster.balance < _threshold(key, burnRatePerValidator(operatorIds), cluster.validatorCount)
            ) {
                _liquidate(key, clusterOwner, operatorIds, cluster);
            } else {
                clusters[key] = _hash(cluster);
            }
        }
        emit ClusterBalanceUpdated(clusterOwner, operatorIds, blockNum, effectiveBalance, cluster);
    }

    function _ebToVUnits(uint32 effectiveBalance) internal pure returns (uint64) {
        uint256 scaled = uint256(effectiveBalance) * VUNITS_PRECISION;
        return uint64(scaled == 0 ? 0 : (scaled - 1) / MIN_EB_PER_VALIDATOR + 1);
    }

    function _units(bytes32 key, uint32 validatorCount) internal view override returns (uint256) {
        uint64 vUnits = clusterEB[key].vUnits;
        return vUnits == 0 ? uint256(validatorCount) * VUNITS_PRECISION : vUnits;
    }

    /// @dev A proven cluster's units grow by one validator's for each new one, as on the real
    ///      network's registration; removal takes one validator's units off (down to none).
    function _onValidatorsAdded(bytes32 key, uint32 count) internal override {
        EBSnapshot storage eb = clusterEB[key];
        if (eb.vUnits > 0) eb.vUnits += uint64(count) * VUNITS_PRECISION;
    }

    function _onValidatorsRemoved(bytes32 key, uint32 count) internal override {
        EBSnapshot storage eb = clusterEB[key];
        uint64 units = uint64(count) * VUNITS_PRECISION;
        if (eb.vUnits > 0) eb.vUnits = eb.vUnits > units ? eb.vUnits - units : 0;
    }
}
