/** Who leads a view: round robin by default, or a seeded pseudo-random schedule. */
import type { ValidatorIndex, View } from "./application.js";

export interface LeaderSchedule {
  leader(view: View): ValidatorIndex;
}

/** View v is led by validator (v − 1) mod n, so view 1 starts with validator 0. */
export function roundRobin(n: number): LeaderSchedule {
  return { leader: (view) => (((view - 1) % n) + n) % n };
}

/** murmur3's 32-bit finalizer: a cheap, well-mixed deterministic function of its input. */
function mix32(x: number): number {
  let h = x | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** leader(v) = mix(seed, v) mod n: every validator computes the same schedule from the shared seed. */
export function seededRandom(n: number, seed: number): LeaderSchedule {
  return {
    leader: (view) => mix32(mix32(seed ^ 0x9e3779b9) ^ mix32(view)) % n,
  };
}

export type LeaderScheduleConfig = { kind: "roundRobin" } | { kind: "seededRandom"; seed: number };

export function leaderSchedule(
  n: number,
  config: LeaderScheduleConfig = { kind: "roundRobin" },
): LeaderSchedule {
  return config.kind === "roundRobin" ? roundRobin(n) : seededRandom(n, config.seed);
}
