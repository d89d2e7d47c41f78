/**
 * One throughput run against any Ethereum JSON-RPC endpoint: send pre-signed transactions with
 * eth_sendRawTransaction (batches of 200, one batch in flight) while a watcher reads each new `latest`
 * block; a transaction counts when the block holding it is served (its receipt is readable from then).
 */
import type { Hex } from "viem";
import { rpcBatch, rpcCall, type SignedTx, sendRaw } from "./workload.js";

export interface RunResult {
  readonly count: number;
  /** First send to the last transaction's block. */
  readonly seconds: number;
  readonly txPerSecond: number;
  /** How long the sending alone took. */
  readonly submitSeconds: number;
  readonly refused: number;
  /** Per-transaction latency, send to block, in ms. */
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly blocks: number;
  readonly firstError?: string;
}

export async function measureThroughput(
  url: string,
  txs: readonly SignedTx[],
  timeoutMs = 300_000,
): Promise<RunResult> {
  const sentAt = new Map<Hex, number>();
  const landedAt = new Map<Hex, number>();
  let blocks = 0;
  let next = BigInt(await rpcCall<Hex>(url, "eth_blockNumber")) + 1n;
  const t0 = performance.now();
  let refused = 0;
  let firstError: string | undefined;
  const sending = (async () => {
    for (let i = 0; i < txs.length; i += 200) {
      const chunk = txs.slice(i, i + 200);
      const now = performance.now();
      for (const tx of chunk) sentAt.set(tx.hash, now);
      const answers = await sendRaw(url, chunk, 200);
      for (const answer of answers) {
        if (answer.error) {
          refused++;
          firstError ??= answer.error.message;
        }
      }
    }
    return performance.now();
  })();
  const wanted = new Set(txs.map((tx) => tx.hash));
  const deadline = Date.now() + timeoutMs;
  while (landedAt.size < wanted.size - refused || sentAt.size < wanted.size) {
    if (Date.now() > deadline)
      throw new Error(`only ${landedAt.size} of ${wanted.size} landed (${firstError ?? ""})`);
    const head = BigInt(await rpcCall<Hex>(url, "eth_blockNumber"));
    if (head < next) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
    const numbers: Hex[] = [];
    for (let n = next; n <= head; n++) numbers.push(`0x${n.toString(16)}`);
    const answers = await rpcBatch<{ transactions: Hex[] }>(
      url,
      numbers.map((n) => ({ method: "eth_getBlockByNumber", params: [n, false] })),
    );
    const now = performance.now();
    for (const answer of answers) {
      if (!answer.result) throw new Error(`block missing: ${answer.error?.message}`);
      blocks++;
      for (const hash of answer.result.transactions) if (wanted.has(hash)) landedAt.set(hash, now);
    }
    next = head + 1n;
  }
  const submitEnd = await sending;
  const last = Math.max(...landedAt.values());
  const latencies = [...landedAt].map(([hash, at]) => at - (sentAt.get(hash) ?? at)).sort((a, b) => a - b);
  const seconds = (last - t0) / 1000;
  return {
    count: landedAt.size,
    seconds,
    txPerSecond: landedAt.size / seconds,
    submitSeconds: (submitEnd - t0) / 1000,
    refused,
    p50Ms: latencies[Math.floor(latencies.length * 0.5)] ?? Number.NaN,
    p90Ms: latencies[Math.floor(latencies.length * 0.9)] ?? Number.NaN,
    blocks,
    firstError,
  };
}
