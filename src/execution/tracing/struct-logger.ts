/**
 * geth's default tracer, the struct logger: one entry per executed opcode with the program counter,
 * the gas left before it and its cost, the call depth (1 = the transaction's own frame), the stack and,
 * on request, memory and the storage slots the contract has touched so far.
 */
import type { EVMResult, InterpreterStep, Message } from "@ethereumjs/evm";
import { bytesToHex, type Hex, numberToHex } from "viem";
import { gethError, type Tracer, type TraceSummary } from "./tracer.js";

/** geth's struct logger options. */
export interface StructLoggerConfig {
  readonly disableStack: boolean;
  readonly disableStorage: boolean;
  readonly enableMemory: boolean;
}

export interface StructLog {
  readonly pc: number;
  readonly op: string;
  readonly gas: bigint;
  gasCost: bigint;
  readonly depth: number;
  readonly stack: readonly bigint[];
  readonly memory?: readonly Hex[];
  storage?: ReadonlyMap<Hex, Hex>;
  error?: string;
}

export interface StructLogTrace {
  readonly kind: "structLogs";
  readonly gas: bigint;
  readonly failed: boolean;
  readonly returnValue: Hex;
  readonly structLogs: readonly StructLog[];
}

/** Opcodes whose cost geth reports including the gas handed to the callee. */
const CALL_OPS = new Set(["CALL", "CALLCODE", "DELEGATECALL", "STATICCALL"]);
/** Gas a value-bearing CALL adds for the callee for free: not part of the caller's cost. */
const CALL_STIPEND = 2300n;

export class StructLogger implements Tracer<StructLogTrace> {
  readonly wantsSteps = true;
  private readonly logs: StructLog[] = [];
  /** Per contract, the slots read or written so far in this trace (geth shows them at SLOAD/SSTORE). */
  private readonly storage = new Map<string, Map<Hex, Hex>>();
  /** An SLOAD's value is known only once it is on the stack, at the next step. */
  private pendingLoad: { log: StructLog; slots: Map<Hex, Hex>; key: Hex } | undefined;

  constructor(private readonly config: StructLoggerConfig) {}

  step(step: InterpreterStep): void {
    this.settleLoad(step.stack);
    const op = step.opcode.name;
    const log: StructLog = {
      pc: step.pc,
      op,
      gas: step.gasLeft,
      gasCost: step.opcode.dynamicFee ?? BigInt(step.opcode.fee),
      depth: step.depth + 1,
      // The event's stack is already a copy (bottom first, as geth prints it).
      stack: this.config.disableStack ? [] : step.stack,
      ...(this.config.enableMemory ? { memory: memoryWords(step.memory) } : {}),
    };
    this.logs.push(log);
    if (this.config.disableStorage || (op !== "SLOAD" && op !== "SSTORE")) return;
    const top = step.stack.length - 1;
    if (top < 0 || (op === "SSTORE" && top < 1)) return;
    const slots = this.slotsOf(step.address.toString());
    const key = word(step.stack[top]);
    if (op === "SSTORE") {
      slots.set(key, word(step.stack[top - 1]));
      log.storage = new Map(slots);
    } else {
      this.pendingLoad = { log, slots, key };
    }
  }

  enter(message: Message): void {
    const caller = this.logs.at(-1);
    if (message.depth === 0 || caller === undefined || !CALL_OPS.has(caller.op)) return;
    if (caller.depth !== message.depth) return;
    const stipend =
      (caller.op === "CALL" || caller.op === "CALLCODE") && message.value > 0n ? CALL_STIPEND : 0n;
    caller.gasCost += message.gasLimit - stipend;
  }

  exit(result: EVMResult): void {
    const error = result.execResult.exceptionError?.error;
    if (error === undefined || error === "revert") return;
    const last = this.logs.at(-1);
    if (last !== undefined && last.error === undefined) last.error = gethError(error);
  }

  result(summary: TraceSummary): StructLogTrace {
    return {
      kind: "structLogs",
      gas: summary.gasUsed,
      failed: summary.failed,
      returnValue: summary.returnValue,
      structLogs: this.logs,
    };
  }

  private settleLoad(stack: readonly bigint[]): void {
    const load = this.pendingLoad;
    if (load === undefined) return;
    this.pendingLoad = undefined;
    const value = stack.at(-1);
    if (value === undefined) return;
    load.slots.set(load.key, word(value));
    load.log.storage = new Map(load.slots);
  }

  private slotsOf(address: string): Map<Hex, Hex> {
    let slots = this.storage.get(address);
    if (slots === undefined) {
      slots = new Map();
      this.storage.set(address, slots);
    }
    return slots;
  }
}

const word = (value: bigint): Hex => numberToHex(value, { size: 32 });

function memoryWords(memory: Uint8Array): Hex[] {
  const words: Hex[] = [];
  for (let offset = 0; offset < memory.length; offset += 32) {
    const chunk = memory.subarray(offset, offset + 32);
    words.push(bytesToHex(chunk.length === 32 ? chunk : padded(chunk)));
  }
  return words;
}

function padded(chunk: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  out.set(chunk);
  return out;
}
