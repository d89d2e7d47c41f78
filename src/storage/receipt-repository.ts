/** The receipts (with their logs) of a final block, one encoded list per block hash. */
import type { Hex } from "viem";
import type { KeyValueStore, WriteBatch } from "./key-value.js";
import { hashKey } from "./keys.js";

export class ReceiptRepository {
  constructor(private readonly store: KeyValueStore) {}

  stage(batch: WriteBatch, blockHash: Hex, encodedReceipts: Uint8Array): void {
    batch.put("receipts", hashKey(blockHash), encodedReceipts);
  }

  byBlockHash(blockHash: Hex): Promise<Uint8Array | undefined> {
    return this.store.namespace("receipts").get(hashKey(blockHash));
  }
}
