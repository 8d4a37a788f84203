// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

interface IDevnetDepositContract {
    function deposit(
        bytes calldata pubkey,
        bytes calldata withdrawal_credentials,
        bytes calldata signature,
        bytes32 deposit_data_root
    ) external payable;
}

/// @title Devnet-only history maker: strangers' 32 ETH deposits, many per transaction (anvil only).
/// @notice Makes deposits `first..first+count` to the devnet deposit contract, each with its own
///         pubkey (`keccak256(this, i)` then `i` as 16 bytes: 48 distinct bytes), the
///         depositor's 0x01 credentials and a filler signature (no BLS key behind it), with the
///         SSZ `hash_tree_root(DepositData)` the deposit contract checks. It pays from its own
///         balance (the bench funds it with `anvil_setBalance`). Used by `deposit-check-bench`
///         to build a history of 100,000 deposits in under a minute.
contract DevnetDepositFiller {
    /// @dev 32 ETH in gwei, 8 bytes little-endian, as the deposit tree holds it.
    bytes8 private constant AMOUNT_32_ETH_LE = 0x0040597307000000;

    IDevnetDepositContract public immutable depositContract;
    bytes32 public immutable credentials;

    constructor(IDevnetDepositContract target) {
        depositContract = target;
        credentials = bytes32(uint256(uint160(address(this))) | (uint256(0x01) << 248));
    }

    /// @notice The pubkey of deposit `i`.
    function pubkeyOf(uint256 i) public view returns (bytes memory) {
        return abi.encodePacked(keccak256(abi.encode(address(this), i)), bytes16(uint128(i)));
    }

    function fill(uint256 first, uint256 count) external {
        bytes32 wc = credentials;
        for (uint256 i = first; i < first + count; i++) {
            bytes32 high = keccak256(abi.encode(address(this), i));
            bytes16 low = bytes16(uint128(i));
            bytes memory pubkey = abi.encodePacked(high, low);
            // Filler: 96 bytes that differ per deposit (no key signs them).
            bytes32 s0 = ~high;
            bytes32 s1 = high ^ wc;
            bytes32 s2 = bytes32(uint256(i));
            bytes memory signature = abi.encodePacked(s0, s1, s2);
            bytes32 pubkeyRoot = sha256(abi.encodePacked(high, low, bytes16(0)));
            bytes32 signatureRoot =
                sha256(abi.encodePacked(sha256(abi.encodePacked(s0, s1)), sha256(abi.encodePacked(s2, bytes32(0)))));
            bytes32 root = sha256(
                abi.encodePacked(
                    sha256(abi.encodePacked(pubkeyRoot, wc)),
                    sha256(abi.encodePacked(AMOUNT_32_ETH_LE, bytes24(0), signatureRoot))
                )
            );
            depositContract.deposit{value: 32 ether}(pubkey, abi.encodePacked(wc), signature, root);
        }
    }
}
