/** The node config's `[rpc]` section as the RPC server's options. */
import type { KairosConfig } from "../../config/index.js";
import type { RpcOptions } from "../../rpc/index.js";

export function rpcServerOptions(rpc: KairosConfig["rpc"]): Partial<RpcOptions> {
  return {
    host: rpc.host,
    port: rpc.port,
    corsOrigins: rpc.corsOrigins,
    maxBatchSize: rpc.batchLimit,
    maxRequestBytes: rpc.maxRequestBodyBytes,
    maxResponseBytes: rpc.maxResponseBytes,
    gasCap: BigInt(rpc.gasCap),
    executionTimeoutMs: rpc.ethCallTimeoutMs,
    maxLogsBlockRange: BigInt(rpc.maxLogBlockRange),
    maxSubscriptionsPerConnection: rpc.maxWsSubscriptionsPerConnection,
    // One call per second is a useless limit; a positive setting allows a burst of one second's worth.
    rateLimit: { callsPerSecond: rpc.rateLimitPerIp, burst: rpc.rateLimitPerIp },
  };
}
