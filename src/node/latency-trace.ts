/**
 * Timestamps along a transaction's way to finality, logged at pino's `trace` level (module "trace")
 * only when that level is on, for bench/devnet.ts --trace to reconstruct where the time goes across
 * the six processes. Times are wall-clock milliseconds with sub-millisecond precision, comparable
 * between processes on one machine.
 */
import type {
  Application,
  BlockContext,
  FinalityProof,
  ProposedBlock,
  VerifyResult,
} from "../consensus/application.js";
import type { ConsensusActivity } from "../consensus/engine.js";
import type { BatchReport } from "../crypto/blsBatcher.js";

export interface TraceLogger {
  trace(object: object, message: string): void;
}

/** Milliseconds since the epoch, to the microsecond. */
export function wallClock(): number {
  return performance.timeOrigin + performance.now();
}

export class LatencyTrace {
  constructor(private readonly log: TraceLogger) {}

  private point(event: string, fields: object = {}): void {
    this.log.trace({ ev: event, t: wallClock(), ...fields }, "trace");
  }

  /** A transaction became pending in this node's pool (from RPC or gossip). */
  pending(hash: string): void {
    this.point("pending", { hash });
  }

  blsBatch(batch: BatchReport): void {
    this.point("bls.batch", { size: batch.size, invalid: batch.invalid, ms: batch.ms });
  }

  /** The consensus engine's activity (proposals, votes and certificates sent or received, finality). */
  readonly activity = (activity: ConsensusActivity): void => {
    const point = activityPoint(activity);
    if (point !== undefined) this.point(point.event, point.fields);
  };

  /** Wraps an application so that its build, verify and finality calls are timed under `label`. */
  application(inner: Application, label: string): Application {
    const timed = async <T>(what: string, view: number, run: () => Promise<T>, digest?: string) => {
      this.point(`${label}.${what}.start`, { view, digest });
      const result = await run();
      const built = (result as ProposedBlock | undefined)?.digest;
      this.point(`${label}.${what}.end`, { view, digest: digest ?? built });
      return result;
    };
    return {
      genesis: () => inner.genesis(),
      propose: (context: BlockContext) => timed("propose", context.view, () => inner.propose(context)),
      verify: (block: ProposedBlock, context: BlockContext): Promise<VerifyResult> =>
        timed("verify", context.view, () => inner.verify(block, context), block.digest),
      finalized: (block: ProposedBlock, context: BlockContext, proof: FinalityProof) =>
        timed("finalized", context.view, () => inner.finalized(block, context, proof), block.digest),
    };
  }
}

function activityPoint(activity: ConsensusActivity): { event: string; fields: object } | undefined {
  switch (activity.type) {
    case "viewEntered":
      return { event: "view", fields: { view: activity.view } };
    case "proposal": {
      const { view, block, proposer } = activity.proposal;
      return { event: "proposal", fields: { view, digest: block.digest, by: proposer } };
    }
    case "vote": {
      const { view, digest, signer } = activity.vote;
      return { event: "vote", fields: { view, digest, by: signer } };
    }
    case "certificate": {
      const certificate = activity.certificate;
      const digest = certificate.type === "nullification" ? undefined : certificate.digest;
      return { event: certificate.type, fields: { view: certificate.view, digest } };
    }
    case "finalized":
      return { event: "finalized", fields: { view: activity.view, digest: activity.digest } };
    default:
      return undefined;
  }
}
