/** Limits a client can run into, and CORS: each answered clearly, none crashing the server. */
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness, WsClient } from "./fixture/harness.js";
import { Contracts } from "./fixture/in-memory-backend.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const chainId = (id: number) => ({ jsonrpc: "2.0", id, method: "eth_chainId" });

describe("size limits", () => {
  it("refuses a batch above the configured size", async () => {
    h = await startHarness({ maxBatchSize: 3 });
    const { json } = await h.post(JSON.stringify([1, 2, 3, 4].map(chainId)));
    expect(json).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: { code: -32600, message: "batch too large: 4 requests, the limit is 3" },
    });
    const ok = await h.post(JSON.stringify([1, 2, 3].map(chainId)));
    expect(ok.json).toHaveLength(3);
  });

  it("serves 1,000 calls in one batch by default", async () => {
    h = await startHarness();
    const ids = Array.from({ length: 1000 }, (_, i) => i);
    const { json } = await h.post(JSON.stringify(ids.map(chainId)));
    expect((json as { id: number }[]).map((r) => r.id)).toEqual(ids);
  });

  it("answers a body above the request limit with 413 and a JSON-RPC error", async () => {
    h = await startHarness({ maxRequestBytes: 1024 });
    const { status, json } = await h.post(JSON.stringify({ ...chainId(1), params: ["x".repeat(2000)] }));
    expect(status).toBe(413);
    expect(json).toMatchObject({
      id: null,
      error: { code: -32600, message: expect.stringContaining("1024") },
    });
    expect((await h.call("eth_chainId")).result).toBe("0x1b5f");
  });

  it("reads a body sent in chunks, and refuses one that grows past the limit without a length", async () => {
    h = await startHarness({ maxRequestBytes: 1024 });
    const chunked = (parts: string[]) =>
      fetch(h!.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: new ReadableStream({
          start(controller) {
            for (const part of parts) controller.enqueue(new TextEncoder().encode(part));
            controller.close();
          },
        }),
        duplex: "half",
      } as RequestInit);
    const small = await chunked(['{"jsonrpc":"2.0",', '"id":7,"method":', '"eth_chainId"}']);
    expect(await small.json()).toEqual({ jsonrpc: "2.0", id: 7, result: "0x1b5f" });
    const large = await chunked([
      '{"jsonrpc":"2.0","id":1,',
      `"params":["${"x".repeat(800)}`,
      `${"y".repeat(800)}"]}`,
    ]);
    expect(large.status).toBe(413);
    expect(await large.json()).toMatchObject({ error: { code: -32600 } });
    expect((await h.call("eth_chainId")).result).toBe("0x1b5f");
  });

  it("replaces a response above the limit with -32005", async () => {
    h = await startHarness({ maxResponseBytes: 2_000 });
    h.backend.addBlock(Array.from({ length: 20 }, () => ({ value: 1n })));
    const response = await h.call("eth_getBlockByNumber", ["latest", true]);
    expect(response.error?.code).toBe(-32005);
    expect(response.error?.message).toMatch(/response too large/);
    expect((await h.call("eth_getBlockByNumber", ["0x0", false])).result).toBeTruthy();
  });
});

describe("per-IP rate limit", () => {
  it("answers 429 and -32005 once the bucket is empty, counting batch items", async () => {
    let now = 1_000_000;
    h = await startHarness({ rateLimit: { callsPerSecond: 5, burst: 5 } }, { clock: () => now });
    const batch = await h.post(JSON.stringify([1, 2, 3, 4].map(chainId)));
    expect(batch.status).toBe(200);
    expect((await h.post(JSON.stringify(chainId(5)))).status).toBe(200);
    const refused = await h.post(JSON.stringify(chainId(6)));
    expect(refused.status).toBe(429);
    expect(refused.json).toMatchObject({ error: { code: -32005, message: "rate limit exceeded" } });
    now += 1_000;
    expect((await h.post(JSON.stringify(chainId(7)))).status).toBe(200);
  });

  it("is off by default", async () => {
    h = await startHarness();
    for (let i = 0; i < 50; i++) expect((await h.post(JSON.stringify(chainId(i)))).status).toBe(200);
  });
});

describe("CORS", () => {
  it("allows any origin by default", async () => {
    h = await startHarness();
    const { headers } = await h.post(JSON.stringify(chainId(1)), { origin: "chrome-extension://metamask" });
    expect(headers.get("access-control-allow-origin")).toBe("*");
  });

  it("echoes a configured origin and refuses others", async () => {
    h = await startHarness({ corsOrigins: ["https://app.example"] });
    const allowed = await h.post(JSON.stringify(chainId(1)), { origin: "https://app.example" });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(allowed.headers.get("vary")).toBe("Origin");
    const other = await h.post(JSON.stringify(chainId(1)), { origin: "https://evil.example" });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("answers a preflight", async () => {
    h = await startHarness();
    const response = await fetch(h.url, {
      method: "OPTIONS",
      headers: {
        origin: "https://app.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-methods")).toContain("POST");
    expect(response.headers.get("access-control-allow-headers")).toBe("content-type");
  });

  it("refuses a WebSocket from an origin not allowed", async () => {
    h = await startHarness({ corsOrigins: ["https://app.example"] });
    await expect(WsClient.open(h.wsUrl, { origin: "https://evil.example" })).rejects.toThrow(/403/);
    const client = await WsClient.open(h.wsUrl, { origin: "https://app.example" });
    await client.close();
  });
});

describe("simulation limits", () => {
  it("caps eth_estimateGas at the gas cap", async () => {
    h = await startHarness({ gasCap: 50_000n });
    const response = await h.call("eth_estimateGas", [{ to: Contracts.gasBurner }]);
    expect(response.error).toEqual({ code: -32000, message: "gas required exceeds allowance (50000)" });
  });

  it("lowers a gas limit above the cap to the cap", async () => {
    h = await startHarness({ gasCap: 50_000n });
    const response = await h.call("eth_call", [{ to: Contracts.gasBurner, gas: "0x1000000" }, "latest"]);
    expect(response.error).toMatchObject({ code: -32000, message: "out of gas" });
  });

  it("aborts an execution that outlives the timeout", async () => {
    h = await startHarness({ executionTimeoutMs: 50 });
    const response = await h.call("eth_call", [{ to: Contracts.slow }, "latest"]);
    expect(response.error).toEqual({ code: -32000, message: "execution aborted (timeout = 50ms)" });
  });
});

describe("eth_getLogs range", () => {
  it("refuses a span above the limit with a message saying how to fix it", async () => {
    h = await startHarness({ maxLogsBlockRange: 5n });
    for (let i = 0; i < 10; i++) h.backend.addBlock([]);
    const response = await h.call("eth_getLogs", [{ fromBlock: "0x0", toBlock: "0x9" }]);
    expect(response.error?.code).toBe(-32005);
    expect(response.error?.message).toBe(
      "block range too large: 10 blocks requested (0..9), the limit is 5; narrow fromBlock/toBlock",
    );
    expect((await h.call("eth_getLogs", [{ fromBlock: "0x5", toBlock: "0x9" }])).result).toEqual([]);
  });
});

describe("eth_getLogs results", () => {
  it("refuses an answer with more logs than the limit", async () => {
    h = await startHarness({ maxLogsResults: 2 });
    const log = { address: "0x00000000000000000000000000000000000c0de1" as const, topics: [] };
    h.backend.addBlock([{ logs: [log, log, log] }]);
    expect((await h.call("eth_getLogs", [{ fromBlock: "0x0" }])).error).toEqual({
      code: -32005,
      message: "query returned more than 2 results; narrow the block range or the filter",
    });
  });
});

describe("subscriptions per connection", () => {
  it("refuses one subscription too many", async () => {
    h = await startHarness({ maxSubscriptionsPerConnection: 2 });
    const client = await WsClient.open(h.wsUrl);
    expect((await client.call("eth_subscribe", ["newHeads"])).result).toBeTypeOf("string");
    expect((await client.call("eth_subscribe", ["newHeads"])).result).toBeTypeOf("string");
    expect((await client.call("eth_subscribe", ["newHeads"])).error).toEqual({
      code: -32005,
      message: "too many subscriptions on this connection: the limit is 2",
    });
    await client.close();
  });
});
