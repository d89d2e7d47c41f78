/** The root of a trie keyed by RLP(index): transactionsRoot and receiptsRoot. */
import type { Common } from "@ethereumjs/common";
import { MerklePatriciaTrie } from "@ethereumjs/mpt";
import { RLP } from "@ethereumjs/rlp";

export async function orderedTrieRoot(items: Uint8Array[], common: Common): Promise<Uint8Array> {
  const trie = new MerklePatriciaTrie({ common });
  for (let i = 0; i < items.length; i++) await trie.put(RLP.encode(i), items[i]);
  return trie.root();
}
