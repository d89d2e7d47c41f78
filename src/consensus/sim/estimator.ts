/**
 * Latency estimator (`npm run sim -- --estimate`): 50 validators, 5 in each of 10 AWS regions, links
 * with one-way latency p50/2 and jitter (p90 − p50)/2 from the cloudping matrices.
 *
 * Two instruments over the same link model:
 * - the real engine (ConsensusEngine in the Simulation) for Minimmit with the exact quorums;
 * - a quorum-race model for Minimmit, Simplex and Kudzu, with exact quorums and with Commonware's
 *   percentages: per view, the leader proposes on entering; each validator votes on receipt; a
 *   validator enters the next view at the view quorum of votes (or a forwarded certificate); a block
 *   is final at the fast quorum of first-round votes, or at the quorum of a second round sent on
 *   notarization, whichever comes first (certificates forwarded too).
 *
 * View latency: time a validator spends in a view. Finalization latency: from the leader's proposal
 * to the validator finalizing. Transaction latency: a transaction arrives at a uniformly random moment,
 * waits on average half a view for the next proposal, then for finality: view/2 + finalization. The
 * table also gives view + finalization (a transaction that waits a whole view).
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { Prng } from "./prng.js";
import { type Link, Simulation } from "./simulation.js";

export const REGIONS = [
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-south-1",
  "ap-southeast-2",
  "eu-central-1",
  "eu-north-1",
  "eu-west-1",
  "sa-east-1",
  "us-east-1",
  "us-west-1",
] as const;

type Matrix = Record<string, Record<string, number>>;

export interface RegionLinks {
  n: number;
  region: (i: number) => string;
  link: (from: number, to: number) => Link;
}

/** 5 validators per region; validator i sits in REGIONS[i mod 10], so leaders rotate over regions. */
export async function regionLinks(dataDir: string, n = 50): Promise<RegionLinks> {
  const load = async (file: string) =>
    (JSON.parse(await readFile(path.join(dataDir, file), "utf8")) as { data: Matrix }).data;
  const p50 = await load("aws-region-latency-p50.json");
  const p90 = await load("aws-region-latency-p90.json");
  const region = (i: number) => REGIONS[i % REGIONS.length];
  const cache = new Map<string, Link>();
  return {
    n,
    region,
    link: (from, to) => {
      const key = `${region(from)}>${region(to)}`;
      let link = cache.get(key);
      if (!link) {
        const median = p50[region(from)]?.[region(to)];
        const high = p90[region(from)]?.[region(to)];
        if (median === undefined || high === undefined) throw new Error(`no latency for ${key}`);
        link = { latencyMs: median / 2, jitterMs: Math.max(0, high - median) / 2, loss: 0 };
        cache.set(key, link);
      }
      return link;
    },
  };
}

export interface ProtocolModel {
  name: string;
  /** Votes that let a validator leave the view (and notarize the block). */
  viewQuorum: number;
  /** First-round votes that finalize the block directly, if the protocol has such a path. */
  fastQuorum?: number;
  /** Second-round votes (sent on notarization) that finalize the block, if any. */
  slowQuorum?: number;
}

/** The protocols of the comparison, for n validators, under both quorum conventions. */
export function protocolModels(n: number): { exact: ProtocolModel[]; percent: ProtocolModel[] } {
  const f5 = Math.floor((n - 1) / 5);
  const f3 = Math.floor((n - 1) / 3);
  const pct = (p: number) => Math.ceil((p * n) / 100);
  return {
    exact: [
      { name: "Minimmit", viewQuorum: 2 * f5 + 1, fastQuorum: n - f5 },
      { name: "Simplex", viewQuorum: n - f3, slowQuorum: n - f3 },
      { name: "Kudzu", viewQuorum: 3 * f5 + 1, fastQuorum: n - f5, slowQuorum: 3 * f5 + 1 },
    ],
    percent: [
      { name: "Minimmit", viewQuorum: pct(41), fastQuorum: pct(81) },
      { name: "Simplex", viewQuorum: pct(67), slowQuorum: pct(67) },
      { name: "Kudzu", viewQuorum: pct(61), fastQuorum: pct(81), slowQuorum: pct(61) },
    ],
  };
}

export interface LatencyStats {
  mean: number;
  median: number;
}

export interface ProtocolEstimate {
  name: string;
  quorums: string;
  view: LatencyStats;
  finalization: LatencyStats;
  /** view/2 + finalization: a transaction waits on average half a view for the next proposal. */
  transaction: LatencyStats;
  /** view + finalization: a transaction waits a whole view (the paper's convention, it seems). */
  transactionFullView: LatencyStats;
}

function stats(samples: number[]): LatencyStats {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((s, x) => s + x, 0) / Math.max(1, sorted.length);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { mean, median };
}

function summarize(name: string, quorums: string, views: number[], finals: number[]): ProtocolEstimate {
  const view = stats(views);
  const finalization = stats(finals);
  return {
    name,
    quorums,
    view,
    finalization,
    transaction: { mean: view.mean / 2 + finalization.mean, median: view.median / 2 + finalization.median },
    transactionFullView: { mean: view.mean + finalization.mean, median: view.median + finalization.median },
  };
}

/** k-th smallest (1-based) of the values. */
function kth(values: number[], k: number): number {
  return [...values].sort((a, b) => a - b)[k - 1];
}

/** Each validator's time of holding something: its own, or the earliest forwarded copy. */
function withForwarding(own: number[], delay: (from: number, to: number) => number): number[] {
  return own.map((mine, j) => {
    let best = mine;
    for (let k = 0; k < own.length; k++) if (k !== j) best = Math.min(best, own[k] + delay(k, j));
    return best;
  });
}

export function runModel(
  model: ProtocolModel,
  links: RegionLinks,
  views: number,
  seed: number,
): ProtocolEstimate {
  const { n } = links;
  const prng = new Prng(seed);
  const delay = (from: number, to: number) => {
    if (from === to) return 0;
    const link = links.link(from, to);
    return Math.max(0, link.latencyMs + link.jitterMs * (2 * prng.next() - 1));
  };
  let enter = new Array<number>(n).fill(0);
  const viewSamples: number[] = [];
  const finalSamples: number[] = [];
  for (let v = 1; v <= views; v++) {
    const leader = (v - 1) % n;
    const proposedAt = enter[leader];
    const vote = enter.map((entered, i) => Math.max(entered, proposedAt + delay(leader, i)));
    const arrivals = Array.from({ length: n }, (_, j) => vote.map((t, i) => t + delay(i, j)));
    const notarized = withForwarding(
      arrivals.map((a) => kth(a, model.viewQuorum)),
      delay,
    );
    let final = new Array<number>(n).fill(Number.POSITIVE_INFINITY);
    if (model.fastQuorum) {
      const fast = withForwarding(
        arrivals.map((a) => kth(a, model.fastQuorum!)),
        delay,
      );
      final = final.map((x, j) => Math.min(x, fast[j]));
    }
    if (model.slowQuorum) {
      const second = Array.from({ length: n }, (_, j) => notarized.map((t, i) => t + delay(i, j)));
      const slow = withForwarding(
        second.map((a) => kth(a, model.slowQuorum!)),
        delay,
      );
      final = final.map((x, j) => Math.min(x, slow[j]));
    }
    for (let j = 0; j < n; j++) {
      viewSamples.push(notarized[j] - enter[j]);
      finalSamples.push(final[j] - proposedAt);
    }
    enter = notarized;
  }
  const q = [model.viewQuorum, model.fastQuorum, model.slowQuorum].map((x) => x ?? "–").join("/");
  return summarize(model.name, q, viewSamples, finalSamples);
}

/** Minimmit with the real engine in the simulator, over the same links. */
export async function runEngine(links: RegionLinks, views: number, seed: number): Promise<ProtocolEstimate> {
  const sim = new Simulation({ seed, n: links.n, deltaMs: 2_000, links: links.link, encode: false });
  // Run until `views` views have passed on every node (about 250 ms each over these regions).
  let until = 0;
  while (Math.min(...sim.nodes.map((node) => node.engine?.currentView() ?? 0)) < views + 2) {
    until += 1_000;
    await sim.run(until);
  }
  const viewSamples: number[] = [];
  const finalSamples: number[] = [];
  for (let v = 2; v <= views; v++) {
    const entered = sim.viewEntered.get(v);
    const next = sim.viewEntered.get(v + 1);
    const proposal = sim.proposedAt.get(v);
    if (!entered || !next || !proposal) continue;
    const finals = sim.finalizedAt.get(proposal.digest);
    for (const node of sim.nodes) {
      const a = entered.get(node.id);
      const b = next.get(node.id);
      if (a !== undefined && b !== undefined) viewSamples.push(b - a);
      const fin = finals?.get(node.id);
      if (fin !== undefined) finalSamples.push(fin - proposal.at);
    }
  }
  const q = sim.q;
  return summarize("Minimmit (engine)", `${q.m}/${q.l}/–`, viewSamples, finalSamples);
}

export interface EstimateResult {
  n: number;
  views: number;
  engineViews: number;
  engine: ProtocolEstimate;
  exact: ProtocolEstimate[];
  percent: ProtocolEstimate[];
}

export async function estimate(options: {
  dataDir: string;
  views: number;
  seed: number;
}): Promise<EstimateResult> {
  const links = await regionLinks(options.dataDir);
  const models = protocolModels(links.n);
  const engineViews = Math.min(options.views, 60);
  return {
    n: links.n,
    views: options.views,
    engineViews,
    engine: await runEngine(links, engineViews, options.seed),
    exact: models.exact.map((m) => runModel(m, links, options.views, options.seed)),
    percent: models.percent.map((m) => runModel(m, links, options.views, options.seed)),
  };
}

export function formatEstimate(r: EstimateResult): string {
  const ms = (x: number) => `${x.toFixed(1)}`.padStart(7);
  const row = (e: ProtocolEstimate) =>
    `| ${e.name.padEnd(18)} | ${e.quorums.padEnd(9)} | ${ms(e.view.mean)} | ${ms(e.view.median)} | ` +
    `${ms(e.finalization.mean)} | ${ms(e.finalization.median)} | ${ms(e.transaction.mean)} | ${ms(e.transaction.median)} | ` +
    `${ms(e.transactionFullView.mean)} |`;
  const head =
    "| protocol           | quorums   | view mean | view p50 | final mean | final p50 | tx mean | tx p50 | tx(full view) mean |\n" +
    "|--------------------|-----------|-----------|----------|------------|-----------|---------|--------|--------------------|";
  const compare = (list: ProtocolEstimate[]) => {
    const [m, s, k] = list;
    const less = (a: number, b: number) => `${(((b - a) / b) * 100).toFixed(1)}%`;
    const versus = (o: ProtocolEstimate) =>
      `view ${less(m.view.mean, o.view.mean)}, tx ${less(m.transaction.mean, o.transaction.mean)}, ` +
      `tx(full view) ${less(m.transactionFullView.mean, o.transactionFullView.mean)}`;
    return `Minimmit lower than Simplex by: ${versus(s)}\nMinimmit lower than Kudzu by:   ${versus(k)}`;
  };
  return [
    `${r.n} validators, 5 per region over ${REGIONS.join(", ")}; one-way = p50/2, jitter = ±(p90−p50)/2 (uniform).`,
    `Quorums: view/fast-finality/second-round. Model: ${r.views} views; engine: ${r.engineViews} views. Times in ms (means unless p50).`,
    "",
    "Exact protocol formulas:",
    head,
    row(r.engine),
    ...r.exact.map(row),
    "",
    compare(r.exact),
    "",
    "Commonware's percentages (Minimmit 41%/81%, Simplex 67%, Kudzu 61%/81%):",
    head,
    ...r.percent.map(row),
    "",
    compare(r.percent),
  ].join("\n");
}
