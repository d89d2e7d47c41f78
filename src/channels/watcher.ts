/**
 * Watches the adjudicator for challenges against channels it guards and answers a stale one (a state
 * older than the latest co-signed one) with `respond`, on its own. One watcher can guard many channels.
 */
import type { Hash, Hex } from "viem";
import { ChannelStatus } from "./abi.js";
import type { Adjudicator, ChallengedEvent } from "./adjudicator.js";
import type { SignedState } from "./types.js";

/** What the watcher needs of a channel: its id, its latest co-signed state, and a way to respond. */
export interface WatchedChannel {
  readonly id: Hex;
  readonly latest: SignedState | undefined;
  respond(): Promise<Hash>;
}

export interface WatcherEvents {
  /** A stale challenge was answered. */
  onResponded?: (channelId: Hex, registered: bigint, answered: bigint, txHash: Hash) => void;
  onError?: (channelId: Hex, error: unknown) => void;
}

export class ChannelWatcher {
  private readonly channels = new Map<string, WatchedChannel>();
  /** Channel ids with a response being sent, so one challenge is answered once. */
  private readonly answering = new Set<string>();
  private unwatch: (() => void) | undefined;

  constructor(
    private readonly adjudicator: Pick<Adjudicator, "watchChallenged" | "challengeOf">,
    private readonly events: WatcherEvents = {},
  ) {}

  /** Guards `channel` from now on, and answers at once a stale challenge already registered against it. */
  async watch(channel: WatchedChannel): Promise<void> {
    this.channels.set(channel.id.toLowerCase(), channel);
    if (this.unwatch === undefined)
      this.unwatch = this.adjudicator.watchChallenged((e) => this.onChallenged(e));
    const info = await this.adjudicator.challengeOf(channel.id);
    if (info.status === ChannelStatus.Challenged) {
      this.onChallenged({ channelId: channel.id, version: info.version, finalizesAt: info.finalizesAt });
    }
  }

  stop(): void {
    this.unwatch?.();
    this.unwatch = undefined;
    this.channels.clear();
  }

  private onChallenged(event: ChallengedEvent): void {
    const key = event.channelId.toLowerCase();
    const channel = this.channels.get(key);
    const latest = channel?.latest;
    if (channel === undefined || latest === undefined || latest.state.version <= event.version) return;
    if (this.answering.has(key)) return;
    this.answering.add(key);
    channel
      .respond()
      .then(
        (hash) => this.events.onResponded?.(channel.id, event.version, latest.state.version, hash),
        (err: unknown) => this.events.onError?.(channel.id, err),
      )
      .finally(() => this.answering.delete(key));
  }
}
