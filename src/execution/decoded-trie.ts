/**
 * Reads and batch updates of a Merkle-Patricia trie (the state trie or a storage trie) whose nodes live
 * in EthereumJS's node store, keyed by hash. It computes exactly the roots @ethereumjs/mpt computes,
 * faster, for the way a block uses the trie:
 * - every node read is decoded once and kept, decoded, in a bounded cache keyed by its hash (nodes are
 *   content-addressed, so the cache is coherent for any root, final or speculative);
 * - all the writes of a block are applied in one pass over the sorted keys, so each node on the
 *   touched paths is re-encoded and hashed once per block, not once per write.
 * Only the shape Ethereum's state uses is supported: keys of one fixed length (hashed keys), so no
 * branch ever holds a value.
 */
import { RLP } from "@ethereumjs/rlp";
import { bytesToUnprefixedHex, type DB, KECCAK256_RLP } from "@ethereumjs/util";
import { hexToBytes } from "viem";

/** A hash of a stored node, or a node (decoded, or new and not yet encoded). */
type Ref = Uint8Array | TrieNode;

const LEAF = 0;
const EXTENSION = 1;
const BRANCH = 2;

interface Leaf {
  readonly kind: typeof LEAF;
  readonly path: Uint8Array;
  readonly value: Uint8Array;
  /** How a parent refers to it (a hash, or the node itself under 32 bytes), once known. */
  ref?: Encoded;
}
interface Extension {
  readonly kind: typeof EXTENSION;
  readonly path: Uint8Array;
  readonly child: Ref;
  ref?: Encoded;
}
interface Branch {
  readonly kind: typeof BRANCH;
  readonly children: readonly (Ref | null)[];
  ref?: Encoded;
}
type TrieNode = Leaf | Extension | Branch;
type Raw = Uint8Array | Raw[];
type Encoded = Uint8Array | Raw[];

/** One write: `value` undefined deletes the key. `key` is the hashed key as 64 nibbles. */
export interface TrieWrite {
  key: Uint8Array;
  value: Uint8Array | undefined;
}

export class TrieFormatError extends Error {
  readonly code = "TRIE_FORMAT";
}

export class MissingTrieNodeError extends Error {
  readonly code = "MISSING_TRIE_NODE";
  constructor(readonly nodeHash: string) {
    super(`trie node ${nodeHash} is not in the store`);
  }
}

const EMPTY = new Uint8Array(0);
const NO_CHILDREN: readonly null[] = Array.from({ length: 16 }, () => null);

export class DecodedTrie {
  private readonly cache = new Map<string, TrieNode>();

  constructor(
    private readonly store: DB<string, string | Uint8Array>,
    private readonly keccak: (data: Uint8Array) => Uint8Array,
    // ~1.2 kB per decoded node (measured): 50k nodes, ~60 MB, hold the upper levels of a large state
    // and a few blocks' worth of touched paths.
    private readonly cacheLimit = 50_000,
  ) {}

  /** The value at `hashedKey` (32 bytes) under `root`, or undefined. */
  async get(root: Uint8Array, hashedKey: Uint8Array): Promise<Uint8Array | undefined> {
    if (isEmptyRoot(root)) return undefined;
    const key = toNibbles(hashedKey);
    let ref: Ref = root;
    let depth = 0;
    for (;;) {
      const node: TrieNode = ref instanceof Uint8Array ? await this.load(ref) : ref;
      if (node.kind === BRANCH) {
        const child: Ref | null = node.children[key[depth]];
        if (child === null) return undefined;
        ref = child;
        depth += 1;
        continue;
      }
      if (!startsWith(key, depth, node.path)) return undefined;
      if (node.kind === LEAF) return depth + node.path.length === key.length ? node.value : undefined;
      depth += node.path.length;
      ref = node.child;
    }
  }

  /**
   * Applies `writes` (distinct keys, sorted with `compareWrites`) to the trie at `root`, stores the
   * new nodes and returns the new root.
   */
  async update(root: Uint8Array, writes: readonly TrieWrite[]): Promise<Uint8Array> {
    if (writes.length === 0) return root;
    const node = await this.apply(isEmptyRoot(root) ? null : root, 0, writes, 0, writes.length);
    if (node === null) return KECCAK256_RLP;
    if (node instanceof Uint8Array) return node;
    // The root is stored by hash whatever its size.
    const encoded = RLP.encode(this.raw(node));
    const hash = this.keccak(encoded);
    this.save(hash, encoded, node);
    return hash;
  }

  private async apply(
    ref: Ref | null,
    depth: number,
    writes: readonly TrieWrite[],
    lo: number,
    hi: number,
  ): Promise<Ref | null> {
    if (ref === null) {
      const puts = writes.slice(lo, hi).filter(isPut);
      return build(depth, puts, 0, puts.length);
    }
    const node = ref instanceof Uint8Array ? await this.load(ref) : ref;
    if (node.kind === LEAF) {
      // One existing entry: merge it with the writes and build the subtree afresh.
      const leafKey = concat(writes[lo].key.subarray(0, depth), node.path);
      const entries: TrieWrite[] = [];
      let overwritten = false;
      for (let i = lo; i < hi; i++) {
        const write = writes[i];
        if (!overwritten && equal(write.key, leafKey)) overwritten = true;
        if (write.value !== undefined) entries.push(write);
      }
      if (!overwritten) {
        entries.push({ key: leafKey, value: node.value });
        entries.sort(compareWrites);
      }
      return build(depth, entries, 0, entries.length);
    }
    if (node.kind === EXTENSION) {
      const { path } = node;
      // Sorted keys: the shortest common prefix with the path is at one end of the range.
      const shared = Math.min(
        commonPrefix(path, writes[lo].key, depth),
        commonPrefix(path, writes[hi - 1].key, depth),
      );
      if (shared === path.length) {
        return this.join(path, await this.apply(node.child, depth + path.length, writes, lo, hi));
      }
      // Some writes leave the path: split it at the fork into a branch, then apply the writes there.
      const children: (Ref | null)[] = NO_CHILDREN.slice();
      const rest = path.subarray(shared + 1);
      children[path[shared]] =
        rest.length === 0 ? node.child : { kind: EXTENSION, path: rest, child: node.child };
      const branch: Branch = { kind: BRANCH, children };
      const split: TrieNode =
        shared === 0 ? branch : { kind: EXTENSION, path: path.subarray(0, shared), child: branch };
      return this.apply(split, depth, writes, lo, hi);
    }
    const children = node.children.slice();
    for (let i = lo; i < hi; ) {
      const nibble = writes[i].key[depth];
      let j = i + 1;
      while (j < hi && writes[j].key[depth] === nibble) j++;
      children[nibble] = await this.apply(children[nibble], depth + 1, writes, i, j);
      i = j;
    }
    return this.branch(children);
  }

  /** A branch left with one child folds into it (deletes can leave one). */
  private async branch(children: (Ref | null)[]): Promise<TrieNode | null> {
    let only = -1;
    for (let i = 0; i < 16; i++) {
      if (children[i] === null) continue;
      if (only !== -1) return { kind: BRANCH, children };
      only = i;
    }
    if (only === -1) return null;
    return this.join(Uint8Array.of(only), children[only]);
  }

  /** The node for `path` followed by `child`: paths merge, a branch hangs under an extension. */
  private async join(path: Uint8Array, child: Ref | null): Promise<TrieNode | null> {
    if (child === null) return null;
    const node = child instanceof Uint8Array ? await this.load(child) : child;
    if (node.kind === LEAF) return { kind: LEAF, path: concat(path, node.path), value: node.value };
    if (node.kind === EXTENSION) return { kind: EXTENSION, path: concat(path, node.path), child: node.child };
    return { kind: EXTENSION, path, child };
  }

  private async load(hash: Uint8Array): Promise<TrieNode> {
    const key = bytesToUnprefixedHex(hash);
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const stored = await this.store.get(key);
    if (stored === undefined) throw new MissingTrieNodeError(key);
    const node = decode(RLP.decode(typeof stored === "string" ? hexToBytes(`0x${stored}`) : stored) as Raw);
    this.remember(key, node);
    return node;
  }

  /** The node's RLP structure; new children are encoded (and stored) on the way. */
  private raw(node: TrieNode): Raw[] {
    if (node.kind === LEAF) return [encodePath(node.path, true), node.value];
    if (node.kind === EXTENSION) return [encodePath(node.path, false), this.refer(node.child)];
    const raw: Raw[] = node.children.map((child) => (child === null ? EMPTY : this.refer(child)));
    raw.push(EMPTY);
    return raw;
  }

  /** How a parent refers to `ref`: its hash, or the node itself if it encodes to under 32 bytes. */
  private refer(ref: Ref): Encoded {
    if (ref instanceof Uint8Array) return ref;
    if (ref.ref !== undefined) return ref.ref;
    const raw = this.raw(ref);
    const encoded = RLP.encode(raw);
    if (encoded.length < 32) {
      ref.ref = raw;
      return raw;
    }
    const hash = this.keccak(encoded);
    this.save(hash, encoded, ref);
    return hash;
  }

  private save(hash: Uint8Array, encoded: Uint8Array, node: TrieNode): void {
    node.ref = hash;
    const key = bytesToUnprefixedHex(hash);
    // Our node store buffers puts synchronously; its promise carries nothing to wait for.
    void this.store.put(key, encoded);
    this.remember(key, node);
  }

  private remember(key: string, node: TrieNode): void {
    if (this.cache.size >= this.cacheLimit) {
      // Drop the oldest insertion (Map iteration order); the upper levels are re-read first anyway.
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(key, node);
  }
}

/** Order of writes for `update`: by key. */
export function compareWrites(a: TrieWrite, b: TrieWrite): number {
  const { key: x } = a;
  const { key: y } = b;
  const length = Math.min(x.length, y.length);
  for (let i = 0; i < length; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

export function toNibbles(bytes: Uint8Array): Uint8Array {
  const nibbles = new Uint8Array(bytes.length * 2);
  for (let i = 0; i < bytes.length; i++) {
    nibbles[2 * i] = bytes[i] >> 4;
    nibbles[2 * i + 1] = bytes[i] & 0x0f;
  }
  return nibbles;
}

/** A subtree of new entries (all puts, sorted, distinct) below `depth`. */
function build(depth: number, entries: readonly TrieWrite[], lo: number, hi: number): TrieNode | null {
  if (hi === lo) return null;
  const first = entries[lo].key;
  if (hi - lo === 1)
    return { kind: LEAF, path: first.subarray(depth), value: entries[lo].value as Uint8Array };
  const shared = commonPrefix(first.subarray(depth), entries[hi - 1].key, depth);
  const at = depth + shared;
  const children: (Ref | null)[] = NO_CHILDREN.slice();
  for (let i = lo; i < hi; ) {
    const nibble = entries[i].key[at];
    let j = i + 1;
    while (j < hi && entries[j].key[at] === nibble) j++;
    children[nibble] = build(at + 1, entries, i, j);
    i = j;
  }
  const branch: Branch = { kind: BRANCH, children };
  return shared === 0 ? branch : { kind: EXTENSION, path: first.subarray(depth, at), child: branch };
}

function decode(raw: Raw): TrieNode {
  if (!Array.isArray(raw)) throw new TrieFormatError("a trie node is a list");
  if (raw.length === 17) {
    if ((raw[16] as Uint8Array).length !== 0) throw new TrieFormatError("a branch with a value");
    const children = raw.slice(0, 16).map((child) => childRef(child));
    return { kind: BRANCH, children };
  }
  if (raw.length !== 2 || !(raw[0] instanceof Uint8Array)) throw new TrieFormatError("a malformed node");
  const [flags, ...rest] = toNibbles(raw[0]);
  const path = flags & 1 ? Uint8Array.from(rest) : Uint8Array.from(rest.slice(1));
  if (flags & 2) {
    if (!(raw[1] instanceof Uint8Array)) throw new TrieFormatError("a leaf value is bytes");
    return { kind: LEAF, path, value: raw[1] };
  }
  const child = childRef(raw[1]);
  if (child === null) throw new TrieFormatError("an extension without a child");
  return { kind: EXTENSION, path, child };
}

/** A child as stored in its parent: empty, a hash, or a small node embedded whole. */
function childRef(raw: Raw): Ref | null {
  if (raw instanceof Uint8Array) return raw.length === 0 ? null : raw;
  const node = decode(raw);
  node.ref = raw;
  return node;
}

/** Hex-prefix encoding of a path (Yellow Paper, appendix C). */
function encodePath(path: Uint8Array, leaf: boolean): Uint8Array {
  const odd = path.length & 1;
  const bytes = new Uint8Array((path.length >> 1) + 1);
  bytes[0] = ((leaf ? 2 : 0) + odd) << 4;
  let i = 0;
  if (odd) bytes[0] |= path[i++];
  for (let b = 1; i < path.length; i += 2, b++) bytes[b] = (path[i] << 4) | path[i + 1];
  return bytes;
}

function isPut(write: TrieWrite): boolean {
  return write.value !== undefined;
}

function isEmptyRoot(root: Uint8Array): boolean {
  return equal(root, KECCAK256_RLP);
}

/** Length of the common prefix of `path` and `key` from `depth` on. */
function commonPrefix(path: Uint8Array, key: Uint8Array, depth: number): number {
  const length = Math.min(path.length, key.length - depth);
  let i = 0;
  while (i < length && path[i] === key[depth + i]) i++;
  return i;
}

function startsWith(key: Uint8Array, depth: number, path: Uint8Array): boolean {
  return commonPrefix(path, key, depth) === path.length;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
