/** eth_subscribe / eth_unsubscribe: push notifications over WebSocket. */
import type { Hex } from "viem";
import { z } from "zod";
import { ErrorCode, InvalidParamsError, RpcError } from "../errors.js";
import { defineMethod, type RpcContext } from "../method.js";
import { logFilter } from "../params.js";
import type { Subscription, SubscriptionHost } from "../subscriptions.js";

const kind = z.enum(["newHeads", "logs", "newPendingTransactions"], {
  error: "expected newHeads, logs or newPendingTransactions",
});

function connectionOf(context: RpcContext): SubscriptionHost {
  if (context.connection === undefined) {
    throw new RpcError(
      ErrorCode.methodNotFound,
      "notifications not supported: subscribe over a WebSocket connection",
    );
  }
  return context.connection;
}

export const subscriptionMethods = [
  defineMethod(
    "eth_subscribe",
    ["subscriptionType", "options"],
    z.tuple([kind, z.unknown().optional()]),
    ([type, options], context) => {
      const connection = connectionOf(context);
      let subscription: Subscription;
      if (type === "newHeads") {
        subscription = { kind: "newHeads" };
      } else if (type === "newPendingTransactions") {
        if (options != null && typeof options !== "boolean") {
          throw new InvalidParamsError("invalid argument 1 (options): expected true for full transactions");
        }
        subscription = { kind: "newPendingTransactions", fullTransactions: options === true };
      } else {
        const parsed = logFilter.safeParse(options ?? {});
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new InvalidParamsError(
            `invalid argument 1 (filter): ${issue.path.join(".")}: ${issue.message}`,
          );
        }
        const filter = parsed.data;
        if (filter.fromBlock || filter.toBlock || filter.blockHash) {
          throw new InvalidParamsError(
            "invalid argument 1 (filter): a logs subscription takes only address and topics",
          );
        }
        subscription = { kind: "logs", addresses: filter.addresses, topics: filter.topics };
      }
      return connection.subscribe(subscription);
    },
  ),
  defineMethod(
    "eth_unsubscribe",
    ["subscriptionId"],
    z.tuple([z.string().regex(/^0x[0-9a-fA-F]{1,64}$/, "expected a subscription id")]),
    ([id], context) => connectionOf(context).unsubscribe(id as Hex),
  ),
];
