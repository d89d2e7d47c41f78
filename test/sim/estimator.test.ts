import { describe, expect, it } from "vitest";
import { protocolModels, type RegionLinks, runEngine, runModel } from "../../src/consensus/sim/estimator.js";

/** n validators, every link exactly δ one way. */
function uniform(n: number, delta: number): RegionLinks {
  return { n, region: () => "here", link: () => ({ latencyMs: delta, jitterMs: 0, loss: 0 }) };
}

describe("latency estimator", () => {
  it("uses the quorums of each protocol under both conventions", () => {
    const { exact, percent } = protocolModels(50);
    expect(exact.map((m) => [m.viewQuorum, m.fastQuorum, m.slowQuorum])).toEqual([
      [19, 41, undefined],
      [34, undefined, 34],
      [28, 41, 28],
    ]);
    expect(percent.map((m) => [m.viewQuorum, m.fastQuorum, m.slowQuorum])).toEqual([
      [21, 41, undefined],
      [34, undefined, 34],
      [31, 41, 31],
    ]);
  });

  it("with equal links: a view takes 2δ everywhere; Minimmit and Kudzu finalize in 2δ, Simplex in 3δ", () => {
    const links = uniform(11, 40);
    const [minimmit, simplex, kudzu] = protocolModels(11).exact.map((m) => runModel(m, links, 20, 1));
    for (const e of [minimmit, simplex, kudzu]) expect(e.view).toEqual({ mean: 80, median: 80 });
    expect(minimmit.finalization.median).toBe(80);
    expect(kudzu.finalization.median).toBe(80);
    expect(simplex.finalization.median).toBe(120);
    expect(minimmit.transaction.mean).toBe(40 + 80);
  });

  it("the real engine agrees with the model on the same links", async () => {
    const links = uniform(6, 40);
    const engine = await runEngine(links, 10, 1);
    const model = runModel(protocolModels(6).exact[0], links, 10, 1);
    expect(engine.view.median).toBe(model.view.median);
    expect(engine.finalization.median).toBe(model.finalization.median);
  });
});
