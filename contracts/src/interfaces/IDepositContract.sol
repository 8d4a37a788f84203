// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice The beacon chain deposit contract (mainnet 0x00000000219ab540356cBB839Cbe05303d7705Fa).
interface IDepositContract {
    event DepositEvent(bytes pubkey, bytes withdrawal_credentials, bytes amount, bytes signature, bytes index);

    function deposit(
        bytes calldata pubkey,
        bytes calldata withdrawal_credentials,
        bytes calldata signature,
        bytes32 deposit_data_root
    ) external payable;

    function get_deposit_root() external view returns (bytes32);

    function get_deposit_count() external view returns (bytes memory);
}
