/** Where each final transaction is: transaction hash → (block hash, index in the block). */
import { bytesToHex, concat, type Hex, hexToBytes } from "viem";
import type { KeyValueStore, WriteBatch } from "./key-value.js";
import { hashKey } from "./keys.js";

export interface TxLocation {
  blockHash: Hex;
  index: number;
}

export class TxIndexRepository {
  constructor(private readonly store: KeyValueStore) {}

  stage(batch: WriteBatch, txHash: Hex, location: TxLocation): void {
    const index = new Uint8Array(4);
    new DataView(index.buffer).setUint32(0, location.index);
    batch.put("txindex", hashKey(txHash), hexToBytes(concat([location.blockHash, bytesToHex(index)])));
  }

  async get(txHash: Hex): Promise<TxLocation | undefined> {
    const value = await this.store.namespace("txindex").get(hashKey(txHash));
    if (value === undefined) return undefined;
    const index = new DataView(value.buffer, value.byteOffset + 32, 4).getUint32(0);
    return { blockHash: bytesToHex(value.subarray(0, 32)), index };
  }
}
