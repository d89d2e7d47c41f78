// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ChannelAdjudicator} from "../ChannelAdjudicator.sol";
import {Vm} from "../test/utils/Vm.sol";

/// Deploys the channel adjudicator with a transaction (its EIP-712 domain lives in immutables, so it
/// cannot be copied into genesis as runtime code the way USDC is):
///   forge script contracts/script/Deploy.s.sol --rpc-url $RPC_URL --private-key $KEY --broadcast
contract Deploy {
    Vm private constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    function run() external returns (ChannelAdjudicator adjudicator) {
        vm.startBroadcast();
        adjudicator = new ChannelAdjudicator();
        vm.stopBroadcast();
    }
}
