/**
 * The root of a trie keyed by RLP(index): transactionsRoot and receiptsRoot.
 *
 * Built in one pass over the sorted keys, each node encoded and hashed once. Putting 1,000 items
 * into an MPT one by one re-encodes and re-hashes the path to the root on every put, which cost
 * about a third of building a block of transfers (bench/execution.md).
 */
import type { Common } from "@ethereumjs/common";
import { RLP } from "@ethereumjs/rlp";
import { keccak256 } from "viem";

/** A node as RLP sees it: a leaf or extension [path, value or child], or a branch of 17. */
type TrieNode = Uint8Array | TrieNode[];
type Hash = (data: Uint8Array) => Uint8Array;

interface Entry {
  nibbles: Uint8Array;
  value: Uint8Array;
}

const EMPTY = new Uint8Array(0);

export async function orderedTrieRoot(items: Uint8Array[], common: Common): Promise<Uint8Array> {
  const hash: Hash = common.customCrypto.keccak256 ?? ((data) => keccak256(data, "bytes"));
  if (items.length === 0) return hash(RLP.encode(EMPTY));
  const entries = items.map((value, i) => ({ nibbles: nibblesOf(RLP.encode(i)), value }));
  entries.sort((a, b) => compareNibbles(a.nibbles, b.nibbles));
  // The root is hashed whatever its size; deeper nodes under 32 bytes are embedded in their parent.
  return hash(RLP.encode(nodeOf(entries, 0, hash)));
}

/** The node holding `entries` (sorted, distinct keys), whose keys agree on their first `depth` nibbles. */
function nodeOf(entries: Entry[], depth: number, hash: Hash): TrieNode {
  if (entries.length === 1) {
    const [only] = entries;
    return [compactPath(only.nibbles.subarray(depth), true), only.value];
  }
  const shared = sharedPrefix(entries, depth);
  if (shared > 0) {
    const path = entries[0].nibbles.subarray(depth, depth + shared);
    return [compactPath(path, false), reference(branchOf(entries, depth + shared, hash), hash)];
  }
  return branchOf(entries, depth, hash);
}

function branchOf(entries: Entry[], depth: number, hash: Hash): TrieNode[] {
  const branch: TrieNode[] = new Array(17).fill(EMPTY);
  let start = 0;
  // A key that ends here (none among RLP(index) keys, but the rule allows it) is the branch's value.
  if (entries[0].nibbles.length === depth) {
    branch[16] = entries[0].value;
    start = 1;
  }
  while (start < entries.length) {
    const nibble = entries[start].nibbles[depth];
    let end = start + 1;
    while (end < entries.length && entries[end].nibbles[depth] === nibble) end++;
    branch[nibble] = reference(nodeOf(entries.slice(start, end), depth + 1, hash), hash);
    start = end;
  }
  return branch;
}

/** How a parent points to a child: the child itself if its encoding is under 32 bytes, else its hash. */
function reference(node: TrieNode, hash: Hash): TrieNode {
  const encoded = RLP.encode(node);
  return encoded.length < 32 ? node : hash(encoded);
}

/** How many nibbles from `depth` on every key shares with the first. */
function sharedPrefix(entries: Entry[], depth: number): number {
  const first = entries[0].nibbles;
  let length = first.length - depth;
  for (const { nibbles } of entries) {
    let i = 0;
    while (i < length && depth + i < nibbles.length && nibbles[depth + i] === first[depth + i]) i++;
    length = i;
    if (length === 0) break;
  }
  return length;
}

/** Hex-prefix encoding (Yellow Paper, appendix C): a flag nibble for leaf/extension and odd length. */
function compactPath(nibbles: Uint8Array, leaf: boolean): Uint8Array {
  const odd = nibbles.length % 2 === 1;
  const flag = (leaf ? 2 : 0) + (odd ? 1 : 0);
  const out = new Uint8Array(Math.floor(nibbles.length / 2) + 1);
  out[0] = odd ? (flag << 4) | nibbles[0] : flag << 4;
  for (let i = odd ? 1 : 0, at = 1; i < nibbles.length; i += 2, at++) {
    out[at] = (nibbles[i] << 4) | nibbles[i + 1];
  }
  return out;
}

function nibblesOf(key: Uint8Array): Uint8Array {
  const nibbles = new Uint8Array(key.length * 2);
  key.forEach((byte, i) => {
    nibbles[2 * i] = byte >> 4;
    nibbles[2 * i + 1] = byte & 0x0f;
  });
  return nibbles;
}

function compareNibbles(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
