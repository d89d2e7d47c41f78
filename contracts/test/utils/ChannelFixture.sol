// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "./Test.sol";
import {ChannelAdjudicator} from "../../ChannelAdjudicator.sol";
import {USDC} from "../../USDC.sol";
import {NativeUSDCMock} from "../mocks/NativeUSDCMock.sol";

/// Shared setup: the USDC token and the precompile mock at their genesis addresses, an adjudicator,
/// participants with known keys, and helpers to build and sign states.
abstract contract ChannelFixture is Test {
    address internal constant TOKEN_ADDR = 0x3600000000000000000000000000000000000000;
    address internal constant NATIVE_ADDR = 0x0000000000000000000000000000000000001000;
    uint256 internal constant SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;
    uint256 internal constant PERIOD = 1 hours;

    ChannelAdjudicator internal adj;
    USDC internal usdc;
    NativeUSDCMock internal native;

    uint256 internal constant ALICE_KEY = 0xA11CE;
    uint256 internal constant BOB_KEY = 0xB0B;
    uint256 internal constant CAROL_KEY = 0xCA401;
    address internal alice;
    address internal bob;
    address internal carol;

    function setUp() public virtual {
        // Install both at their fixed addresses exactly as genesis does: runtime code, no constructor.
        vm.etch(NATIVE_ADDR, address(new NativeUSDCMock()).code);
        vm.etch(TOKEN_ADDR, address(new USDC()).code);
        native = NativeUSDCMock(NATIVE_ADDR);
        usdc = USDC(TOKEN_ADDR);
        adj = new ChannelAdjudicator();
        alice = vm.addr(ALICE_KEY);
        bob = vm.addr(BOB_KEY);
        carol = vm.addr(CAROL_KEY);
        vm.label(alice, "alice");
        vm.label(bob, "bob");
        vm.label(carol, "carol");
        vm.deal(alice, 1_000 ether);
        vm.deal(bob, 1_000 ether);
        vm.deal(carol, 1_000 ether);
    }

    // ------------------------------------------------------------------ params and states

    function params2(uint256 nonce) internal view returns (ChannelAdjudicator.Params memory p) {
        p.participants = new address[](2);
        p.participants[0] = alice;
        p.participants[1] = bob;
        p.payees = new address[](2);
        p.payees[0] = alice;
        p.payees[1] = bob;
        p.nonce = nonce;
        p.challengePeriod = PERIOD;
    }

    function params3(uint256 nonce) internal view returns (ChannelAdjudicator.Params memory p) {
        p.participants = new address[](3);
        p.participants[0] = alice;
        p.participants[1] = bob;
        p.participants[2] = carol;
        p.payees = new address[](3);
        p.payees[0] = alice;
        p.payees[1] = bob;
        p.payees[2] = carol;
        p.nonce = nonce;
        p.challengePeriod = PERIOD;
    }

    function state2(
        ChannelAdjudicator.Params memory p,
        uint256 version,
        uint256 balA,
        uint256 balB,
        uint256 depA,
        uint256 depB,
        bool isFinal
    ) internal view returns (ChannelAdjudicator.State memory s) {
        s.channelId = adj.channelId(p);
        s.version = version;
        s.balances = new uint256[](2);
        s.balances[0] = balA;
        s.balances[1] = balB;
        s.deposits = new uint256[](2);
        s.deposits[0] = depA;
        s.deposits[1] = depB;
        s.isFinal = isFinal;
    }

    function sig(uint256 key, ChannelAdjudicator.State memory s) internal view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 sv) = vm.sign(key, adj.stateDigest(s));
        return abi.encodePacked(r, sv, v);
    }

    function sigs2(ChannelAdjudicator.State memory s) internal view returns (bytes[] memory out) {
        out = new bytes[](2);
        out[0] = sig(ALICE_KEY, s);
        out[1] = sig(BOB_KEY, s);
    }

    function sigs3(ChannelAdjudicator.State memory s) internal view returns (bytes[] memory out) {
        out = new bytes[](3);
        out[0] = sig(ALICE_KEY, s);
        out[1] = sig(BOB_KEY, s);
        out[2] = sig(CAROL_KEY, s);
    }

    /// The same signature with s' = n - s and v flipped: valid for raw ecrecover, rejected by ECDSA.
    function highS(bytes memory good) internal pure returns (bytes memory) {
        bytes32 r;
        bytes32 s;
        uint8 v;
        assembly {
            r := mload(add(good, 0x20))
            s := mload(add(good, 0x40))
            v := byte(0, mload(add(good, 0x60)))
        }
        return abi.encodePacked(r, bytes32(SECP256K1_N - uint256(s)), v == 27 ? uint8(28) : uint8(27));
    }

    function fund2(ChannelAdjudicator.Params memory p, uint256 a, uint256 b) internal {
        vm.prank(alice);
        adj.deposit{value: a}(p, 0);
        vm.prank(bob);
        adj.deposit{value: b}(p, 1);
    }
}
