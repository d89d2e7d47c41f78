/**
 * Polled filters (eth_newFilter, eth_newBlockFilter, eth_newPendingTransactionFilter): each buffers
 * what happened since its last poll. A filter nobody polls within the timeout is removed, and a
 * backlog beyond its bound drops the oldest entries, so forgotten filters cannot grow without end.
 */
import { randomBytes } from "node:crypto";
import type { Hash, Hex } from "viem";
import type { ChainEvents, ChainLog, NewFinalHead, Unsubscribe } from "./backend.js";
import { LimitExceededError } from "./errors.js";
import { logMatches } from "./log-filter.js";
import type { LogFilterParams } from "./params.js";

export type Filter =
  | { readonly kind: "logs"; readonly criteria: LogFilterParams; lastPolled: number; backlog: ChainLog[] }
  | { readonly kind: "blocks"; lastPolled: number; backlog: Hash[] }
  | { readonly kind: "pendingTransactions"; lastPolled: number; backlog: Hash[] };

export interface FilterRegistryOptions {
  readonly maxFilters: number;
  readonly filterTimeoutMs: number;
  readonly maxFilterBacklog: number;
}

export type Clock = () => number;

export class FilterRegistry {
  private readonly filters = new Map<Hex, Filter>();
  private readonly unsubscribes: Unsubscribe[];
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    events: ChainEvents,
    private readonly options: FilterRegistryOptions,
    private readonly now: Clock = Date.now,
  ) {
    this.unsubscribes = [
      events.onFinalHead((head) => this.onFinalHead(head)),
      events.onPendingTransaction((pending) => this.onPendingTransaction(pending.hash)),
    ];
    this.sweeper = setInterval(() => this.sweep(), Math.min(options.filterTimeoutMs, 60_000));
    this.sweeper.unref();
  }

  install(
    filter: { kind: "logs"; criteria: LogFilterParams } | { kind: "blocks" | "pendingTransactions" },
  ): Hex {
    if (this.filters.size >= this.options.maxFilters) {
      throw new LimitExceededError(`too many filters: the limit is ${this.options.maxFilters}`);
    }
    const id = `0x${randomBytes(16).toString("hex")}` as Hex;
    const lastPolled = this.now();
    this.filters.set(
      id,
      filter.kind === "logs"
        ? { kind: "logs", criteria: filter.criteria, lastPolled, backlog: [] }
        : { kind: filter.kind, lastPolled, backlog: [] },
    );
    return id;
  }

  get(id: Hex): Filter | undefined {
    const filter = this.filters.get(id.toLowerCase() as Hex);
    if (filter !== undefined) filter.lastPolled = this.now();
    return filter;
  }

  /** What the filter saw since the last poll, emptying its backlog. */
  takeChanges(id: Hex): Filter | undefined {
    const filter = this.get(id);
    if (filter === undefined) return undefined;
    const taken = { ...filter } as Filter;
    filter.backlog = [];
    return taken;
  }

  uninstall(id: Hex): boolean {
    return this.filters.delete(id.toLowerCase() as Hex);
  }

  get size(): number {
    return this.filters.size;
  }

  /** Remove filters not polled within the timeout. */
  sweep(): void {
    const expired = this.now() - this.options.filterTimeoutMs;
    for (const [id, filter] of this.filters) if (filter.lastPolled <= expired) this.filters.delete(id);
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const unsubscribe of this.unsubscribes) unsubscribe();
    this.filters.clear();
  }

  private onFinalHead(head: NewFinalHead): void {
    if (this.filters.size === 0) return;
    const number = head.block.number;
    for (const filter of this.filters.values()) {
      if (filter.kind === "blocks") {
        this.push(filter.backlog, head.block.hash);
      } else if (filter.kind === "logs") {
        const { criteria } = filter;
        if (criteria.blockHash !== undefined && criteria.blockHash !== head.block.hash) continue;
        if (criteria.fromBlock?.kind === "number" && number < criteria.fromBlock.number) continue;
        if (criteria.toBlock?.kind === "number" && number > criteria.toBlock.number) continue;
        for (const log of head.logs) {
          if (logMatches(log, criteria.addresses, criteria.topics)) this.push(filter.backlog, log);
        }
      }
    }
  }

  private onPendingTransaction(hash: Hash): void {
    for (const filter of this.filters.values()) {
      if (filter.kind === "pendingTransactions") this.push(filter.backlog, hash);
    }
  }

  private push<T>(backlog: T[], item: T): void {
    backlog.push(item);
    if (backlog.length > this.options.maxFilterBacklog)
      backlog.splice(0, backlog.length - this.options.maxFilterBacklog);
  }
}
