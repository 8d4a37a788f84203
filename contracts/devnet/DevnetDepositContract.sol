// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Devnet stand-in for the beacon chain deposit contract (anvil only).
/// @notice Behaves as the real contract (consensus-specs `deposit_contract`): checks lengths and
///         amounts, recomputes the SSZ `hash_tree_root(DepositData)` and reverts on a mismatch,
///         keeps the incremental Merkle tree of deposits (root and count) and emits DepositEvent.
///         Revert messages are the real contract's.
contract DevnetDepositContract {
    uint256 private constant DEPTH = 32;
    uint256 private constant MAX_DEPOSIT_COUNT = 2 ** DEPTH - 1;

    bytes32[DEPTH] private branch;
    bytes32[DEPTH] private zeroHashes;
    uint256 private depositCount;

    event DepositEvent(bytes pubkey, bytes withdrawal_credentials, bytes amount, bytes signature, bytes index);

    constructor() {
        for (uint256 h = 0; h < DEPTH - 1; h++) {
            zeroHashes[h + 1] = sha256(abi.encodePacked(zeroHashes[h], zeroHashes[h]));
        }
    }

    function get_deposit_root() external view returns (bytes32) {
        bytes32 node;
        uint256 size = depositCount;
        for (uint256 h = 0; h < DEPTH; h++) {
            if ((size & 1) == 1) {
                node = sha256(abi.encodePacked(branch[h], node));
            } else {
                node = sha256(abi.encodePacked(node, zeroHashes[h]));
            }
            size /= 2;
        }
        return sha256(abi.encodePacked(node, toLittleEndian64(uint64(depositCount)), bytes24(0)));
    }

    function get_deposit_count() external view returns (bytes memory) {
        return toLittleEndian64(uint64(depositCount));
    }

    function deposit(
        bytes calldata pubkey,
        bytes calldata withdrawal_credentials,
        bytes calldata signature,
        bytes32 deposit_data_root
    ) external payable {
        require(pubkey.length == 48, "DepositContract: invalid pubkey length");
        require(withdrawal_credentials.length == 32, "DepositContract: invalid withdrawal_credentials length");
        require(signature.length == 96, "DepositContract: invalid signature length");
        require(msg.value >= 1 ether, "DepositContract: deposit value too low");
        require(msg.value % 1 gwei == 0, "DepositContract: deposit value not multiple of gwei");
        uint256 gweiAmount = msg.value / 1 gwei;
        require(gweiAmount <= type(uint64).max, "DepositContract: deposit value too high");

        bytes memory amount = toLittleEndian64(uint64(gweiAmount));
        emit DepositEvent(pubkey, withdrawal_credentials, amount, signature, toLittleEndian64(uint64(depositCount)));

        // hash_tree_root(DepositData{pubkey, withdrawal_credentials, amount, signature})
        bytes32 pubkeyRoot = sha256(abi.encodePacked(pubkey, bytes16(0)));
        bytes32 signatureRoot = sha256(
            abi.encodePacked(
                sha256(abi.encodePacked(signature[:64])), sha256(abi.encodePacked(signature[64:], bytes32(0)))
            )
        );
        bytes32 node = sha256(
            abi.encodePacked(
                sha256(abi.encodePacked(pubkeyRoot, withdrawal_credentials)),
                sha256(abi.encodePacked(amount, bytes24(0), signatureRoot))
            )
        );
        require(
            node == deposit_data_root,
            "DepositContract: reconstructed DepositData does not match supplied deposit_data_root"
        );

        require(depositCount < MAX_DEPOSIT_COUNT, "DepositContract: merkle tree full");
        depositCount += 1;
        uint256 size = depositCount;
        for (uint256 h = 0; h < DEPTH; h++) {
            if ((size & 1) == 1) {
                branch[h] = node;
                return;
            }
            node = sha256(abi.encodePacked(branch[h], node));
            size /= 2;
        }
        assert(false);
    }

    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == 0x01ffc9a7 || interfaceId == 0x85640907;
    }

    function toLittleEndian64(uint64 value) internal pure returns (bytes memory ret) {
        ret = new bytes(8);
        bytes8 bytesValue = bytes8(value);
        for (uint256 i = 0; i < 8; i++) {
            ret[i] = bytesValue[7 - i];
        }
    }
}
