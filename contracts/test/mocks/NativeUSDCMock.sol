// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Vm} from "../utils/Vm.sol";

/// @notice Test double of the chain's native-USDC precompile, etched at 0x…1000. Like the real one it
/// lets only the token at 0x3600… move balance and reverts on insufficient balance; it moves native
/// balance with the `deal` cheatcode. The chain engineer tests the real precompile end to end.
contract NativeUSDCMock {
    Vm private constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    address private constant TOKEN = 0x3600000000000000000000000000000000000000;

    uint256 public totalSupply; // set by the test: the mock cannot sum every balance

    function setTotalSupply(uint256 supply) external {
        totalSupply = supply;
    }

    function transfer(address from, address to, uint256 amount) external returns (bool) {
        require(msg.sender == TOKEN, "native: caller is not the USDC token");
        require(from.balance >= amount, "native: insufficient balance");
        if (from != to) {
            vm.deal(from, from.balance - amount);
            vm.deal(to, to.balance + amount);
        }
        return true;
    }
}
