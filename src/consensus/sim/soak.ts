/**
 * The soak: many seeds, each a short run of a random scenario drawn from the seed (n, links, one
 * Byzantine behaviour for f keys or twins, a partition that heals, a crash and restart). Any broken
 * invariant is a violation; the summary counts them.
 */
import type { Behaviour } from "./byzantine.js";
import { InvariantViolation } from "./invariants.js";
import { Prng } from "./prng.js";
import { Simulation, type SimulationOptions } from "./simulation.js";

export interface SoakScenario {
  options: SimulationOptions;
  until: number;
  label: string;
  setup: (sim: Simulation) => void;
}

const BEHAVIOURS: ((p: Prng) => Behaviour)[] = [
  () => ({ kind: "silent" }),
  (p) => ({ kind: "crash", atMs: p.int(1_000) }),
  (p) => ({ kind: "equivocator", nullify: p.chance(0.5) }),
  () => ({ kind: "conflictingVoter" }),
  () => ({ kind: "nullifySpammer" }),
  () => ({ kind: "replayer" }),
];

export function soakScenario(seed: number): SoakScenario {
  const p = new Prng(seed ^ 0x50a4);
  const n = p.chance(0.85) ? 6 : 11;
  const f = Math.floor((n - 1) / 5);
  const latencyMs = 10 + p.int(150);
  const jitterMs = p.int(latencyMs);
  const loss = p.chance(0.5) ? 0 : p.next() * 0.25;
  const deltaMs = latencyMs + jitterMs + 20;
  const keys = p.shuffle(Array.from({ length: n }, (_, i) => i)).slice(0, f);
  const useTwins = p.chance(0.2);
  const behaviour = BEHAVIOURS[p.int(BEHAVIOURS.length)](p);
  const byzantine = useTwins ? {} : Object.fromEntries(keys.map((k) => [k, behaviour]));
  const until = 12 * deltaMs + 600;
  const partition = p.chance(0.4);
  const crash = p.chance(0.4);
  const nodes = n + (useTwins ? f : 0);
  const cut = 1 + p.int(nodes - 1);
  const order = p.shuffle(Array.from({ length: nodes }, (_, i) => i));
  const partitionAt = p.int(until / 2);
  const healAt = partitionAt + p.int(until / 3);
  const crashNode = p.int(nodes);
  const crashAt = p.int(until / 2);
  const restartAt = crashAt + p.int(until / 3);
  const label =
    `n=${n} link=${latencyMs}±${jitterMs}ms loss=${(loss * 100).toFixed(0)}% ` +
    `${useTwins ? `twins=${keys}` : `${behaviour.kind}=${keys}`}${partition ? " partition" : ""}${crash ? " crash" : ""}`;
  return {
    options: {
      seed,
      n,
      deltaMs,
      links: { latencyMs, jitterMs, loss },
      byzantine,
      twins: useTwins ? keys : [],
      encode: false,
    },
    until,
    label,
    setup: (sim) => {
      if (partition) {
        sim.at(partitionAt, () => sim.partition([order.slice(0, cut), order.slice(cut)]));
        sim.at(healAt, () => sim.heal());
      }
      if (crash) {
        sim.at(crashAt, () => sim.crash(crashNode));
        sim.at(restartAt, () => sim.restart(crashNode));
      }
    },
  };
}

export interface SoakResult {
  seeds: number;
  violations: { seed: number; label: string; error: string }[];
  finalized: number;
  wallMs: number;
}

export async function soak(
  from: number,
  count: number,
  progress?: (done: number, result: SoakResult) => void,
  variant: Pick<SimulationOptions, "relay"> = {},
): Promise<SoakResult> {
  const started = performance.now();
  const result: SoakResult = { seeds: 0, violations: [], finalized: 0, wallMs: 0 };
  for (let seed = from; seed < from + count; seed++) {
    const scenario = soakScenario(seed);
    const sim = new Simulation({ ...scenario.options, ...variant });
    scenario.setup(sim);
    try {
      await sim.run(scenario.until);
      result.finalized += sim.minHonestHeight();
    } catch (error) {
      if (!(error instanceof InvariantViolation)) throw error;
      result.violations.push({ seed, label: scenario.label, error: error.message });
    }
    result.seeds++;
    if (progress && result.seeds % 100 === 0) progress(result.seeds, result);
  }
  result.wallMs = performance.now() - started;
  return result;
}
