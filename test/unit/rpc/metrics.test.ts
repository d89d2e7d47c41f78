/** The server counts calls by method in the node's metrics registry. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { createMetrics, type Metrics } from "../../../src/metrics/metrics.js";
import { type Harness, startHarness } from "./fixture/harness.js";

let h: Harness;
let metrics: Metrics;
beforeAll(async () => {
  metrics = createMetrics({ defaultMetrics: false });
  h = await startHarness({}, { callCounter: metrics.rpcRequests });
});
afterAll(() => h.close());

it("counts each call of a known method, batch items included", async () => {
  await h.post(
    JSON.stringify([
      { jsonrpc: "2.0", id: 1, method: "eth_chainId" },
      { jsonrpc: "2.0", id: 2, method: "eth_chainId" },
      { jsonrpc: "2.0", id: 3, method: "eth_blockNumber" },
      { jsonrpc: "2.0", id: 4, method: "eth_unknown" },
    ]),
  );
  const text = await metrics.registry.metrics();
  expect(text).toContain('kairos_rpc_requests_total{method="eth_chainId"} 2');
  expect(text).toContain('kairos_rpc_requests_total{method="eth_blockNumber"} 1');
  expect(text).not.toContain("eth_unknown");
});
