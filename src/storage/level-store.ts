/** The node's one LevelDB database (classic-level), with a sublevel per namespace. */
import type { AbstractSublevel } from "abstract-level";
import { ClassicLevel } from "classic-level";
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

type Bytes = Uint8Array;
type Sublevel = AbstractSublevel<ClassicLevel<Bytes, Bytes>, string | Bytes | Buffer, Bytes, Bytes>;
const BINARY = { keyEncoding: "view", valueEncoding: "view" } as const;

/** classic-level hands out Buffers; callers get plain Uint8Arrays, as from the memory store. */
const plain = (bytes: Bytes): Bytes => new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);

class LevelNamespace implements Namespace {
  constructor(private readonly level: Sublevel) {}

  async get(key: Bytes): Promise<Bytes | undefined> {
    const value = await this.level.get(key);
    return value === undefined ? undefined : plain(value);
  }
  put(key: Bytes, value: Bytes): Promise<void> {
    return this.level.put(key, value);
  }
  del(key: Bytes): Promise<void> {
    return this.level.del(key);
  }
  batch(ops: NamespaceOp[]): Promise<void> {
    return this.level.batch(ops);
  }
  async *entries(range: Range = {}): AsyncIterable<Entry> {
    const options: { gte?: Bytes; lt?: Bytes; reverse?: boolean; limit?: number } = {};
    if (range.gte !== undefined) options.gte = range.gte;
    if (range.lt !== undefined) options.lt = range.lt;
    if (range.reverse !== undefined) options.reverse = range.reverse;
    if (range.limit !== undefined) options.limit = range.limit;
    for await (const [key, value] of this.level.iterator(options)) yield [plain(key), plain(value)];
  }
}

export class LevelStore implements KeyValueStore {
  private readonly sublevels: Map<NamespaceName, Sublevel>;

  private constructor(private readonly db: ClassicLevel<Bytes, Bytes>) {
    this.sublevels = new Map(NAMESPACES.map((name) => [name, db.sublevel<Bytes, Bytes>(name, BINARY)]));
  }

  /** Opens (creating if needed) the database at `path`. */
  static async open(path: string): Promise<LevelStore> {
    const db = new ClassicLevel<Bytes, Bytes>(path, BINARY);
    await db.open();
    return new LevelStore(db);
  }

  namespace(name: NamespaceName): Namespace {
    return new LevelNamespace(this.sublevel(name));
  }

  batch(): WriteBatch {
    const chained = this.db.batch();
    const sublevel = (name: NamespaceName) => this.sublevel(name);
    const batch: WriteBatch = {
      put(name, key, value) {
        chained.put(key, value, { sublevel: sublevel(name) });
        return batch;
      },
      del(name, key) {
        chained.del(key, { sublevel: sublevel(name) });
        return batch;
      },
      get length() {
        return chained.length;
      },
      write: () => chained.write(),
    };
    return batch;
  }

  close(): Promise<void> {
    return this.db.close();
  }

  private sublevel(name: NamespaceName): Sublevel {
    const level = this.sublevels.get(name);
    if (level === undefined) throw new Error(`unknown namespace ${name}`);
    return level;
  }
}
