/** The leader's pacing: propose at once when there is something to include, else wait for work. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Application, BlockContext, Digest } from "../../../src/consensus/application.js";
import { PacedApplication, type PendingWork } from "../../../src/node/paced-application.js";

const EMPTY_BLOCK_MS = 1_000;
const PARENT: Digest = `0x${"11".repeat(32)}`;
const CONTEXT: BlockContext = { view: 7, proposer: 0, parent: PARENT, parentView: 6 };

/** A pool whose transactions are offered only for parents that do not already include them. */
class Work implements PendingWork {
  readonly offeredFor = new Set<Digest>();
  private listeners = new Set<() => void>();
  hasPending(parent: Digest): boolean {
    return this.offeredFor.has(parent);
  }
  onPending(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  arrive(parent: Digest): void {
    this.offeredFor.add(parent);
    for (const listener of this.listeners) listener();
  }
}

function pacedOver(work: Work) {
  const proposed: BlockContext[] = [];
  const inner: Application = {
    genesis: () => PARENT,
    propose: async (context) => {
      proposed.push(context);
      return { digest: `0x${"22".repeat(32)}`, payload: new Uint8Array() };
    },
    verify: async () => ({ ok: true }),
    finalized: async () => {},
  };
  const blocks = { isFinal: async () => true, isKnown: async () => true };
  return { app: new PacedApplication(inner, work, blocks, EMPTY_BLOCK_MS, 5_000), proposed };
}

describe("PacedApplication", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("proposes at once when the pool offers a transaction for this parent", async () => {
    const work = new Work();
    work.offeredFor.add(PARENT);
    const { app, proposed } = pacedOver(work);
    await app.propose(CONTEXT);
    expect(proposed).toHaveLength(1);
  });

  it("waits out the empty-block interval when every pooled transaction is already in the parent's chain", async () => {
    const work = new Work();
    work.offeredFor.add(`0x${"33".repeat(32)}`); // pending, but only for another parent
    const { app, proposed } = pacedOver(work);
    const proposal = app.propose(CONTEXT);
    await vi.advanceTimersByTimeAsync(EMPTY_BLOCK_MS - 1);
    expect(proposed).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    await proposal;
    expect(proposed).toHaveLength(1);
  });

  it("stops waiting as soon as a transaction arrives", async () => {
    const work = new Work();
    const { app, proposed } = pacedOver(work);
    const proposal = app.propose(CONTEXT);
    await vi.advanceTimersByTimeAsync(10);
    work.arrive(PARENT);
    await proposal;
    expect(proposed).toHaveLength(1);
  });
});
