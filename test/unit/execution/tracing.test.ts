/**
 * debug_traceTransaction and debug_traceCall on a real chain and VM: geth's struct logger and
 * callTracer, fed by EthereumJS's events, over hand-assembled contracts.
 */
import {
  type Address,
  bytesToHex,
  concat,
  encodeErrorResult,
  getAddress,
  type Hex,
  numberToHex,
  parseAbi,
} from "viem";
import { describe, expect, it } from "vitest";
import type { Simulator } from "../../../src/execution/simulate.js";
import type { CallFrame, StructLogTrace, Trace } from "../../../src/execution/tracing/index.js";
import { COUNTER_INIT, INCREMENTED_TOPIC } from "./contracts.js";
import { devKeys } from "./helpers.js";
import { COUNTER, chainWithHistory } from "./history.js";

/** Runtime that calls `target` with `op` (CALL, CALLCODE, DELEGATECALL or STATICCALL), all gas, no data. */
function caller(op: "CALL" | "DELEGATECALL" | "STATICCALL", target: Address, value = 0n): Hex {
  const opcode = { CALL: "0xf1", DELEGATECALL: "0xf4", STATICCALL: "0xfa" }[op] as Hex;
  const valueArg: Hex = op === "CALL" ? concat(["0x7f", numberToHex(value, { size: 32 })]) : "0x";
  // retSize, retOffset, argsSize, argsOffset, [value], address, GAS, op, POP, STOP
  return concat(["0x6000600060006000", valueArg, "0x73", target, "0x5a", opcode, "0x5000"]);
}

/** Runtime that reverts with `Error(reason)` (the revert data copied from the code's tail). */
function reverter(reason: string): Hex {
  const data = encodeErrorResult({ abi: parseAbi(["error Error(string)"]), args: [reason] });
  const length = numberToHex((data.length - 2) / 2, { size: 1 });
  return concat([`0x60${length.slice(2)}600c600039`, `0x60${length.slice(2)}6000fd`, data]);
}

/** The counter's runtime: SLOAD 0, +1, SSTORE 0, MSTORE, LOG1 Incremented, STOP. */
const COUNTER_OPS = [
  "PUSH1",
  "SLOAD",
  "PUSH1",
  "ADD",
  "DUP1",
  "PUSH1",
  "SSTORE",
  "PUSH1",
  "MSTORE",
  "PUSH32",
  "PUSH1",
  "PUSH1",
  "LOG1",
  "STOP",
];

const STRUCT = {
  tracer: "structLogs",
  disableStack: false,
  disableStorage: false,
  enableMemory: false,
} as const;
const CALLS = { tracer: "callTracer", onlyTopCall: false, withLog: false } as const;

function structLogs(trace: Trace | undefined): StructLogTrace {
  if (trace?.kind !== "structLogs") throw new Error("expected struct logs");
  return trace;
}

function rootFrame(trace: Trace | undefined): CallFrame {
  if (trace?.kind !== "callTracer") throw new Error("expected a call trace");
  return trace.root;
}

const word = (n: bigint) => numberToHex(n, { size: 32 });

describe("debug_traceTransaction replays the block up to the transaction", () => {
  it("struct logs: every opcode with pc, gas, cost, depth, stack and the storage the earlier transactions left", async () => {
    const { chain, txs, simulator } = await chainWithHistory();
    const receipt = (await chain.receipts(bytesToHex(chain.finalHead.hash())))?.[2];
    const trace = structLogs(await simulator.traceTransaction(bytesToHex(txs.call2.hash()), STRUCT));
    expect(trace.failed).toBe(false);
    expect(trace.gas).toBe(receipt?.gasUsed);
    expect(trace.structLogs.map((l) => l.op)).toEqual(COUNTER_OPS);
    expect(trace.structLogs.map((l) => l.pc)).toEqual([0, 2, 3, 5, 6, 7, 9, 10, 12, 13, 46, 48, 50, 51]);
    expect(trace.structLogs.every((l) => l.depth === 1)).toBe(true);
    // Gas left falls by each opcode's cost, starting from the limit less the intrinsic 21,000.
    expect(trace.structLogs[0].gas).toBe(60_000n - 21_000n);
    for (let i = 1; i < trace.structLogs.length; i++) {
      const before = trace.structLogs[i - 1];
      expect(trace.structLogs[i].gas).toBe(before.gas - before.gasCost);
    }
    expect(trace.structLogs[1].gasCost).toBe(2_100n); // cold SLOAD
    // call1 ran first in the replay: the counter reads 1 and writes 2.
    const sload = trace.structLogs[1];
    expect(sload.stack).toEqual([0n]);
    expect(sload.storage).toEqual(new Map([[word(0n), word(1n)]]));
    expect(trace.structLogs[6].storage).toEqual(new Map([[word(0n), word(2n)]]));
    expect(trace.structLogs[3].stack).toEqual([1n, 1n]);
  });

  it("callTracer: a CREATE with the new address and runtime, and a plain transfer", async () => {
    const { counter, txs, simulator } = await chainWithHistory();
    const create = rootFrame(await simulator.traceTransaction(bytesToHex(txs.deploy.hash()), CALLS));
    expect(create).toMatchObject({
      type: "CREATE",
      from: devKeys[0].address,
      to: counter,
      value: 0n,
      gas: 200_000n,
      input: COUNTER_INIT,
    });
    expect(create.output).toBe(`0x${COUNTER_INIT.slice(2 + 12 * 2)}`);
    const transfer = rootFrame(await simulator.traceTransaction(bytesToHex(txs.transfer.hash()), CALLS));
    expect(transfer).toEqual({
      type: "CALL",
      from: devKeys[2].address,
      to: devKeys[3].address,
      value: 5n,
      gas: 21_000n,
      gasUsed: 21_000n,
      input: "0x",
      calls: [],
      logs: [],
    });
  });

  it("answers undefined for a transaction no final block holds", async () => {
    const { simulator } = await chainWithHistory();
    expect(await simulator.traceTransaction(`0x${"11".repeat(32)}`, CALLS)).toBeUndefined();
  });
});

describe("debug_traceCall traces a message at a block", () => {
  const PROXY = getAddress("0x00000000000000000000000000000000000b0b01");
  const REVERTER = getAddress("0x00000000000000000000000000000000000b0b02");

  async function traceWith(code: Hex, config: Parameters<Simulator["traceCall"]>[3], value = 0n) {
    const { chain, counter, simulator } = await chainWithHistory();
    const overrides = new Map([
      [PROXY, { code, balance: 10n ** 18n }],
      [REVERTER, { code: reverter("nope") }],
    ]);
    const head = bytesToHex(chain.finalHead.hash());
    const trace = await simulator.traceCall(
      { from: devKeys[5].address, to: PROXY, gas: 200_000n, value },
      head,
      { gasCap: 50_000_000n, stateOverrides: overrides },
      config,
    );
    return { trace, counter };
  }

  it("nests a CALL with its logs, value and gas", async () => {
    const { trace, counter } = await traceWith(caller("CALL", COUNTER, 7n), { ...CALLS, withLog: true });
    const root = rootFrame(trace);
    expect(root).toMatchObject({ type: "CALL", from: devKeys[5].address, to: PROXY, gas: 200_000n });
    expect(root.calls).toHaveLength(1);
    const inner = root.calls[0];
    expect(inner).toMatchObject({
      type: "CALL",
      from: PROXY,
      to: counter,
      value: 7n,
      input: "0x",
    });
    expect(inner).not.toHaveProperty("output"); // the counter returns nothing
    expect(inner.gasUsed).toBeGreaterThan(5_000n); // cold SLOAD, SSTORE of a set slot, LOG1
    expect(inner.gas).toBeGreaterThan(inner.gasUsed);
    expect(inner.logs).toEqual([
      { address: counter, topics: [INCREMENTED_TOPIC], data: word(3n), position: 0 },
    ]);
  });

  it("names DELEGATECALL and STATICCALL frames as geth does, without a value", async () => {
    const { trace } = await traceWith(caller("DELEGATECALL", COUNTER), CALLS);
    const counter = COUNTER;
    const delegate = rootFrame(trace).calls[0];
    expect(delegate).toMatchObject({ type: "DELEGATECALL", from: PROXY, to: counter });
    expect(delegate).not.toHaveProperty("value");
    expect(delegate.error).toBeUndefined();
    const { trace: staticTrace } = await traceWith(caller("STATICCALL", COUNTER), CALLS);
    const inner = rootFrame(staticTrace).calls[0];
    // The counter writes storage: under STATICCALL that is a write-protection fault, all gas used.
    expect(inner).toMatchObject({ type: "STATICCALL", from: PROXY, to: counter, error: "write protection" });
    expect(inner.gasUsed).toBe(inner.gas);
    expect(inner).not.toHaveProperty("output");
  });

  it("reports a revert with its data and reason, in the frame and at the top", async () => {
    const { trace } = await traceWith(caller("CALL", REVERTER), CALLS);
    const inner = rootFrame(trace).calls[0];
    expect(inner).toMatchObject({
      type: "CALL",
      to: REVERTER,
      error: "execution reverted",
      revertReason: "nope",
    });
    expect(inner.output).toBe(encodeErrorResult({ abi: parseAbi(["error Error(string)"]), args: ["nope"] }));
    const { trace: direct } = await traceWith(reverter("nope"), CALLS);
    expect(rootFrame(direct)).toMatchObject({ error: "execution reverted", revertReason: "nope" });
  });

  it("onlyTopCall leaves sub-calls out; the struct logger follows depth and can show memory", async () => {
    const { trace } = await traceWith(caller("CALL", REVERTER), { ...CALLS, onlyTopCall: true });
    expect(rootFrame(trace).calls).toEqual([]);
    const { trace: logs } = await traceWith(caller("CALL", COUNTER), {
      ...STRUCT,
      enableMemory: true,
      disableStack: true,
    });
    const steps = structLogs(logs).structLogs;
    expect(steps.filter((s) => s.depth === 2).map((s) => s.op)).toEqual(COUNTER_OPS);
    const call = steps.find((s) => s.op === "CALL");
    const first = steps.find((s) => s.depth === 2);
    // geth counts the gas handed to the callee in the CALL's cost.
    expect(call !== undefined && first !== undefined && call.gasCost > first.gas).toBe(true);
    expect(steps.every((s) => s.stack.length === 0)).toBe(true);
    const afterStore = steps.find((s) => s.depth === 2 && s.op === "PUSH32");
    expect(afterStore?.memory).toEqual([word(3n)]);
  });
});
