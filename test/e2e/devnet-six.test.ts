/**
 * Issue 5's end-to-end acceptance on real processes: six validators (n = 6, f = 1) over libp2p on
 * 127.0.0.1, each with its own LevelDB.
 */
import { afterEach, describe, expect, it } from "vitest";
import { TestDevnet } from "./helpers/devnet.js";

const ALL = [0, 1, 2, 3, 4, 5];

async function faults(devnet: TestDevnet, kind: string): Promise<number> {
  let total = 0;
  for (let i = 0; i < devnet.size; i++) {
    if (devnet.isRunning(i))
      total += (await devnet.metric(i, `kairos_consensus_faults_total{kind="${kind}"}`)) ?? 0;
  }
  return total;
}

describe("a six-validator devnet", () => {
  let devnet: TestDevnet | undefined;
  afterEach(async () => {
    await devnet?.stop();
    devnet = undefined;
  });

  it("agrees, survives kill -9 of one validator, and the restarted one syncs and rejoins", {
    timeout: 600_000,
  }, async () => {
    devnet = await TestDevnet.create({ validators: 6 });
    devnet.startAll();
    await devnet.waitForHeight(3, ALL, 240_000);

    await devnet.kill(5, "SIGKILL");
    const atKill = Math.max(
      ...(await Promise.all([0, 1, 2, 3, 4].map((i) => devnet!.finalizedHeight(i)))).map(Number),
    );
    // n − f = 5 validators are still up: finality goes on without the sixth.
    await devnet.waitForHeight(atKill + 4, [0, 1, 2, 3, 4]);

    devnet.start(5);
    const beforeRejoin = Number(await devnet.finalizedHeight(0));
    await devnet.waitForHeight(beforeRejoin + 3, ALL, 240_000);
    expect(await faults(devnet, "conflictingVote")).toBe(0);
    expect(await faults(devnet, "equivocation")).toBe(0);

    const heights = await Promise.all(ALL.map((i) => devnet!.finalizedHeight(i)));
    const common = Math.min(...heights.map(Number));
    await devnet.stop({ keep: true });
    const chains = await Promise.all(ALL.map((i) => devnet!.finalHashes(i, common)));
    for (const chain of chains) {
      expect(chain).not.toContain("missing");
      expect(chain).toEqual(chains[0]);
    }
  });

  it("with two validators down advances views without finalizing, and finalizes again when one returns", {
    timeout: 600_000,
  }, async () => {
    devnet = await TestDevnet.create({ validators: 6, viewTimeoutMs: 1_500 });
    devnet.startAll();
    await devnet.waitForHeight(2, ALL, 240_000);
    await Promise.all([devnet.kill(4), devnet.kill(5)]);
    const up = [0, 1, 2, 3];
    // Let blocks whose votes were already in flight settle.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const stalledHeight = Number(await devnet.finalizedHeight(0));
    const viewBefore = Number(await devnet.metric(0, "kairos_consensus_current_view"));
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    const viewAfter = Number(await devnet.metric(0, "kairos_consensus_current_view"));
    // 4 ≥ 2f + 1 = 3: views advance; 4 < n − f = 5: nothing new is final.
    expect(viewAfter).toBeGreaterThan(viewBefore);
    for (const i of up) expect(Number(await devnet.finalizedHeight(i))).toBeLessThanOrEqual(stalledHeight);

    devnet.start(4);
    await devnet.waitForHeight(stalledHeight + 2, [0, 1, 2, 3, 4], 240_000);
  });

  it("keeps its chain across a graceful restart of the whole devnet", { timeout: 600_000 }, async () => {
    devnet = await TestDevnet.create({ validators: 6 });
    devnet.startAll();
    await devnet.waitForHeight(3, ALL, 240_000);
    await devnet.stop({ keep: true });
    const heights = await Promise.all(ALL.map((i) => devnet!.finalHashes(i, 3)));
    devnet.startAll();
    await devnet.waitForHeight(6, ALL, 240_000);
    const common = Math.min(...(await Promise.all(ALL.map((i) => devnet!.finalizedHeight(i)))).map(Number));
    await devnet.stop({ keep: true });
    const after = await Promise.all(ALL.map((i) => devnet!.finalHashes(i, common)));
    for (let i = 0; i < 6; i++) {
      expect(after[i].slice(0, 4)).toEqual(heights[i]);
      expect(after[i]).toEqual(after[0]);
    }
  });
});
