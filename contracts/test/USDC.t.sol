// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ChannelFixture} from "./utils/ChannelFixture.sol";
import {USDC} from "../USDC.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

contract USDCTest is ChannelFixture {
    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    function test_metadata() public view {
        assertEq(usdc.name(), "USD Coin");
        assertEq(usdc.symbol(), "USDC");
        assertEq(uint256(usdc.decimals()), 6);
    }

    function test_balanceOfIsNativeBalanceScaledDownRoundingDown() public {
        address who = makeAddr("who");
        vm.deal(who, 5 * 1e18 + 1e12 - 1); // 5 USDC plus just under one micro-USDC
        assertEq(usdc.balanceOf(who), 5_000_000);
        vm.deal(who, 1e12 - 1);
        assertEq(usdc.balanceOf(who), 0);
    }

    function test_totalSupplyIsNativeSupplyScaledDown() public {
        native.setTotalSupply(100_000 * 1e18 + 123);
        assertEq(usdc.totalSupply(), 100_000 * 1e6);
    }

    function test_transferMovesNativeBalanceAndEmits() public {
        vm.expectEmit(true, true, false, true, TOKEN_ADDR);
        emit Transfer(alice, bob, 2_500_000);
        vm.prank(alice);
        assertTrue(usdc.transfer(bob, 2_500_000));
        assertEq(alice.balance, 1_000 ether - 2.5 ether);
        assertEq(bob.balance, 1_000 ether + 2.5 ether);
    }

    function test_transferKeepsSubMicroDustWithSender() public {
        address who = makeAddr("dusty");
        vm.deal(who, 1e18 + 7);
        vm.prank(who);
        usdc.transfer(bob, 1_000_000);
        assertEq(who.balance, 7);
    }

    function test_transferRevertsOnInsufficientBalance() public {
        address poor = makeAddr("poor");
        vm.deal(poor, 2e12 - 1); // one whole micro-USDC visible
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, poor, 1, 2));
        vm.prank(poor);
        usdc.transfer(bob, 2);
    }

    function test_transferToZeroReverts() public {
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
        vm.prank(alice);
        usdc.transfer(address(0), 1);
    }

    function test_approveAndTransferFrom() public {
        vm.expectEmit(true, true, false, true, TOKEN_ADDR);
        emit Approval(alice, carol, 3_000_000);
        vm.prank(alice);
        usdc.approve(carol, 3_000_000);
        assertEq(usdc.allowance(alice, carol), 3_000_000);

        vm.prank(carol);
        usdc.transferFrom(alice, bob, 1_000_000);
        assertEq(usdc.allowance(alice, carol), 2_000_000);
        assertEq(bob.balance, 1_001 ether);

        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, carol, 2_000_000, 2_000_001)
        );
        vm.prank(carol);
        usdc.transferFrom(alice, bob, 2_000_001);
    }

    function test_infiniteAllowanceIsNotSpent() public {
        vm.prank(alice);
        usdc.approve(carol, type(uint256).max);
        vm.prank(carol);
        usdc.transferFrom(alice, bob, 1_000_000);
        assertEq(usdc.allowance(alice, carol), type(uint256).max);
    }

    function test_onlyTheTokenMayCallThePrecompile() public {
        vm.expectRevert(bytes("native: caller is not the USDC token"));
        vm.prank(alice);
        native.transfer(bob, alice, 1 ether);
    }

    function test_permitSetsAllowanceAndBumpsNonce() public {
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 digest = _permitDigest(alice, carol, 7_000_000, 0, deadline);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(ALICE_KEY, digest);
        usdc.permit(alice, carol, 7_000_000, deadline, v, r, s);
        assertEq(usdc.allowance(alice, carol), 7_000_000);
        assertEq(usdc.nonces(alice), 1);

        // Replaying the same signature fails: the nonce moved on.
        vm.expectRevert();
        usdc.permit(alice, carol, 7_000_000, deadline, v, r, s);
    }

    function test_permitRejectsExpiredAndWrongSigner() public {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(BOB_KEY, _permitDigest(alice, carol, 1, 0, deadline));
        vm.expectRevert(abi.encodeWithSelector(USDC.ERC2612InvalidSigner.selector, bob, alice));
        usdc.permit(alice, carol, 1, deadline, v, r, s);

        (v, r, s) = vm.sign(ALICE_KEY, _permitDigest(alice, carol, 1, 0, deadline));
        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(USDC.ERC2612ExpiredSignature.selector, deadline));
        usdc.permit(alice, carol, 1, deadline, v, r, s);
    }

    function testFuzz_transferConservesNativeBalance(uint256 start, uint256 amount) public {
        address from = makeAddr("from");
        address to = makeAddr("to");
        start = bound(start, 0, 1e30);
        vm.deal(from, start);
        vm.deal(to, 0);
        vm.prank(from);
        if (amount > start / 1e12) {
            vm.expectRevert();
            usdc.transfer(to, amount);
            return;
        }
        usdc.transfer(to, amount);
        assertEq(from.balance + to.balance, start, "native balance conserved");
        assertEq(to.balance, amount * 1e12, "receiver credited in wei");
    }

    function _permitDigest(address owner, address spender, uint256 value, uint256 nonce, uint256 deadline)
        private
        view
        returns (bytes32)
    {
        bytes32 typehash =
            keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");
        bytes32 domain = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("USD Coin"),
                keccak256("2"),
                block.chainid,
                TOKEN_ADDR
            )
        );
        assertEq(usdc.DOMAIN_SEPARATOR(), domain);
        return keccak256(
            abi.encodePacked(hex"1901", domain, keccak256(abi.encode(typehash, owner, spender, value, nonce, deadline)))
        );
    }
}
