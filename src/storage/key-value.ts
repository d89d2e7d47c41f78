/**
 * The smallest key-value interface the node's storage needs: named namespaces (LevelDB sublevels) and
 * batches that write to several namespaces atomically. Implemented over classic-level (level-store.ts)
 * and in memory (memory-store.ts) so that every repository runs unchanged in unit tests.
 */

/** The sublevels of DESIGN §5, plus `logs` (the log index by block number, for eth_getLogs). */
export const NAMESPACES = [
  "blocks",
  "heights",
  "receipts",
  "txindex",
  "logs",
  "votes",
  "nullifies",
  "certificates",
  "trie",
  "meta",
] as const;
export type NamespaceName = (typeof NAMESPACES)[number];

export type Entry = [key: Uint8Array, value: Uint8Array];

export interface Range {
  gte?: Uint8Array;
  lt?: Uint8Array;
  reverse?: boolean;
  limit?: number;
}

export type NamespaceOp =
  | { type: "put"; key: Uint8Array; value: Uint8Array }
  | { type: "del"; key: Uint8Array };

export interface Namespace {
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
  put(key: Uint8Array, value: Uint8Array): Promise<void>;
  del(key: Uint8Array): Promise<void>;
  /** Atomic within this namespace. */
  batch(ops: NamespaceOp[]): Promise<void>;
  entries(range?: Range): AsyncIterable<Entry>;
}

/** Collects writes to any namespaces; `write()` applies them all or none. */
export interface WriteBatch {
  put(namespace: NamespaceName, key: Uint8Array, value: Uint8Array): WriteBatch;
  del(namespace: NamespaceName, key: Uint8Array): WriteBatch;
  readonly length: number;
  write(): Promise<void>;
}

export interface KeyValueStore {
  namespace(name: NamespaceName): Namespace;
  batch(): WriteBatch;
  close(): Promise<void>;
}
