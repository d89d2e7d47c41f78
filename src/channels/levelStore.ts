/** A ChannelStore on LevelDB (classic-level): one JSON record per channel under `channel:<id>`. */
import { ClassicLevel } from "classic-level";
import type { Hex } from "viem";
import { decodeRecord, encodeRecord } from "./codec.js";
import type { ChannelRecord, ChannelStore } from "./store.js";

export interface LevelChannelStoreOptions {
  /**
   * fsync every write. Off by default: a write then survives the process being killed (it is in the
   * OS's buffers) but not a power cut. Turn it on when the machine itself may fail.
   */
  sync?: boolean;
}

export class LevelChannelStore implements ChannelStore {
  private constructor(
    private readonly db: ClassicLevel<string, string>,
    private readonly sync: boolean,
  ) {}

  static async open(location: string, options: LevelChannelStoreOptions = {}): Promise<LevelChannelStore> {
    const db = new ClassicLevel<string, string>(location, { valueEncoding: "utf8" });
    await db.open();
    return new LevelChannelStore(db, options.sync ?? false);
  }

  async load(channelId: Hex): Promise<ChannelRecord | undefined> {
    const text = await this.db.get(key(channelId));
    return text === undefined ? undefined : decodeRecord(text);
  }

  async save(channelId: Hex, record: ChannelRecord): Promise<void> {
    await this.db.put(key(channelId), encodeRecord(record), { sync: this.sync });
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

const key = (channelId: Hex): string => `channel:${channelId.toLowerCase()}`;
