import { createCustomCommon, Hardfork, Mainnet } from "@ethereumjs/common";
import { MerklePatriciaTrie } from "@ethereumjs/mpt";
import { RLP } from "@ethereumjs/rlp";
import { bytesToHex, keccak256, toBytes } from "viem";
import { describe, expect, it } from "vitest";
import { createKairosCommon } from "../../../src/execution/chain.js";
import { orderedTrieRoot } from "../../../src/execution/ordered-trie.js";

/** The reference: an MPT with one put per item, as EthereumJS builds transactionsRoot. */
async function referenceRoot(items: Uint8Array[]): Promise<string> {
  const trie = new MerklePatriciaTrie();
  for (let i = 0; i < items.length; i++) await trie.put(RLP.encode(i), items[i]);
  return bytesToHex(trie.root());
}

/** Items of varied sizes: short ones are embedded in their parent node, long ones are hashed. */
const items = (count: number) =>
  Array.from({ length: count }, (_, i) => (i % 3 === 0 ? toBytes(i + 1) : keccak256(toBytes(i), "bytes")));

describe("orderedTrieRoot (transactionsRoot and receiptsRoot)", () => {
  const common = createKairosCommon();

  it("matches a trie filled one put at a time, across the RLP key-length boundaries", async () => {
    for (const count of [0, 1, 2, 15, 16, 17, 127, 128, 129, 255, 256, 257, 1_000, 5_000]) {
      expect(bytesToHex(await orderedTrieRoot(items(count), common)), `${count} items`).toBe(
        await referenceRoot(items(count)),
      );
    }
  });

  it("gives the empty trie's root for no items, with or without native keccak", async () => {
    const plain = createCustomCommon({ chainId: 7 }, Mainnet, { hardfork: Hardfork.Prague });
    const emptyRoot = "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421";
    expect(bytesToHex(await orderedTrieRoot([], common))).toBe(emptyRoot);
    expect(bytesToHex(await orderedTrieRoot(items(300), plain))).toBe(await referenceRoot(items(300)));
  });
});
