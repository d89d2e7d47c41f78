/**
 * Shared rules of every simulation (eth_call, eth_estimateGas, eth_createAccessList, debug traces):
 * the gas cap, the execution timeout, and how an outcome becomes a result or an error.
 */
import type { Hex } from "viem";
import type { CallMessage, CallOutcome, SimulationOptions, StateOverrides } from "./backend.js";
import { ErrorCode, ExecutionRevertedError, RpcError } from "./errors.js";
import type { RpcOptions } from "./options.js";

export class ExecutionTimeoutError extends RpcError {
  constructor(timeoutMs: number) {
    super(ErrorCode.server, `execution aborted (timeout = ${timeoutMs}ms)`);
    this.name = "ExecutionTimeoutError";
  }
}

/** A fresh budget: the gas cap and a signal that aborts when the execution timeout passes. */
export function simulationOptions(
  options: RpcOptions,
  stateOverrides: StateOverrides | undefined,
): SimulationOptions {
  const budget = { gasCap: options.gasCap, signal: AbortSignal.timeout(options.executionTimeoutMs) };
  return stateOverrides === undefined ? budget : { ...budget, stateOverrides };
}

/**
 * Resolve with `work`, or reject when the budget's signal aborts, even if the simulator does not
 * watch the signal itself: no request holds its client past the timeout.
 */
export function withinBudget<T>(work: Promise<T>, signal: AbortSignal, timeoutMs: number): Promise<T> {
  if (signal.aborted) return Promise.reject(new ExecutionTimeoutError(timeoutMs));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new ExecutionTimeoutError(timeoutMs));
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(signal.aborted ? new ExecutionTimeoutError(timeoutMs) : error);
      },
    );
  });
}

/** The message's gas, no more than the cap (geth lowers a larger one to the cap). */
export function cappedGas(message: CallMessage, gasCap: bigint): bigint {
  return message.gas === undefined || message.gas > gasCap ? gasCap : message.gas;
}

/** Return data of a successful call; a revert becomes code 3 with the revert bytes. */
export function callResult(outcome: CallOutcome): Hex {
  if (outcome.status === "success") return outcome.returnData;
  throw outcomeError(outcome);
}

export function outcomeError(outcome: CallOutcome): RpcError {
  if (outcome.status === "reverted") return new ExecutionRevertedError(outcome.returnData);
  return new RpcError(ErrorCode.server, outcome.error ?? "execution halted");
}
