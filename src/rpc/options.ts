/** The RPC server's settings and their defaults (the node's config composes these). */
export interface RateLimitOptions {
  /** Calls (batch items count one each) per second per client IP; 0 turns the limit off. */
  readonly callsPerSecond: number;
  /** Calls a client may make at once after being idle. */
  readonly burst: number;
}

export interface RpcOptions {
  readonly host: string;
  readonly port: number;
  /** Allowed browser origins; `["*"]` allows any (MetaMask and dapps in a browser need CORS). */
  readonly corsOrigins: readonly string[];
  readonly maxBatchSize: number;
  readonly maxRequestBytes: number;
  readonly maxResponseBytes: number;
  /** Gas for eth_call / eth_estimateGas / debug_traceCall when the caller sets none, and their ceiling. */
  readonly gasCap: bigint;
  /** Wall-clock budget of one simulation (eth_call, estimateGas, access lists, traces). */
  readonly executionTimeoutMs: number;
  /** Widest fromBlock..toBlock span eth_getLogs and eth_getFilterLogs serve. */
  readonly maxLogsBlockRange: bigint;
  /** Most logs one eth_getLogs answer may hold. */
  readonly maxLogsResults: number;
  readonly maxFeeHistoryBlocks: number;
  readonly maxSubscriptionsPerConnection: number;
  readonly maxFilters: number;
  /** A filter nobody polled for this long is removed (geth: 5 minutes). */
  readonly filterTimeoutMs: number;
  /** Changes a filter buffers between polls; older ones are dropped. */
  readonly maxFilterBacklog: number;
  /** A WebSocket whose unsent notifications exceed this is closed rather than buffered without end. */
  readonly maxWsBufferedBytes: number;
  readonly rateLimit: RateLimitOptions;
  /** Tip suggested by eth_maxPriorityFeePerGas and added to the base fee by eth_gasPrice. */
  readonly suggestedPriorityFeePerGas: bigint;
}

export const defaultRpcOptions: RpcOptions = {
  host: "127.0.0.1",
  port: 8545,
  corsOrigins: ["*"],
  maxBatchSize: 1_000,
  maxRequestBytes: 5 * 1024 * 1024,
  maxResponseBytes: 25 * 1024 * 1024,
  gasCap: 50_000_000n,
  executionTimeoutMs: 5_000,
  maxLogsBlockRange: 10_000n,
  maxLogsResults: 10_000,
  maxFeeHistoryBlocks: 1_024,
  maxSubscriptionsPerConnection: 128,
  maxFilters: 10_000,
  filterTimeoutMs: 5 * 60_000,
  maxFilterBacklog: 10_000,
  maxWsBufferedBytes: 16 * 1024 * 1024,
  rateLimit: { callsPerSecond: 0, burst: 0 },
  suggestedPriorityFeePerGas: 1_000_000_000n,
};

export function rpcOptions(overrides: Partial<RpcOptions> = {}): RpcOptions {
  return { ...defaultRpcOptions, ...overrides };
}
