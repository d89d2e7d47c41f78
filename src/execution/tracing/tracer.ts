/**
 * What every tracer shares: the EVM events it is fed (`step`, `beforeMessage`, `afterMessage` of
 * @ethereumjs/evm), the totals of the traced transaction or call, and geth's wording for failures.
 * A tracer is a pure collector: it never reads state and never changes execution.
 */
import type { EVMInterface, EVMResult, InterpreterStep, Message } from "@ethereumjs/evm";
import { decodeErrorResult, type Hex, parseAbi } from "viem";

/** What the executor knows once the traced transaction or call is over. */
export interface TraceSummary {
  /** The transaction's (or call's) gas limit, intrinsic gas included. */
  gasLimit: bigint;
  /** Gas the transaction paid for, as its receipt says (refund applied). */
  gasUsed: bigint;
  failed: boolean;
  returnValue: Hex;
}

export interface Tracer<T> {
  /** Whether the tracer needs `step` (a step event copies the stack and memory at every opcode). */
  readonly wantsSteps: boolean;
  step(step: InterpreterStep): void;
  enter(message: Message): void;
  exit(result: EVMResult): void;
  result(summary: TraceSummary): T;
}

/** Feeds `tracer` from `evm` until the returned function is called. */
export function listen<T>(evm: EVMInterface, tracer: Tracer<T>): () => void {
  const events = evm.events;
  if (events === undefined) throw new Error("this EVM emits no events: it cannot be traced");
  const step = (s: InterpreterStep) => tracer.step(s);
  const enter = (m: Message) => tracer.enter(m);
  const exit = (r: EVMResult) => tracer.exit(r);
  if (tracer.wantsSteps) events.on("step", step);
  events.on("beforeMessage", enter);
  events.on("afterMessage", exit);
  return () => {
    events.off("step", step);
    events.off("beforeMessage", enter);
    events.off("afterMessage", exit);
  };
}

/** geth's error strings (core/vm/errors.go) for EthereumJS's EVMError messages. */
const GETH_ERRORS: Record<string, string> = {
  "out of gas": "out of gas",
  "code store out of gas": "contract creation code storage out of gas",
  "code size to deposit exceeds maximum code size": "max code size exceeded",
  "stack underflow": "stack underflow",
  "stack overflow": "stack limit reached 1024",
  "invalid JUMP": "invalid jump destination",
  "invalid opcode": "invalid opcode",
  revert: "execution reverted",
  "static state change": "write protection",
  "create collision": "contract address collision",
  "insufficient balance": "insufficient balance for transfer",
  "invalid bytecode deployed": "invalid code: must not begin with 0xef",
  "initcode exceeds max initcode size": "max initcode size exceeded",
};

export function gethError(error: string): string {
  return GETH_ERRORS[error] ?? error;
}

const revertAbi = parseAbi(["error Error(string)", "error Panic(uint256)"]);

/** Solidity's panic codes as geth spells them (accounts/abi's panicReasons). */
const PANIC_REASONS: Record<string, string> = {
  "0": "generic panic",
  "1": "assert(false)",
  "17": "arithmetic underflow or overflow",
  "18": "division or modulo by zero",
  "33": "enum overflow",
  "34": "invalid encoded storage byte array accessed",
  "49": "out-of-bounds array access; popping on an empty array",
  "50": "out-of-bounds access of an array or bytesN",
  "65": "out of memory",
  "81": "uninitialized function",
};

/** The reason an `Error(string)` or `Panic(uint256)` revert carries; undefined for custom errors. */
export function revertReason(output: Hex): string | undefined {
  try {
    const decoded = decodeErrorResult({ abi: revertAbi, data: output });
    if (decoded.errorName === "Error") return decoded.args[0];
    const code = decoded.args[0];
    return PANIC_REASONS[code.toString()] ?? `unknown panic code: 0x${code.toString(16)}`;
  } catch {
    return undefined;
  }
}
