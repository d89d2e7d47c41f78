/**
 * Byzantine behaviours: each runs a real engine and rewrites what it sends. Twins are not here: they
 * are two honest engines sharing one key (see SimulationOptions.twins).
 */
import type { ValidatorIndex } from "../application.js";
import type { ConsensusMessage, Nullify, Proposal, Vote } from "../messages.js";
import { nullifyBytes, proposalBytes, voteBytes } from "../messages.js";
import { simulatedBlock } from "./application.js";
import type { NodeId, SimNode, Simulation } from "./simulation.js";

export type Behaviour =
  | { kind: "honest" }
  /** Never starts: sends nothing, receives nothing. */
  | { kind: "silent" }
  /** Honest until it crashes at `atMs` (the crashed-leader case when it leads a later view). */
  | { kind: "crash"; atMs: number }
  /**
   * As leader, proposes two blocks: the first `toA` peers (default half) get A, the rest B, with a vote
   * for each; with `nullify`, it also nullifies its own view to everyone.
   */
  | { kind: "equivocator"; toA?: number; nullify?: boolean }
  /** Votes for the real block to half its peers and for a made-up block to the other half. */
  | { kind: "conflictingVoter" }
  /** Nullifies every view it votes in (before voting), and the next two views ahead of time. */
  | { kind: "nullifySpammer" }
  /** Honest, but with every message it sends it also re-sends a random old message it received. */
  | { kind: "replayer" };

type Outgoing = [NodeId[], ConsensusMessage][];

function otherDigest(digest: `0x${string}`): `0x${string}` {
  const last = Number.parseInt(digest.slice(-2), 16) ^ 0xff;
  return `0x${digest.slice(2, -2)}${last.toString(16).padStart(2, "0")}`;
}

function signVote(sim: Simulation, key: ValidatorIndex, view: number, digest: `0x${string}`): Vote {
  const signature = sim.signer(key).sign(voteBytes(sim.namespace, view, digest));
  return { type: "vote", view, digest, signer: key, signature };
}

function signNullify(sim: Simulation, key: ValidatorIndex, view: number): Nullify {
  return {
    type: "nullify",
    view,
    signer: key,
    signature: sim.signer(key).sign(nullifyBytes(sim.namespace, view)),
  };
}

/** The second block an equivocating leader proposes for the view of `proposal`. */
function conflictingProposal(sim: Simulation, proposal: Proposal): Proposal {
  const block = simulatedBlock(proposal, 1);
  const unsigned = { ...proposal, block };
  return {
    ...unsigned,
    signature: sim.signer(proposal.proposer).sign(proposalBytes(sim.namespace, unsigned)),
  };
}

/** What `node` really sends when its engine sends `message` to `targets`. */
export function outbound(
  sim: Simulation,
  node: SimNode,
  targets: NodeId[],
  message: ConsensusMessage,
): Outgoing {
  const b = node.behaviour;
  switch (b.kind) {
    case "equivocator": {
      const split = b.toA ?? Math.ceil(targets.length / 2);
      const sideA = targets.slice(0, split);
      const sideB = targets.slice(split);
      if (message.type === "proposal" && message.proposer === node.key) {
        const out: Outgoing = [
          [sideA, message],
          [sideB, conflictingProposal(sim, message)],
        ];
        if (b.nullify) out.push([targets, signNullify(sim, node.key, message.view)]);
        return out;
      }
      if (
        message.type === "vote" &&
        message.signer === node.key &&
        sim.leaders.leader(message.view) === node.key
      ) {
        const proposal = node.engine?.answer({
          type: "block",
          digest: message.digest,
          since: message.view - 1,
        })[0];
        const other =
          proposal?.type === "proposal"
            ? conflictingProposal(sim, proposal).block.digest
            : otherDigest(message.digest);
        return [
          [sideA, message],
          [sideB, signVote(sim, node.key, message.view, other)],
        ];
      }
      return [[targets, message]];
    }
    case "conflictingVoter": {
      if (message.type !== "vote" || message.signer !== node.key) return [[targets, message]];
      const half = Math.ceil(targets.length / 2);
      return [
        [targets.slice(0, half), message],
        [targets.slice(half), signVote(sim, node.key, message.view, otherDigest(message.digest))],
      ];
    }
    case "nullifySpammer": {
      if (message.type === "vote" && message.signer === node.key) {
        return [
          [targets, signNullify(sim, node.key, message.view)],
          [targets, message],
        ];
      }
      if (message.type === "nullify" && message.signer === node.key) {
        return [
          [targets, message],
          [targets, signNullify(sim, node.key, message.view + 1)],
          [targets, signNullify(sim, node.key, message.view + 2)],
        ];
      }
      return [[targets, message]];
    }
    case "replayer": {
      if (node.inbox.length === 0) return [[targets, message]];
      return [
        [targets, message],
        [targets, node.inbox[sim.prng.int(node.inbox.length)]],
      ];
    }
    default:
      return [[targets, message]];
  }
}
