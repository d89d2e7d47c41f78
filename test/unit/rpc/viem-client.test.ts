/** viem's public client, over HTTP and WebSocket, reads what the server formats without complaint. */
import { createPublicClient, defineChain, http, type PublicClient, parseAbi, webSocket } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./fixture/harness.js";
import { CHAIN_ID, Contracts, REVERT_REASON } from "./fixture/in-memory-backend.js";

const ALICE = "0x00000000000000000000000000000000000A11CE";
const TOKEN = "0x00000000000000000000000000000000000c0de1";
const TRANSFER = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";

let h: Harness;
let client: PublicClient;
beforeAll(async () => {
  h = await startHarness();
  h.backend.fund(ALICE, 123n);
  h.backend.addBlock([{ from: ALICE, logs: [{ address: TOKEN, topics: [TRANSFER] }] }]);
  const chain = defineChain({
    id: Number(CHAIN_ID),
    name: "kairos-test",
    nativeCurrency: { name: "USDC", symbol: "USDC", decimals: 18 },
    rpcUrls: { default: { http: [h.url], webSocket: [h.wsUrl] } },
  });
  client = createPublicClient({ chain, transport: http(h.url) });
});
afterAll(() => h.close());

describe("viem over HTTP", () => {
  it("reads chain id, head, balance and blocks", async () => {
    expect(await client.getChainId()).toBe(Number(CHAIN_ID));
    expect(await client.getBlockNumber({ cacheTime: 0 })).toBe(1n);
    expect(await client.getBalance({ address: ALICE })).toBe(123n);
    const block = await client.getBlock({ includeTransactions: true });
    expect(block.number).toBe(1n);
    expect(block.transactions[0].from).toBe(ALICE.toLowerCase());
    expect(block.transactions[0].type).toBe("eip1559");
  });

  it("reads transactions, receipts and logs", async () => {
    const hash = h.backend.head.transactions[0].hash;
    const tx = await client.getTransaction({ hash });
    expect(tx.blockNumber).toBe(1n);
    const receipt = await client.getTransactionReceipt({ hash });
    expect(receipt.status).toBe("success");
    expect(receipt.logs[0].address).toBe(TOKEN);
    const logs = await client.getLogs({ address: TOKEN, fromBlock: 0n, toBlock: "latest" });
    expect(logs).toHaveLength(1);
  });

  it("reads fees", async () => {
    const fees = await client.estimateFeesPerGas();
    expect(fees.maxPriorityFeePerGas).toBe(1_000_000_000n);
    const history = await client.getFeeHistory({ blockCount: 2, rewardPercentiles: [50] });
    expect(history.baseFeePerGas).toHaveLength(3);
  });

  it("surfaces a revert reason as viem's revert error", async () => {
    const call = client.readContract({
      address: Contracts.reverter,
      abi: parseAbi(["function f() view returns (uint256)"]),
      functionName: "f",
    });
    await expect(call).rejects.toThrow(REVERT_REASON);
  });
});

describe("viem over WebSocket", () => {
  it("watches new blocks through eth_subscribe", async () => {
    const wsClient = createPublicClient({ transport: webSocket(h.wsUrl) });
    const seen = new Promise<bigint>((resolve, reject) => {
      const unwatch = wsClient.watchBlockNumber({
        emitOnBegin: false,
        onBlockNumber: (n) => {
          unwatch();
          resolve(n);
        },
        onError: reject,
      });
    });
    // The subscription registers asynchronously: keep finalizing blocks until one is pushed.
    const start = h.backend.head.number;
    const finalizer = setInterval(() => h.backend.addBlock([]), 50);
    const pushed = await seen;
    clearInterval(finalizer);
    expect(pushed).toBeGreaterThan(start);
    await (await wsClient.transport.getRpcClient()).close();
  });
});
