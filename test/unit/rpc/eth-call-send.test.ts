/** Simulations (eth_call, eth_estimateGas, eth_createAccessList) and eth_sendRawTransaction. */
import { keccak256 } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./fixture/harness.js";
import { BURNER_GAS, Contracts, CUSTOM_ERROR_DATA, REVERT_REASON } from "./fixture/in-memory-backend.js";

const account = privateKeyToAccount(`0x${"42".repeat(32)}`);
const SENDER = account.address.toLowerCase();
const BOB = "0x0000000000000000000000000000000000000b0b";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  h.backend.fund(SENDER as `0x${string}`, 10n ** 18n, 5n);
  h.backend.addBlock([]);
});
afterAll(() => h.close());

describe("eth_call", () => {
  it("returns the call's output, reading state at the block", async () => {
    const result = await h.result("eth_call", [{ from: SENDER, to: Contracts.balanceOfCaller }, "latest"]);
    expect(BigInt(result as string)).toBe(10n ** 18n);
  });

  it("applies state overrides as geth takes them", async () => {
    const overrides = { [SENDER]: { balance: "0x2a", stateDiff: { "0x1": `0x${"00".repeat(32)}` } } };
    const result = await h.result("eth_call", [
      { from: SENDER, to: Contracts.balanceOfCaller },
      "latest",
      overrides,
    ]);
    expect(BigInt(result as string)).toBe(42n);
  });

  it("reports a revert with code 3, the reason and the revert bytes", async () => {
    const response = await h.call("eth_call", [{ to: Contracts.reverter }, "latest"]);
    expect(response.error).toMatchObject({ code: 3, message: `execution reverted: ${REVERT_REASON}` });
    expect(response.error?.data).toMatch(/^0x08c379a0/);
  });

  it("reports a custom error as a bare 'execution reverted' with its data", async () => {
    const response = await h.call("eth_call", [{ to: Contracts.customReverter }, "latest"]);
    expect(response.error).toEqual({ code: 3, message: "execution reverted", data: CUSTOM_ERROR_DATA });
  });

  it("reports an exceptional halt with -32000", async () => {
    const response = await h.call("eth_call", [{ to: Contracts.halter }, "latest"]);
    expect(response.error).toEqual({ code: -32000, message: "invalid opcode: INVALID" });
  });

  it("takes the block tag as optional", async () => {
    expect(await h.result("eth_call", [{ to: BOB }])).toBe("0x");
  });

  it.each([
    [
      { to: BOB, data: "0x01", input: "0x02" },
      "invalid argument 0 (transaction): input: both input and data set and not equal",
    ],
    [
      { to: BOB, gasPrice: "0x1", maxFeePerGas: "0x2" },
      "invalid argument 0 (transaction): gasPrice: both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified",
    ],
    [{ to: "0xzz" }, "invalid argument 0 (transaction): to: expected a 20-byte 0x-prefixed hex address"],
    [
      { to: BOB, value: "12" },
      "invalid argument 0 (transaction): value: expected a 0x-prefixed hex quantity of at most 256 bits",
    ],
    [
      { to: BOB, data: "0x123" },
      "invalid argument 0 (transaction): data: expected 0x-prefixed hex data with an even number of digits",
    ],
  ])("rejects a malformed transaction object %#", async (tx, message) => {
    expect((await h.call("eth_call", [tx, "latest"])).error).toEqual({ code: -32602, message });
  });

  it("rejects malformed state overrides", async () => {
    const both = { [BOB]: { state: {}, stateDiff: {} } };
    expect((await h.call("eth_call", [{ to: BOB }, "latest", both])).error?.message).toMatch(
      /^invalid argument 2 \(stateOverrides\).*both state and stateDiff/,
    );
    const badKey = { nobody: { balance: "0x1" } };
    expect((await h.call("eth_call", [{ to: BOB }, "latest", badKey])).error?.message).toMatch(
      /^invalid argument 2 \(stateOverrides\): nobody: nobody is not an address/,
    );
    const unknownField = { [BOB]: { balanse: "0x1" } };
    expect((await h.call("eth_call", [{ to: BOB }, "latest", unknownField])).error?.code).toBe(-32602);
  });

  it("refuses block overrides rather than ignoring them", async () => {
    expect((await h.call("eth_call", [{ to: BOB }, "latest", null, { number: "0x1" }])).error).toEqual({
      code: -32602,
      message: "invalid argument 3 (blockOverrides): not supported",
    });
  });
});

describe("eth_estimateGas", () => {
  it("finds the least gas that succeeds", async () => {
    expect(await h.result("eth_estimateGas", [{ from: SENDER, to: Contracts.gasBurner }])).toBe(
      `0x${BURNER_GAS.toString(16)}`,
    );
    expect(await h.result("eth_estimateGas", [{ from: SENDER, to: BOB, value: "0x1" }, "latest"])).toBe(
      "0x5208",
    );
    expect(await h.result("eth_estimateGas", [{ to: BOB, data: "0x0102" }, "pending"])).toBe(
      `0x${(21_000 + 32).toString(16)}`,
    );
  });

  it("searches no higher than the gas the caller sets", async () => {
    expect((await h.call("eth_estimateGas", [{ to: Contracts.gasBurner, gas: "0x5208" }])).error).toEqual({
      code: -32000,
      message: "gas required exceeds allowance (21000)",
    });
  });

  it("searches no higher than the gas the sender can pay for", async () => {
    // 10^18 wei at 10^13 per gas buys 100,000 gas: enough for the burner, not at 10^14.
    const paying = { from: SENDER, to: Contracts.gasBurner, maxFeePerGas: "0x9184e72a000" };
    expect(await h.result("eth_estimateGas", [paying])).toBe(`0x${BURNER_GAS.toString(16)}`);
    expect((await h.call("eth_estimateGas", [{ ...paying, maxFeePerGas: "0x5af3107a4000" }])).error).toEqual({
      code: -32000,
      message: "gas required exceeds allowance (10000)",
    });
    expect((await h.call("eth_estimateGas", [{ ...paying, value: "0xde0b6b3a7640001" }])).error).toEqual({
      code: -32000,
      message: "insufficient funds for transfer",
    });
  });

  it("reports a revert like eth_call", async () => {
    expect((await h.call("eth_estimateGas", [{ to: Contracts.reverter }])).error).toMatchObject({
      code: 3,
      message: `execution reverted: ${REVERT_REASON}`,
    });
  });
});

describe("eth_createAccessList", () => {
  it("returns the access list and the gas used", async () => {
    expect(await h.result("eth_createAccessList", [{ to: Contracts.gasBurner }, "latest"])).toEqual({
      accessList: [{ address: Contracts.gasBurner, storageKeys: [`0x${"00".repeat(32)}`] }],
      gasUsed: `0x${BURNER_GAS.toString(16)}`,
    });
  });
});

describe("eth_sendRawTransaction", () => {
  const sign = (overrides: { nonce?: number; chainId?: number } = {}) =>
    account.signTransaction({
      chainId: overrides.chainId ?? 7007,
      nonce: overrides.nonce ?? 5,
      to: BOB,
      value: 1n,
      gas: 21_000n,
      maxFeePerGas: 2_000_000_000n,
      maxPriorityFeePerGas: 1_000_000n,
    });

  it("returns the transaction hash and makes it visible as pending", async () => {
    const raw = await sign();
    expect(await h.result("eth_sendRawTransaction", [raw])).toBe(keccak256(raw));
    expect(await h.result("eth_getTransactionCount", [SENDER, "pending"])).toBe("0x6");
    expect(await h.result("eth_getTransactionByHash", [keccak256(raw)])).toMatchObject({
      blockHash: null,
      nonce: "0x5",
    });
  });

  it("answers a duplicate with geth's 'already known'", async () => {
    const raw = await sign({ nonce: 6 });
    await h.result("eth_sendRawTransaction", [raw]);
    expect((await h.call("eth_sendRawTransaction", [raw])).error).toEqual({
      code: -32000,
      message: "already known",
    });
  });

  it("answers a stale nonce with geth's wording and detail", async () => {
    expect((await h.call("eth_sendRawTransaction", [await sign({ nonce: 1 })])).error).toEqual({
      code: -32000,
      message: "nonce too low: next nonce 5, tx nonce 1",
    });
  });

  it("answers another chain's transaction with 'invalid chain id'", async () => {
    const response = await h.call("eth_sendRawTransaction", [await sign({ chainId: 1 })]);
    expect(response.error?.code).toBe(-32000);
    expect(response.error?.message).toMatch(/^invalid chain id/);
  });

  it("rejects bytes that are not a transaction without changing anything", async () => {
    const before = await h.result("txpool_status");
    expect((await h.call("eth_sendRawTransaction", ["0x"])).error?.code).toBe(-32602);
    expect((await h.call("eth_sendRawTransaction", ["0xzz"])).error?.code).toBe(-32602);
    expect((await h.call("eth_sendRawTransaction", ["0x02c0ffee"])).error).toMatchObject({
      code: -32000,
      message: expect.stringMatching(/^invalid transaction encoding/),
    });
    expect(await h.result("txpool_status")).toEqual(before);
  });
});
