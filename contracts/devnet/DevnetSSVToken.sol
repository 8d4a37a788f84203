// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title Devnet SSV token (anvil only): the deployer mints at will.
contract DevnetSSVToken is ERC20 {
    address public immutable minter;

    constructor() ERC20("SSV Token (devnet)", "SSV") {
        minter = msg.sender;
    }

    function mint(address to, uint256 amount) external {
        require(msg.sender == minter, "only the deployer mints");
        _mint(to, amount);
    }
}
