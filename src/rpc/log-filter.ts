/** Log filter criteria: resolving their block range and matching a log against them. */
import type { Address, Hash } from "viem";
import type { ChainLog, ChainReader, LogQuery, TopicFilter } from "./backend.js";
import { blockNumberOf } from "./block-tag.js";
import { InvalidParamsError, LimitExceededError } from "./errors.js";
import type { LogFilterParams } from "./params.js";

/** Does `log` satisfy the address list and topic positions (null = any, list = any of)? */
export function logMatches(
  log: ChainLog,
  addresses: readonly Address[] | undefined,
  topics: readonly TopicFilter[] | undefined,
): boolean {
  // Addresses arrive lowercased from the params and in any case from the chain: compare case-blind.
  if (addresses !== undefined && addresses.length > 0) {
    const address = log.address.toLowerCase() as Address;
    if (!addresses.some((wanted) => wanted.toLowerCase() === address)) return false;
  }
  if (topics === undefined) return true;
  if (topics.length > log.topics.length) {
    // A position the log lacks can only be matched by a wildcard.
    for (let i = log.topics.length; i < topics.length; i++) if (topics[i] !== null) return false;
  }
  for (let i = 0; i < topics.length && i < log.topics.length; i++) {
    const wanted = topics[i];
    if (wanted === null) continue;
    const actual = log.topics[i];
    if (typeof wanted === "string") {
      if (wanted !== actual) return false;
    } else if (!(wanted as readonly Hash[]).includes(actual)) {
      return false;
    }
  }
  return true;
}

/**
 * The numeric range of a filter (fromBlock/toBlock default to latest), clamped to the head, checked
 * against the configured span limit. Callers with `blockHash` resolve that block instead.
 */
export function resolveLogRange(
  filter: LogFilterParams,
  chain: ChainReader,
  maxRange: bigint,
): { fromBlock: bigint; toBlock: bigint } {
  const head = chain.finalHead().number;
  const fromBlock = filter.fromBlock ? blockNumberOf(filter.fromBlock, chain) : head;
  let toBlock = filter.toBlock ? blockNumberOf(filter.toBlock, chain) : head;
  if (fromBlock > toBlock) throw new InvalidParamsError("invalid block range: fromBlock is after toBlock");
  if (toBlock > head) toBlock = head;
  const span = toBlock - fromBlock + 1n;
  if (span > maxRange) {
    throw new LimitExceededError(
      `block range too large: ${span} blocks requested (${fromBlock}..${toBlock}), the limit is ${maxRange}; narrow fromBlock/toBlock`,
    );
  }
  return { fromBlock, toBlock };
}

export function toLogQuery(filter: LogFilterParams, range: { fromBlock: bigint; toBlock: bigint }): LogQuery {
  const query: { -readonly [K in keyof LogQuery]: LogQuery[K] } = {
    fromBlock: range.fromBlock,
    toBlock: range.toBlock,
  };
  if (filter.addresses !== undefined) query.addresses = filter.addresses;
  if (filter.topics !== undefined) query.topics = filter.topics;
  return query;
}
