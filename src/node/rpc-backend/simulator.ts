/**
 * Simulator over the execution layer's message simulation (eth_call, eth_estimateGas via repeated
 * calls, eth_createAccessList, debug_traceCall) and its block replay (debug_traceTransaction).
 */
import type { Hash } from "viem";
import {
  type CallMessage as ExecutionMessage,
  type Simulator as ExecutionSimulator,
  IntrinsicGasError,
} from "../../execution/simulate.js";
import type { TraceConfig } from "../../execution/tracing/index.js";
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

  async traceCall(
    message: CallMessage,
    at: BlockId,
    tracer: TracerConfig,
    options: SimulationOptions,
  ): Promise<Trace> {
    try {
      return await this.simulator.traceCall(
        executionMessage(message),
        at.hash,
        executionOptions(options),
        traceConfig(tracer),
      );
    } catch (error) {
      if (error instanceof IntrinsicGasError) throw new RpcError(ErrorCode.server, error.message);
      throw error;
    }
  }

  traceTransaction(
    hash: Hash,
    tracer: TracerConfig,
    options: Omit<SimulationOptions, "stateOverrides">,
  ): Promise<Trace | undefined> {
    return this.simulator.traceTransaction(hash, traceConfig(tracer), options.signal);
  }
}

/** The RPC's tracer options, as execution's tracers take them. */
function traceConfig(tracer: TracerConfig): TraceConfig {
  return tracer.tracer === "callTracer"
    ? { tracer: "callTracer", onlyTopCall: tracer.onlyTopCall, withLog: tracer.withLog }
    : {
        tracer: "structLogs",
        disableStack: tracer.disableStack,
        disableStorage: tracer.disableStorage,
        enableMemory: tracer.enableMemory,
      };
}
