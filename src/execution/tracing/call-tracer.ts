/**
 * geth's callTracer: the tree of message calls (CALL, STATICCALL, DELEGATECALL, CALLCODE, CREATE,
 * CREATE2) with who called whom, the value, the gas given and used, input, output, the error and the
 * revert reason, and on request the logs each frame emitted.
 *
 * EthereumJS's messages do not say which opcode made them, so the frame type is the opcode of the step
 * just before the message starts; the top frame is a CALL or a CREATE.
 */
import type { EVMResult, InterpreterStep, Message } from "@ethereumjs/evm";
import { type Address, bytesToHex, getAddress, type Hash, type Hex, numberToHex } from "viem";
import { gethError, revertReason, type Tracer, type TraceSummary } from "./tracer.js";

export interface CallTracerConfig {
  readonly onlyTopCall: boolean;
  readonly withLog: boolean;
}

export type CallType = "CALL" | "STATICCALL" | "DELEGATECALL" | "CALLCODE" | "CREATE" | "CREATE2";

export interface CallLog {
  readonly address: Address;
  readonly topics: readonly Hash[];
  readonly data: Hex;
  /** How many sub-calls of the frame came before the log. */
  readonly position: number;
}

export interface CallFrame {
  readonly type: CallType;
  readonly from: Address;
  to?: Address;
  readonly value?: bigint;
  gas: bigint;
  gasUsed: bigint;
  readonly input: Hex;
  output?: Hex;
  error?: string;
  revertReason?: string;
  readonly calls: CallFrame[];
  logs: CallLog[];
}

export interface CallTrace {
  readonly kind: "callTracer";
  readonly root: CallFrame;
}

const MESSAGE_OPS = new Set<string>(["CALL", "STATICCALL", "DELEGATECALL", "CALLCODE", "CREATE", "CREATE2"]);

const MAX_LOG_MEMORY = 1 << 26;

export class CallTracer implements Tracer<CallTrace> {
  readonly wantsSteps = true;
  private readonly open: CallFrame[] = [];
  private root: CallFrame | undefined;
  private lastOp: string | undefined;

  constructor(private readonly config: CallTracerConfig) {}

  step(step: InterpreterStep): void {
    this.lastOp = step.opcode.name;
    if (this.config.withLog && this.lastOp.startsWith("LOG")) this.recordLog(step);
  }

  enter(message: Message): void {
    const type = this.typeOf(message);
    const creates = type === "CREATE" || type === "CREATE2";
    // A DELEGATECALL runs the target's code for the calling contract (message.to); a CALLCODE too,
    // with the calling contract as caller. geth names the calling contract `from`, the code `to`.
    const from = type === "DELEGATECALL" ? message.to : message.caller;
    const to = type === "DELEGATECALL" || type === "CALLCODE" ? message.codeAddress : message.to;
    const frame: CallFrame = {
      type,
      from: getAddress(from?.toString() ?? message.caller.toString()),
      ...(to !== undefined && !creates ? { to: getAddress(to.toString()) } : {}),
      ...(type === "STATICCALL" || type === "DELEGATECALL" ? {} : { value: message.value }),
      gas: message.gasLimit,
      gasUsed: 0n,
      input: bytesToHex(message.data),
      calls: [],
      logs: [],
    };
    const parent = this.open.at(-1);
    if (parent === undefined) this.root = frame;
    else if (!this.config.onlyTopCall) parent.calls.push(frame);
    this.open.push(frame);
  }

  exit(result: EVMResult): void {
    const frame = this.open.pop();
    if (frame === undefined) return;
    const exec = result.execResult;
    frame.gasUsed = exec.executionGasUsed;
    if (result.createdAddress !== undefined && frame.to === undefined) {
      frame.to = getAddress(result.createdAddress.toString());
    }
    const error = exec.exceptionError?.error;
    if (error === undefined) {
      // geth leaves an empty output out (`omitempty`).
      if (exec.returnValue.length > 0) frame.output = bytesToHex(exec.returnValue);
      return;
    }
    frame.error = gethError(error);
    // Logs of a failed frame never happened (geth drops them, and those of its sub-calls).
    dropLogs(frame);
    if (error !== "revert") return;
    frame.output = bytesToHex(exec.returnValue);
    const reason = revertReason(frame.output);
    if (reason !== undefined) frame.revertReason = reason;
  }

  /** The top frame's gas figures are the transaction's: its gas limit and the gas its receipt shows. */
  result(summary: TraceSummary): CallTrace {
    const root = this.root;
    if (root === undefined) throw new Error("the traced execution started no message");
    root.gas = summary.gasLimit;
    root.gasUsed = summary.gasUsed;
    return { kind: "callTracer", root };
  }

  private typeOf(message: Message): CallType {
    if (this.open.length === 0) return message.to === undefined ? "CREATE" : "CALL";
    const op = this.lastOp;
    if (op !== undefined && MESSAGE_OPS.has(op)) return op as CallType;
    return message.to === undefined ? "CREATE" : "CALL";
  }

  private recordLog(step: InterpreterStep): void {
    const frame = this.open.at(-1);
    if (frame === undefined) return;
    const stack = step.stack;
    const topicCount = Number(this.lastOp?.slice(3));
    const top = stack.length - 1;
    if (top - 1 - topicCount < -1) return;
    const offset = Number(stack[top]);
    const size = Number(stack[top - 1]);
    // More than any gas limit can pay memory for: the LOG runs out of gas and its frame's logs go.
    if (offset + size > MAX_LOG_MEMORY) return;
    const data = new Uint8Array(size);
    // Memory is as it was before the opcode; bytes beyond it are zero (the LOG expands memory).
    data.set(step.memory.subarray(offset, offset + size));
    const topics: Hash[] = [];
    for (let i = 0; i < topicCount; i++) topics.push(numberToHex(stack[top - 2 - i], { size: 32 }));
    frame.logs.push({
      address: getAddress(step.address.toString()),
      topics,
      data: bytesToHex(data),
      position: frame.calls.length,
    });
  }
}

function dropLogs(frame: CallFrame): void {
  frame.logs = [];
  for (const call of frame.calls) dropLogs(call);
}
