/**
 * The node's Application: the chain's, plus two node-level rules.
 * - Pacing (DESIGN §3): a leader with transactions proposes at once; with none it waits up to the
 *   empty-block interval for one, so an idle chain stays small.
 * - Idempotent finality: a block that block sync already committed is not committed twice when the
 *   consensus engine later finalizes it too.
 */
import type {
  Application,
  BlockContext,
  Digest,
  FinalityProof,
  ProposedBlock,
  VerifyResult,
} from "../consensus/application.js";

export interface PendingWork {
  /** True when the pool holds a transaction that could go into the next block. */
  hasPending(): boolean;
  /** Calls `listener` when a transaction becomes pending; returns the unsubscribe function. */
  onPending(listener: () => void): () => void;
}

export interface FinalLookup {
  isFinal(digest: Digest): Promise<boolean>;
}

export class PacedApplication implements Application {
  constructor(
    private readonly inner: Application,
    private readonly work: PendingWork,
    private readonly finals: FinalLookup,
    private readonly emptyBlockIntervalMs: number,
  ) {}

  genesis(): Digest {
    return this.inner.genesis();
  }

  async propose(context: BlockContext): Promise<ProposedBlock> {
    if (!this.work.hasPending() && this.emptyBlockIntervalMs > 0) await this.waitForWork();
    return this.inner.propose(context);
  }

  verify(block: ProposedBlock, context: BlockContext): Promise<VerifyResult> {
    return this.inner.verify(block, context);
  }

  async finalized(block: ProposedBlock, context: BlockContext, proof: FinalityProof): Promise<void> {
    if (await this.finals.isFinal(block.digest)) return;
    await this.inner.finalized(block, context, proof);
  }

  private waitForWork(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        unsubscribe();
        resolve();
      };
      const timer = setTimeout(done, this.emptyBlockIntervalMs);
      const unsubscribe = this.work.onPending(done);
    });
  }
}
