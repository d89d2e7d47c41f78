/**
 * The log index: one record per final block, by block number (opaque bytes here; execution encodes
 * them). Number-ordered keys let a range query read its blocks in one scan instead of a lookup each.
 */
import type { KeyValueStore, WriteBatch } from "./key-value.js";
import { numberKey, readNumberKey } from "./keys.js";

export class LogIndexRepository {
  constructor(private readonly store: KeyValueStore) {}

  stage(batch: WriteBatch, number: bigint, record: Uint8Array): void {
    batch.put("logs", numberKey(number), record);
  }

  /** The records of blocks `from`..`to` (inclusive) that have one, in block order. */
  async *range(from: bigint, to: bigint): AsyncIterable<[number: bigint, record: Uint8Array]> {
    if (from > to) return;
    const entries = this.store.namespace("logs").entries({ gte: numberKey(from), lt: numberKey(to + 1n) });
    for await (const [key, value] of entries) yield [readNumberKey(key), value];
  }

  /** The highest block number with a record, if any. */
  async highest(): Promise<bigint | undefined> {
    for await (const [key] of this.store.namespace("logs").entries({ reverse: true, limit: 1 })) {
      return readNumberKey(key);
    }
    return undefined;
  }
}
