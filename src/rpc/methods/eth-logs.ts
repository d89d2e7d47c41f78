/** eth_getLogs: logs of final blocks by address and topics, over a bounded block range. */
import { z } from "zod";
import type { ChainLog } from "../backend.js";
import { ErrorCode, LimitExceededError, RpcError } from "../errors.js";
import { logsJson } from "../format.js";
import { resolveLogRange, toLogQuery } from "../log-filter.js";
import { defineMethod, type RpcContext } from "../method.js";
import { type LogFilterParams, logFilter } from "../params.js";

/** Shared by eth_getLogs and eth_getFilterLogs. */
export async function queryLogs(
  filter: LogFilterParams,
  { backend, options }: RpcContext,
): Promise<readonly ChainLog[]> {
  const chain = backend.chain;
  let range: { fromBlock: bigint; toBlock: bigint };
  if (filter.blockHash !== undefined) {
    const header = await chain.headerByHash(filter.blockHash);
    if (header === undefined) throw new RpcError(ErrorCode.server, "unknown block");
    range = { fromBlock: header.number, toBlock: header.number };
  } else {
    range = resolveLogRange(filter, chain, options.maxLogsBlockRange);
    if (range.fromBlock > range.toBlock) return [];
  }
  const logs = await chain.logs(toLogQuery(filter, range));
  if (logs.length > options.maxLogsResults) {
    throw new LimitExceededError(
      `query returned more than ${options.maxLogsResults} results; narrow the block range or the filter`,
    );
  }
  return logs;
}

export const ethLogMethods = [
  defineMethod("eth_getLogs", ["filter"], z.tuple([logFilter]), async ([filter], context) =>
    logsJson(await queryLogs(filter, context)),
  ),
];
