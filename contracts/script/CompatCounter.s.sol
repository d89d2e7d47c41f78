// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Vm} from "../test/utils/Vm.sol";

/// A small contract the tool-compatibility tests (test/compat/foundry.test.ts, hardhat.test.ts) deploy
/// to a running node and call: a constructor argument, a write that emits an event, and views.
contract CompatCounter {
    uint256 public count;
    address public owner;

    event CountSet(address indexed by, uint256 count);

    constructor(uint256 initial) {
        count = initial;
        owner = msg.sender;
    }

    function set(uint256 value) external {
        count = value;
        emit CountSet(msg.sender, value);
    }

    function add(uint256 a, uint256 b) external pure returns (uint256) {
        return a + b;
    }
}

/// Deploys CompatCounter(5) and sets it to 9, in two broadcast transactions:
///   forge script contracts/script/CompatCounter.s.sol:CompatCounterScript --rpc-url $RPC_URL \
///     --private-key $KEY --broadcast
contract CompatCounterScript {
    Vm private constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    function run() external returns (CompatCounter counter) {
        vm.startBroadcast();
        counter = new CompatCounter(5);
        counter.set(9);
        vm.stopBroadcast();
    }
}
