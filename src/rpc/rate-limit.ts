/** A token bucket per client IP: `callsPerSecond` refill, `burst` capacity. */
import type { Clock } from "./filter-registry.js";
import type { RateLimitOptions } from "./options.js";

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly capacity: number;

  constructor(
    private readonly options: RateLimitOptions,
    private readonly now: Clock = Date.now,
  ) {
    this.capacity = Math.max(options.burst, options.callsPerSecond);
  }

  get enabled(): boolean {
    return this.options.callsPerSecond > 0;
  }

  /** Take `calls` tokens for `ip`; false (and nothing taken) when the bucket holds fewer. */
  admit(ip: string, calls: number): boolean {
    if (!this.enabled) return true;
    const now = this.now();
    let bucket = this.buckets.get(ip);
    if (bucket === undefined) {
      bucket = { tokens: this.capacity, updatedAt: now };
      this.buckets.set(ip, bucket);
    } else {
      const refill = ((now - bucket.updatedAt) / 1000) * this.options.callsPerSecond;
      bucket.tokens = Math.min(this.capacity, bucket.tokens + refill);
      bucket.updatedAt = now;
    }
    if (bucket.tokens < calls) return false;
    bucket.tokens -= calls;
    return true;
  }

  /** Forget clients whose buckets have refilled: they are indistinguishable from new ones. */
  prune(): void {
    const now = this.now();
    for (const [ip, bucket] of this.buckets) {
      const refill = ((now - bucket.updatedAt) / 1000) * this.options.callsPerSecond;
      if (bucket.tokens + refill >= this.capacity) this.buckets.delete(ip);
    }
  }
}
