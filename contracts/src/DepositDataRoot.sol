// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title SSZ hash_tree_root of a beacon DepositData, as the deposit contract recomputes it.
/// @notice hash_tree_root(DepositData{pubkey, withdrawal_credentials, amount, signature}) with the
///         sha256 precompile, for a deposit of exactly 32 ETH (consensus-specs `deposit_contract`).
library DepositDataRoot {
    /// @dev 32 ETH in gwei (32e9 = 0x0773594000), 8 bytes little-endian, as the tree holds it.
    bytes8 internal constant AMOUNT_32_ETH_LE = 0x0040597307000000;

    /// @param pubkey 48 bytes; @param signature 96 bytes (lengths checked by the caller).
    function of32Eth(bytes calldata pubkey, bytes32 withdrawalCredentials, bytes calldata signature)
        internal
        pure
        returns (bytes32)
    {
        bytes32 pubkeyRoot = sha256(abi.encodePacked(pubkey, bytes16(0)));
        bytes32 signatureRoot = sha256(
            abi.encodePacked(sha256(signature[:64]), sha256(abi.encodePacked(signature[64:], bytes32(0))))
        );
        return sha256(
            abi.encodePacked(
                sha256(abi.encodePacked(pubkeyRoot, withdrawalCredentials)),
                sha256(abi.encodePacked(AMOUNT_32_ETH_LE, bytes24(0), signatureRoot))
            )
        );
    }
}
