/** The in-memory twin of LevelStore for unit tests: same ordering (bytewise keys), same atomic batches. */
import {
  type Entry,
  type KeyValueStore,
  NAMESPACES,
  type Namespace,
  type NamespaceName,
  type NamespaceOp,
  type Range,
  type WriteBatch,
} from "./key-value.js";

/** latin1 maps each byte to one UTF-16 code unit, so string order is byte order. */
const toKey = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
const fromKey = (key: string) => new Uint8Array(Buffer.from(key, "latin1"));
const copy = (bytes: Uint8Array) => new Uint8Array(bytes);

class MemoryNamespace implements Namespace {
  readonly map = new Map<string, Uint8Array>();

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    const value = this.map.get(toKey(key));
    return value === undefined ? undefined : copy(value);
  }
  async put(key: Uint8Array, value: Uint8Array): Promise<void> {
    this.map.set(toKey(key), copy(value));
  }
  async del(key: Uint8Array): Promise<void> {
    this.map.delete(toKey(key));
  }
  async batch(ops: NamespaceOp[]): Promise<void> {
    for (const op of ops) {
      if (op.type === "put") this.map.set(toKey(op.key), copy(op.value));
      else this.map.delete(toKey(op.key));
    }
  }
  async *entries(range: Range = {}): AsyncIterable<Entry> {
    const gte = range.gte === undefined ? undefined : toKey(range.gte);
    const lt = range.lt === undefined ? undefined : toKey(range.lt);
    let keys = [...this.map.keys()].filter(
      (k) => (gte === undefined || k >= gte) && (lt === undefined || k < lt),
    );
    keys.sort();
    if (range.reverse === true) keys.reverse();
    if (range.limit !== undefined && range.limit >= 0) keys = keys.slice(0, range.limit);
    for (const key of keys) {
      const value = this.map.get(key);
      if (value !== undefined) yield [fromKey(key), copy(value)];
    }
  }
}

export class MemoryStore implements KeyValueStore {
  private readonly namespaces = new Map<NamespaceName, MemoryNamespace>(
    NAMESPACES.map((name) => [name, new MemoryNamespace()]),
  );

  namespace(name: NamespaceName): Namespace {
    return this.get(name);
  }

  batch(): WriteBatch {
    const ops: { name: NamespaceName; op: NamespaceOp }[] = [];
    const batch: WriteBatch = {
      put(name, key, value) {
        ops.push({ name, op: { type: "put", key, value: copy(value) } });
        return batch;
      },
      del(name, key) {
        ops.push({ name, op: { type: "del", key } });
        return batch;
      },
      get length() {
        return ops.length;
      },
      write: async () => {
        for (const { name, op } of ops) await this.get(name).batch([op]);
      },
    };
    return batch;
  }

  async close(): Promise<void> {}

  private get(name: NamespaceName): MemoryNamespace {
    const namespace = this.namespaces.get(name);
    if (namespace === undefined) throw new Error(`unknown namespace ${name}`);
    return namespace;
  }
}
