/**
 * `npx tsx bench/devnet.ts [--empty-ms 50] [--senders 200] [--transfers 25] [--trace]
 * [--phases empty,light,saturation]`: a 6-validator devnet of `kairos node` processes (TestDevnet):
 * views per second with empty blocks, send-to-final-receipt latency at light load (one transfer at a
 * time), and finalized transfers per second at saturation; then, from each validator's /metrics, where
 * the time went (CPU per process, event-loop lag, view and finalization times). `--trace` turns on the
 * validators' latency trace (src/node/latency-trace.ts) and breaks each light-load transfer's latency
 * down by stage.
 */
import { loadavg } from "node:os";
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
    trace: { type: "boolean", default: false },
    phases: { type: "string", default: "empty,light,saturation" },
  },
});
const phases = new Set(values.phases.split(","));
const load = () =>
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`;
if (values.trace) {
  // The validators inherit these: JSON log lines at trace level, read back from their stdout.
  process.env.NODE_LOGGING__LEVEL = "trace";
  process.env.NODE_LOGGING__PRETTY = "false";
}
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
  console.log(`\n## ${label} (${seconds.toFixed(1)} s, ${load()})`);
  console.log(
    `views/s (validator 0): ${(views / seconds).toFixed(2)}; finalized blocks/s: ${(delta(0, "kairos_chain_finalized_height") / seconds).toFixed(2)}`,
  );
  console.log(
    `CPU cores used per validator: ${cpu.map((c) => c.toFixed(2)).join(" ")} (sum ${cpu.reduce((a, b) => a + b, 0).toFixed(2)} of 2 on this machine)`,
  );
  // CPU per view is robust to the machine's load, unlike views/s or latency.
  const cpuPerView = cpu.map(
    (c, i) => (c * seconds * 1000) / Math.max(1, delta(i, "kairos_consensus_current_view")),
  );
  console.log(
    `CPU ms per view per validator: ${cpuPerView.map((c) => c.toFixed(1)).join(" ")} (mean ${(cpuPerView.reduce((a, b) => a + b, 0) / VALIDATORS).toFixed(1)})`,
  );
  console.log(`event-loop lag p99 per validator, ms: ${lag.map((l) => l.toFixed(0)).join(" ")}`);
  console.log(
    `mean view time ${mean("kairos_consensus_view_seconds")}; mean finalization time ${mean("kairos_consensus_finalization_seconds")}`,
  );
  console.log(`nullifies sent per validator: ${nullifies.join(" ")}`);
}

/** One light-load transfer: when it was sent, when its final receipt was seen, and where. */
interface Sample {
  hash: Hex;
  node: number;
  sentAt: number;
  seenAt: number;
  blockHash: Hex;
}

const wallClock = () => performance.timeOrigin + performance.now();

const devnet = await TestDevnet.create({
  validators: VALIDATORS,
  emptyBlockIntervalMs: Number(values["empty-ms"]),
});
devnet.startAll();
console.log(`6 validators, empty-block interval ${values["empty-ms"]} ms, ${load()}`);
try {
  const everyone = Array.from({ length: VALIDATORS }, (_, i) => i);
  await devnet.waitForHeight(3, everyone, 180_000);
  const url = (i: number) => `http://127.0.0.1:${devnet.ports.rpc + i}`;
  let before: Map<string, number>[];
  let t: number;

  // 1. Empty blocks.
  if (phases.has("empty")) {
    before = await allMetrics(devnet);
    t = performance.now();
    await sleep(15_000);
    describeWindow(
      `empty blocks, empty-block interval ${values["empty-ms"]} ms`,
      before,
      await allMetrics(devnet),
      (performance.now() - t) / 1000,
    );
  }

  // 2. Light load: one transfer at a time, sent to validator k % 6, receipt read from the same one.
  if (phases.has("light")) {
    const samples: Sample[] = [];
    const nonces = await rpcBatch<Hex>(
      url(0),
      devs.map((d) => ({ method: "eth_getTransactionCount", params: [d.address, "pending"] })),
    );
    const traceFrom = devnet.logs.map((log) => log.length);
    before = await allMetrics(devnet);
    t = performance.now();
    for (let k = 0; k < Number(values.light); k++) {
      const d = k % devs.length;
      const node = k % VALIDATORS;
      const tx = signer.sign(devs[d], {
        nonce: BigInt(nonces[d].result ?? "0x0") + BigInt(Math.floor(k / devs.length)),
        to: devs[(d + 1) % devs.length].address,
        value: 1n,
        ...FEES,
      });
      const sentAt = wallClock();
      const [answer] = await sendRaw(url(node), [tx]);
      if (answer.error) throw new Error(answer.error.message);
      for (;;) {
        const receipt = await rpcCall<{ blockHash: Hex } | null>(url(node), "eth_getTransactionReceipt", [
          tx.hash,
        ]);
        if (receipt) {
          samples.push({ hash: tx.hash, node, sentAt, seenAt: wallClock(), blockHash: receipt.blockHash });
          break;
        }
        await sleep(2);
      }
      // Start the next transfer at a random point of a view, not in step with the last block.
      await sleep(Math.random() * 100);
    }
    describeWindow("light load", before, await allMetrics(devnet), (performance.now() - t) / 1000);
    const latencies = samples.map((sample) => sample.seenAt - sample.sentAt).sort((a, b) => a - b);
    console.log(
      `send → final receipt over ${latencies.length} transfers: p50 ${quantile(latencies, 0.5).toFixed(0)} ms, p90 ${quantile(latencies, 0.9).toFixed(0)} ms, max ${latencies[latencies.length - 1].toFixed(0)} ms`,
    );
    if (values.trace) {
      await sleep(500); // the last log lines
      breakdown(
        samples,
        devnet.logs.map((log, i) => traceEvents(log.slice(traceFrom[i]))),
      );
    }
  }

  // 3. Saturation: many funded senders, pre-signed transfers, all sent to validator 0 (gossip spreads them).
  if (phases.has("saturation")) {
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
  }
} finally {
  await devnet.stop();
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
}

/** One latency-trace point a validator logged (src/node/latency-trace.ts). */
interface TracePoint {
  ev: string;
  t: number;
  hash?: string;
  view?: number;
  digest?: string;
  by?: number;
  size?: number;
  ms?: number;
}

function traceEvents(chunks: readonly string[]): TracePoint[] {
  const points: TracePoint[] = [];
  for (const line of chunks.join("").split("\n")) {
    if (!line.includes('"module":"trace"')) continue;
    try {
      points.push(JSON.parse(line) as TracePoint);
    } catch {
      // A line cut at the start of the window.
    }
  }
  return points;
}

/**
 * Each light-load transfer's path through the six validators, stage by stage (medians over transfers;
 * where every validator does a step, the median validator's time).
 */
function breakdown(samples: readonly Sample[], events: readonly TracePoint[][]): void {
  const first = (node: number, match: (point: TracePoint) => boolean) =>
    events[node].find(match)?.t ?? Number.NaN;
  const median = (values: number[]) =>
    quantile(
      values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b),
      0.5,
    );
  const stages = new Map<string, number[]>();
  const add = (stage: string, ms: number) => {
    if (!stages.has(stage)) stages.set(stage, []);
    stages.get(stage)!.push(ms);
  };
  for (const sample of samples) {
    const digest = sample.blockHash.toLowerCase();
    const proposal = events.flatMap((list) =>
      list.filter((p) => p.ev === "proposal" && p.digest === digest),
    )[0];
    if (proposal?.by === undefined) continue;
    const leader = proposal.by;
    const peers = everyoneBut(leader);
    const atEntry = first(sample.node, (p) => p.ev === "pending" && p.hash === sample.hash);
    const atLeader = first(leader, (p) => p.ev === "pending" && p.hash === sample.hash);
    const asked = first(leader, (p) => p.ev === "paced.propose.start" && p.view === proposal.view);
    const buildStart = first(leader, (p) => p.ev === "chain.propose.start" && p.view === proposal.view);
    const built = first(leader, (p) => p.ev === "chain.propose.end" && p.view === proposal.view);
    const sent = first(leader, (p) => p.ev === "proposal" && p.digest === digest);
    const received = peers.map((j) => first(j, (p) => p.ev === "proposal" && p.digest === digest));
    const verifyStart = peers.map((j) =>
      first(j, (p) => p.ev === "chain.verify.start" && p.digest === digest),
    );
    const verified = peers.map((j) => first(j, (p) => p.ev === "chain.verify.end" && p.digest === digest));
    const voted = peers.map((j) => first(j, (p) => p.ev === "vote" && p.digest === digest && p.by === j));
    const notarized = first(sample.node, (p) => p.ev === "lNotarization" && p.digest === digest);
    const commitStart = first(sample.node, (p) => p.ev === "chain.finalized.start" && p.digest === digest);
    const committed = first(sample.node, (p) => p.ev === "chain.finalized.end" && p.digest === digest);
    add("1 RPC: send → pending in the entry validator's pool", atEntry - sample.sentAt);
    add("2 gossip: entry validator → leader's pool", atLeader - atEntry);
    add(
      "3 wait for a view: leader's pool → leader starts building",
      buildStart - Math.max(atLeader, Number.isNaN(asked) ? atLeader : Math.min(asked, atLeader)),
    );
    add("   of which the leader's view had not begun", Math.max(0, asked - atLeader));
    add("4 build the block (execution)", built - buildStart);
    add("5 sign, persist, hand to the streams", sent - built);
    add("6 network: proposal → peers (median peer)", median(received.map((r) => r - sent)));
    add(
      "7 peers wait for the parent, then verify (re-execute)",
      median(verified.map((v, i) => v - received[i])),
    );
    add("   of which re-execution", median(verified.map((v, i) => v - verifyStart[i])));
    add("8 peers sign, persist, send the vote", median(voted.map((v, i) => v - verified[i])));
    // L = 5 of 6: the leader's proposal counts as its vote, so the 4th peer's vote completes the quorum.
    const quorumVote = voted.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b)[3] ?? Number.NaN;
    add("9 median peer's vote → L-notarization at the entry validator", notarized - median(voted));
    add("   of which the 4th peer's vote → L-notarization", notarized - quorumVote);
    add("10 L-notarization → block commit starts (engine queue)", commitStart - notarized);
    add("11 commit the block (receipts readable at its end)", committed - commitStart);
    add("12 receipt seen by the client (poll every 2 ms)", sample.seenAt - committed);
    add("total send → final receipt", sample.seenAt - sample.sentAt);
  }
  console.log(`\n## where the time goes (${samples.length} transfers, medians in ms)`);
  for (const [stage, values] of stages) {
    const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
    console.log(
      `${stage.padEnd(62)} p50 ${quantile(sorted, 0.5).toFixed(1).padStart(6)}  p90 ${quantile(sorted, 0.9).toFixed(1).padStart(6)}  (n=${sorted.length})`,
    );
  }
  const batches = events.flat().filter((p) => p.ev === "bls.batch");
  const sizes = new Map<number, number>();
  for (const batch of batches) sizes.set(batch.size ?? 0, (sizes.get(batch.size ?? 0) ?? 0) + 1);
  const blsMs = batches.reduce((sum, batch) => sum + (batch.ms ?? 0), 0);
  console.log(
    `BLS batches on all validators: ${batches.length}, sizes ${[...sizes]
      .sort((a, b) => a[0] - b[0])
      .map(([size, count]) => `${size}:${count}`)
      .join(
        " ",
      )}; ${(blsMs / Math.max(1, batches.length)).toFixed(2)} ms per batch, ${blsMs.toFixed(0)} ms in all`,
  );
}

function everyoneBut(leader: number): number[] {
  return Array.from({ length: VALIDATORS }, (_, i) => i).filter((i) => i !== leader);
}
