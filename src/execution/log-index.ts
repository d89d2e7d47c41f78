/**
 * The log index behind eth_getLogs. Each final block gets one record, by number, written in the batch
 * that makes it final: what a log query answers with (block hash, each logging transaction's hash and
 * index, its logs) and the header's logs bloom. A range query therefore reads one ordered scan of small
 * records, never decodes a block nor hashes a transaction, and skips blocks the bloom rules out.
 * Decoded records are kept in memory (final blocks never change), bounded by their number of logs.
 *
 * Record layout: block hash (32 bytes), then 0 for a block without logs, or 1, the logs bloom
 * (256 bytes) and RLP([[transactionIndex, transactionHash, logs], …]) over the transactions that logged.
 */
import type { Log } from "@ethereumjs/evm";
import { RLP } from "@ethereumjs/rlp";
import { bigIntToUnpaddedBytes, bytesToBigInt } from "@ethereumjs/util";
import { type Address, bytesToHex, checksumAddress, type Hash, type Hex, hexToBytes, keccak256 } from "viem";
import type { LogIndexRepository, WriteBatch } from "../storage/index.js";

const HASH_BYTES = 32;
const BLOOM_BYTES = 256;
const LOGS_START = HASH_BYTES + 1 + BLOOM_BYTES;

/** What a block contributes to the index: its hash, bloom and each transaction's hash and logs. */
export interface BlockLogs {
  hash: Uint8Array;
  logsBloom: Uint8Array;
  transactions: readonly { hash: Uint8Array; logs: readonly Log[] }[];
}

export interface ChainLog {
  address: Address;
  topics: Hash[];
  data: Hex;
  blockNumber: bigint;
  blockHash: Hash;
  transactionHash: Hash;
  transactionIndex: number;
  /** Index of the log in its block. */
  logIndex: number;
}

/** `null` matches anything; a list matches any of its members (an empty list: anything). */
export type TopicFilter = Hex | readonly Hex[] | null;

export interface LogFilter {
  /** Empty or absent: any address. */
  addresses?: readonly Address[];
  topics?: readonly TopicFilter[];
}

export function encodeLogRecord({ hash, logsBloom, transactions }: BlockLogs): Uint8Array {
  const logged: [Uint8Array, Uint8Array, readonly Log[]][] = [];
  transactions.forEach((tx, index) => {
    if (tx.logs.length > 0) logged.push([bigIntToUnpaddedBytes(BigInt(index)), tx.hash, tx.logs]);
  });
  if (logged.length === 0) {
    const record = new Uint8Array(HASH_BYTES + 1);
    record.set(hash);
    return record;
  }
  const body = RLP.encode(logged as unknown as Uint8Array[]);
  const record = new Uint8Array(LOGS_START + body.length);
  record.set(hash);
  record[HASH_BYTES] = 1;
  record.set(logsBloom, HASH_BYTES + 1);
  record.set(body, LOGS_START);
  return record;
}

/** A decoded record: the block's logs with the lowercase address each is matched by. */
interface BlockLogEntry {
  /** `undefined` for a block without logs. */
  readonly bloom: Uint8Array | undefined;
  readonly logs: readonly { readonly log: ChainLog; readonly address: string }[];
}

const NO_LOGS: BlockLogEntry = { bloom: undefined, logs: [] };

function decodeLogRecord(number: bigint, record: Uint8Array): BlockLogEntry {
  if (record[HASH_BYTES] !== 1) return NO_LOGS;
  const blockHash = bytesToHex(record.subarray(0, HASH_BYTES));
  const rows = RLP.decode(record.subarray(LOGS_START)) as unknown as [Uint8Array, Uint8Array, Log[]][];
  const logs: { log: ChainLog; address: string }[] = [];
  for (const [index, hash, txLogs] of rows) {
    const transactionIndex = Number(bytesToBigInt(index));
    const transactionHash = bytesToHex(hash);
    for (const [address, topics, data] of txLogs) {
      const lower = bytesToHex(address);
      logs.push({
        address: lower,
        log: {
          address: checksumAddress(lower),
          topics: topics.map((topic) => bytesToHex(topic)),
          data: bytesToHex(data),
          blockNumber: number,
          blockHash,
          transactionHash,
          transactionIndex,
          logIndex: logs.length,
        },
      });
    }
  }
  return { bloom: record.slice(HASH_BYTES + 1, LOGS_START), logs };
}

/** The three bloom bits of a value, as (byte offset, mask) pairs (the Ethereum logs bloom). */
type BloomBits = readonly number[];

function bloomBits(value: Hex): BloomBits {
  const hashed = hexToBytes(keccak256(value));
  const bits: number[] = [];
  for (let i = 0; i < 3; i++) {
    const bit = ((hashed[2 * i] << 8) | hashed[2 * i + 1]) & 2047;
    bits.push(BLOOM_BYTES - 1 - (bit >> 3), 1 << (bit & 7));
  }
  return bits;
}

/** Any of these lowercase values, with their bloom bits; `undefined` stands for no constraint. */
interface Alternatives {
  readonly values: readonly string[];
  readonly bits: readonly BloomBits[];
}

function alternatives(options: readonly Hex[]): Alternatives | undefined {
  if (options.length === 0) return undefined;
  const values = options.map((option) => option.toLowerCase());
  return { values, bits: values.map((value) => bloomBits(value as Hex)) };
}

function anyInBloom({ bits }: Alternatives, bloom: Uint8Array): boolean {
  return bits.some(
    (b) => (bloom[b[0]] & b[1]) !== 0 && (bloom[b[2]] & b[3]) !== 0 && (bloom[b[4]] & b[5]) !== 0,
  );
}

/** A filter compiled once per query: bloom bits hashed once, then string comparisons per log. */
class LogMatcher {
  private readonly addresses: Alternatives | undefined;
  /** Per topic position; `undefined` is a wildcard. */
  private readonly topics: readonly (Alternatives | undefined)[];

  constructor(filter: LogFilter) {
    this.addresses = alternatives(filter.addresses ?? []);
    this.topics = (filter.topics ?? []).map((position) =>
      position === null ? undefined : alternatives(typeof position === "string" ? [position] : position),
    );
  }

  /** Appends the matching logs of a block. */
  collect(entry: BlockLogEntry, out: ChainLog[]): void {
    if (entry.bloom === undefined || !this.bloomMayMatch(entry.bloom)) return;
    for (const { log, address } of entry.logs) if (this.matches(address, log.topics)) out.push(log);
  }

  private bloomMayMatch(bloom: Uint8Array): boolean {
    if (this.addresses !== undefined && !anyInBloom(this.addresses, bloom)) return false;
    for (const position of this.topics) {
      if (position !== undefined && !anyInBloom(position, bloom)) return false;
    }
    return true;
  }

  private matches(address: string, topics: readonly string[]): boolean {
    if (this.addresses !== undefined && !this.addresses.values.includes(address)) return false;
    for (let i = 0; i < this.topics.length; i++) {
      const position = this.topics[i];
      if (position === undefined) continue;
      const topic = topics[i];
      // A position the log lacks can only be matched by a wildcard.
      if (topic === undefined || !position.values.includes(topic)) return false;
    }
    return true;
  }
}

/** How many logs (plus one per block) the decoded-record cache holds. */
const CACHED_WEIGHT = 50_000;

export class LogIndex {
  /** Decoded records by block number (a Number: bigint keys hash slowly), oldest first (evicted first). */
  private readonly cache = new Map<number, BlockLogEntry>();
  private cachedWeight = 0;

  constructor(private readonly repository: LogIndexRepository) {}

  stage(batch: WriteBatch, number: bigint, block: BlockLogs): void {
    this.repository.stage(batch, number, encodeLogRecord(block));
  }

  /** The highest block number indexed, if any. */
  highest(): Promise<bigint | undefined> {
    return this.repository.highest();
  }

  /** Logs of blocks `from`..`to` matching `filter`, in chain order. */
  async query(from: bigint, to: bigint, filter: LogFilter): Promise<ChainLog[]> {
    const entries = await this.entries(from, to);
    const matcher = new LogMatcher(filter);
    const found: ChainLog[] = [];
    for (const entry of entries) matcher.collect(entry, found);
    return found;
  }

  /** The records of `from`..`to` in order: cached ones as they are, the rest read in one scan. */
  private async entries(from: bigint, to: bigint): Promise<BlockLogEntry[]> {
    const entries: BlockLogEntry[] = [];
    let firstMissing: bigint | undefined;
    let lastMissing = from;
    for (let number = from; number <= to; number++) {
      const cached = this.cache.get(Number(number));
      if (cached === undefined) {
        firstMissing ??= number;
        lastMissing = number;
      }
      entries.push(cached ?? NO_LOGS);
    }
    if (firstMissing !== undefined) {
      for await (const [number, record] of this.repository.range(firstMissing, lastMissing)) {
        const offset = Number(number - from);
        if (this.cache.has(Number(number))) continue;
        const entry = decodeLogRecord(number, record);
        entries[offset] = entry;
        this.remember(number, entry);
      }
    }
    return entries;
  }

  private remember(number: bigint, entry: BlockLogEntry): void {
    this.cache.set(Number(number), entry);
    this.cachedWeight += 1 + entry.logs.length;
    for (const [oldest, old] of this.cache) {
      if (this.cachedWeight <= CACHED_WEIGHT) break;
      this.cache.delete(oldest);
      this.cachedWeight -= 1 + old.logs.length;
    }
  }
}
