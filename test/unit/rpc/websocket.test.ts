/** JSON-RPC over WebSocket on the same port, and eth_subscribe / eth_unsubscribe notifications. */

import type { Hash } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness, WsClient } from "./fixture/harness.js";

const TRANSFER: Hash = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";
const APPROVAL: Hash = "0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925";
const TOKEN = "0x00000000000000000000000000000000000c0de1";
const OTHER = "0x00000000000000000000000000000000000c0de2";

let h: Harness;
let client: WsClient;
beforeAll(async () => {
  h = await startHarness();
  client = await WsClient.open(h.wsUrl);
});
afterAll(async () => {
  await client.close();
  await h.close();
});

describe("requests over WebSocket", () => {
  it("answers calls, batches and errors like HTTP", async () => {
    expect(await client.call("eth_chainId")).toEqual({
      jsonrpc: "2.0",
      id: expect.any(Number),
      result: "0x1b5f",
    });
    client.socket.send(
      '[{"jsonrpc":"2.0","id":"b1","method":"net_version"},{"jsonrpc":"2.0","id":"b2","method":"nope"}]',
    );
    expect(await client.next((m) => m.id === "b1")).toMatchObject({ result: "7007" });
    expect(await client.next((m) => m.id === "b2")).toMatchObject({ error: { code: -32601 } });
    client.socket.send("{not json");
    expect(
      await client.next((m) => (m.error as { code?: number } | undefined)?.code === -32700),
    ).toMatchObject({
      id: null,
    });
  });
});

describe("eth_subscribe", () => {
  it("pushes newHeads with the header of each final block", async () => {
    const { result: id } = (await client.call("eth_subscribe", ["newHeads"])) as { result: string };
    expect(id).toMatch(/^0x[0-9a-f]{32}$/);
    const block = h.backend.addBlock([{ value: 1n }]);
    const message = await client.next((m) => (m.params as { subscription?: string })?.subscription === id);
    expect(message).toEqual({
      jsonrpc: "2.0",
      method: "eth_subscription",
      params: {
        subscription: id,
        result: expect.objectContaining({ hash: block.hash, number: `0x${block.number.toString(16)}` }),
      },
    });
    const header = (message.params as { result: Record<string, unknown> }).result;
    expect(header).not.toHaveProperty("transactions");
    expect(header.baseFeePerGas).toBe("0x3b9aca00");
    expect((await client.call("eth_unsubscribe", [id])).result).toBe(true);
    expect((await client.call("eth_unsubscribe", [id])).result).toBe(false);
  });

  it("pushes only the logs that match the subscription's address and topics", async () => {
    const { result: id } = (await client.call("eth_subscribe", [
      "logs",
      { address: TOKEN, topics: [TRANSFER] },
    ])) as {
      result: string;
    };
    h.backend.addBlock([
      { logs: [{ address: TOKEN, topics: [APPROVAL] }] },
      { logs: [{ address: OTHER, topics: [TRANSFER] }] },
      { logs: [{ address: TOKEN, topics: [TRANSFER], data: "0x01" }] },
    ]);
    // The marker block's newHeads would not reach this subscription; a second matching log marks the end.
    h.backend.addBlock([{ logs: [{ address: TOKEN, topics: [TRANSFER], data: "0x02" }] }]);
    await client.next((m) => {
      const p = m.params as { subscription?: string; result?: { data?: string } } | undefined;
      return p?.subscription === id && p.result?.data === "0x02";
    });
    const logs = client.notifications(id);
    expect(logs.map((l) => l.data)).toEqual(["0x01", "0x02"]);
    expect(logs[0]).toMatchObject({ address: TOKEN, topics: [TRANSFER], removed: false, logIndex: "0x2" });
    await client.call("eth_unsubscribe", [id]);
  });

  it("pushes pending transaction hashes, or whole transactions with true", async () => {
    const hashes = (await client.call("eth_subscribe", ["newPendingTransactions"])) as { result: string };
    const full = (await client.call("eth_subscribe", ["newPendingTransactions", true])) as { result: string };
    const tx = h.backend.makeTransaction({ value: 5n });
    h.backend.announcePending(tx);
    const byHash = await client.next(
      (m) => (m.params as { subscription?: string })?.subscription === hashes.result,
    );
    const byTx = await client.next(
      (m) => (m.params as { subscription?: string })?.subscription === full.result,
    );
    expect((byHash.params as { result: unknown }).result).toBe(tx.hash);
    expect((byTx.params as { result: unknown }).result).toMatchObject({
      hash: tx.hash,
      blockHash: null,
      blockNumber: null,
      value: "0x5",
    });
    await client.call("eth_unsubscribe", [hashes.result]);
    await client.call("eth_unsubscribe", [full.result]);
  });

  it("rejects unknown kinds and block ranges in logs subscriptions", async () => {
    expect((await client.call("eth_subscribe", ["syncingz"])).error).toMatchObject({ code: -32602 });
    expect((await client.call("eth_subscribe", ["logs", { fromBlock: "0x1" }])).error).toMatchObject({
      code: -32602,
    });
  });

  it("keeps subscriptions to their connection", async () => {
    const other = await WsClient.open(h.wsUrl);
    const { result: id } = (await client.call("eth_subscribe", ["newHeads"])) as { result: string };
    expect((await other.call("eth_unsubscribe", [id])).result).toBe(false);
    await other.close();
    expect((await client.call("eth_unsubscribe", [id])).result).toBe(true);
  });

  it("is refused over HTTP", async () => {
    const response = await h.call("eth_subscribe", ["newHeads"]);
    expect(response.error?.code).toBe(-32601);
    expect(response.error?.message).toMatch(/WebSocket/);
  });

  it("stops notifying a connection once it closes", async () => {
    const other = await WsClient.open(h.wsUrl);
    await other.call("eth_subscribe", ["newHeads"]);
    await other.close();
    h.backend.addBlock([]);
    expect((await client.call("eth_blockNumber")).result).toBeTypeOf("string");
  });
});
