/**
 * Per-peer misbehaviour score. Pure bookkeeping on an injected clock: the host decides what to do when
 * a peer crosses the threshold (hang up, refuse it until the ban expires).
 *
 * Scores start at 0 and only go down; they decay back towards 0 with a half-life, so an honest peer that
 * once sent one odd message is not punished forever, while a peer that keeps sending garbage is banned.
 */

/** The misbehaviours the p2p layer detects, each with its own penalty. */
export type Offence =
  /** A frame larger than the protocol's limit. */
  | "oversized"
  /** Bytes that do not decode (framing or payload). */
  | "malformed"
  /** Decoded, but the injected verifier rejected it (bad signature, impossible content). */
  | "invalid"
  /** A consensus message from a peer outside the validator set. */
  | "unauthorized"
  /** A sync response the node found wrong, or a sync server that broke the protocol. */
  | "bad-response"
  /** A gossiped transaction the injected validator rejected. */
  | "rejected-tx";

export interface PeerScoreOptions {
  penalties: Record<Offence, number>;
  /** At or below this score a peer is banned. */
  banThreshold: number;
  banMs: number;
  /** Time for a negative score to halve. */
  halfLifeMs: number;
}

export const defaultPeerScoreOptions: PeerScoreOptions = {
  penalties: {
    oversized: 60,
    malformed: 40,
    invalid: 40,
    unauthorized: 20,
    "bad-response": 20,
    "rejected-tx": 10,
  },
  banThreshold: -100,
  banMs: 5 * 60_000,
  halfLifeMs: 60_000,
};

interface Entry {
  score: number;
  at: number;
  bannedUntil: number;
}

export interface PenaltyOutcome {
  score: number;
  /** True when this penalty caused the ban (not when the peer was banned already). */
  banned: boolean;
}

export class PeerScoreBook {
  readonly #options: PeerScoreOptions;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();

  constructor(options: Partial<PeerScoreOptions> = {}, now: () => number = Date.now) {
    this.#options = {
      ...defaultPeerScoreOptions,
      ...options,
      penalties: { ...defaultPeerScoreOptions.penalties, ...options.penalties },
    };
    this.#now = now;
  }

  penalize(peer: string, offence: Offence): PenaltyOutcome {
    const now = this.#now();
    const entry = this.#entries.get(peer) ?? { score: 0, at: now, bannedUntil: 0 };
    entry.score = this.#decayed(entry, now) - this.#options.penalties[offence];
    entry.at = now;
    const wasBanned = entry.bannedUntil > now;
    if (!wasBanned && entry.score <= this.#options.banThreshold) {
      entry.bannedUntil = now + this.#options.banMs;
      this.#entries.set(peer, entry);
      return { score: entry.score, banned: true };
    }
    this.#entries.set(peer, entry);
    return { score: entry.score, banned: false };
  }

  score(peer: string): number {
    const entry = this.#entries.get(peer);
    return entry === undefined ? 0 : this.#decayed(entry, this.#now());
  }

  isBanned(peer: string): boolean {
    return this.banRemainingMs(peer) > 0;
  }

  banRemainingMs(peer: string): number {
    const entry = this.#entries.get(peer);
    return entry === undefined ? 0 : Math.max(0, entry.bannedUntil - this.#now());
  }

  /** Drops entries that have decayed to nothing and are not banned, so the book stays small. */
  prune(): void {
    const now = this.#now();
    for (const [peer, entry] of this.#entries) {
      if (entry.bannedUntil <= now && this.#decayed(entry, now) > -1) this.#entries.delete(peer);
    }
  }

  #decayed(entry: Entry, now: number): number {
    const elapsed = Math.max(0, now - entry.at);
    return entry.score * 0.5 ** (elapsed / this.#options.halfLifeMs);
  }
}
