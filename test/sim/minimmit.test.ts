import { describe, expect, it } from "vitest";
import type { Behaviour } from "../../src/consensus/sim/byzantine.js";
import { InvariantViolation } from "../../src/consensus/sim/invariants.js";
import { commonPrefix, finalizeDuration, simulate, viewDuration } from "./scenarios.js";

const FAST = { latencyMs: 50, jitterMs: 20, loss: 0 };

describe("simulated Minimmit: happy path and determinism", () => {
  it.each([6, 11])("%i validators finalize a block every view and agree", async (n) => {
    const sim = await simulate({ seed: n, n, links: FAST }, 3_000);
    expect(sim.minHonestHeight()).toBeGreaterThanOrEqual(20);
    expect(commonPrefix(sim)).toBe(true);
    // No nullified view: every block of views 1..h is final.
    expect(sim.nodes[0].app.chain.slice(0, 10).map((b) => b.view)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it("the same seed gives the identical run; another seed a different one", async () => {
    const options = {
      n: 6,
      links: { latencyMs: 80, jitterMs: 60, loss: 0.1 },
      byzantine: { 2: { kind: "conflictingVoter" } as Behaviour },
    };
    const a = await simulate({ seed: 42, ...options }, 2_000);
    const b = await simulate({ seed: 42, ...options }, 2_000);
    const c = await simulate({ seed: 43, ...options }, 2_000);
    expect(a.eventDigest()).toBe(b.eventDigest());
    expect(a.nodes[0].app.chain).toEqual(b.nodes[0].app.chain);
    expect(c.eventDigest()).not.toBe(a.eventDigest());
  });
});

describe("simulated Minimmit: faults", () => {
  it("keeps finalizing with one silent validator", async () => {
    const sim = await simulate({ seed: 1, n: 6, links: FAST, byzantine: { 3: { kind: "silent" } } }, 4_000);
    expect(sim.minHonestHeight()).toBeGreaterThanOrEqual(15);
    // The silent validator's views were nullified, not finalized.
    expect(sim.nodes[0].app.chain.some((b) => b.view % 6 === 4)).toBe(false);
  });

  const kinds: Behaviour[] = [
    { kind: "silent" },
    { kind: "crash", atMs: 700 },
    { kind: "equivocator" },
    { kind: "equivocator", nullify: true },
    { kind: "conflictingVoter" },
    { kind: "nullifySpammer" },
    { kind: "replayer" },
  ];
  for (const n of [6, 11]) {
    const f = Math.floor((n - 1) / 5);
    for (const behaviour of kinds) {
      it(`n=${n}: ${f} ${behaviour.kind}${"nullify" in behaviour ? "+nullify" : ""} validator(s) break no invariant and finality continues`, async () => {
        // Byzantine keys lead views early and often: 0, then every (n/f)-th.
        const byzantine = Object.fromEntries(Array.from({ length: f }, (_, i) => [i * 3, behaviour]));
        const sim = await simulate({ seed: 100 + n, n, links: FAST, byzantine }, 4_000);
        expect(sim.minHonestHeight()).toBeGreaterThanOrEqual(10);
        expect(commonPrefix(sim)).toBe(true);
      });
    }
  }

  it("slow, lossy links (200 ± 150 ms, 25% loss) stay safe and live", async () => {
    const sim = await simulate(
      {
        seed: 7,
        n: 6,
        deltaMs: 400,
        links: { latencyMs: 200, jitterMs: 150, loss: 0.25 },
        byzantine: { 1: { kind: "equivocator" } },
      },
      30_000,
    );
    expect(sim.messagesSent.lost).toBeGreaterThan(0);
    expect(sim.minHonestHeight()).toBeGreaterThanOrEqual(10);
    expect(commonPrefix(sim)).toBe(true);
  });

  it("twins (two honest copies of one key) break no invariant", async () => {
    const sim = await simulate(
      { seed: 5, n: 6, links: { latencyMs: 50, jitterMs: 40, loss: 0 }, twins: [0] },
      5_000,
    );
    expect(sim.nodes).toHaveLength(7);
    expect(sim.minHonestHeight()).toBeGreaterThanOrEqual(10);
    expect(commonPrefix(sim)).toBe(true);
  });

  it("twins split across a partition break no invariant and recover when it heals", async () => {
    const sim = await simulate({ seed: 9, n: 6, links: FAST, twins: [0] }, 6_000, (s) => {
      // Node ids: 0 and 1 are the twins of key 0, nodes 2..6 are keys 1..5.
      s.at(0, () =>
        s.partition([
          [0, 2, 3, 4],
          [1, 5, 6],
        ]),
      );
      s.at(2_000, () => s.heal());
    });
    expect(sim.minHonestHeight()).toBeGreaterThanOrEqual(10);
    expect(commonPrefix(sim)).toBe(true);
  });
});

describe("simulated Minimmit: partitions and crashes", () => {
  it("finality continues while n−f are connected; views advance with 2f+1; all catch up after healing", async () => {
    const marks: Record<string, number[]> = {};
    const sim = await simulate({ seed: 3, n: 6, links: FAST }, 9_000, (s) => {
      const heights = () => s.nodes.map((node) => s.height(node.id));
      s.at(1_000, () => s.partition([[0, 1, 2, 3, 4], [5]]));
      s.at(3_000, () => {
        marks.fiveConnected = heights();
        s.partition([
          [0, 1, 2],
          [3, 4, 5],
        ]);
        marks.splitView = [s.nodes[0].engine!.currentView(), s.nodes[3].engine!.currentView()];
      });
      s.at(5_000, () => {
        marks.split = heights();
        marks.splitViewAfter = [s.nodes[0].engine!.currentView(), s.nodes[3].engine!.currentView()];
        s.heal();
      });
    });
    // n − f = 5 connected: the majority side kept finalizing, the isolated node did not.
    expect(Math.min(...marks.fiveConnected.slice(0, 5))).toBeGreaterThanOrEqual(15);
    expect(marks.fiveConnected[5]).toBeLessThan(marks.fiveConnected[0]);
    // 3 + 3 (2f+1 each): views advance on both sides, nothing new is finalized anywhere.
    expect(marks.splitViewAfter[0]).toBeGreaterThan(marks.splitView[0] + 3);
    expect(marks.splitViewAfter[1]).toBeGreaterThan(marks.splitView[1] + 3);
    expect(Math.max(...marks.split)).toBeLessThanOrEqual(Math.max(...marks.fiveConnected) + 1);
    // Healed: everyone catches up (node 5 fetches what it missed) and finality resumes.
    expect(sim.minHonestHeight()).toBeGreaterThan(Math.max(...marks.split) + 10);
    expect(commonPrefix(sim)).toBe(true);
  });

  it("a crashed validator restarts from its store, signs nothing conflicting and catches up", async () => {
    const sim = await simulate({ seed: 11, n: 6, links: FAST }, 6_000, (s) => {
      s.at(1_030, () => s.crash(2));
      s.at(2_500, () => s.restart(2));
      s.at(3_000, () => s.crash(4));
      s.at(3_060, () => s.restart(4));
    });
    expect(sim.height(2)).toBeGreaterThanOrEqual(40);
    expect(sim.height(4)).toBeGreaterThanOrEqual(40);
    expect(commonPrefix(sim)).toBe(true);
  });
});

describe("simulated Minimmit: the f+1 regression (DESIGN §2 rule 4)", () => {
  // n = 6, f = 1. Leader 0 equivocates: A to validators 1–4, B to 5, and nullifies its own view.
  // Validator 5 and the leader are fast; the A voters are slow to hear each other.
  const options = {
    n: 6,
    byzantine: { 0: { kind: "equivocator", toA: 4, nullify: true } as Behaviour },
    links: (from: number) => ({ latencyMs: from === 0 || from === 5 ? 10 : 100, jitterMs: 0, loss: 0 }),
  };

  it("with the prototype's f+1 threshold, A is L-notarized while the view is also nullified", async () => {
    const error = await simulate({ seed: 1, ...options, noProgressThreshold: 2 }, 1_000).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvariantViolation);
    expect((error as InvariantViolation).invariant).toBe("no nullification and L-notarization for one view");
    expect((error as InvariantViolation).message).toMatch(/seed 1/);
    expect((error as InvariantViolation).data.trace.length).toBeGreaterThan(10);
  });

  it("with 2f+1, the same attack breaks nothing and A is final", async () => {
    const sim = await simulate({ seed: 1, ...options }, 1_000);
    expect(sim.nodes[1].app.chain[0].view).toBe(1);
    expect(commonPrefix(sim)).toBe(true);
  });
});

describe("simulated Minimmit: liveness bounds (δ = 50 ms fixed, Δ = 100 ms)", () => {
  const delta = 50;
  const Delta = 100;

  it("after stabilization, a view with a correct leader finalizes within 3 one-way delays", async () => {
    const heal = 2_000;
    const sim = await simulate(
      { seed: 2, n: 6, deltaMs: Delta, links: { latencyMs: delta, jitterMs: 0, loss: 0 } },
      5_000,
      (s) => {
        s.at(0, () =>
          s.partition([
            [0, 1, 2],
            [3, 4, 5],
          ]),
        );
        s.at(heal, () => s.heal());
      },
    );
    const views = [...sim.viewEntered.keys()].filter((v) => {
      const first = Math.min(...sim.viewEntered.get(v)!.values());
      return first > heal + 2 * Delta + 3 * delta && v < sim.maxView() - 2;
    });
    expect(views.length).toBeGreaterThan(10);
    for (const v of views) expect(finalizeDuration(sim, v)).toBeLessThanOrEqual(3 * delta);
  });

  it("with a faulty (crashed) leader, every validator leaves the view within 2Δ + 3δ", async () => {
    const sim = await simulate(
      {
        seed: 4,
        n: 11,
        deltaMs: Delta,
        links: { latencyMs: delta, jitterMs: 0, loss: 0 },
        byzantine: { 4: { kind: "crash", atMs: 0 }, 8: { kind: "silent" } },
      },
      4_000,
    );
    const faulty = [...sim.viewEntered.keys()].filter(
      (v) => [4, 8].includes(sim.leaders.leader(v)) && v < sim.maxView() - 1,
    );
    expect(faulty.length).toBeGreaterThanOrEqual(4);
    for (const v of faulty) expect(viewDuration(sim, v)).toBeLessThanOrEqual(2 * Delta + 3 * delta);
  });
});
