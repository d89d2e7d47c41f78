import type { View } from "../../src/consensus/application.js";
import { Simulation, type SimulationOptions } from "../../src/consensus/sim/simulation.js";

export async function simulate(options: SimulationOptions, until: number, setup?: (sim: Simulation) => void) {
  const sim = new Simulation(options);
  setup?.(sim);
  await sim.run(until);
  return sim;
}

/** Every honest node committed the same chain prefix (the app's own record, independent of the checker). */
export function commonPrefix(sim: Simulation): boolean {
  const chains = sim.honestNodes().map((n) => n.app.chain.map((b) => b.digest));
  const shortest = Math.min(...chains.map((c) => c.length));
  return chains.every((c) => c.slice(0, shortest).join() === chains[0].slice(0, shortest).join());
}

/** Time from the first honest node entering `view` until every honest node has entered view + 1. */
export function viewDuration(sim: Simulation, view: View): number | undefined {
  const honest = sim.honestNodes().map((n) => n.id);
  const entered = sim.viewEntered.get(view);
  const next = sim.viewEntered.get(view + 1);
  if (!entered || !next) return undefined;
  const start = Math.min(...honest.map((id) => entered.get(id) ?? Number.POSITIVE_INFINITY));
  const times = honest.map((id) => next.get(id));
  if (times.some((t) => t === undefined)) return undefined;
  return Math.max(...(times as number[])) - start;
}

/** Time from the first honest node entering `view` until every honest node has finalized its block. */
export function finalizeDuration(sim: Simulation, view: View): number | undefined {
  const honest = sim.honestNodes().map((n) => n.id);
  const entered = sim.viewEntered.get(view);
  const proposal = sim.proposedAt.get(view);
  if (!entered || !proposal) return undefined;
  const final = sim.finalizedAt.get(proposal.digest);
  if (!final) return undefined;
  const start = Math.min(...honest.map((id) => entered.get(id) ?? Number.POSITIVE_INFINITY));
  const times = honest.map((id) => final.get(id));
  if (times.some((t) => t === undefined)) return undefined;
  return Math.max(...(times as number[])) - start;
}
