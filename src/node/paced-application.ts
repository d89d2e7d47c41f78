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
import type { Proposal } from "../consensus/messages.js";

export interface PendingWork {
  /**
   * True when the pool holds a transaction that could go into a block on `parent`. A transaction
   * already in one of `parent`'s non-final ancestors does not count: it stays in the pool until its
   * block is committed, and counting it made a leader propose empty blocks back to back meanwhile.
   */
  hasPending(parent: Digest): boolean;
  /** Calls `listener` when a transaction becomes pending; returns the unsubscribe function. */
  onPending(listener: () => void): () => void;
}

export interface BlockLookup {
  isFinal(digest: Digest): Promise<boolean>;
  /** True when the block's post-state is available to build or verify on (final or speculative). */
  isKnown(digest: Digest): Promise<boolean>;
}

/**
 * Where a missing parent comes from: a validator can advance on an M-notarization without ever having
 * received (or executed) the notarized block, and it needs that block's post-state to build or verify
 * a child. The engine keeps the proposals it has seen and can fetch the others from peers.
 */
export interface ProposalSource {
  /** The proposals from the oldest one this node holds above its final head up to `digest`. */
  chainTo(digest: Digest): Proposal[];
  /** Ask peers for the block and its ancestors; they arrive through the engine. */
  fetch(digest: Digest): void;
}

/** How often to look again for a parent that is still being verified or fetched. */
const PARENT_POLL_MS = 5;
/** How often to ask peers again for a parent that has not arrived. */
const REFETCH_MS = 500;

export class PacedApplication implements Application {
  constructor(
    private readonly inner: Application,
    private readonly work: PendingWork,
    private readonly blocks: BlockLookup,
    private readonly emptyBlockIntervalMs: number,
    /** The longest wait for a parent: after it the child is judged without it (and fails). */
    private readonly parentWaitMs: number,
  ) {}

  private proposals: ProposalSource | undefined;

  /** The engine is built after the application; it provides missing parents from then on. */
  attachProposals(source: ProposalSource): void {
    this.proposals = source;
  }

  genesis(): Digest {
    return this.inner.genesis();
  }

  async propose(context: BlockContext): Promise<ProposedBlock> {
    if (this.emptyBlockIntervalMs > 0 && !this.work.hasPending(context.parent)) await this.waitForWork();
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
    let nextFetch = 0;
    while (!(await this.blocks.isKnown(parent)) && Date.now() < deadline) {
      if (await this.executeHeldAncestors(parent)) continue;
      if (Date.now() >= nextFetch) {
        this.proposals?.fetch(parent);
        nextFetch = Date.now() + REFETCH_MS;
      }
      await new Promise((resolve) => setTimeout(resolve, PARENT_POLL_MS));
    }
  }

  /**
   * Executes, oldest first, the proposals the engine holds on the way to `digest` whose post-state we
   * lack (their own parent must be known). True if it made progress.
   */
  private async executeHeldAncestors(digest: Digest): Promise<boolean> {
    const chain = this.proposals?.chainTo(digest) ?? [];
    let progressed = false;
    for (const proposal of chain) {
      if (await this.blocks.isKnown(proposal.block.digest)) continue;
      if (!(await this.blocks.isKnown(proposal.parent))) break;
      const context = {
        view: proposal.view,
        proposer: proposal.proposer,
        parent: proposal.parent,
        parentView: proposal.parentView,
      };
      const result = await this.inner.verify(proposal.block, context);
      if (!result.ok) break;
      progressed = true;
    }
    return progressed;
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
