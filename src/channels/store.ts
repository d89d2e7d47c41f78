/** Where a participant keeps what it has signed, so that a restart loses nothing it acknowledged. */
import type { Hex } from "viem";
import type { ChannelState, SignedState } from "./types.js";

export interface ChannelRecord {
  /** The highest state signed by every participant. */
  latest?: SignedState;
  /** A final state I have signed: once set, I sign nothing else in this channel. */
  signedFinal?: ChannelState;
  /**
   * At least the highest version I have ever signed (a proposer reserves a few versions ahead): I never
   * sign another state at that version or below, so nobody can hold two states of one version signed
   * by me. Saved before any signature of mine leaves.
   */
  highestSigned?: bigint;
}

export interface ChannelStore {
  load(channelId: Hex): Promise<ChannelRecord | undefined>;
  /** Resolves once the record is durable (as durable as the implementation promises). */
  save(channelId: Hex, record: ChannelRecord): Promise<void>;
  close(): Promise<void>;
}

/** Keeps records in a Map: survives a Channel being recreated, not the process. */
export class MemoryChannelStore implements ChannelStore {
  private readonly records = new Map<string, ChannelRecord>();

  async load(channelId: Hex): Promise<ChannelRecord | undefined> {
    return this.records.get(channelId.toLowerCase());
  }

  async save(channelId: Hex, record: ChannelRecord): Promise<void> {
    this.records.set(channelId.toLowerCase(), record);
  }

  async close(): Promise<void> {}
}

/**
 * Group commit: saves made in the same turn of the event loop, and those made while a write is in
 * flight, are coalesced and only the newest record is written. Each save() resolves once a record at
 * least as new is durable, in call order — so "persist, then acknowledge" costs one write per batch
 * of updates (a burst of messages handled in one turn) rather than one per update.
 */
export class CoalescingWriter {
  /** A write is scheduled or in flight. */
  private busy = false;
  private next:
    | { record: ChannelRecord; waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> }
    | undefined;

  constructor(
    private readonly store: ChannelStore,
    private readonly channelId: Hex,
  ) {}

  save(record: ChannelRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.next === undefined) this.next = { record, waiters: [] };
      this.next.record = record;
      this.next.waiters.push({ resolve, reject });
      if (!this.busy) {
        this.busy = true;
        // Start the write after this turn, so the rest of the burst being handled joins it.
        setImmediate(() => this.pump());
      }
    });
  }

  private pump(): void {
    const batch = this.next;
    if (batch === undefined) {
      this.busy = false;
      return;
    }
    this.next = undefined;
    this.store.save(this.channelId, batch.record).then(
      () => {
        for (const w of batch.waiters) w.resolve();
        this.pump();
      },
      (err: unknown) => {
        for (const w of batch.waiters) w.reject(err);
        this.pump();
      },
    );
  }
}
