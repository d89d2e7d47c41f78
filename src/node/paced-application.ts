/**
 * The node's Application: the chain's, plus two node-level rules.
 * - Pacing (DESIGN §3): a leader with transactions proposes at once; with none it waits up to the
 *   empty-block interval for one, so an idle chain stays small.
 * - Patience with parents: proposals and votes race on the network, so a child block can arrive
 *   while its parent is still being verified. Build and verify wait (bounded) for the parent's
 *   post-state instead of calling the child invalid.
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

export interface BlockLookup {
  isFinal(digest: Digest): Promise<boolean>;
  /** True when the block's post-state is available to build or verify on (final or speculative). */
  isKnown(digest: Digest): Promise<boolean>;
}

/** How often to look again for a parent that is still being verified. */
const PARENT_POLL_MS = 5;

export class PacedApplication implements Application {
  constructor(
    private readonly inner: Application,
    private readonly work: PendingWork,
    private readonly blocks: BlockLookup,
    private readonly emptyBlockIntervalMs: number,
    /** The longest wait for a parent: after it the child is judged without it (and fails). */
    private readonly parentWaitMs: number,
  ) {}

  genesis(): Digest {
    return this.inner.genesis();
  }

  async propose(context: BlockContext): Promise<ProposedBlock> {
    if (!this.work.hasPending() && this.emptyBlockIntervalMs > 0) await this.waitForWork();
    await this.waitForParent(context.parent);
    return this.inner.propose(context);
  }

  async verify(block: ProposedBlock, context: BlockContext): Promise<VerifyResult> {
    await this.waitForParent(context.parent);
    return this.inner.verify(block, context);
  }

  async finalized(block: ProposedBlock, context: BlockContext, proof: FinalityProof): Promise<void> {
    if (await this.blocks.isFinal(block.digest)) return;
    await this.inner.finalized(block, context, proof);
  }

  private async waitForParent(parent: Digest): Promise<void> {
    const deadline = Date.now() + this.parentWaitMs;
    while (!(await this.blocks.isKnown(parent)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, PARENT_POLL_MS));
    }
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
