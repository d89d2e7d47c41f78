/** web3/net/chain identity, txpool_*, debug_* and kairos_* methods. */
import { getAddress, keccak256, toHex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChainBlock } from "../../../src/rpc/backend.js";
import { type Harness, startHarness } from "./fixture/harness.js";
import { Contracts } from "./fixture/in-memory-backend.js";

const ALICE = "0x00000000000000000000000000000000000a11ce";
const BOB = "0x0000000000000000000000000000000000000b0b";

let h: Harness;
let mined: ChainBlock;
beforeAll(async () => {
  h = await startHarness();
  mined = h.backend.addBlock([{ from: ALICE, to: BOB, value: 9n }]);
});
afterAll(() => h.close());

describe("web3, net and chain identity", () => {
  it("answers what MetaMask asks first", async () => {
    expect(await h.result("eth_chainId")).toBe("0x1b5f");
    expect(await h.result("net_version")).toBe("7007");
    expect(await h.result("eth_accounts")).toEqual([]);
    expect(await h.result("eth_syncing")).toBe(false);
    expect(await h.result("web3_clientVersion")).toBe("kairos/test-fixture");
    expect(await h.result("net_listening")).toBe(true);
    expect(await h.result("net_peerCount")).toBe("0x5");
  });

  it("hashes with web3_sha3 and validates its input", async () => {
    expect(await h.result("web3_sha3", ["0x68656c6c6f"])).toBe(keccak256(toHex("hello")));
    expect((await h.call("web3_sha3", ["hello"])).error?.message).toMatch(/^invalid argument 0 \(data\)/);
  });
});

describe("txpool", () => {
  it("shows pool content by checksummed sender and decimal nonce", async () => {
    const tx = { ...h.backend.makeTransaction({ from: ALICE, to: BOB, value: 3n }), nonce: 4n };
    h.backend.announcePending(tx);
    expect(await h.result("txpool_status")).toEqual({ pending: "0x1", queued: "0x0" });
    const content = await h.result<{ pending: Record<string, Record<string, { hash: string }>> }>(
      "txpool_content",
    );
    expect(Object.keys(content.pending)).toEqual([getAddress(ALICE)]);
    expect(content.pending[getAddress(ALICE)]["4"].hash).toBe(tx.hash);
    expect(await h.result("txpool_contentFrom", [ALICE])).toMatchObject({
      pending: { "4": { hash: tx.hash, blockHash: null } },
      queued: {},
    });
    expect(await h.result("txpool_contentFrom", [BOB])).toEqual({ pending: {}, queued: {} });
    expect(await h.result("txpool_inspect")).toEqual({
      pending: { [getAddress(ALICE)]: { "4": `${getAddress(BOB)}: 3 wei + 100000 gas × 3000000000 wei` } },
      queued: {},
    });
  });
});

describe("debug", () => {
  it("traces a call with the struct logger in geth's shape", async () => {
    const trace = await h.result<Record<string, unknown>>("debug_traceCall", [{ to: BOB }, "latest", {}]);
    expect(trace).toEqual({
      gas: 21000,
      failed: false,
      returnValue: "0x",
      structLogs: [
        { pc: 0, op: "PUSH1", gas: 79000, gasCost: 3, depth: 1, stack: [] },
        {
          pc: 2,
          op: "STOP",
          gas: 78997,
          gasCost: 0,
          depth: 1,
          stack: ["0x80"],
          storage: { ["00".repeat(32)]: "00".repeat(32) },
        },
      ],
    });
  });

  it("traces with callTracer", async () => {
    const trace = await h.result<Record<string, unknown>>("debug_traceCall", [
      { from: ALICE, to: Contracts.reverter },
      "latest",
      { tracer: "callTracer", tracerConfig: { onlyTopCall: true } },
    ]);
    expect(trace).toMatchObject({
      type: "CALL",
      from: ALICE,
      to: Contracts.reverter,
      error: "execution reverted",
    });
    expect(trace).not.toHaveProperty("calls");
  });

  it("traces a final transaction and returns its raw bytes", async () => {
    const hash = mined.transactions[0].hash;
    const trace = await h.result<Record<string, unknown>>("debug_traceTransaction", [
      hash,
      { tracer: "callTracer" },
    ]);
    expect(trace).toMatchObject({ type: "CALL", from: ALICE, to: BOB, value: "0x9" });
    expect(await h.result("debug_getRawTransaction", [hash])).toMatch(/^0x02/);
    expect(await h.result("debug_getRawTransaction", [`0x${"33".repeat(32)}`])).toBeNull();
    const unknown = await h.call("debug_traceTransaction", [
      `0x${"33".repeat(32)}`,
      { tracer: "callTracer" },
    ]);
    expect(unknown.error).toMatchObject({ code: -32000, message: "transaction not found" });
  });

  it("refuses tracers it does not have", async () => {
    const response = await h.call("debug_traceCall", [{ to: BOB }, "latest", { tracer: "prestateTracer" }]);
    expect(response.error?.code).toBe(-32602);
    expect(response.error?.message).toMatch(/prestateTracer is not supported/);
  });
});

describe("kairos", () => {
  it("reports views and the validator set", async () => {
    const head = h.backend.head.number;
    expect(await h.result("kairos_currentView")).toBe(`0x${(head + 3n).toString(16)}`);
    expect(await h.result("kairos_finalizedView")).toBe(`0x${(head + 2n).toString(16)}`);
    const validators =
      await h.result<{ index: number; publicKey: string; address: string }[]>("kairos_validators");
    expect(validators).toHaveLength(6);
    expect(validators[0]).toEqual({
      index: 0,
      publicKey: `0x${"01".repeat(48)}`,
      address: expect.any(String),
    });
  });

  it("returns a block's finality certificate by hash, number or tag", async () => {
    const byHash = await h.result<Record<string, unknown>>("kairos_getFinalityCertificate", [mined.hash]);
    expect(byHash).toEqual({
      blockHash: mined.hash,
      blockNumber: "0x1",
      view: 3,
      certifiedBlockHash: mined.hash,
      signers: [0, 1, 2, 3, 4],
      aggregateSignature: `0x${"aa".repeat(96)}`,
      encoded: `0x${"bb".repeat(110)}`,
    });
    expect(await h.result("kairos_getFinalityCertificate", ["0x1"])).toEqual(byHash);
    expect(await h.result("kairos_getFinalityCertificate", ["0x99"])).toBeNull();
    expect((await h.call("kairos_getFinalityCertificate", ["nope"])).error?.code).toBe(-32602);
  });
});
