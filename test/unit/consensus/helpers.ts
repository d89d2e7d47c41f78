import { keccak256, toHex } from "viem";
import type { Digest, ValidatorIndex, View } from "../../../src/consensus/application.js";
import { buildNotarization, buildNullification } from "../../../src/consensus/certificates.js";
import { roundRobin } from "../../../src/consensus/leader.js";
import {
  type Certificate,
  type Nullify,
  nullifyBytes,
  type Proposal,
  proposalBytes,
  type Vote,
  voteBytes,
} from "../../../src/consensus/messages.js";
import { quorums } from "../../../src/consensus/quorums.js";
import { SimulatedScheme } from "../../../src/consensus/signing.js";
import { type ConsensusAction, ConsensusState, type RestoredState } from "../../../src/consensus/state.js";

export const NAMESPACE = new TextEncoder().encode("kairos-test");
export const GENESIS: Digest = keccak256(toHex("genesis"));
export const DELTA = 100;

export function digestOf(label: string): Digest {
  return keccak256(toHex(label));
}

/** A small world of n signers for building authenticated messages by hand. */
export class Fixture {
  readonly scheme: SimulatedScheme;
  readonly q;
  readonly leaders;
  constructor(
    readonly n: number,
    f?: number,
  ) {
    this.scheme = new SimulatedScheme(n, 7);
    this.q = quorums(n, f);
    this.leaders = roundRobin(n);
  }

  state(
    self: ValidatorIndex | undefined,
    options: { noProgressThreshold?: number; restored?: RestoredState } = {},
  ) {
    return new ConsensusState(
      {
        quorums: this.q,
        self,
        leaders: this.leaders,
        genesis: GENESIS,
        deltaMs: DELTA,
        aggregate: (s) => this.scheme.aggregate(s),
        noProgressThreshold: options.noProgressThreshold,
      },
      options.restored,
    );
  }

  proposal(
    view: View,
    digest: Digest,
    parent: Digest = GENESIS,
    parentView: View = 0,
    proposer?: number,
  ): Proposal {
    const p = {
      type: "proposal" as const,
      view,
      parentView,
      parent,
      block: { digest, payload: new Uint8Array([view]) },
      proposer: proposer ?? this.leaders.leader(view),
    };
    return { ...p, signature: this.scheme.signer(p.proposer).sign(proposalBytes(NAMESPACE, p)) };
  }

  vote(view: View, digest: Digest, signer: ValidatorIndex): Vote {
    return {
      type: "vote",
      view,
      digest,
      signer,
      signature: this.scheme.signer(signer).sign(voteBytes(NAMESPACE, view, digest)),
    };
  }

  nullify(view: View, signer: ValidatorIndex): Nullify {
    return {
      type: "nullify",
      view,
      signer,
      signature: this.scheme.signer(signer).sign(nullifyBytes(NAMESPACE, view)),
    };
  }

  notarization(
    type: "mNotarization" | "lNotarization",
    view: View,
    digest: Digest,
    signers: number[],
  ): Certificate {
    const sigs = new Map(signers.map((i) => [i, this.vote(view, digest, i).signature]));
    return buildNotarization(type, view, digest, sigs, this.n, (s) => this.scheme.aggregate(s));
  }

  nullification(view: View, signers: number[]): Certificate {
    const sigs = new Map(signers.map((i) => [i, this.nullify(view, i).signature]));
    return buildNullification(view, sigs, this.n, (s) => this.scheme.aggregate(s));
  }

  /** Validators other than `except`, first k of them. */
  others(except: number[], k: number): number[] {
    return Array.from({ length: this.n }, (_, i) => i)
      .filter((i) => !except.includes(i))
      .slice(0, k);
  }
}

export function ofType<T extends ConsensusAction["type"]>(
  actions: ConsensusAction[],
  type: T,
): Extract<ConsensusAction, { type: T }>[] {
  return actions.filter((a): a is Extract<ConsensusAction, { type: T }> => a.type === type);
}

/** Feed events, collecting every action. */
export function feed(
  state: ConsensusState,
  events: Parameters<ConsensusState["handle"]>[0][],
): ConsensusAction[] {
  return events.flatMap((e) => state.handle(e));
}
