/**
 * Simulator over the execution layer's message simulation (eth_call, eth_estimateGas via repeated
 * calls, eth_createAccessList). Traces are not implemented by execution yet: they answer −32004.
 */
import type { Hash } from "viem";
import type {
  CallMessage as ExecutionMessage,
  Simulator as ExecutionSimulator,
} from "../../execution/simulate.js";
import {
  type AccessListOutcome,
  type BlockId,
  type CallMessage,
  type CallOutcome,
  ErrorCode,
  RpcError,
  type SimulationOptions,
  type Simulator,
  type Trace,
  type TracerConfig,
} from "../../rpc/index.js";

/** The fields execution simulates; fee fields only matter to the RPC's balance-bounded estimate. */
function executionMessage(message: CallMessage): ExecutionMessage {
  return {
    ...(message.from !== undefined ? { from: message.from } : {}),
    ...(message.to !== undefined ? { to: message.to } : {}),
    ...(message.gas !== undefined ? { gas: message.gas } : {}),
    ...(message.value !== undefined ? { value: message.value } : {}),
    ...(message.data !== undefined ? { data: message.data } : {}),
    ...(message.accessList !== undefined ? { accessList: message.accessList } : {}),
  };
}

function executionOptions(options: SimulationOptions) {
  return {
    gasCap: options.gasCap,
    ...(options.stateOverrides !== undefined ? { stateOverrides: options.stateOverrides } : {}),
  };
}

export class TracesNotSupportedError extends RpcError {
  constructor(method: string) {
    super(ErrorCode.methodNotSupported, `${method} is not supported by this node yet`);
    this.name = "TracesNotSupportedError";
  }
}

export class ExecutionSimulatorAdapter implements Simulator {
  constructor(private readonly simulator: ExecutionSimulator) {}

  call(message: CallMessage, at: BlockId, options: SimulationOptions): Promise<CallOutcome> {
    return this.simulator.call(executionMessage(message), at.hash, executionOptions(options));
  }

  createAccessList(
    message: CallMessage,
    at: BlockId,
    options: SimulationOptions,
  ): Promise<AccessListOutcome> {
    return this.simulator.createAccessList(executionMessage(message), at.hash, executionOptions(options));
  }

  traceCall(
    _message: CallMessage,
    _at: BlockId,
    _tracer: TracerConfig,
    _options: SimulationOptions,
  ): Promise<Trace> {
    return Promise.reject(new TracesNotSupportedError("debug_traceCall"));
  }

  traceTransaction(_hash: Hash, _tracer: TracerConfig): Promise<Trace | undefined> {
    return Promise.reject(new TracesNotSupportedError("debug_traceTransaction"));
  }
}
