// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ChannelFixture} from "./utils/ChannelFixture.sol";
import {ChannelAdjudicator} from "../ChannelAdjudicator.sol";
import {RevertingPayee, GasBurningPayee, ReentrantPayee} from "./mocks/Payees.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

contract ChannelAdjudicatorTest is ChannelFixture {
    event Deposited(bytes32 indexed channelId, uint256 indexed participant, uint256 amount, uint256 totalDeposited);
    event Challenged(bytes32 indexed channelId, uint256 version, uint256 finalizesAt);
    event Responded(bytes32 indexed channelId, uint256 version);
    event Concluded(bytes32 indexed channelId);
    event PayoutDeferred(bytes32 indexed channelId, address indexed payee, uint256 amount);

    ChannelAdjudicator.Params internal p;
    bytes32 internal id;

    function setUp() public override {
        super.setUp();
        p = params2(1);
        id = adj.channelId(p);
    }

    // ============================================================== channel identity

    function test_channelIdBindsChainAdjudicatorAndParams() public view {
        assertEq(id, keccak256(abi.encode(block.chainid, address(adj), p)));
        assertTrue(adj.channelId(params2(2)) != id, "new nonce, new channel");
    }

    // ============================================================== deposit

    function test_depositNativeCreditsAndEmits() public {
        vm.expectEmit(true, true, false, true, address(adj));
        emit Deposited(id, 0, 3 ether, 3 ether);
        vm.prank(alice);
        adj.deposit{value: 3 ether}(p, 0);
        vm.prank(alice);
        adj.deposit{value: 2 ether}(p, 0);
        assertEq(adj.holdings(id), 5 ether);
        assertEq(adj.totalDeposited(id, 0), 5 ether);
        assertEq(adj.totalDeposited(id, 1), 0);
        assertEq(address(adj).balance, 5 ether);
    }

    function test_thirdPartyDepositFundsAnyParticipant() public {
        vm.prank(carol);
        adj.deposit{value: 4 ether}(p, 1);
        assertEq(adj.totalDeposited(id, 1), 4 ether);
        vm.prank(alice);
        adj.deposit{value: 4 ether}(p, 0);
        // Bob's balance is paid to Bob's payee, not to the funder.
        ChannelAdjudicator.State memory s = state2(p, 1, 2 ether, 6 ether, 4 ether, 4 ether, true);
        uint256 bobBefore = bob.balance;
        adj.close(p, s, sigs2(s));
        assertEq(bob.balance - bobBefore, 6 ether);
    }

    function test_depositRejectsZeroAndUnknownParticipant() public {
        vm.expectRevert(ChannelAdjudicator.ZeroDeposit.selector);
        adj.deposit{value: 0}(p, 0);
        vm.expectRevert(abi.encodeWithSelector(ChannelAdjudicator.InvalidParticipant.selector, 2));
        adj.deposit{value: 1}(p, 2);
    }

    function test_depositRejectsParamsThatCouldLockFunds() public {
        ChannelAdjudicator.Params memory bad = params2(1);
        bad.payees = new address[](1);
        _expectInvalid(bad);

        bad = params2(1);
        bad.challengePeriod = 0;
        _expectInvalid(bad);

        bad = params2(1);
        bad.challengePeriod = 366 days;
        _expectInvalid(bad);

        bad = params2(1);
        bad.participants[1] = alice; // duplicate signer
        _expectInvalid(bad);

        bad = params2(1);
        bad.participants[1] = address(0); // ECDSA never recovers address(0)
        _expectInvalid(bad);

        bad = params2(1);
        bad.payees[0] = address(0);
        _expectInvalid(bad);

        bad = params2(1);
        bad.payees[1] = address(adj);
        _expectInvalid(bad);

        bad.participants = new address[](1);
        bad.participants[0] = alice;
        bad.payees = new address[](1);
        bad.payees[0] = alice;
        _expectInvalid(bad);
    }

    function _expectInvalid(ChannelAdjudicator.Params memory bad) private {
        vm.expectRevert(ChannelAdjudicator.InvalidParams.selector);
        adj.deposit{value: 1}(bad, 0);
    }

    function test_depositTokenPullsErc20AndCreditsWei() public {
        vm.prank(alice);
        usdc.approve(address(adj), 7_000_000);
        vm.expectEmit(true, true, false, true, address(adj));
        emit Deposited(id, 0, 7 ether, 7 ether);
        vm.prank(alice);
        adj.depositToken(p, 0, 7_000_000);
        assertEq(adj.holdings(id), 7 ether);
        assertEq(address(adj).balance, 7 ether);
        assertEq(alice.balance, 993 ether);
        assertEq(usdc.allowance(alice, address(adj)), 0);
    }

    function test_depositTokenFailsWithoutAllowanceOrBalance() public {
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(adj), 0, 1_000_000)
        );
        vm.prank(alice);
        adj.depositToken(p, 0, 1_000_000);

        address poor = makeAddr("poor");
        vm.prank(poor);
        usdc.approve(address(adj), 1_000_000);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, poor, 0, 1_000_000));
        vm.prank(poor);
        adj.depositToken(p, 0, 1_000_000);

        vm.expectRevert(ChannelAdjudicator.ZeroDeposit.selector);
        adj.depositToken(p, 0, 0);
        assertEq(adj.holdings(id), 0);
    }

    function test_depositIntoConcludedChannelReverts() public {
        fund2(p, 1 ether, 1 ether);
        ChannelAdjudicator.State memory s = state2(p, 1, 1 ether, 1 ether, 1 ether, 1 ether, true);
        adj.close(p, s, sigs2(s));
        vm.expectRevert(abi.encodeWithSelector(ChannelAdjudicator.ChannelConcluded.selector, id));
        adj.deposit{value: 1 ether}(p, 0);
    }

    // ============================================================== cooperative close

    function test_closeNativePaysAtOnce() public {
        fund2(p, 10 ether, 10 ether);
        ChannelAdjudicator.State memory s = state2(p, 7, 15 ether, 5 ether, 10 ether, 10 ether, true);
        uint256 a0 = alice.balance;
        uint256 b0 = bob.balance;
        vm.expectEmit(true, false, false, false, address(adj));
        emit Concluded(id);
        vm.prank(carol); // anyone may submit a fully signed final state
        adj.close(p, s, sigs2(s));
        assertEq(alice.balance - a0, 15 ether);
        assertEq(bob.balance - b0, 5 ether);
        assertEq(adj.holdings(id), 0);
        assertEq(address(adj).balance, 0);
        (,, uint8 status) = adj.challengeOf(id);
        assertEq(uint256(status), 2);
    }

    function test_closeWithErc20Deposits() public {
        vm.prank(alice);
        usdc.approve(address(adj), 10_000_000);
        vm.prank(alice);
        adj.depositToken(p, 0, 10_000_000);
        vm.prank(bob);
        usdc.approve(address(adj), 4_000_000);
        vm.prank(bob);
        adj.depositToken(p, 1, 4_000_000);

        ChannelAdjudicator.State memory s = state2(p, 3, 6 ether, 8 ether, 10 ether, 4 ether, true);
        adj.close(p, s, sigs2(s));
        // Net: alice paid bob 4 USDC through the channel; the token view agrees with the native one.
        assertEq(alice.balance, 996 ether);
        assertEq(bob.balance, 1_004 ether);
        assertEq(usdc.balanceOf(bob), 1_004_000_000);
    }

    function test_closeRejectsNonFinalAndSecondClose() public {
        fund2(p, 1 ether, 1 ether);
        ChannelAdjudicator.State memory s = state2(p, 1, 1 ether, 1 ether, 1 ether, 1 ether, false);
        bytes[] memory sg = sigs2(s);
        vm.expectRevert(ChannelAdjudicator.NotFinal.selector);
        adj.close(p, s, sg);

        s.isFinal = true;
        sg = sigs2(s);
        adj.close(p, s, sg);
        vm.expectRevert(abi.encodeWithSelector(ChannelAdjudicator.ChannelConcluded.selector, id));
        adj.close(p, s, sg);
    }

    function test_closeDuringChallengeNeedsAtLeastRegisteredVersion() public {
        fund2(p, 5 ether, 5 ether);
        ChannelAdjudicator.State memory v5 = state2(p, 5, 4 ether, 6 ether, 5 ether, 5 ether, false);
        adj.challenge(p, v5, sigs2(v5));

        ChannelAdjudicator.State memory v4 = state2(p, 4, 9 ether, 1 ether, 5 ether, 5 ether, true);
        bytes[] memory sg4 = sigs2(v4);
        vm.expectRevert(abi.encodeWithSelector(ChannelAdjudicator.StaleVersion.selector, 5, 4));
        adj.close(p, v4, sg4);

        ChannelAdjudicator.State memory v6 = state2(p, 6, 3 ether, 7 ether, 5 ether, 5 ether, true);
        uint256 b0 = bob.balance;
        adj.close(p, v6, sigs2(v6));
        assertEq(bob.balance - b0, 7 ether);
    }

    function test_balanceSumMustEqualDepositSum() public {
        fund2(p, 5 ether, 5 ether);
        ChannelAdjudicator.State memory s = state2(p, 1, 6 ether, 5 ether, 5 ether, 5 ether, true);
        bytes[] memory sg = sigs2(s);
        vm.expectRevert(abi.encodeWithSelector(ChannelAdjudicator.BalanceSumMismatch.selector, 11 ether, 10 ether));
        adj.close(p, s, sg);
    }

    function test_lengthMismatchRejected() public {
        fund2(p, 1 ether, 1 ether);
        ChannelAdjudicator.State memory s = state2(p, 1, 1 ether, 1 ether, 1 ether, 1 ether, true);
        s.balances = new uint256[](3);
        bytes[] memory sg = sigs2(s);
        vm.expectRevert(ChannelAdjudicator.LengthMismatch.selector);
        adj.close(p, s, sg);
    }

    // ============================================================== signatures

    function test_missingSignatureRejected() public {
        fund2(p, 1 ether, 1 ether);
        ChannelAdjudicator.State memory s = state2(p, 1, 1 ether, 1 ether, 1 ether, 1 ether, true);
        bytes[] memory one = new bytes[](1);
        one[0] = sig(ALICE_KEY, s);
        vm.expectRevert(ChannelAdjudicator.LengthMismatch.selector);
        adj.close(p, s, one);

        bytes[] memory empty = sigs2(s);
        empty[1] = "";
        vm.expectRevert(abi.encodeWithSelector(ChannelAdjudicator.InvalidSignature.selector, 1));
        adj.close(p, s, empty);
    }

    function test_wrongSignerRejected() public {
        fund2(p, 1 ether, 1 ether);
        ChannelAdjudicator.State memory s = state2(p, 1, 2 ether, 0, 1 ether, 1 ether, true);
        bytes[] memory sg = sigs2(s);
        sg[1] = sig(CAROL_KEY, s);
        vm.expectRevert(abi.encodeWithSelector(ChannelAdjudicator.InvalidSignature.selector, 1));
        adj.challenge(p, s, sg);

        // Right signatures in the wrong order.
        sg = sigs2(s);
        (sg[0], sg[1]) = (sg[1], sg[0]);
        vm.expectRevert(abi.encodeWithSelector(ChannelAdjudicator.InvalidSignature.selector, 0));
        adj.challenge(p, s, sg);
    }

    function test_duplicateSignatureRejected() public {
        fund2(p, 1 ether, 1 ether);
        ChannelAdjudicator.State memory s = state2(p, 1, 2 ether, 0, 1 ether, 1 ether, true);
        bytes[] memory sg = new bytes[](2);
        sg[0] = sig(ALICE_KEY, s);
        sg[1] = sg[0];
        vm.expectRevert(abi.encodeWithSelector(ChannelAdjudicator.InvalidSignature.selector, 1));
        adj.close(p, s, sg);
    }

    function test_highSSignatureRejected() public {
        fund2(p, 1 ether, 1 ether);
        ChannelAdjudicator.State memory s = state2(p, 1, 2 ether, 0, 1 ether, 1 ether, true);
        bytes[] memory sg = sigs2(s);
        bytes memory malleable = highS(sg[0]);
        // The malleated signature still recovers Alice with raw ecrecover…
        (bytes32 r, bytes32 hs, uint8 v) = _split(malleable);
        assertEq(ecrecover(adj.stateDigest(s), v, r, hs), alice);
        // …but the adjudicator refuses it.
        sg[0] = malleable;
        vm.expectRevert(abi.encodeWithSelector(ChannelAdjudicator.InvalidSignature.selector, 0));
        adj.close(p, s, sg);
    }

    function test_signatureOverDifferentStateRejected() public {
        fund2(p, 1 ether, 1 ether);
        ChannelAdjudicator.State memory s = state2(p, 1, 1 ether, 1 ether, 1 ether, 1 ether, true);
        bytes[] memory sg = sigs2(s);
        s.balances[0] = 2 ether;
        s.balances[1] = 0;
        vm.expectRevert(abi.encodeWithSelector(ChannelAdjudicator.InvalidSignature.selector, 0));
        adj.close(p, s, sg);
    }

    // ============================================================== replay across chains, adjudicators, nonces

    function test_stateForAnotherChainRejected() public {
        fund2(p, 1 ether, 1 ether);
        uint256 here = block.chainid;
        vm.chainId(here + 1);
        ChannelAdjudicator.State memory elsewhere = state2(p, 9, 2 ether, 0, 1 ether, 1 ether, true);
        bytes[] memory sg = sigs2(elsewhere); // signed under the other chain's domain
        vm.chainId(here);
        vm.expectRevert(abi.encodeWithSelector(ChannelAdjudicator.ChannelIdMismatch.selector, id, elsewhere.channelId));
        adj.close(p, elsewhere, sg);

        // Even with this chain's channelId, the other chain's EIP-712 domain does not verify here.
        elsewhere.channelId = id;
        vm.chainId(here + 1);
        sg = sigs2(elsewhere);
        vm.chainId(here);
        vm.expectRevert(abi.encodeWithSelector(ChannelAdjudicator.InvalidSignature.selector, 0));
        adj.close(p, elsewhere, sg);
    }

    function test_stateForAnotherAdjudicatorRejected() public {
        fund2(p, 1 ether, 1 ether);
        ChannelAdjudicator other = new ChannelAdjudicator();
        ChannelAdjudicator.State memory s = state2(p, 1, 2 ether, 0, 1 ether, 1 ether, true);
        s.channelId = other.channelId(p);
        bytes[] memory sg = sigs2(s);
        vm.expectRevert(abi.encodeWithSelector(ChannelAdjudicator.ChannelIdMismatch.selector, id, s.channelId));
        adj.close(p, s, sg);

        // Right channelId, signed for the other adjudicator's domain.
        s.channelId = id;
        sg = new bytes[](2);
        (uint8 v, bytes32 r, bytes32 ss) = vm.sign(ALICE_KEY, other.stateDigest(s));
        sg[0] = abi.encodePacked(r, ss, v);
        (v, r, ss) = vm.sign(BOB_KEY, other.stateDigest(s));
        sg[1] = abi.encodePacked(r, ss, v);
        vm.expectRevert(abi.encodeWithSelector(ChannelAdjudicator.InvalidSignature.selector, 0));
        adj.close(p, s, sg);
    }

    function test_stateFromOldNonceUselessInNewChannel() public {
        ChannelAdjudicator.Params memory old = params2(0);
        ChannelAdjudicator.State memory oldState = state2(old, 50, 2 ether, 0, 1 ether, 1 ether, true);
        bytes[] memory sg = sigs2(oldState);
        fund2(p, 1 ether, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(ChannelAdjudicator.ChannelIdMismatch.selector, id, oldState.channelId));
        adj.close(p, oldState, sg);
        vm.expectRevert(abi.encodeWithSelector(ChannelAdjudicator.ChannelIdMismatch.selector, id, oldState.channelId));
        adj.challenge(p, oldState, sg);
    }

    // ============================================================== funding edge cases

    function test_topUpAfterSigningIsNeverLost() public {
        fund2(p, 10 ether, 10 ether);
        ChannelAdjudicator.State memory s = state2(p, 4, 12 ether, 8 ether, 10 ether, 10 ether, true);
        bytes[] memory sg = sigs2(s);
        vm.prank(carol);
        adj.deposit{value: 7 ether}(p, 0); // a top-up for Alice that state v4 does not know about
        uint256 a0 = alice.balance;
        uint256 b0 = bob.balance;
        adj.close(p, s, sg);
        assertEq(alice.balance - a0, 19 ether);
        assertEq(bob.balance - b0, 8 ether);
    }

    function test_topUpDuringChallengeIsPaidOnSettle() public {
        fund2(p, 10 ether, 10 ether);
        ChannelAdjudicator.State memory s = state2(p, 2, 5 ether, 15 ether, 10 ether, 10 ether, false);
        adj.challenge(p, s, sigs2(s));
        vm.prank(bob);
        adj.deposit{value: 3 ether}(p, 1);
        vm.warp(block.timestamp + PERIOD);
        uint256 b0 = bob.balance;
        adj.settle(p);
        assertEq(bob.balance - b0, 18 ether);
    }

    function test_underfundedStateRejectedUntilFunded() public {
        vm.prank(alice);
        adj.deposit{value: 10 ether}(p, 0);
        vm.prank(bob);
        adj.deposit{value: 4 ether}(p, 1);
        // Bob signed a state that counts a 10-ether deposit he has only partly made.
        ChannelAdjudicator.State memory s = state2(p, 1, 10 ether, 10 ether, 10 ether, 10 ether, true);
        bytes[] memory sg = sigs2(s);
        vm.expectRevert(abi.encodeWithSelector(ChannelAdjudicator.Underfunded.selector, 1, 10 ether, 4 ether));
        adj.close(p, s, sg);
        vm.expectRevert(abi.encodeWithSelector(ChannelAdjudicator.Underfunded.selector, 1, 10 ether, 4 ether));
        adj.challenge(p, s, sg);

        vm.prank(bob);
        adj.deposit{value: 6 ether}(p, 1);
        adj.close(p, s, sg);
        assertEq(address(adj).balance, 0);
    }

    function test_overfundedChannelReturnsExtraToItsParticipant() public {
        vm.prank(alice);
        adj.deposit{value: 10 ether}(p, 0);
        vm.prank(bob);
        adj.deposit{value: 25 ether}(p, 1);
        ChannelAdjudicator.State memory s = state2(p, 1, 12 ether, 8 ether, 10 ether, 10 ether, true);
        uint256 b0 = bob.balance;
        adj.close(p, s, sigs2(s));
        assertEq(bob.balance - b0, 8 ether + 15 ether);
        assertEq(address(adj).balance, 0);
    }

    // ============================================================== challenge / respond / settle

    function test_challengeRegistersAndStartsTimer() public {
        fund2(p, 5 ether, 5 ether);
        ChannelAdjudicator.State memory s = state2(p, 3, 6 ether, 4 ether, 5 ether, 5 ether, false);
        vm.expectEmit(true, false, false, true, address(adj));
        emit Challenged(id, 3, block.timestamp + PERIOD);
        vm.prank(bob);
        adj.challenge(p, s, sigs2(s));
        (uint256 version, uint256 finalizesAt, uint8 status) = adj.challengeOf(id);
        assertEq(version, 3);
        assertEq(finalizesAt, block.timestamp + PERIOD);
        assertEq(uint256(status), 1);
    }

    function test_timerStartsOnce() public {
        fund2(p, 5 ether, 5 ether);
        ChannelAdjudicator.State memory s = state2(p, 3, 6 ether, 4 ether, 5 ether, 5 ether, false);
        adj.challenge(p, s, sigs2(s));
        ChannelAdjudicator.State memory s4 = state2(p, 4, 6 ether, 4 ether, 5 ether, 5 ether, false);
        bytes[] memory sg4 = sigs2(s4);
        vm.warp(block.timestamp + 10);
        vm.expectRevert(ChannelAdjudicator.AlreadyChallenged.selector);
        adj.challenge(p, s4, sg4);
    }

    function test_settleAfterTimeoutPaysRegisteredState() public {
        fund2(p, 5 ether, 5 ether);
        ChannelAdjudicator.State memory s = state2(p, 3, 6 ether, 4 ether, 5 ether, 5 ether, false);
        adj.challenge(p, s, sigs2(s));
        (, uint256 finalizesAt,) = adj.challengeOf(id);

        vm.warp(finalizesAt - 1);
        vm.expectRevert(abi.encodeWithSelector(ChannelAdjudicator.ChallengeNotExpired.selector, finalizesAt));
        adj.settle(p);

        vm.warp(finalizesAt);
        uint256 a0 = alice.balance;
        uint256 b0 = bob.balance;
        adj.settle(p);
        assertEq(alice.balance - a0, 6 ether);
        assertEq(bob.balance - b0, 4 ether);

        vm.expectRevert(abi.encodeWithSelector(ChannelAdjudicator.ChannelConcluded.selector, id));
        adj.settle(p);
    }

    function test_settleWithoutChallengeRejected() public {
        fund2(p, 5 ether, 5 ether);
        vm.expectRevert(ChannelAdjudicator.NotChallenged.selector);
        adj.settle(p);
    }

    function test_higherVersionWinsWithoutExtendingTimer() public {
        fund2(p, 5 ether, 5 ether);
        ChannelAdjudicator.State memory stale = state2(p, 3, 9 ether, 1 ether, 5 ether, 5 ether, false);
        adj.challenge(p, stale, sigs2(stale)); // Alice tries an old, favourable state
        (, uint256 finalizesAt,) = adj.challengeOf(id);

        vm.warp(block.timestamp + PERIOD / 2);
        ChannelAdjudicator.State memory latest = state2(p, 8, 2 ether, 8 ether, 5 ether, 5 ether, false);
        vm.expectEmit(true, false, false, true, address(adj));
        emit Responded(id, 8);
        vm.prank(bob);
        adj.respond(p, latest, sigs2(latest));
        (uint256 version, uint256 after_,) = adj.challengeOf(id);
        assertEq(version, 8);
        assertEq(after_, finalizesAt, "timer not extended");

        vm.warp(finalizesAt);
        uint256 b0 = bob.balance;
        adj.settle(p);
        assertEq(bob.balance - b0, 8 ether);
    }

    function test_equalOrLowerVersionResponseRejected() public {
        fund2(p, 5 ether, 5 ether);
        ChannelAdjudicator.State memory s = state2(p, 5, 5 ether, 5 ether, 5 ether, 5 ether, false);
        adj.challenge(p, s, sigs2(s));
        ChannelAdjudicator.State memory same = state2(p, 5, 1 ether, 9 ether, 5 ether, 5 ether, false);
        bytes[] memory sg = sigs2(same);
        vm.expectRevert(abi.encodeWithSelector(ChannelAdjudicator.StaleVersion.selector, 5, 5));
        adj.respond(p, same, sg);
        ChannelAdjudicator.State memory lower = state2(p, 4, 1 ether, 9 ether, 5 ether, 5 ether, false);
        sg = sigs2(lower);
        vm.expectRevert(abi.encodeWithSelector(ChannelAdjudicator.StaleVersion.selector, 5, 4));
        adj.respond(p, lower, sg);
    }

    function test_responseAfterTimeoutRejected() public {
        fund2(p, 5 ether, 5 ether);
        ChannelAdjudicator.State memory s = state2(p, 1, 5 ether, 5 ether, 5 ether, 5 ether, false);
        adj.challenge(p, s, sigs2(s));
        (, uint256 finalizesAt,) = adj.challengeOf(id);
        ChannelAdjudicator.State memory s2 = state2(p, 2, 1 ether, 9 ether, 5 ether, 5 ether, false);
        bytes[] memory sg = sigs2(s2);
        vm.warp(finalizesAt);
        vm.expectRevert(abi.encodeWithSelector(ChannelAdjudicator.ChallengeExpired.selector, finalizesAt));
        adj.respond(p, s2, sg);
    }

    function test_respondWithoutChallengeOrAfterConclusionRejected() public {
        fund2(p, 5 ether, 5 ether);
        ChannelAdjudicator.State memory s = state2(p, 1, 5 ether, 5 ether, 5 ether, 5 ether, true);
        bytes[] memory sg = sigs2(s);
        vm.expectRevert(ChannelAdjudicator.NotChallenged.selector);
        adj.respond(p, s, sg);
        adj.close(p, s, sg);
        vm.expectRevert(abi.encodeWithSelector(ChannelAdjudicator.ChannelConcluded.selector, id));
        adj.respond(p, s, sg);
        vm.expectRevert(abi.encodeWithSelector(ChannelAdjudicator.ChannelConcluded.selector, id));
        adj.challenge(p, s, sg);
    }

    function test_versionAboveUint64Rejected() public {
        fund2(p, 1 ether, 1 ether);
        ChannelAdjudicator.State memory s = state2(p, 1, 1 ether, 1 ether, 1 ether, 1 ether, false);
        s.version = uint256(type(uint64).max) + 1;
        bytes[] memory sg = sigs2(s);
        vm.expectRevert(abi.encodeWithSelector(ChannelAdjudicator.VersionTooLarge.selector, s.version));
        adj.challenge(p, s, sg);
    }

    // ============================================================== hostile recipients and claim

    function test_revertingPayeeIsDeferredOthersStillPaid() public {
        RevertingPayee bad = new RevertingPayee();
        p.payees[1] = address(bad);
        id = adj.channelId(p);
        fund2(p, 5 ether, 5 ether);
        ChannelAdjudicator.State memory s = state2(p, 1, 3 ether, 7 ether, 5 ether, 5 ether, true);
        uint256 a0 = alice.balance;
        vm.expectEmit(true, true, false, true, address(adj));
        emit PayoutDeferred(id, address(bad), 7 ether);
        adj.close(p, s, sigs2(s));
        assertEq(alice.balance - a0, 3 ether);
        assertEq(adj.claimable(address(bad)), 7 ether);
        assertEq(address(adj).balance, 7 ether);

        // It still refuses the money when claiming: the claim reverts and stays claimable.
        vm.expectRevert(ChannelAdjudicator.ClaimFailed.selector);
        vm.prank(address(bad));
        adj.claim();
        assertEq(adj.claimable(address(bad)), 7 ether);
    }

    function test_gasBurningPayeeCannotBlockSettlement() public {
        GasBurningPayee burner = new GasBurningPayee();
        p.payees[0] = address(burner);
        id = adj.channelId(p);
        fund2(p, 5 ether, 5 ether);
        ChannelAdjudicator.State memory s = state2(p, 1, 6 ether, 4 ether, 5 ether, 5 ether, false);
        adj.challenge(p, s, sigs2(s));
        vm.warp(block.timestamp + PERIOD);
        uint256 b0 = bob.balance;
        uint256 gasBefore = gasleft();
        adj.settle(p);
        uint256 used = gasBefore - gasleft();
        assertLe(used, 100_000, "settle gas bounded despite the burner");
        assertEq(bob.balance - b0, 4 ether);
        assertEq(adj.claimable(address(burner)), 6 ether);

        burner.setAccept(true);
        burner.pull(adj);
        assertEq(address(burner).balance, 6 ether);
        assertEq(adj.claimable(address(burner)), 0);
        vm.expectRevert(ChannelAdjudicator.NothingToClaim.selector);
        burner.pull(adj);
    }

    function test_reentrantPayeeIsBlockedAndDeferred() public {
        ReentrantPayee re = new ReentrantPayee(adj);
        p.payees[1] = address(re);
        id = adj.channelId(p);
        fund2(p, 5 ether, 5 ether);
        ChannelAdjudicator.State memory s = state2(p, 1, 2 ether, 8 ether, 5 ether, 5 ether, false);
        adj.challenge(p, s, sigs2(s));
        vm.warp(block.timestamp + PERIOD);
        re.arm(abi.encodeCall(ChannelAdjudicator.settle, (p))); // tries to settle again from receive()
        adj.settle(p);
        assertFalse(re.reentered());
        assertEq(adj.claimable(address(re)), 8 ether);

        // With all the gas of a claim, re-entering claim() is still refused by the guard.
        re.arm(abi.encodeCall(ChannelAdjudicator.claim, ()));
        vm.expectRevert(ChannelAdjudicator.ClaimFailed.selector);
        re.pull();
        assertEq(adj.claimable(address(re)), 8 ether);

        re.disarm();
        re.pull();
        assertEq(address(re).balance, 8 ether);
        assertEq(address(adj).balance, 0);
    }

    function test_claimWithNothingOwedReverts() public {
        vm.expectRevert(ChannelAdjudicator.NothingToClaim.selector);
        vm.prank(alice);
        adj.claim();
    }

    // ============================================================== three parties

    function test_threePartyChannelCloseAndDispute() public {
        ChannelAdjudicator.Params memory p3 = params3(1);
        vm.prank(alice);
        adj.deposit{value: 3 ether}(p3, 0);
        vm.prank(bob);
        adj.deposit{value: 3 ether}(p3, 1);
        vm.prank(carol);
        adj.deposit{value: 3 ether}(p3, 2);
        ChannelAdjudicator.State memory s;
        s.channelId = adj.channelId(p3);
        s.version = 2;
        s.balances = new uint256[](3);
        s.balances[0] = 1 ether;
        s.balances[1] = 2 ether;
        s.balances[2] = 6 ether;
        s.deposits = new uint256[](3);
        s.deposits[0] = 3 ether;
        s.deposits[1] = 3 ether;
        s.deposits[2] = 3 ether;

        // Two of three signatures are not enough.
        bytes[] memory sg = sigs3(s);
        sg[2] = sg[1];
        vm.expectRevert(abi.encodeWithSelector(ChannelAdjudicator.InvalidSignature.selector, 2));
        adj.challenge(p3, s, sg);

        adj.challenge(p3, s, sigs3(s));
        s.version = 3;
        s.balances[0] = 2 ether;
        s.balances[2] = 5 ether;
        adj.respond(p3, s, sigs3(s));
        vm.warp(block.timestamp + PERIOD);
        uint256 c0 = carol.balance;
        adj.settle(p3);
        assertEq(carol.balance - c0, 5 ether);
        assertEq(address(adj).balance, 0);
    }

    // ============================================================== fuzz

    function testFuzz_closePaysStatePlusTopUps(uint96 depA, uint96 depB, uint96 topA, uint96 topB, uint256 split)
        public
    {
        vm.assume(uint256(depA) + depB > 0);
        vm.deal(alice, uint256(depA) + topA);
        vm.deal(bob, uint256(depB) + topB);
        if (depA > 0) {
            vm.prank(alice);
            adj.deposit{value: depA}(p, 0);
        }
        if (depB > 0) {
            vm.prank(bob);
            adj.deposit{value: depB}(p, 1);
        }
        uint256 total = uint256(depA) + depB;
        uint256 balA = bound(split, 0, total);
        ChannelAdjudicator.State memory s = state2(p, 1, balA, total - balA, depA, depB, true);
        bytes[] memory sg = sigs2(s);
        if (topA > 0) {
            vm.prank(alice);
            adj.deposit{value: topA}(p, 0);
        }
        if (topB > 0) {
            vm.prank(bob);
            adj.deposit{value: topB}(p, 1);
        }
        adj.close(p, s, sg);
        assertEq(alice.balance, balA + topA, "alice: balance plus her top-up");
        assertEq(bob.balance, total - balA + topB, "bob: balance plus his top-up");
        assertEq(address(adj).balance, 0, "nothing left behind");
    }

    function testFuzz_highestRegisteredVersionIsPaid(uint64 v1, uint64 v2, uint256 split1, uint256 split2) public {
        fund2(p, 10 ether, 10 ether);
        ChannelAdjudicator.State memory s1 = state2(p, v1, 0, 0, 10 ether, 10 ether, false);
        s1.balances[0] = bound(split1, 0, 20 ether);
        s1.balances[1] = 20 ether - s1.balances[0];
        ChannelAdjudicator.State memory s2 = state2(p, v2, 0, 0, 10 ether, 10 ether, false);
        s2.balances[0] = bound(split2, 0, 20 ether);
        s2.balances[1] = 20 ether - s2.balances[0];
        adj.challenge(p, s1, sigs2(s1));
        bytes[] memory sg2 = sigs2(s2);
        if (v2 <= v1) vm.expectRevert(abi.encodeWithSelector(ChannelAdjudicator.StaleVersion.selector, v1, v2));
        adj.respond(p, s2, sg2);
        ChannelAdjudicator.State memory winner = v2 > v1 ? s2 : s1;
        vm.warp(block.timestamp + PERIOD);
        uint256 a0 = alice.balance;
        adj.settle(p);
        assertEq(alice.balance - a0, winner.balances[0]);
    }

    function _split(bytes memory sg) private pure returns (bytes32 r, bytes32 s, uint8 v) {
        assembly {
            r := mload(add(sg, 0x20))
            s := mload(add(sg, 0x40))
            v := byte(0, mload(add(sg, 0x60)))
        }
    }
}
