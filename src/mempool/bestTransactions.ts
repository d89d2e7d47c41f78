/**
 * The order a block builder takes transactions in: highest effective tip first across senders, nonce
 * order within a sender. A heap holds one head per sender; taking a transaction puts that sender's next
 * one in its place. Works on a snapshot of the pending sub-pool taken when it is created, so the pool may
 * change while a block is being built.
 */
import { effectiveTip } from "./fees.js";
import { Heap } from "./heap.js";
import type { PoolTransaction } from "./types.js";

interface SenderCursor {
  readonly sender: string;
  /** This sender's pending transactions, in nonce order (a snapshot). */
  readonly run: readonly PoolTransaction[];
  /** Index in `run` of the head. */
  index: number;
  /** Effective tip of the head at the block's base fee. */
  tip: bigint;
}

function before(a: SenderCursor, b: SenderCursor): boolean {
  if (a.tip !== b.tip) return a.tip > b.tip;
  return a.run[a.index].arrival < b.run[b.index].arrival;
}

export class BestTransactions implements IterableIterator<PoolTransaction> {
  private readonly heap = new Heap<SenderCursor>(before);
  private readonly skipped = new Set<string>();

  constructor(
    runs: Iterable<readonly PoolTransaction[]>,
    private readonly baseFee: bigint,
  ) {
    for (const run of runs) {
      if (run.length === 0) continue;
      this.offer({ sender: run[0].sender, run, index: 0, tip: 0n });
    }
  }

  /** Put a cursor in the heap if its head can pay the base fee; a parked head parks the rest too. */
  private offer(cursor: SenderCursor): void {
    const head = cursor.run[cursor.index];
    if (head === undefined || head.maxFee < this.baseFee) return;
    cursor.tip = effectiveTip(head, this.baseFee);
    this.heap.push(cursor);
  }

  next(): IteratorResult<PoolTransaction, undefined> {
    for (;;) {
      const cursor = this.heap.pop();
      if (cursor === undefined) return { done: true, value: undefined };
      if (this.skipped.has(cursor.sender)) continue;
      const tx = cursor.run[cursor.index];
      cursor.index++;
      this.offer(cursor);
      return { done: false, value: tx };
    }
  }

  /**
   * Offer nothing more from this sender (the builder could not include one of its transactions: the
   * later nonces cannot run either).
   */
  skipSender(sender: string): void {
    this.skipped.add(sender.toLowerCase());
  }

  [Symbol.iterator](): this {
    return this;
  }
}
