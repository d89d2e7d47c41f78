// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ChannelFixture} from "./utils/ChannelFixture.sol";
import {ChannelAdjudicator} from "../ChannelAdjudicator.sol";
import {Gas, VmGas} from "./utils/Vm.sol";
import {console} from "./utils/console.sol";

/// Gas of each adjudicator entry point in a typical two-party flow. Run with
///   forge test --match-contract ChannelGas --isolate -vv
/// (`--isolate` executes every call as its own transaction, so figures include the 21,000 base and
/// calldata, comparable with Nitro's published per-transaction numbers).
contract ChannelGasTest is ChannelFixture {
    ChannelAdjudicator.Params internal p;

    function setUp() public override {
        super.setUp();
        p = params2(1);
    }

    function _gas(string memory label) internal view returns (uint256 used) {
        Gas memory g = VmGas(address(vm)).lastCallGas();
        used = g.gasTotalUsed;
        console.log(label, used);
    }

    function testGas_deposits() public {
        vm.prank(alice);
        adj.deposit{value: 10 ether}(p, 0);
        _gas("deposit (first into a channel)");
        vm.prank(bob);
        adj.deposit{value: 10 ether}(p, 1);
        _gas("deposit (second participant)");
        vm.prank(bob);
        adj.deposit{value: 1 ether}(p, 1);
        _gas("deposit (top-up)");
        vm.prank(carol);
        usdc.approve(address(adj), 5_000_000);
        vm.prank(carol);
        adj.depositToken(p, 0, 5_000_000);
        _gas("depositToken (ERC-20 USDC, top-up)");
    }

    function testGas_close() public {
        fund2(p, 10 ether, 10 ether);
        ChannelAdjudicator.State memory s = state2(p, 42, 12 ether, 8 ether, 10 ether, 10 ether, true);
        bytes[] memory sg = sigs2(s);
        adj.close(p, s, sg);
        _gas("close (2 parties, 2 payouts)");
    }

    function testGas_dispute() public {
        fund2(p, 10 ether, 10 ether);
        ChannelAdjudicator.State memory s1 = state2(p, 41, 15 ether, 5 ether, 10 ether, 10 ether, false);
        ChannelAdjudicator.State memory s2 = state2(p, 42, 12 ether, 8 ether, 10 ether, 10 ether, false);
        bytes[] memory sg1 = sigs2(s1);
        bytes[] memory sg2 = sigs2(s2);
        adj.challenge(p, s1, sg1);
        _gas("challenge");
        adj.respond(p, s2, sg2);
        _gas("respond");
        vm.warp(block.timestamp + PERIOD);
        adj.settle(p);
        _gas("settle (2 payouts)");
    }
}
