/**
 * One sender's transactions in nonce order, split into the executable prefix (pending) and the rest
 * (queued). Pending is the run of consecutive nonces starting at the account's final nonce whose
 * cumulative cost the balance covers; a nonce gap or a shortfall ends it.
 */
import type { Address } from "viem";
import type { AccountState, PoolTransaction } from "./types.js";

/** A pooled transaction with the pool's bookkeeping. */
export interface PoolEntry extends PoolTransaction {
  /** Whether `pending` has been emitted for it (at most once per transaction). */
  announced: boolean;
}

export class SenderTransactions {
  /** Ordered by nonce; every nonce is at or above `account.nonce`. */
  readonly entries: PoolEntry[] = [];
  /** Length of the executable prefix of `entries`. */
  pendingCount = 0;
  /** Sum of the costs of the pending prefix. */
  private pendingCost = 0n;
  /** Entries before this index and inside the pending prefix have been announced. */
  private announcedBelow = 0;

  constructor(
    /** Lowercase sender address, shared by all its entries. */
    readonly address: Address,
    public account: AccountState,
  ) {}

  get count(): number {
    return this.entries.length;
  }

  get queuedCount(): number {
    return this.entries.length - this.pendingCount;
  }

  /** The highest-nonce transaction: the only one that can leave without opening a nonce gap. */
  tail(): PoolEntry | undefined {
    return this.entries[this.entries.length - 1];
  }

  /** Index of `nonce`, or where it would go (as `-(insertionPoint) - 1`). */
  private search(nonce: bigint): number {
    const entries = this.entries;
    // Fast path: appends at the tail are by far the most common.
    const last = entries.length - 1;
    if (last < 0 || entries[last].nonce < nonce) return -entries.length - 1;
    let lo = 0;
    let hi = last;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const n = entries[mid].nonce;
      if (n < nonce) lo = mid + 1;
      else if (n > nonce) hi = mid - 1;
      else return mid;
    }
    return -lo - 1;
  }

  get(nonce: bigint): PoolEntry | undefined {
    const i = this.search(nonce);
    return i >= 0 ? this.entries[i] : undefined;
  }

  /** Whether `entry` would be executable right away, in place of any entry with its nonce. */
  wouldBePending(entry: PoolTransaction): boolean {
    const i = this.search(entry.nonce);
    const index = i >= 0 ? i : -i - 1;
    if (index > this.pendingCount) return false;
    if (entry.nonce !== this.account.nonce + BigInt(index)) return false;
    let cost = entry.cost;
    for (let k = 0; k < index; k++) cost += this.entries[k].cost;
    return cost <= this.account.balance;
  }

  /** Insert, or replace the entry with the same nonce. Returns the replaced entry. Re-sorts the split. */
  put(entry: PoolEntry): PoolEntry | undefined {
    const i = this.search(entry.nonce);
    if (i >= 0) {
      const replaced = this.entries[i];
      this.entries[i] = entry;
      this.announcedBelow = Math.min(this.announcedBelow, i);
      this.reclassify(i);
      return replaced;
    }
    const index = -i - 1;
    if (index === this.entries.length) this.entries.push(entry);
    else this.entries.splice(index, 0, entry);
    this.announcedBelow = Math.min(this.announcedBelow, index);
    this.reclassify(index);
    return undefined;
  }

  /** Remove the highest-nonce entry. */
  popTail(): PoolEntry | undefined {
    const entry = this.entries.pop();
    if (entry !== undefined && this.pendingCount > this.entries.length) {
      this.pendingCount = this.entries.length;
      this.pendingCost -= entry.cost;
    }
    return entry;
  }

  /** Remove the entry with this nonce; later nonces wait behind the gap (queued). */
  remove(nonce: bigint): PoolEntry | undefined {
    const i = this.search(nonce);
    if (i < 0) return undefined;
    const [entry] = this.entries.splice(i, 1);
    if (i < this.pendingCount) {
      // Everything from the gap on is queued now; the prefix before it is unchanged.
      this.pendingCount = 0;
      this.pendingCost = 0n;
      this.reclassify(0);
    }
    this.announcedBelow = Math.min(this.announcedBelow, this.pendingCount);
    return entry;
  }

  /** Adopt the final state: drop entries below the final nonce (returned) and re-sort the split. */
  setAccount(account: AccountState): PoolEntry[] {
    this.account = account;
    let stale = 0;
    while (stale < this.entries.length && this.entries[stale].nonce < account.nonce) stale++;
    const removed = stale > 0 ? this.entries.splice(0, stale) : [];
    this.announcedBelow = 0;
    this.reclassify(0);
    return removed;
  }

  /**
   * Recompute the pending prefix after a change at `changed`. Entries before min(changed, pendingCount)
   * keep their status, so appends cost O(1).
   */
  private reclassify(changed: number): void {
    let index: number;
    let cost: bigint;
    if (changed >= this.pendingCount) {
      index = this.pendingCount;
      cost = this.pendingCost;
    } else {
      index = 0;
      cost = 0n;
    }
    const { nonce, balance } = this.account;
    const entries = this.entries;
    while (index < entries.length) {
      const entry = entries[index];
      if (entry.nonce !== nonce + BigInt(index)) break;
      const next = cost + entry.cost;
      if (next > balance) break;
      cost = next;
      index++;
    }
    this.pendingCount = index;
    this.pendingCost = cost;
  }

  /** Pending entries not yet announced; marks them announced. */
  takeUnannounced(): PoolEntry[] {
    const fresh: PoolEntry[] = [];
    for (let i = Math.min(this.announcedBelow, this.pendingCount); i < this.pendingCount; i++) {
      const entry = this.entries[i];
      if (!entry.announced) {
        entry.announced = true;
        fresh.push(entry);
      }
    }
    this.announcedBelow = this.pendingCount;
    return fresh;
  }
}
