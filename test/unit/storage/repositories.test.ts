import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  createChainStorage,
  type KeyValueStore,
  LevelStore,
  MemoryStore,
} from "../../../src/storage/index.js";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "kairos-storage-"));
  dirs.push(dir);
  return dir;
};

const HASH_A = `0x${"aa".repeat(32)}` as const;
const HASH_B = `0x${"bb".repeat(32)}` as const;
const TX = `0x${"cc".repeat(32)}` as const;

const stores: [string, () => Promise<KeyValueStore>][] = [
  ["memory", async () => new MemoryStore()],
  ["LevelDB", () => LevelStore.open(tempDir())],
];

describe.each(stores)("repositories over the %s store", (_name, open) => {
  it("writes a final block, its receipts, tx index, certificate and head in one batch", async () => {
    const store = await open();
    const storage = createChainStorage(store);
    const batch = store.batch();
    storage.blocks.stage(batch, { hash: HASH_A, number: 7n }, new Uint8Array([1, 2, 3]));
    storage.receipts.stage(batch, HASH_A, new Uint8Array([4]));
    storage.txIndex.stage(batch, TX, { blockHash: HASH_A, index: 3 });
    storage.certificates.stage(batch, 9, "lNotarization", new Uint8Array([5]));
    storage.meta.stageFinalHead(batch, { hash: HASH_A, number: 7n });
    expect(await storage.meta.finalHead()).toBeUndefined();
    await batch.write();
    expect(await storage.blocks.byHash(HASH_A)).toEqual(new Uint8Array([1, 2, 3]));
    expect(await storage.blocks.hashAt(7n)).toBe(HASH_A);
    expect(await storage.blocks.hashAt(8n)).toBeUndefined();
    expect(await storage.receipts.byBlockHash(HASH_A)).toEqual(new Uint8Array([4]));
    expect(await storage.txIndex.get(TX)).toEqual({ blockHash: HASH_A, index: 3 });
    expect(await storage.certificates.get(9, "lNotarization")).toEqual(new Uint8Array([5]));
    expect(await storage.certificates.get(9, "nullification")).toBeUndefined();
    expect(await storage.meta.finalHead()).toEqual({ hash: HASH_A, number: 7n });
    await store.close();
  });

  it("reads log index records by block range in block order, and knows the highest", async () => {
    const store = await open();
    const storage = createChainStorage(store);
    expect(await storage.logIndex.highest()).toBeUndefined();
    const batch = store.batch();
    for (const number of [300n, 2n, 256n, 3n]) {
      storage.logIndex.stage(batch, number, new Uint8Array([Number(number % 256n)]));
    }
    await batch.write();
    const read = async (from: bigint, to: bigint) => {
      const out: bigint[] = [];
      for await (const [number] of storage.logIndex.range(from, to)) out.push(number);
      return out;
    };
    expect(await read(0n, 1000n)).toEqual([2n, 3n, 256n, 300n]);
    expect(await read(3n, 256n)).toEqual([3n, 256n]);
    expect(await read(4n, 255n)).toEqual([]);
    expect(await read(5n, 4n)).toEqual([]);
    expect(await storage.logIndex.highest()).toBe(300n);
    await store.close();
  });

  it("records signed votes and nullifies by view and finds the latest", async () => {
    const store = await open();
    const storage = createChainStorage(store);
    expect(await storage.votes.latestView()).toBeUndefined();
    await storage.votes.record(3, new Uint8Array([3]));
    await storage.votes.record(300, new Uint8Array([30]));
    await storage.nullifies.record(4, new Uint8Array([4]));
    expect(await storage.votes.get(3)).toEqual(new Uint8Array([3]));
    expect(await storage.votes.latestView()).toBe(300);
    expect(await storage.nullifies.latestView()).toBe(4);
    await storage.meta.putCurrentView(301);
    expect(await storage.meta.currentView()).toBe(301);
    // Namespaces do not see each other's keys.
    expect(await storage.votes.get(4)).toBeUndefined();
    await store.close();
  });
});

describe("LevelStore", () => {
  it("keeps what was written across a close and reopen", async () => {
    const dir = tempDir();
    const first = await LevelStore.open(dir);
    const batch = first.batch();
    createChainStorage(first).blocks.stage(batch, { hash: HASH_B, number: 1n }, new Uint8Array([9]));
    await batch.write();
    await first.close();
    const again = createChainStorage(await LevelStore.open(dir));
    expect(await again.blocks.hashAt(1n)).toBe(HASH_B);
    expect(await again.blocks.byHash(HASH_B)).toEqual(new Uint8Array([9]));
    await again.store.close();
  });
});
