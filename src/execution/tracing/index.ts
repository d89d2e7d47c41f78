/** The tracers debug_traceTransaction and debug_traceCall offer, as geth names them. */
import { type CallTrace, CallTracer, type CallTracerConfig } from "./call-tracer.js";
import { StructLogger, type StructLoggerConfig, type StructLogTrace } from "./struct-logger.js";
import type { Tracer } from "./tracer.js";

export type TraceConfig =
  | ({ readonly tracer: "structLogs" } & StructLoggerConfig)
  | ({ readonly tracer: "callTracer" } & CallTracerConfig);

export type Trace = StructLogTrace | CallTrace;

export function createTracer(config: TraceConfig): Tracer<Trace> {
  return config.tracer === "callTracer" ? new CallTracer(config) : new StructLogger(config);
}

export type { CallFrame, CallTrace } from "./call-tracer.js";
export type { StructLog, StructLogTrace } from "./struct-logger.js";
export { listen, type Tracer, type TraceSummary } from "./tracer.js";
