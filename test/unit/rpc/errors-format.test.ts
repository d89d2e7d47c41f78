/** Error mapping and wire formatting, without a server. */
import { encodeErrorResult, parseAbi } from "viem";
import { describe, expect, it } from "vitest";
import { ExecutionRevertedError, rejectionError, revertReason, toRpcError } from "../../../src/rpc/errors.js";
import { formatTransaction, quantity } from "../../../src/rpc/format.js";
import { InMemoryBackend } from "./fixture/in-memory-backend.js";

describe("revert reasons", () => {
  it("decodes Error(string)", () => {
    const data = encodeErrorResult({
      abi: parseAbi(["error Error(string)"]),
      errorName: "Error",
      args: ["low"],
    });
    const error = new ExecutionRevertedError(data);
    expect(error.code).toBe(3);
    expect(error.message).toBe("execution reverted: low");
    expect(error.data).toBe(data);
  });

  it("names Panic(uint256) codes", () => {
    const data = encodeErrorResult({
      abi: parseAbi(["error Panic(uint256)"]),
      errorName: "Panic",
      args: [0x11n],
    });
    expect(revertReason(data)).toBe("panic: arithmetic underflow or overflow");
  });

  it("leaves custom errors, empty and truncated reverts without a reason", () => {
    expect(new ExecutionRevertedError("0x").message).toBe("execution reverted");
    expect(revertReason("0x8e4a23d6")).toBeUndefined();
    expect(revertReason("0x08c379a000")).toBeUndefined();
  });
});

describe("rejections", () => {
  it("keeps the pool's detail when it follows geth's wording", () => {
    expect(rejectionError("NONCE_TOO_LOW", "nonce too low: next nonce 5, tx nonce 3")).toMatchObject({
      code: -32000,
      message: "nonce too low: next nonce 5, tx nonce 3",
    });
  });

  it("falls back to geth's wording, and honours the pool's own JSON-RPC code", () => {
    expect(rejectionError("UNDERPRICED", "too cheap")).toMatchObject({
      code: -32000,
      message: "transaction underpriced",
    });
    expect(rejectionError("TXPOOL_FULL", "txpool is full", -32003)).toMatchObject({ code: -32003 });
    expect(rejectionError("SOMETHING_NEW", "pool says no")).toMatchObject({
      code: -32000,
      message: "pool says no",
    });
  });

  it("turns unexpected failures into -32603 without leaking their message", () => {
    expect(toRpcError(new Error("db path /secret"))).toMatchObject({
      code: -32603,
      message: "internal error",
    });
    expect(toRpcError("weird")).toMatchObject({ code: -32603 });
  });
});

describe("formatting", () => {
  it("writes quantities in minimal hex", () => {
    expect(quantity(0n)).toBe("0x0");
    expect(quantity(255)).toBe("0xff");
    expect(quantity(2n ** 256n - 1n)).toBe(`0x${"f".repeat(64)}`);
  });

  it("shows a legacy transaction's own gas price, without fee-market fields", () => {
    const backend = new InMemoryBackend();
    const base = backend.makeTransaction({});
    const legacy = {
      ...base,
      type: 0 as const,
      gasPrice: 7n,
      maxFeePerGas: undefined,
      maxPriorityFeePerGas: undefined,
      accessList: undefined,
      yParity: undefined,
      v: 37n,
    };
    const out = formatTransaction(legacy, {
      blockHash: base.hash,
      blockNumber: 1n,
      index: 0,
      baseFeePerGas: 5n,
    });
    expect(out).toMatchObject({ type: "0x0", gasPrice: "0x7", v: "0x25" });
    expect(out).not.toHaveProperty("maxFeePerGas");
    expect(out).not.toHaveProperty("yParity");
  });

  it("caps a mined fee-market transaction's price at its fee cap", () => {
    const backend = new InMemoryBackend();
    const tx = { ...backend.makeTransaction({}), maxFeePerGas: 10n, maxPriorityFeePerGas: 8n };
    const out = formatTransaction(tx, { blockHash: tx.hash, blockNumber: 1n, index: 0, baseFeePerGas: 5n });
    expect(out.gasPrice).toBe("0xa");
  });
});
