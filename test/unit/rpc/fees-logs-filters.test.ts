/** Fee methods, eth_getLogs and polled filters. */
import type { Hash } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./fixture/harness.js";

const TRANSFER: Hash = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";
const APPROVAL: Hash = "0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925";
const ALICE_TOPIC: Hash = `0x${"00".repeat(12)}${"a1".repeat(20)}`;
const TOKEN = "0x00000000000000000000000000000000000c0de1";
const OTHER = "0x00000000000000000000000000000000000c0de2";

let h: Harness;
let now = 1_000_000;
beforeAll(async () => {
  h = await startHarness({ filterTimeoutMs: 60_000 }, { clock: () => now });
  // Block 1: two transfers with different tips and gas; block 2: an approval from another contract.
  h.backend.addBlock([
    {
      maxPriorityFeePerGas: 5n,
      gasUsed: 21_000n,
      logs: [{ address: TOKEN, topics: [TRANSFER, ALICE_TOPIC] }],
    },
    { maxPriorityFeePerGas: 1n, gasUsed: 63_000n, logs: [{ address: TOKEN, topics: [TRANSFER] }] },
  ]);
  h.backend.addBlock([{ logs: [{ address: OTHER, topics: [APPROVAL, ALICE_TOPIC] }] }]);
});
afterAll(() => h.close());

describe("fees", () => {
  it("suggests the next base fee plus the default tip", async () => {
    expect(await h.result("eth_gasPrice")).toBe(`0x${(875_000_000n + 1_000_000_000n).toString(16)}`);
    expect(await h.result("eth_maxPriorityFeePerGas")).toBe("0x3b9aca00");
  });

  it("answers eth_feeHistory with blocks+1 base fees and rewards by percentile", async () => {
    const history = await h.result<Record<string, unknown>>("eth_feeHistory", [
      "0x2",
      "latest",
      [10, 50, 90],
    ]);
    expect(history).toEqual({
      oldestBlock: "0x1",
      baseFeePerGas: ["0x3b9aca00", "0x3b9aca00", `0x${(875_000_000).toString(16)}`],
      gasUsedRatio: [84_000 / 30_000_000, 21_000 / 30_000_000],
      // Block 1 sorted by tip: 1 (63k gas) then 5 (21k gas); 90 % of 84k gas falls in the second.
      reward: [
        ["0x1", "0x1", "0x5"],
        ["0xf4240", "0xf4240", "0xf4240"],
      ],
    });
  });

  it("takes the block count as an integer and clamps it to the chain's start", async () => {
    const history = await h.result<{ oldestBlock: string; baseFeePerGas: string[] }>("eth_feeHistory", [
      10,
      "0x1",
    ]);
    expect(history.oldestBlock).toBe("0x0");
    expect(history.baseFeePerGas).toHaveLength(3);
    expect(history).not.toHaveProperty("reward");
  });

  it.each([
    [[101], "must be within 0-100"],
    [[-1], "must be within 0-100"],
    [[50, 10], "percentiles must be in ascending order"],
    [["10"], "expected a number"],
  ])("rejects reward percentiles %j with -32602", async (percentiles, why) => {
    const response = await h.call("eth_feeHistory", ["0x1", "latest", percentiles]);
    expect(response.error?.code).toBe(-32602);
    expect(response.error?.message).toMatch(/^invalid argument 2 \(rewardPercentiles\)/);
    expect(response.error?.message).toContain(why);
  });

  it("refuses a newest block beyond the head", async () => {
    expect((await h.call("eth_feeHistory", ["0x1", "0x99", []])).error?.message).toMatch(/beyond head block/);
  });
});

describe("eth_getLogs", () => {
  const dataOf = async (filter: Record<string, unknown>) =>
    (await h.result<{ address: string; topics: string[] }[]>("eth_getLogs", [filter])).map(
      (l) => `${l.address.slice(-3)}:${l.topics.length}`,
    );

  it("filters by address list, topic positions, null wildcards and alternatives", async () => {
    expect(await dataOf({ fromBlock: "earliest", toBlock: "latest" })).toEqual(["de1:2", "de1:1", "de2:2"]);
    expect(await dataOf({ fromBlock: "0x0", address: [TOKEN] })).toEqual(["de1:2", "de1:1"]);
    expect(await dataOf({ fromBlock: "0x0", address: TOKEN, topics: [TRANSFER, ALICE_TOPIC] })).toEqual([
      "de1:2",
    ]);
    expect(await dataOf({ fromBlock: "0x0", topics: [null, ALICE_TOPIC] })).toEqual(["de1:2", "de2:2"]);
    expect(await dataOf({ fromBlock: "0x0", topics: [[TRANSFER, APPROVAL]] })).toEqual([
      "de1:2",
      "de1:1",
      "de2:2",
    ]);
    expect(await dataOf({ fromBlock: "0x0", topics: [[APPROVAL, null]] })).toEqual([
      "de1:2",
      "de1:1",
      "de2:2",
    ]);
  });

  it("defaults the range to the latest block, and takes a blockHash", async () => {
    expect(await dataOf({})).toEqual(["de2:2"]);
    expect(await dataOf({ blockHash: h.backend.blocks[1].hash })).toEqual(["de1:2", "de1:1"]);
  });

  it("formats logs with their block, transaction and index", async () => {
    const [log] = await h.result<Record<string, unknown>[]>("eth_getLogs", [
      { fromBlock: "0x1", toBlock: "0x1" },
    ]);
    expect(log).toEqual({
      address: TOKEN,
      topics: [TRANSFER, ALICE_TOPIC],
      data: "0x",
      blockNumber: "0x1",
      transactionHash: h.backend.blocks[1].transactions[0].hash,
      transactionIndex: "0x0",
      blockHash: h.backend.blocks[1].hash,
      logIndex: "0x0",
      removed: false,
    });
  });

  it.each([
    [{ fromBlock: "0x2", toBlock: "0x1" }, "invalid block range"],
    [
      { blockHash: `0x${"00".repeat(32)}`, fromBlock: "0x1" },
      "cannot specify both blockHash and fromBlock/toBlock",
    ],
    [{ topics: [1] }, "expected a topic"],
    [{ topics: [null, null, null, null, null] }, "at most 4 topic positions"],
    [{ address: "0x12" }, "expected an address or a list of addresses"],
  ])("rejects the filter %j", async (filter, why) => {
    const response = await h.call("eth_getLogs", [filter]);
    expect(response.error?.code).toBe(-32602);
    expect(response.error?.message).toContain(why);
  });

  it("answers an unknown blockHash with an error", async () => {
    expect((await h.call("eth_getLogs", [{ blockHash: `0x${"00".repeat(32)}` }])).error).toEqual({
      code: -32000,
      message: "unknown block",
    });
  });
});

describe("filters", () => {
  it("returns new blocks, matching logs and pending transactions since the last poll", async () => {
    const blocks = await h.result<string>("eth_newBlockFilter");
    const logs = await h.result<string>("eth_newFilter", [{ address: TOKEN, topics: [TRANSFER] }]);
    const pending = await h.result<string>("eth_newPendingTransactionFilter");
    const block = h.backend.addBlock([
      { logs: [{ address: TOKEN, topics: [TRANSFER], data: "0x07" }] },
      { logs: [{ address: OTHER, topics: [TRANSFER] }] },
    ]);
    const tx = h.backend.makeTransaction({});
    h.backend.announcePending(tx);
    expect(await h.result("eth_getFilterChanges", [blocks])).toEqual([block.hash]);
    expect(await h.result("eth_getFilterChanges", [blocks])).toEqual([]);
    const changes = await h.result<{ data: string }[]>("eth_getFilterChanges", [logs]);
    expect(changes.map((l) => l.data)).toEqual(["0x07"]);
    expect(await h.result("eth_getFilterChanges", [pending])).toEqual([tx.hash]);
    // eth_getFilterLogs reruns the whole query, whatever was polled.
    const all = await h.result<unknown[]>("eth_getFilterLogs", [logs]);
    expect(all).toHaveLength(1);
    expect(await h.result("eth_uninstallFilter", [blocks])).toBe(true);
    expect(await h.result("eth_uninstallFilter", [blocks])).toBe(false);
    expect((await h.call("eth_getFilterChanges", [blocks])).error).toEqual({
      code: -32000,
      message: "filter not found",
    });
  });

  it("honours a filter's fromBlock for eth_getFilterLogs", async () => {
    const id = await h.result<string>("eth_newFilter", [{ fromBlock: "0x0", address: TOKEN }]);
    expect(await h.result<unknown[]>("eth_getFilterLogs", [id])).toHaveLength(3);
  });

  it("expires filters nobody polls", async () => {
    const kept = await h.result<string>("eth_newBlockFilter");
    const forgotten = await h.result<string>("eth_newBlockFilter");
    now += 40_000;
    await h.result("eth_getFilterChanges", [kept]);
    now += 40_000;
    h.server.sweepFilters();
    expect((await h.call("eth_getFilterChanges", [forgotten])).error?.message).toBe("filter not found");
    expect(await h.result("eth_getFilterChanges", [kept])).toEqual([]);
  });

  it("rejects eth_getFilterLogs on a block filter, and malformed ids", async () => {
    const id = await h.result<string>("eth_newBlockFilter");
    expect((await h.call("eth_getFilterLogs", [id])).error?.message).toBe("filter not found");
    expect((await h.call("eth_getFilterChanges", ["nope"])).error?.code).toBe(-32602);
  });
});
