/**
 * Senders by transaction hash, least recently used out first: a signature is recovered once when the
 * transaction enters over RPC or gossip, and reused by the mempool and at block execution.
 */
import type { RecoveredSender } from "./sender.js";

export class SenderCache {
  // A Map iterates in insertion order: re-inserting on read makes the first key the least recent.
  private readonly entries = new Map<string, RecoveredSender>();

  constructor(readonly capacity = 100_000) {
    if (capacity < 1) throw new RangeError("SenderCache capacity must be at least 1");
  }

  get size(): number {
    return this.entries.size;
  }

  get(txHash: string): RecoveredSender | undefined {
    const sender = this.entries.get(txHash);
    if (sender) {
      this.entries.delete(txHash);
      this.entries.set(txHash, sender);
    }
    return sender;
  }

  set(txHash: string, sender: RecoveredSender): void {
    this.entries.delete(txHash);
    this.entries.set(txHash, sender);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}
