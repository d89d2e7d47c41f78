/** Polled filters: install, poll for changes, read all logs, uninstall. Unpolled filters expire. */
import type { Hex } from "viem";
import { z } from "zod";
import { ErrorCode, RpcError } from "../errors.js";
import { formatLogs, logsJson } from "../format.js";
import { defineMethod } from "../method.js";
import { logFilter } from "../params.js";
import { queryLogs } from "./eth-logs.js";

const filterId = z
  .string({ error: "expected a filter id" })
  .regex(/^0x[0-9a-fA-F]{1,64}$/, "expected a 0x-prefixed hex filter id")
  .transform((s) => s.toLowerCase() as Hex);

class FilterNotFoundError extends RpcError {
  constructor() {
    super(ErrorCode.server, "filter not found");
    this.name = "FilterNotFoundError";
  }
}

const none = z.tuple([]);

export const filterMethods = [
  defineMethod("eth_newFilter", ["filter"], z.tuple([logFilter]), ([criteria], { filters }) =>
    filters.install({ kind: "logs", criteria }),
  ),
  defineMethod("eth_newBlockFilter", [], none, (_, { filters }) => filters.install({ kind: "blocks" })),
  defineMethod("eth_newPendingTransactionFilter", [], none, (_, { filters }) =>
    filters.install({ kind: "pendingTransactions" }),
  ),
  defineMethod("eth_getFilterChanges", ["filterId"], z.tuple([filterId]), ([id], { filters }) => {
    const changes = filters.takeChanges(id);
    if (changes === undefined) throw new FilterNotFoundError();
    return changes.kind === "logs" ? formatLogs(changes.backlog) : changes.backlog;
  }),
  defineMethod("eth_getFilterLogs", ["filterId"], z.tuple([filterId]), async ([id], context) => {
    const filter = context.filters.get(id);
    if (filter === undefined || filter.kind !== "logs") throw new FilterNotFoundError();
    return logsJson(await queryLogs(filter.criteria, context));
  }),
  defineMethod("eth_uninstallFilter", ["filterId"], z.tuple([filterId]), ([id], { filters }) =>
    filters.uninstall(id),
  ),
];
