/** JSON-RPC 2.0 to the letter, over HTTP: ids, batches, notifications, and each error code. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineMethod } from "../../../src/rpc/method.js";
import { allMethods } from "../../../src/rpc/methods/index.js";
import { type Harness, startHarness } from "./fixture/harness.js";

const explode = defineMethod("test_explode", [], z.tuple([]), () => {
  throw new TypeError("boom");
});

let h: Harness;
beforeAll(async () => {
  h = await startHarness({}, { methods: [...allMethods, explode] });
});
afterAll(() => h.close());

const request = (id: unknown, method = "eth_chainId", params: unknown[] = []) =>
  JSON.stringify({ jsonrpc: "2.0", id, method, params });

describe("ids", () => {
  it.each([
    ["a number", "7", 7],
    ["zero", "0", 0],
    ["a string", '"abc"', "abc"],
    ["an empty string", '""', ""],
    ["null", "null", null],
    ["a negative fraction", "-1.5", -1.5],
  ])("echoes %s as sent", async (_, idText, id) => {
    const { json } = await h.post(`{"jsonrpc":"2.0","id":${idText},"method":"eth_chainId"}`);
    expect(json).toEqual({ jsonrpc: "2.0", id, result: "0x1b5f" });
  });

  it("echoes a numeric id beyond 2^53 digit for digit", async () => {
    const response = await fetch(h.url, {
      method: "POST",
      body: '{"jsonrpc":"2.0","id":18446744073709551617,"method":"eth_chainId"}',
    });
    expect(await response.text()).toBe('{"jsonrpc":"2.0","id":18446744073709551617,"result":"0x1b5f"}');
  });

  it("rejects an id that is an object", async () => {
    const { json } = await h.post('{"jsonrpc":"2.0","id":{"a":1},"method":"eth_chainId"}');
    expect(json).toMatchObject({ id: null, error: { code: -32600 } });
  });
});

describe("requests", () => {
  it("answers a body that is not JSON with -32700 and id null", async () => {
    const { status, json } = await h.post('{"jsonrpc":"2.0","id":1,"method":');
    expect(status).toBe(200);
    expect(json).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32700 } });
  });

  it("answers an empty body with -32700", async () => {
    const { json } = await h.post("");
    expect(json).toMatchObject({ id: null, error: { code: -32700 } });
  });

  it("requires jsonrpc to be exactly 2.0", async () => {
    const { json } = await h.post('{"jsonrpc":"1.0","id":4,"method":"eth_chainId"}');
    expect(json).toMatchObject({ id: 4, error: { code: -32600 } });
  });

  it("requires a string method", async () => {
    const { json } = await h.post('{"jsonrpc":"2.0","id":4,"method":5}');
    expect(json).toMatchObject({ id: 4, error: { code: -32600 } });
  });

  it("answers an unknown method with -32601", async () => {
    const { json } = await h.post(request(9, "eth_doesNotExist"));
    expect(json).toEqual({
      jsonrpc: "2.0",
      id: 9,
      error: { code: -32601, message: "the method eth_doesNotExist does not exist/is not available" },
    });
  });

  it("answers invalid params with -32602 naming the argument and why", async () => {
    const response = await h.call("eth_getBalance", ["0x1234", "latest"]);
    expect(response.error?.code).toBe(-32602);
    expect(response.error?.message).toBe(
      "invalid argument 0 (address): expected a 20-byte 0x-prefixed hex address",
    );
  });

  it("names a missing required argument", async () => {
    const response = await h.call("eth_getBalance", []);
    expect(response.error).toEqual({
      code: -32602,
      message: "missing value for required argument 0 (address)",
    });
  });

  it("refuses too many arguments", async () => {
    const response = await h.call("eth_blockNumber", [1]);
    expect(response.error).toEqual({ code: -32602, message: "too many arguments, want at most 0" });
  });

  it("refuses params given by name", async () => {
    const { json } = await h.post(
      '{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":{"address":"0x"}}',
    );
    expect(json).toMatchObject({ id: 1, error: { code: -32602 } });
  });

  it("treats absent or null params as none", async () => {
    const { json } = await h.post('{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}');
    expect(json).toMatchObject({ result: "0x1b5f" });
    const withNull = await h.post('{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":null}');
    expect(withNull.json).toMatchObject({ result: "0x1b5f" });
  });

  it("hides internal failures behind -32603 and keeps serving", async () => {
    const response = await h.call("test_explode");
    expect(response.error).toEqual({ code: -32603, message: "internal error" });
    expect((await h.call("eth_chainId")).result).toBe("0x1b5f");
  });
});

describe("notifications", () => {
  it("sends nothing for a notification", async () => {
    const { status, json } = await h.post('{"jsonrpc":"2.0","method":"eth_chainId"}');
    expect(status).toBe(204);
    expect(json).toBeUndefined();
  });

  it("sends nothing for a notification that fails", async () => {
    const { json } = await h.post('{"jsonrpc":"2.0","method":"eth_unknown"}');
    expect(json).toBeUndefined();
  });
});

describe("batches", () => {
  it("answers an empty batch with a single -32600", async () => {
    const { json } = await h.post("[]");
    expect(json).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32600 } });
  });

  it("answers one response per call, in order, with an error for each item that is not a request", async () => {
    const body = `[${request(1)},1,${request("two", "eth_blockNumber")},"x",{"jsonrpc":"2.0","method":"eth_chainId"},null]`;
    const { json } = await h.post(body);
    expect(json).toEqual([
      { jsonrpc: "2.0", id: 1, result: "0x1b5f" },
      {
        jsonrpc: "2.0",
        id: null,
        error: { code: -32600, message: "invalid request: expected a request object" },
      },
      { jsonrpc: "2.0", id: "two", result: "0x0" },
      {
        jsonrpc: "2.0",
        id: null,
        error: { code: -32600, message: "invalid request: expected a request object" },
      },
      {
        jsonrpc: "2.0",
        id: null,
        error: { code: -32600, message: "invalid request: expected a request object" },
      },
    ]);
  });

  it("sends nothing for a batch of notifications", async () => {
    const { status, json } = await h.post('[{"jsonrpc":"2.0","method":"eth_chainId"}]');
    expect(status).toBe(204);
    expect(json).toBeUndefined();
  });

  it("mixes results and errors in one batch", async () => {
    const { json } = await h.post(`[${request(1, "eth_nope")},${request(2)}]`);
    expect(json).toMatchObject([
      { id: 1, error: { code: -32601 } },
      { id: 2, result: "0x1b5f" },
    ]);
  });
});

describe("HTTP", () => {
  it("accepts bodies whatever their content type", async () => {
    const { json } = await h.post(request(1), { "content-type": "text/plain" });
    expect(json).toMatchObject({ result: "0x1b5f" });
  });

  it("serves JSON-RPC on any path", async () => {
    const response = await fetch(`${h.url}/rpc/v1`, { method: "POST", body: request(3) });
    expect(await response.json()).toEqual({ jsonrpc: "2.0", id: 3, result: "0x1b5f" });
  });

  it("answers a GET with an explanation", async () => {
    const response = await fetch(h.url);
    expect(response.status).toBe(405);
    expect(await response.json()).toMatchObject({ error: { code: -32600 } });
  });

  it("survives a stream of malformed bodies", async () => {
    const bodies = [
      "{",
      "[",
      "[{}]",
      '{"id":1}',
      "nul",
      '{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":[null]}',
      "\u0000",
    ];
    for (const body of bodies) {
      const { status } = await h.post(body);
      expect(status).toBe(200);
    }
    expect((await h.call("eth_chainId")).result).toBe("0x1b5f");
  });
});
