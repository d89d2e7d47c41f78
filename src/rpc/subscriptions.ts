/**
 * eth_subscribe over WebSocket. One `SubscriptionHub` per server listens to chain events once and
 * fans each out to the connections that asked for it; each connection holds its own subscriptions
 * (bounded) and a way to send text. Notifications are serialized once per event, not per subscriber.
 */
import { randomBytes } from "node:crypto";
import type { Address, Hex } from "viem";
import type {
  ChainEvents,
  NewFinalHead,
  NewPendingTransaction,
  TopicFilter,
  Unsubscribe,
} from "./backend.js";
import { LimitExceededError } from "./errors.js";
import { formatHeader, formatLog, formatTransaction } from "./format.js";
import { logMatches } from "./log-filter.js";

export type Subscription =
  | { readonly kind: "newHeads" }
  | {
      readonly kind: "logs";
      readonly addresses?: readonly Address[];
      readonly topics?: readonly TopicFilter[];
    }
  | { readonly kind: "newPendingTransactions"; readonly fullTransactions: boolean };

/** What eth_subscribe / eth_unsubscribe see of their connection. */
export interface SubscriptionHost {
  subscribe(subscription: Subscription): Hex;
  unsubscribe(id: Hex): boolean;
}

export class ConnectionSubscriptions implements SubscriptionHost {
  readonly subscriptions = new Map<Hex, Subscription>();
  private holds = 0;
  private held: string[] = [];

  constructor(
    private readonly send: (text: string) => void,
    private readonly limit: number,
  ) {}

  subscribe(subscription: Subscription): Hex {
    if (this.subscriptions.size >= this.limit) {
      throw new LimitExceededError(`too many subscriptions on this connection: the limit is ${this.limit}`);
    }
    const id = `0x${randomBytes(16).toString("hex")}` as Hex;
    this.subscriptions.set(id, subscription);
    return id;
  }

  unsubscribe(id: Hex): boolean {
    return this.subscriptions.delete(id.toLowerCase() as Hex);
  }

  /**
   * While a request is being answered, notifications wait: a client must see the subscription id in
   * the eth_subscribe response before the first notification that carries it.
   */
  hold(): void {
    this.holds++;
  }

  release(): void {
    if (--this.holds > 0 || this.held.length === 0) return;
    const held = this.held;
    this.held = [];
    for (const text of held) this.send(text);
  }

  notify(id: Hex, resultJson: string): void {
    const text = `{"jsonrpc":"2.0","method":"eth_subscription","params":{"subscription":"${id}","result":${resultJson}}}`;
    if (this.holds > 0) this.held.push(text);
    else this.send(text);
  }
}

export class SubscriptionHub {
  private readonly connections = new Set<ConnectionSubscriptions>();
  private readonly unsubscribes: Unsubscribe[];

  constructor(events: ChainEvents) {
    this.unsubscribes = [
      events.onFinalHead((head) => this.onFinalHead(head)),
      events.onPendingTransaction((pending) => this.onPendingTransaction(pending)),
    ];
  }

  attach(send: (text: string) => void, limit: number): ConnectionSubscriptions {
    const connection = new ConnectionSubscriptions(send, limit);
    this.connections.add(connection);
    return connection;
  }

  detach(connection: ConnectionSubscriptions): void {
    this.connections.delete(connection);
  }

  close(): void {
    for (const unsubscribe of this.unsubscribes) unsubscribe();
    this.connections.clear();
  }

  private onFinalHead(head: NewFinalHead): void {
    let headerJson: string | undefined;
    let logJson: string[] | undefined;
    for (const connection of this.connections) {
      for (const [id, subscription] of connection.subscriptions) {
        if (subscription.kind === "newHeads") {
          headerJson ??= JSON.stringify(formatHeader(head.block));
          connection.notify(id, headerJson);
        } else if (subscription.kind === "logs") {
          logJson ??= head.logs.map((log) => JSON.stringify(formatLog(log)));
          for (let i = 0; i < head.logs.length; i++) {
            if (logMatches(head.logs[i], subscription.addresses, subscription.topics))
              connection.notify(id, logJson[i]);
          }
        }
      }
    }
  }

  private onPendingTransaction(pending: NewPendingTransaction): void {
    let hashJson: string | undefined;
    let fullJson: string | undefined;
    for (const connection of this.connections) {
      for (const [id, subscription] of connection.subscriptions) {
        if (subscription.kind !== "newPendingTransactions") continue;
        if (subscription.fullTransactions) {
          fullJson ??= JSON.stringify(formatTransaction(pending.transaction(), undefined));
          connection.notify(id, fullJson);
        } else {
          hashJson ??= JSON.stringify(pending.hash);
          connection.notify(id, hashJson);
        }
      }
    }
  }
}
