/**
 * Per-peer token buckets: each peer may spend `burst` tokens at once and regains `perSecond` a second.
 * Pure bookkeeping on an injected clock.
 */
export interface RateLimitOptions {
  perSecond: number;
  burst: number;
}

export class PeerRateLimiter {
  readonly #options: RateLimitOptions;
  readonly #now: () => number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(options: RateLimitOptions, now: () => number = Date.now) {
    this.#options = options;
    this.#now = now;
  }

  /** Takes one token from the peer's bucket; false when it is empty. */
  tryTake(peer: string): boolean {
    const now = this.#now();
    const bucket = this.#buckets.get(peer) ?? { tokens: this.#options.burst, at: now };
    bucket.tokens = Math.min(
      this.#options.burst,
      bucket.tokens + ((now - bucket.at) / 1000) * this.#options.perSecond,
    );
    bucket.at = now;
    this.#buckets.set(peer, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    // Keep the map small: full buckets carry no information.
    if (this.#buckets.size > 4096) {
      for (const [key, value] of this.#buckets)
        if (value.tokens >= this.#options.burst - 1) this.#buckets.delete(key);
    }
    return true;
  }
}
