/** debug_*: transaction and call traces (struct logger, callTracer) and raw transactions. */
import { z } from "zod";
import type { TracerConfig } from "../backend.js";
import { resolveBlockId } from "../block-tag.js";
import { ErrorCode, InvalidParamsError, RpcError } from "../errors.js";
import { formatTrace } from "../format.js";
import { defineMethod } from "../method.js";
import { blockTag, callMessage, hash, LATEST, stateOverrides } from "../params.js";
import { cappedGas, simulationOptions, withinBudget } from "../simulation.js";

const flag = z.boolean().nullish();

const traceOptions = z
  .object({
    tracer: z.string().nullish(),
    tracerConfig: z.object({ onlyTopCall: flag, withLog: flag }).nullish(),
    disableStack: flag,
    disableStorage: flag,
    enableMemory: flag,
    enableReturnData: flag,
    timeout: z.string().nullish(),
    stateOverrides: stateOverrides.nullish(),
  })
  .nullish();

type TraceOptions = z.output<typeof traceOptions>;

function tracerOf(options: TraceOptions, argument: number): TracerConfig {
  const tracer = options?.tracer;
  if (tracer == null || tracer === "") {
    return {
      tracer: "structLogs",
      disableStack: options?.disableStack === true,
      disableStorage: options?.disableStorage === true,
      enableMemory: options?.enableMemory === true,
    };
  }
  if (tracer === "callTracer") {
    return {
      tracer: "callTracer",
      onlyTopCall: options?.tracerConfig?.onlyTopCall === true,
      withLog: options?.tracerConfig?.withLog === true,
    };
  }
  throw new InvalidParamsError(
    `invalid argument ${argument} (options): tracer ${tracer} is not supported; use callTracer or omit it for struct logs`,
  );
}

export const debugMethods = [
  defineMethod(
    "debug_traceTransaction",
    ["transactionHash", "options"],
    z.tuple([hash, traceOptions]),
    async ([txHash, options], { backend, options: rpc }) => {
      const tracer = tracerOf(options, 1);
      const budget = simulationOptions(rpc, undefined);
      const trace = await withinBudget(
        backend.simulator.traceTransaction(txHash, tracer, budget),
        budget.signal,
        rpc.executionTimeoutMs,
      );
      // geth's answer for a hash no final block holds.
      if (trace === undefined) throw new RpcError(ErrorCode.server, "transaction not found");
      return formatTrace(trace);
    },
  ),
  defineMethod(
    "debug_traceCall",
    ["transaction", "block", "options"],
    z.tuple([callMessage, blockTag.nullish(), traceOptions]),
    async ([message, tag, options], { backend, options: rpc }) => {
      const tracer = tracerOf(options, 2);
      const at = await resolveBlockId(tag ?? LATEST, backend.chain);
      const budget = simulationOptions(rpc, options?.stateOverrides ?? undefined);
      const gas = cappedGas(message, rpc.gasCap);
      const trace = await withinBudget(
        backend.simulator.traceCall({ ...message, gas }, at, tracer, budget),
        budget.signal,
        rpc.executionTimeoutMs,
      );
      return formatTrace(trace);
    },
  ),
  defineMethod(
    "debug_getRawTransaction",
    ["transactionHash"],
    z.tuple([hash]),
    async ([txHash], { backend }) => {
      return (await backend.chain.rawTransaction(txHash)) ?? null;
    },
  ),
];
