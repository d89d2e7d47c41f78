/**
 * EthereumJS's `DB` interface over the `trie` namespace, with a write-back buffer.
 *
 * Trie nodes are content-addressed and never pruned, so:
 * - executing a block (built or verified, final or speculative) writes its new nodes to memory only;
 *   any root ever computed stays readable, which is what speculative execution on non-final parents
 *   needs;
 * - when a block becomes final, `stagePending` puts every buffered node into the block's own atomic
 *   batch, so the state root on disk and the head on disk never disagree;
 * - a bounded read cache is always coherent.
 * Nodes of a speculative block that is later dropped are written with the next final block: harmless
 * garbage, never wrong.
 */
import type { BatchDBOp, DB } from "@ethereumjs/util";
import { hexToBytes } from "viem";
import type { Namespace, WriteBatch } from "../storage/key-value.js";

type NodeValue = string | Uint8Array;

export class TrieNodeDB implements DB<string, NodeValue> {
  private pending = new Map<string, Uint8Array>();
  private inFlight = new Map<string, Uint8Array>();
  private readonly cache = new Map<string, Uint8Array>();

  constructor(
    private readonly nodes: Namespace,
    private readonly cacheLimit = 500_000,
  ) {}

  async get(key: string): Promise<NodeValue | undefined> {
    const buffered = this.pending.get(key) ?? this.inFlight.get(key) ?? this.cache.get(key);
    if (buffered !== undefined) return buffered;
    const value = await this.nodes.get(toBytes(key));
    if (value !== undefined) this.remember(key, value);
    return value;
  }

  async put(key: string, value: NodeValue): Promise<void> {
    this.pending.set(key, valueBytes(value));
  }

  /** Never called without pruning, which we do not enable; kept for the interface. */
  async del(key: string): Promise<void> {
    this.pending.delete(key);
    this.cache.delete(key);
    await this.nodes.del(toBytes(key));
  }

  async batch(ops: BatchDBOp<string, NodeValue>[]): Promise<void> {
    for (const op of ops) {
      if (op.type === "put") this.pending.set(op.key, valueBytes(op.value));
      else await this.del(op.key);
    }
  }

  /** Copies share the buffer and the cache: nodes are immutable by key. */
  shallowCopy(): DB<string, NodeValue> {
    return this;
  }

  async open(): Promise<void> {}

  get pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Adds every buffered node to `batch`. Call `persisted()` once the batch is written; until then the
   * nodes stay readable from memory.
   */
  stagePending(batch: WriteBatch): void {
    for (const [key, value] of this.pending) {
      batch.put("trie", toBytes(key), value);
      this.inFlight.set(key, value);
    }
    this.pending = new Map();
  }

  persisted(): void {
    for (const [key, value] of this.inFlight) this.remember(key, value);
    this.inFlight = new Map();
  }

  private remember(key: string, value: Uint8Array): void {
    if (this.cache.size >= this.cacheLimit) {
      // Evict the oldest insertion; Map iteration order is insertion order.
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(key, value);
  }
}

const toBytes = (unprefixedHex: string): Uint8Array => hexToBytes(`0x${unprefixedHex}`);
const valueBytes = (value: NodeValue): Uint8Array =>
  typeof value === "string" ? hexToBytes(`0x${value}`) : value;
