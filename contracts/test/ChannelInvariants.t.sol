// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "./utils/Test.sol";
import {ChannelFixture} from "./utils/ChannelFixture.sol";
import {ChannelAdjudicator} from "../ChannelAdjudicator.sol";

/// A payee that refuses payments while told to, then claims what was deferred.
contract FlakyPayee {
    bool public refuse;

    function setRefuse(bool r) external {
        refuse = r;
    }

    function pull(ChannelAdjudicator adj) external {
        adj.claim();
    }

    receive() external payable {
        require(!refuse, "refused");
    }
}

/// Drives the adjudicator through random deposits, signed updates, challenges, responses, closes,
/// settlements, claims and time jumps over a few two-party channels, and records what it observes.
contract ChannelHandler is Test {
    uint256 internal constant CHANNELS = 3;
    uint256 internal constant PERIOD = 1 hours;
    uint256 internal constant ALICE_KEY = 0xA11CE;
    uint256 internal constant BOB_KEY = 0xB0B;

    struct Signed {
        uint256 version;
        uint256[2] balances;
        uint256[2] deposits;
    }

    ChannelAdjudicator public immutable adj;
    address public immutable alice;
    address public immutable bob;
    address public immutable payeeA;
    FlakyPayee public immutable payeeB;

    mapping(uint256 ch => Signed[]) internal signedStates; // index == version
    mapping(uint256 ch => uint256) public highestRegistered;
    mapping(uint256 ch => uint256) public conclusions;

    uint256 public ghostDeposited;
    uint256 public ghostPushed; // paid straight to payees by close/settle
    uint256 public ghostClaimed; // paid out later by claim
    bool public underpaid;
    bool public concludedTwice;
    bool public staleAccepted;

    constructor(ChannelAdjudicator a) {
        adj = a;
        alice = vm.addr(ALICE_KEY);
        bob = vm.addr(BOB_KEY);
        payeeA = makeAddr("payeeA");
        payeeB = new FlakyPayee();
    }

    function params(uint256 ch) public view returns (ChannelAdjudicator.Params memory p) {
        p.participants = new address[](2);
        p.participants[0] = alice;
        p.participants[1] = bob;
        p.payees = new address[](2);
        p.payees[0] = payeeA;
        p.payees[1] = address(payeeB);
        p.nonce = ch;
        p.challengePeriod = PERIOD;
    }

    function channelIds() external view returns (bytes32[] memory ids) {
        ids = new bytes32[](CHANNELS);
        for (uint256 ch; ch < CHANNELS; ++ch) {
            ids[ch] = adj.channelId(params(ch));
        }
    }

    // ---------------------------------------------------------------- actions

    function deposit(uint256 ch, uint256 who, uint256 amount) external {
        ch %= CHANNELS;
        who %= 2;
        amount = bound(amount, 1, 5 ether);
        ChannelAdjudicator.Params memory p = params(ch);
        vm.deal(address(this), address(this).balance + amount);
        if (_status(p) == 2) {
            try adj.deposit{value: amount}(p, who) {
                concludedTwice = true;
            } catch {}
            return;
        }
        adj.deposit{value: amount}(p, who);
        ghostDeposited += amount;
    }

    /// Both participants sign a new (non-final) state over what has been deposited so far.
    function signUpdate(uint256 ch, uint256 split) external {
        ch %= CHANNELS;
        ChannelAdjudicator.Params memory p = params(ch);
        if (_status(p) == 2) return;
        bytes32 id = adj.channelId(p);
        Signed memory s;
        s.version = signedStates[ch].length;
        s.deposits[0] = adj.totalDeposited(id, 0);
        s.deposits[1] = adj.totalDeposited(id, 1);
        uint256 total = s.deposits[0] + s.deposits[1];
        s.balances[0] = bound(split, 0, total);
        s.balances[1] = total - s.balances[0];
        signedStates[ch].push(s);
    }

    function challenge(uint256 ch, uint256 pick) external {
        ch %= CHANNELS;
        ChannelAdjudicator.Params memory p = params(ch);
        uint256 count = signedStates[ch].length;
        if (count == 0 || _status(p) != 0) return;
        Signed memory s = signedStates[ch][pick % count];
        (ChannelAdjudicator.State memory st, bytes[] memory sg) = _build(p, s, false);
        adj.challenge(p, st, sg);
        highestRegistered[ch] = s.version;
    }

    function respond(uint256 ch, uint256 pick) external {
        ch %= CHANNELS;
        ChannelAdjudicator.Params memory p = params(ch);
        uint256 count = signedStates[ch].length;
        if (count == 0) return;
        (uint256 registered, uint256 finalizesAt, uint8 status) = adj.challengeOf(adj.channelId(p));
        if (status != 1 || block.timestamp >= finalizesAt) return;
        Signed memory s = signedStates[ch][pick % count];
        (ChannelAdjudicator.State memory st, bytes[] memory sg) = _build(p, s, false);
        if (s.version <= registered) {
            try adj.respond(p, st, sg) {
                staleAccepted = true;
            } catch {}
            return;
        }
        adj.respond(p, st, sg);
        highestRegistered[ch] = s.version;
    }

    function settle(uint256 ch) external {
        ch %= CHANNELS;
        ChannelAdjudicator.Params memory p = params(ch);
        (uint256 registered, uint256 finalizesAt, uint8 status) = adj.challengeOf(adj.channelId(p));
        if (status == 2) {
            try adj.settle(p) {
                concludedTwice = true;
            } catch {}
            return;
        }
        if (status != 1 || block.timestamp < finalizesAt) return;
        if (registered != highestRegistered[ch]) underpaid = true;
        Signed memory s = signedStates[ch][registered];
        uint256[2] memory owed = _owed(p, s);
        uint256[4] memory got = _measure();
        adj.settle(p);
        _check(ch, owed, got, s);
    }

    /// Both sign a final state over current deposits and close cooperatively. Acts on one call in four,
    /// so that most channels live long enough to be disputed.
    function closeFinal(uint256 ch, uint256 split) external {
        if (split % 4 != 0) return;
        ch %= CHANNELS;
        ChannelAdjudicator.Params memory p = params(ch);
        bytes32 id = adj.channelId(p);
        Signed memory s;
        s.version = signedStates[ch].length;
        s.deposits[0] = adj.totalDeposited(id, 0);
        s.deposits[1] = adj.totalDeposited(id, 1);
        s.balances[0] = bound(split, 0, s.deposits[0] + s.deposits[1]);
        s.balances[1] = s.deposits[0] + s.deposits[1] - s.balances[0];
        (ChannelAdjudicator.State memory st, bytes[] memory sg) = _build(p, s, true);
        if (_status(p) == 2) {
            try adj.close(p, st, sg) {
                concludedTwice = true;
            } catch {}
            return;
        }
        signedStates[ch].push(s);
        uint256[2] memory owed = _owed(p, s);
        uint256[4] memory got = _measure();
        adj.close(p, st, sg);
        _check(ch, owed, got, s);
    }

    function claim(uint256 who) external {
        if (who % 2 == 0) {
            uint256 owed = adj.claimable(payeeA);
            if (owed == 0) return;
            vm.prank(payeeA);
            adj.claim();
            ghostClaimed += owed;
        } else {
            uint256 owed = adj.claimable(address(payeeB));
            if (owed == 0 || payeeB.refuse()) return;
            payeeB.pull(adj);
            ghostClaimed += owed;
        }
    }

    function toggleRefusal(bool refuse) external {
        payeeB.setRefuse(refuse);
    }

    function warp(uint256 secs) external {
        vm.warp(block.timestamp + bound(secs, 0, 2 * PERIOD));
    }

    // ---------------------------------------------------------------- bookkeeping

    function _status(ChannelAdjudicator.Params memory p) internal view returns (uint8 status) {
        (,, status) = adj.challengeOf(adj.channelId(p));
    }

    function _build(ChannelAdjudicator.Params memory p, Signed memory s, bool isFinal)
        internal
        view
        returns (ChannelAdjudicator.State memory st, bytes[] memory sg)
    {
        st.channelId = adj.channelId(p);
        st.version = s.version;
        st.balances = new uint256[](2);
        st.deposits = new uint256[](2);
        for (uint256 i; i < 2; ++i) {
            st.balances[i] = s.balances[i];
            st.deposits[i] = s.deposits[i];
        }
        st.isFinal = isFinal;
        bytes32 digest = adj.stateDigest(st);
        sg = new bytes[](2);
        (uint8 v, bytes32 r, bytes32 ss) = vm.sign(ALICE_KEY, digest);
        sg[0] = abi.encodePacked(r, ss, v);
        (v, r, ss) = vm.sign(BOB_KEY, digest);
        sg[1] = abi.encodePacked(r, ss, v);
    }

    /// What participant i is owed under `s`: its co-signed balance plus deposits `s` did not count.
    function _owed(ChannelAdjudicator.Params memory p, Signed memory s) internal view returns (uint256[2] memory o) {
        bytes32 id = adj.channelId(p);
        for (uint256 i; i < 2; ++i) {
            o[i] = s.balances[i] + adj.totalDeposited(id, i) - s.deposits[i];
        }
    }

    /// Payees' native balances [0..1] and claimable amounts [2..3].
    function _measure() internal view returns (uint256[4] memory m) {
        m[0] = payeeA.balance;
        m[1] = address(payeeB).balance;
        m[2] = adj.claimable(payeeA);
        m[3] = adj.claimable(address(payeeB));
    }

    function _check(uint256 ch, uint256[2] memory owed, uint256[4] memory before, Signed memory s) internal {
        conclusions[ch] += 1;
        if (conclusions[ch] > 1) concludedTwice = true;
        uint256[4] memory afterwards = _measure();
        for (uint256 i; i < 2; ++i) {
            uint256 got = (afterwards[i] - before[i]) + (afterwards[i + 2] - before[i + 2]);
            if (got != owed[i] || got < s.balances[i]) underpaid = true;
            ghostPushed += afterwards[i] - before[i];
        }
    }
}

contract ChannelInvariantsTest is ChannelFixture {
    ChannelHandler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new ChannelHandler(adj);
        targetContract(address(handler));
    }

    /// Held funds = payouts + claims + what is still held.
    function invariant_fundsAccountedFor() public view {
        uint256 held = address(adj).balance;
        bytes32[] memory ids = handler.channelIds();
        uint256 holdings;
        for (uint256 i; i < ids.length; ++i) {
            holdings += adj.holdings(ids[i]);
        }
        uint256 owed = adj.claimable(handler.payeeA()) + adj.claimable(address(handler.payeeB()));
        assertEq(held, holdings + owed, "balance = holdings + claimable");
        assertEq(
            handler.ghostDeposited(),
            handler.ghostPushed() + handler.ghostClaimed() + held,
            "deposited = pushed + claimed + held"
        );
    }

    /// Nobody is paid less than the balance they co-signed at the highest registered version.
    function invariant_nobodyUnderpaid() public view {
        assertFalse(handler.underpaid(), "a payee got less than it was owed");
        assertFalse(handler.staleAccepted(), "a stale response was accepted");
    }

    /// No channel concludes twice, and a concluded channel takes no more money.
    function invariant_noChannelSettlesTwice() public view {
        assertFalse(handler.concludedTwice(), "a channel concluded twice");
    }
}
