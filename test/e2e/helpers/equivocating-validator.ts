/**
 * A Byzantine validator for the end-to-end tests: an honest `kairos node` in every way but one. When it
 * leads a view it equivocates: its real block goes to the even-numbered validators, a second valid block
 * (the same block one second later, so a different digest) to the odd ones, and validator 0 gets both.
 *
 * Usage: node --import tsx equivocating-validator.ts <config.toml>
 */
import { createBlock, createBlockFromRLP } from "@ethereumjs/block";
import { bytesToHex } from "viem";
import type { Network } from "../../../src/consensus/engine.js";
import { type ConsensusMessage, type Proposal, proposalBytes } from "../../../src/consensus/messages.js";
import { createKairosCommon } from "../../../src/execution/chain.js";
import { runNode } from "../../../src/node/run-node.js";
import type { NetworkContext } from "../../../src/node/validator-node.js";

const common = createKairosCommon();

function twinOf(proposal: Proposal, context: NetworkContext): Proposal {
  const block = createBlockFromRLP(proposal.block.payload, { common });
  // Same transactions and roots, one second later: a valid block with another digest.
  const header = { ...block.header.toJSON(), timestamp: block.header.timestamp + 1n };
  const twin = createBlock({ header, transactions: block.transactions }, { common, setHardfork: false });
  const unsigned = { ...proposal, block: { digest: bytesToHex(twin.hash()), payload: twin.serialize() } };
  return { ...unsigned, signature: context.signer.sign(proposalBytes(context.namespace, unsigned)) };
}

function equivocating(network: Network, context: NetworkContext): Network {
  return {
    broadcast(message: ConsensusMessage) {
      if (message.type !== "proposal" || message.proposer !== context.index)
        return network.broadcast(message);
      const twin = twinOf(message, context);
      for (let to = 0; to < context.validators; to++) {
        if (to === context.index) continue;
        network.send(to, to % 2 === 0 ? message : twin);
        if (to === 0) network.send(to, twin);
      }
    },
    send: (to, message) => network.send(to, message),
    fetch: (request) => network.fetch(request),
  };
}

runNode(process.argv[2], { decorateNetwork: equivocating }).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
