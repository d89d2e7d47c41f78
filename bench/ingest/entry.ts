/**
 * `npx tsx bench/ingest/entry.ts [--senders 100] [--transfers 20] [--rounds 5]`: the CPU the RPC entry
 * spends per transaction, alone: JSON-RPC batches of 200 `eth_sendRawTransaction` through the
 * JsonRpcProcessor, the method, the node's submitter (decode, sender recovery with its cache, pool
 * insert) into a TxPool over a fixed account state. No HTTP, no block production, no gossip: what
 * bench/ingest.ts cannot separate from block building on a shared machine. Each round uses fresh
 * senders (nothing cached), and the pool is emptied between rounds.
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import type { Address } from "viem";
import { SenderCache } from "../../src/crypto/senderCache.js";
import { SenderRecovery } from "../../src/crypto/senderRecovery.js";
import { createKairosCommon } from "../../src/execution/chain.js";
import { TxPool } from "../../src/mempool/index.js";
import { PoolTxSubmitter } from "../../src/node/rpc-backend/tx-submitter.js";
import type { RpcBackend } from "../../src/rpc/backend.js";
import { JsonRpcProcessor } from "../../src/rpc/jsonrpc.js";
import type { RpcContext } from "../../src/rpc/method.js";
import { ethSendMethods } from "../../src/rpc/methods/eth-send.js";
import { GWEI, KAIROS_CHAIN_ID, signerFromSeed, TxSigner } from "./workload.js";

const { values } = parseArgs({
  options: {
    senders: { type: "string", default: "100" },
    transfers: { type: "string", default: "20" },
    rounds: { type: "string", default: "5" },
  },
});
const SENDERS = Number(values.senders);
const TRANSFERS = Number(values.transfers);
const ROUNDS = Number(values.rounds);
const BATCH = 200;

const common = createKairosCommon(KAIROS_CHAIN_ID);
const signer = new TxSigner(KAIROS_CHAIN_ID);
const recovery = new SenderRecovery({ cache: new SenderCache() });

function newPool(): TxPool {
  return new TxPool({
    options: { chainId: KAIROS_CHAIN_ID, baseFee: GWEI },
    state: { nonce: async () => 0n, balance: async () => 10n ** 24n },
    recovery: { recover: (tx) => recovery.recover(tx).address },
  });
}

/** Batches of JSON-RPC bodies, round-robin over the senders, each sender's nonces in order. */
function bodies(round: number): string[] {
  const senders = Array.from({ length: SENDERS }, (_, i) => signerFromSeed(900_000 + round * SENDERS + i));
  const calls: string[] = [];
  for (let nonce = 0; nonce < TRANSFERS; nonce++) {
    for (const [i, s] of senders.entries()) {
      const to = `0x${(0xe0000 + i).toString(16).padStart(40, "0")}` as Address;
      const tx = signer.sign(s, {
        nonce: BigInt(nonce),
        to,
        value: 1n,
        maxFeePerGas: 100n * GWEI,
        maxPriorityFeePerGas: GWEI,
      });
      calls.push(
        JSON.stringify({
          jsonrpc: "2.0",
          id: calls.length,
          method: "eth_sendRawTransaction",
          params: [tx.raw],
        }),
      );
    }
  }
  const out: string[] = [];
  for (let i = 0; i < calls.length; i += BATCH) out.push(`[${calls.slice(i, i + BATCH).join(",")}]`);
  return out;
}

const processor = new JsonRpcProcessor(ethSendMethods, { maxBatchSize: 1_000, maxResponseBytes: 1 << 26 });
const results: number[] = [];
for (let round = 0; round < ROUNDS + 1; round++) {
  const batches = bodies(round);
  const pool = newPool();
  const submitter = new PoolTxSubmitter(common, pool, { publish: async () => undefined });
  const context = { backend: { submitter } as unknown as RpcBackend } as RpcContext;
  const before = process.cpuUsage();
  for (const body of batches) {
    const reply = await processor.handle(body, context);
    if (reply.body?.includes('"error"')) throw new Error(reply.body.slice(0, 300));
  }
  const used = process.cpuUsage(before);
  if (pool.size !== SENDERS * TRANSFERS) throw new Error(`pooled ${pool.size}`);
  // Round 0 warms the JIT up and is not counted.
  if (round > 0) results.push((used.user + used.system) / pool.size);
}
results.sort((a, b) => a - b);
console.log(
  `RPC entry, ${SENDERS * TRANSFERS} transfers from ${SENDERS} senders in batches of ${BATCH}, ${ROUNDS} rounds; ` +
    `load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
);
console.log(
  `CPU µs per transaction: median ${results[Math.floor(results.length / 2)].toFixed(1)}, min ${results[0].toFixed(1)}, max ${results[results.length - 1].toFixed(1)}`,
);
