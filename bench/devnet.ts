/**
 * `npx tsx bench/devnet.ts [--empty-ms 50] [--senders 200] [--transfers 25]`: a 6-validator devnet of
 * `kairos node` processes (TestDevnet): views per second with empty blocks, send-to-final-receipt
 * latency at light load (one transfer at a time), and finalized transfers per second at saturation;
 * then, from each validator's /metrics, where the time went (CPU per process, event-loop lag, view and
 * finalization times).
 */
import { parseArgs } from "node:util";
import type { Address, Hex } from "viem";
import { TestDevnet } from "../test/e2e/helpers/devnet.js";
import { measureThroughput } from "./ingest/measure.js";
import {
  devSigners,
  GWEI,
  KAIROS_CHAIN_ID,
  rpcBatch,
  rpcCall,
  type SignedTx,
  sendRaw,
  signerFromSeed,
  TxSigner,
  USDC,
  waitForReceipts,
} from "./ingest/workload.js";

const { values } = parseArgs({
  options: {
    "empty-ms": { type: "string", default: "50" },
    senders: { type: "string", default: "200" },
    transfers: { type: "string", default: "25" },
    light: { type: "string", default: "40" },
  },
});
const VALIDATORS = 6;
const FEES = { maxFeePerGas: 100n * GWEI, maxPriorityFeePerGas: GWEI };
const signer = new TxSigner(KAIROS_CHAIN_ID);
const devs = devSigners();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function metrics(devnet: TestDevnet, i: number): Promise<Map<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${devnet.ports.metrics + i}/metrics`)).text();
  const values = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || line.trim() === "") continue;
    const name = line.slice(0, line.search(/[ {]/));
    values.set(name, (values.get(name) ?? 0) + Number(line.slice(line.lastIndexOf(" ") + 1)));
  }
  return values;
}

async function allMetrics(devnet: TestDevnet) {
  return Promise.all(Array.from({ length: VALIDATORS }, (_, i) => metrics(devnet, i)));
}

function describeWindow(
  label: string,
  before: Map<string, number>[],
  after: Map<string, number>[],
  seconds: number,
) {
  const delta = (i: number, name: string) => (after[i].get(name) ?? 0) - (before[i].get(name) ?? 0);
  const cpu = Array.from(
    { length: VALIDATORS },
    (_, i) => delta(i, "kairos_process_process_cpu_seconds_total") / seconds,
  );
  const lag = after.map(
    (m) => (m.get("kairos_process_nodejs_eventloop_lag_p99_seconds") ?? Number.NaN) * 1000,
  );
  const mean = (name: string) => {
    const s = Array.from({ length: VALIDATORS }, (_, i) => delta(i, `${name}_sum`)).reduce(
      (a, b) => a + b,
      0,
    );
    const c = Array.from({ length: VALIDATORS }, (_, i) => delta(i, `${name}_count`)).reduce(
      (a, b) => a + b,
      0,
    );
    return c > 0 ? `${((s / c) * 1000).toFixed(0)} ms (${c})` : "—";
  };
  const views = delta(0, "kairos_consensus_current_view");
  const nullifies = Array.from({ length: VALIDATORS }, (_, i) =>
    delta(i, "kairos_consensus_nullifies_sent_total"),
  );
  console.log(`\n## ${label} (${seconds.toFixed(1)} s)`);
  console.log(
    `views/s (validator 0): ${(views / seconds).toFixed(2)}; finalized blocks/s: ${(delta(0, "kairos_chain_finalized_height") / seconds).toFixed(2)}`,
  );
  console.log(
    `CPU cores used per validator: ${cpu.map((c) => c.toFixed(2)).join(" ")} (sum ${cpu.reduce((a, b) => a + b, 0).toFixed(2)} of 2 on this machine)`,
  );
  console.log(`event-loop lag p99 per validator, ms: ${lag.map((l) => l.toFixed(0)).join(" ")}`);
  console.log(
    `mean view time ${mean("kairos_consensus_view_seconds")}; mean finalization time ${mean("kairos_consensus_finalization_seconds")}`,
  );
  console.log(`nullifies sent per validator: ${nullifies.join(" ")}`);
}

const devnet = await TestDevnet.create({
  validators: VALIDATORS,
  emptyBlockIntervalMs: Number(values["empty-ms"]),
});
devnet.startAll();
try {
  const everyone = Array.from({ length: VALIDATORS }, (_, i) => i);
  await devnet.waitForHeight(3, everyone, 180_000);
  const url = (i: number) => `http://127.0.0.1:${devnet.ports.rpc + i}`;

  // 1. Empty blocks.
  let before = await allMetrics(devnet);
  let t = performance.now();
  await sleep(15_000);
  describeWindow(
    `empty blocks, empty-block interval ${values["empty-ms"]} ms`,
    before,
    await allMetrics(devnet),
    (performance.now() - t) / 1000,
  );

  // 2. Light load: one transfer at a time, sent to validator k % 6, receipt read from the same one.
  const latencies: number[] = [];
  const nonces = await rpcBatch<Hex>(
    url(0),
    devs.map((d) => ({ method: "eth_getTransactionCount", params: [d.address, "pending"] })),
  );
  before = await allMetrics(devnet);
  t = performance.now();
  for (let k = 0; k < Number(values.light); k++) {
    const d = k % devs.length;
    const tx = signer.sign(devs[d], {
      nonce: BigInt(nonces[d].result ?? "0x0") + BigInt(Math.floor(k / devs.length)),
      to: devs[(d + 1) % devs.length].address,
      value: 1n,
      ...FEES,
    });
    const start = performance.now();
    const [answer] = await sendRaw(url(k % VALIDATORS), [tx]);
    if (answer.error) throw new Error(answer.error.message);
    for (;;) {
      const receipt = await rpcCall<unknown>(url(k % VALIDATORS), "eth_getTransactionReceipt", [tx.hash]);
      if (receipt) break;
      await sleep(10);
    }
    latencies.push(performance.now() - start);
  }
  describeWindow("light load", before, await allMetrics(devnet), (performance.now() - t) / 1000);
  latencies.sort((a, b) => a - b);
  const pick = (q: number) => latencies[Math.floor(latencies.length * q)].toFixed(0);
  console.log(
    `send → final receipt over ${latencies.length} transfers: p50 ${pick(0.5)} ms, p90 ${pick(0.9)} ms, max ${pick(0.999)} ms`,
  );

  // 3. Saturation: many funded senders, pre-signed transfers, all sent to validator 0 (gossip spreads them).
  const senders = Array.from({ length: Number(values.senders) }, (_, i) => signerFromSeed(90_000 + i));
  const next = await rpcBatch<Hex>(
    url(0),
    devs.map((d) => ({ method: "eth_getTransactionCount", params: [d.address, "pending"] })),
  );
  const funding = senders.map((s, i) =>
    signer.sign(devs[i % 10], {
      nonce: BigInt(next[i % 10].result ?? "0x0") + BigInt(Math.floor(i / 10)),
      to: s.address,
      value: USDC,
      ...FEES,
    }),
  );
  const refused = (await sendRaw(url(0), funding)).find((a) => a.error);
  if (refused) throw new Error(refused.error?.message);
  await waitForReceipts(
    url(0),
    funding.map((tx) => tx.hash),
    { timeoutMs: 300_000, pollMs: 250 },
  );
  const txs: SignedTx[] = [];
  for (let k = 0; k < Number(values.transfers); k++) {
    for (const [i, s] of senders.entries()) {
      const to =
        `0x00000000000000000000000000000000000d${(i % 4096).toString(16).padStart(4, "0")}` as Address;
      txs.push(signer.sign(s, { nonce: BigInt(k), to, value: 1n, ...FEES }));
    }
  }
  before = await allMetrics(devnet);
  t = performance.now();
  const run = await measureThroughput(url(0), txs, 600_000);
  describeWindow("saturation", before, await allMetrics(devnet), (performance.now() - t) / 1000);
  console.log(
    `finalized ${run.count} transfers in ${run.seconds.toFixed(1)} s: ${run.txPerSecond.toFixed(0)} tx/s (sending took ${run.submitSeconds.toFixed(1)} s; send→block p50 ${run.p50Ms.toFixed(0)} ms, p90 ${run.p90Ms.toFixed(0)} ms; ${run.blocks} blocks; ${run.refused} refused)`,
  );
} finally {
  await devnet.stop();
}
