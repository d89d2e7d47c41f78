import { MerklePatriciaTrie } from "@ethereumjs/mpt";
import { MapDB } from "@ethereumjs/util";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { bytesToHex } from "viem";
import { describe, expect, it } from "vitest";
import {
  compareWrites,
  DecodedTrie,
  type TrieWrite,
  toNibbles,
} from "../../../src/execution/decoded-trie.js";
import { seededRandom } from "./helpers.js";

/**
 * 32-byte keys drawn from a small alphabet in their first `shared` bytes, so that many share long
 * prefixes (extension nodes, splits and merges), the rest random. With 30 shared bytes the leaves sit
 * 60 nibbles deep and small ones are embedded in their parent instead of hashed.
 */
function key(next: () => number, shared = 3): Uint8Array {
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    bytes[i] = i < shared ? [0x00, 0x01, 0x10, 0xab][Math.floor(next() * (i < 28 ? 2 : 4))] : next() * 256;
  }
  return bytes;
}

/** Values from 1 byte (nodes embedded in their parent) to 80 bytes (an account's size). */
function value(next: () => number): Uint8Array {
  const length = [1, 3, 20, 33, 80][Math.floor(next() * 5)];
  return Uint8Array.from({ length }, () => 1 + Math.floor(next() * 255));
}

describe("DecodedTrie (batched state-trie updates)", () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`computes @ethereumjs/mpt's roots and values over random rounds of puts and deletes (seed ${seed})`, async () => {
      const next = seededRandom(seed);
      const shared = seed % 2 === 0 ? 30 : 3;
      const db = new MapDB<string, Uint8Array>();
      // The reference writes one key at a time, as MerkleStateManager does; both share the node store.
      const reference = new MerklePatriciaTrie({ db, useKeyHashing: false });
      const decoded = new DecodedTrie(db, keccak_256, 50);
      const live: Uint8Array[] = [];
      let root = reference.root();
      for (let round = 0; round < 12; round++) {
        const writes = new Map<string, TrieWrite & { raw: Uint8Array }>();
        const count = [1, 2, 5, 40, 150][Math.floor(next() * 5)];
        for (let i = 0; i < count; i++) {
          const deleting = live.length > 0 && next() < 0.35;
          const raw = deleting
            ? live[Math.floor(next() * live.length)]
            : next() < 0.2 && live.length > 0
              ? live[0]
              : key(next, shared);
          writes.set(bytesToHex(raw), {
            raw,
            key: toNibbles(raw),
            value: deleting ? undefined : value(next),
          });
        }
        // A delete of a key that was never there must change nothing.
        const absent = key(next, shared);
        writes.set(bytesToHex(absent), { raw: absent, key: toNibbles(absent), value: undefined });
        for (const write of writes.values()) {
          if (write.value === undefined) await reference.del(write.raw);
          else await reference.put(write.raw, write.value);
        }
        root = await decoded.update(root, [...writes.values()].sort(compareWrites));
        expect(bytesToHex(root), `round ${round}`).toBe(bytesToHex(reference.root()));
        for (const write of writes.values()) {
          const index = live.findIndex((k) => bytesToHex(k) === bytesToHex(write.raw));
          if (index !== -1) live.splice(index, 1);
          if (write.value !== undefined) live.push(write.raw);
        }
        for (const raw of live.slice(0, 30)) {
          expect(await decoded.get(root, raw)).toEqual(await reference.get(raw));
        }
        expect(await decoded.get(root, key(next))).toBeUndefined();
      }
    });
  }

  it("empties the trie when every key is deleted, and builds a first trie from nothing", async () => {
    const db = new MapDB<string, Uint8Array>();
    const reference = new MerklePatriciaTrie({ db, useKeyHashing: false });
    const decoded = new DecodedTrie(db, keccak_256);
    const next = seededRandom(9);
    const keys = Array.from({ length: 20 }, () => key(next));
    const values = keys.map(() => value(next));
    for (const [i, raw] of keys.entries()) await reference.put(raw, values[i]);
    const puts = keys.map((raw, i) => ({ key: toNibbles(raw), value: values[i] })).sort(compareWrites);
    const root = await decoded.update(reference.EMPTY_TRIE_ROOT, puts);
    expect(bytesToHex(root)).toBe(bytesToHex(reference.root()));
    const cleared = await decoded.update(
      root,
      puts.map((p) => ({ key: p.key, value: undefined })),
    );
    expect(bytesToHex(cleared)).toBe(bytesToHex(reference.EMPTY_TRIE_ROOT));
  });
});
