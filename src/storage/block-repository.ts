/** Final blocks by hash (`blocks`) and the canonical hash at each height (`heights`). Blocks are opaque bytes. */
import { bytesToHex, type Hex } from "viem";
import type { KeyValueStore, WriteBatch } from "./key-value.js";
import { hashKey, numberKey } from "./keys.js";

export interface StoredBlockRef {
  hash: Hex;
  number: bigint;
}

export class BlockRepository {
  constructor(private readonly store: KeyValueStore) {}

  stage(batch: WriteBatch, block: StoredBlockRef, encoded: Uint8Array): void {
    batch.put("blocks", hashKey(block.hash), encoded);
    batch.put("heights", numberKey(block.number), hashKey(block.hash));
  }

  byHash(hash: Hex): Promise<Uint8Array | undefined> {
    return this.store.namespace("blocks").get(hashKey(hash));
  }

  async hashAt(number: bigint): Promise<Hex | undefined> {
    const hash = await this.store.namespace("heights").get(numberKey(number));
    return hash === undefined ? undefined : bytesToHex(hash);
  }
}
