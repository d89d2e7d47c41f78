/** Small singletons: the final head (hash, number) and the current consensus view. */
import { bytesToHex, type Hex } from "viem";
import type { KeyValueStore, WriteBatch } from "./key-value.js";
import { hashKey, numberKey, readNumberKey, utf8Key } from "./keys.js";

const FINAL_HEAD = utf8Key("finalHead");
const CURRENT_VIEW = utf8Key("currentView");

export interface HeadRef {
  hash: Hex;
  number: bigint;
}

export class MetaRepository {
  constructor(private readonly store: KeyValueStore) {}

  stageFinalHead(batch: WriteBatch, head: HeadRef): void {
    const value = new Uint8Array(40);
    value.set(hashKey(head.hash));
    value.set(numberKey(head.number), 32);
    batch.put("meta", FINAL_HEAD, value);
  }

  async finalHead(): Promise<HeadRef | undefined> {
    const value = await this.store.namespace("meta").get(FINAL_HEAD);
    if (value === undefined) return undefined;
    return { hash: bytesToHex(value.subarray(0, 32)), number: readNumberKey(value.subarray(32)) };
  }

  putCurrentView(view: number): Promise<void> {
    return this.store.namespace("meta").put(CURRENT_VIEW, numberKey(view));
  }

  async currentView(): Promise<number | undefined> {
    const value = await this.store.namespace("meta").get(CURRENT_VIEW);
    return value === undefined ? undefined : Number(readNumberKey(value));
  }
}
