// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ChannelAdjudicator} from "../../ChannelAdjudicator.sol";

/// Refuses every payment.
contract RevertingPayee {
    receive() external payable {
        revert("no thanks");
    }
}

/// Burns all the gas it is given, until told to accept.
contract GasBurningPayee {
    bool public accept;

    function setAccept(bool a) external {
        accept = a;
    }

    function pull(ChannelAdjudicator adj) external {
        adj.claim();
    }

    receive() external payable {
        if (accept) return;
        while (true) {}
    }
}

/// Tries to re-enter the adjudicator when paid; then accepts later payments.
contract ReentrantPayee {
    ChannelAdjudicator public immutable adj;
    bytes private reentry;
    bool public armed = true;
    bool public reentered;

    constructor(ChannelAdjudicator a) {
        adj = a;
    }

    function arm(bytes calldata data) external {
        reentry = data;
        armed = true;
    }

    function disarm() external {
        armed = false;
    }

    function pull() external {
        adj.claim();
    }

    receive() external payable {
        if (!armed) return;
        (bool ok,) = address(adj).call(reentry);
        reentered = ok; // would only be true if the guard failed
        require(ok, "reentry blocked");
    }
}
