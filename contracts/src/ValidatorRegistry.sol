// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {DepositDataRoot} from "./DepositDataRoot.sol";
import {DepositSignatureVerifier} from "./DepositSignatureVerifier.sol";

/// @notice One validator from the key ceremony, as passed to `addValidators` and
///         `activateValidators` (the registry stores its hash; the event carries it whole).
struct ValidatorData {
    bytes pubkey;
    bytes signature;
    bytes32 depositDataRoot;
    uint64[] operatorIds;
    bytes sharesData;
}

/// @title The pool's registry of validators from the key ceremony, in activation order.
/// @notice Entries are appended (checked: lengths, operator set, the deposit data root of the
///         pool's credentials and 32 ETH, the deposit's BLS signature for the pool's network,
///         no pubkey seen before), wait `activationDelay` blocks,
///         then are activated strictly in order. Pending entries can be dropped from an index
///         onward; a dropped pubkey can never come back.
/// @dev Entry i was made for the pool's i-th SSV registration (owner nonce i), so only a suffix
///      may be dropped: the earlier entries keep their nonces and the next ceremony starts at the
///      first dropped index.
abstract contract ValidatorRegistry {
    uint256 private constant PUBKEY_LENGTH = 48;
    uint256 private constant SIGNATURE_LENGTH = 96;
    uint256 private constant SHARE_PUBKEY_LENGTH = 48;
    uint256 private constant ENCRYPTED_SHARE_LENGTH = 256;
    /// @dev indexPlusOne value of a dropped pubkey.
    uint256 private constant DROPPED = type(uint256).max;
    /// @dev A registry word: the entry's link in its high 192 bits, the block it was added in in
    ///      the low 64.
    uint256 private constant LINK_MASK = ~uint256(type(uint64).max);

    /// @notice Blocks an entry waits after being added before it can be activated, during which
    ///         the admin (or anyone watching the deposit contract) can have it dropped.
    uint64 public immutable activationDelay;
    /// @notice Checks each entry's deposit signature (BLS, EIP-2537) for the pool's network.
    DepositSignatureVerifier public immutable depositVerifier;

    /// @dev The registry as a hash chain, in activation order, one word per entry:
    ///      link(i) = keccak256(link(i - 1) ‖ entryHash(entry i)) with its low 64 bits cleared
    ///      (0 before the first), and in those 64 bits the block the entry was added in. So
    ///      activating n entries reads two slots, not n (2,100 gas per cold slot), and the delay
    ///      check reads nothing more. 192 bits keep a collision out of reach (2^96 work; an
    ///      Ethereum address is a 160-bit hash).
    bytes32[] private registryChain;
    /// @dev keccak256 of each entry's pubkey (one slot; the pubkey itself is in the event).
    bytes32[] private pubkeyHashes;
    /// @dev keccak256(pubkey) => registry index + 1, or DROPPED.
    mapping(bytes32 => uint256) private indexPlusOne;

    event ValidatorRegistered(
        uint256 indexed index, bytes pubkey, bytes signature, bytes32 depositDataRoot, uint64[] operatorIds, bytes sharesData
    );
    /// @notice Entries fromIndex..fromIndex+count-1 left the registry for good.
    event ValidatorsDropped(uint256 indexed fromIndex, uint256 count, address by);

    error InvalidPubkeyLength(uint256 index);
    error InvalidSignatureLength(uint256 index);
    error InvalidOperatorIds(uint256 index);
    error InvalidSharesLength(uint256 index, uint256 expected, uint256 actual);
    /// @dev The entry's deposit_data_root is not the SSZ root of its pubkey and signature with
    ///      the pool's withdrawal credentials and 32 ETH: the deposit would fail or pay elsewhere.
    error InvalidDepositDataRoot(uint256 index, bytes32 expected, bytes32 given);
    error DuplicateValidator(bytes pubkey);
    error DroppedValidator(bytes pubkey);
    error NothingToDrop(uint256 fromIndex, uint256 firstPending, uint256 length);
    /// @dev Entries first..first+count-1 are not the next ones exactly as registered.
    error ValidatorDataMismatch(uint256 first, uint256 count);
    error MixedOperatorSets(uint256 index);
    /// @dev Entry `index` was added too recently; activatable from block `readyAt`.
    error ValidatorNotReady(uint256 index, uint256 readyAt);
    /// @dev `addValidators` got `points` uncompressed point sets for `entries` entries.
    error BlsPointsCountMismatch(uint256 entries, uint256 points);
    /// @dev The uncompressed points given for entry `index` are not its pubkey and signature
    ///      (they must decompress them exactly: 128 + 256 bytes in the EIP-2537 encoding).
    error BlsPointsMismatch(uint256 index);
    /// @dev Entry `index`'s pubkey or signature is not a point of the BLS12-381 prime-order
    ///      subgroup: the beacon chain would refuse the deposit.
    error InvalidBlsPoint(uint256 index);
    /// @dev Entry `index`'s signature is not its key's signature of a 32 ETH deposit to the
    ///      pool's credentials on the pool's network: the beacon chain would ignore the deposit
    ///      and the 32 ETH would be lost.
    error InvalidDepositSignature(uint256 index);

    /// @param genesisForkVersion The GENESIS_FORK_VERSION of the network the pool runs on
    ///        (mainnet 0x00000000, Hoodi 0x10000910): deposit signatures commit to it.
    constructor(uint64 activationDelay_, bytes4 genesisForkVersion) {
        activationDelay = activationDelay_;
        depositVerifier = new DepositSignatureVerifier(genesisForkVersion);
    }

    /// @dev Entries below this index are activated; only entries from it on may be dropped.
    function _firstPending() internal view virtual returns (uint256);

    /// @dev The 0x01 credentials every entry's deposit data must name.
    function _credentials() internal view virtual returns (bytes32);

    // ------------------------------------------------------------------ views

    /// @notice Validators in the registry, activated or not (dropped ones are gone).
    function validatorCount() external view returns (uint256) {
        return registryChain.length;
    }

    /// @notice Validators registered but not yet activated.
    function pendingValidators() external view returns (uint256) {
        return registryChain.length - _firstPending();
    }

    /// @notice Registry entry `index`: keccak256 of its pubkey (the pubkey and the rest of the
    ///         entry are in its `ValidatorRegistered` event), its link in the registry's hash
    ///         chain (see `registryChain`), whether it is active, and the first block it may be
    ///         activated in.
    function getValidator(uint256 index)
        external
        view
        returns (bytes32 pubkeyHash, bytes32 link, bool activated, uint256 readyAt)
    {
        uint256 word = uint256(registryChain[index]);
        return (
            pubkeyHashes[index],
            bytes32(word & LINK_MASK),
            index < _firstPending(),
            uint64(word) + uint256(activationDelay)
        );
    }

    /// @notice Registry index of `pubkey`, or type(uint256).max when it is not registered
    ///         (never added, or dropped: see `isDropped`).
    function indexOf(bytes calldata pubkey) external view returns (uint256) {
        uint256 found = indexPlusOne[keccak256(pubkey)];
        return found == 0 || found == DROPPED ? type(uint256).max : found - 1;
    }

    /// @notice Whether `pubkey` was dropped from the registry (it can never be added again).
    function isDropped(bytes calldata pubkey) external view returns (bool) {
        return indexPlusOne[keccak256(pubkey)] == DROPPED;
    }

    // ------------------------------------------------------------------ changes

    /// @param points For each entry, its pubkey and signature uncompressed (384 bytes, see
    ///        `DepositSignatureVerifier.POINTS_LENGTH`), so the signature check needs no square
    ///        roots on chain.
    function _addValidators(ValidatorData[] calldata entries, bytes[] calldata points) internal {
        if (points.length != entries.length) revert BlsPointsCountMismatch(entries.length, points.length);
        bytes32 credentials = _credentials();
        uint256 index = registryChain.length;
        bytes32 link = index == 0 ? bytes32(0) : _linkAt(index - 1);
        uint256 blockNumber = uint64(block.number);
        for (uint256 i; i < entries.length; ++i) {
            ValidatorData calldata entry = entries[i];
            _checkEntry(entry, index, credentials);
            _checkSignature(entry, points[i], index, credentials);
            bytes32 key = keccak256(entry.pubkey);
            uint256 seen = indexPlusOne[key];
            if (seen == DROPPED) revert DroppedValidator(entry.pubkey);
            if (seen != 0) revert DuplicateValidator(entry.pubkey);
            indexPlusOne[key] = index + 1;
            (bytes32 entryHash,) = _entryHash(entry);
            link = _link(link, entryHash);
            registryChain.push(bytes32(uint256(link) | blockNumber));
            pubkeyHashes.push(key);
            emit ValidatorRegistered(
                index, entry.pubkey, entry.signature, entry.depositDataRoot, entry.operatorIds, entry.sharesData
            );
            ++index;
        }
    }

    function _checkEntry(ValidatorData calldata entry, uint256 index, bytes32 credentials) private pure {
        if (entry.pubkey.length != PUBKEY_LENGTH) revert InvalidPubkeyLength(index);
        if (entry.signature.length != SIGNATURE_LENGTH) revert InvalidSignatureLength(index);
        if (!_validOperatorSet(entry.operatorIds)) revert InvalidOperatorIds(index);
        uint256 expected = SIGNATURE_LENGTH + entry.operatorIds.length * (SHARE_PUBKEY_LENGTH + ENCRYPTED_SHARE_LENGTH);
        if (entry.sharesData.length != expected) revert InvalidSharesLength(index, expected, entry.sharesData.length);
        // The root's hashing allocates; hand the memory back so a batch's memory stays flat.
        uint256 freePointer;
        assembly ("memory-safe") {
            freePointer := mload(0x40)
        }
        bytes32 root = DepositDataRoot.of32Eth(entry.pubkey, credentials, entry.signature);
        assembly ("memory-safe") {
            mstore(0x40, freePointer)
        }
        if (root != entry.depositDataRoot) revert InvalidDepositDataRoot(index, root, entry.depositDataRoot);
    }

    /// @dev The deposit's BLS signature, checked by the verifier: one call with
    ///      `verify(credentials ‖ pubkey ‖ signature ‖ points)`, encoded here in scratch memory.
    function _checkSignature(ValidatorData calldata entry, bytes calldata points, uint256 index, bytes32 credentials)
        private
        view
    {
        if (points.length != 384) revert BlsPointsMismatch(index);
        address verifier = address(depositVerifier);
        bytes calldata pubkey = entry.pubkey;
        bytes calldata signature = entry.signature;
        uint256 result;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, shl(224, 0x8e760afe)) // verify(bytes)
            mstore(add(ptr, 4), 0x20)
            mstore(add(ptr, 36), 560)
            let input := add(ptr, 68)
            mstore(input, credentials)
            calldatacopy(add(input, 32), pubkey.offset, 48)
            calldatacopy(add(input, 80), signature.offset, 96)
            calldatacopy(add(input, 176), points.offset, 384)
            if iszero(staticcall(gas(), verifier, ptr, 628, 0x00, 0x20)) {
                returndatacopy(0x00, 0x00, returndatasize())
                revert(0x00, returndatasize())
            }
            result := mload(0x00)
        }
        if (result == 1) revert BlsPointsMismatch(index);
        if (result == 2) revert InvalidBlsPoint(index);
        if (result != 0) revert InvalidDepositSignature(index);
    }

    /// @dev Drops every entry from `fromIndex` on; they must all be pending.
    function _dropFrom(uint256 fromIndex) internal {
        uint256 length = registryChain.length;
        if (fromIndex < _firstPending() || fromIndex >= length) {
            revert NothingToDrop(fromIndex, _firstPending(), length);
        }
        for (uint256 i = length; i > fromIndex; --i) {
            indexPlusOne[pubkeyHashes[i - 1]] = DROPPED;
            registryChain.pop();
            pubkeyHashes.pop();
        }
        emit ValidatorsDropped(fromIndex, length - fromIndex, msg.sender);
    }

    /// @dev The entries are the next ones in the registry from `first`, exactly as registered
    ///      (their chain from the last activated link ends on the registry's link), all share
    ///      the first entry's operator set, and the last one has waited `activationDelay` blocks
    ///      (entries are added in order, so the others have waited longer).
    function _checkEntries(ValidatorData[] calldata validators, uint256 first) internal view {
        uint256 count = validators.length;
        uint256 last = first + count - 1;
        uint256 word = uint256(registryChain[last]);
        uint256 readyAt = uint64(word) + uint256(activationDelay);
        if (block.number < readyAt) revert ValidatorNotReady(last, readyAt);
        bytes32 chain = first == 0 ? bytes32(0) : _linkAt(first - 1);
        bytes32 operatorSet;
        for (uint256 i; i < count; ++i) {
            (bytes32 entryHash, bytes32 idsHash) = _entryHash(validators[i]);
            chain = _link(chain, entryHash);
            if (i == 0) operatorSet = idsHash;
            else if (idsHash != operatorSet) revert MixedOperatorSets(first + i);
        }
        if (chain != bytes32(word & LINK_MASK)) revert ValidatorDataMismatch(first, count);
    }

    function _linkAt(uint256 index) private view returns (bytes32) {
        return bytes32(uint256(registryChain[index]) & LINK_MASK);
    }

    function _registryLength() internal view returns (uint256) {
        return registryChain.length;
    }

    // ------------------------------------------------------------------ hashing

    function _link(bytes32 previous, bytes32 entryHash) private pure returns (bytes32) {
        bytes32 full;
        assembly ("memory-safe") {
            mstore(0x00, previous)
            mstore(0x20, entryHash)
            full := keccak256(0x00, 0x40)
        }
        return bytes32(uint256(full) & LINK_MASK);
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
}
