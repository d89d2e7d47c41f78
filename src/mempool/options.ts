/** The pool's limits and policies, with defaults the node's configuration may override field by field. */
export interface MempoolOptions {
  /** Chain ID every transaction must be signed for. */
  chainId: bigint;
  /** Most transactions held, pending and queued together. */
  maxTransactions: number;
  /** Most serialized bytes held, pending and queued together. */
  maxBytes: number;
  /** Most transactions held per sender. */
  maxPerSender: number;
  /** Largest serialized transaction accepted ("oversized data" above it). */
  maxTxBytes: number;
  /** Least fee cap (maxFeePerGas or gasPrice) accepted, in wei ("transaction underpriced" below). */
  minFeeCap: bigint;
  /** How much a replacement must raise both the fee cap and the tip, in percent. */
  priceBumpPercent: bigint;
  /** Gas limit of the next block ("exceeds block gas limit" above it). */
  blockGasLimit: bigint;
  /** Base fee of the next block; transactions whose fee cap is below it are parked. */
  baseFee: bigint;
  /** How often a local transaction still in the pool is handed back for re-broadcast, in ms. */
  rebroadcastIntervalMs: number;
}

export const defaultMempoolOptions = {
  maxTransactions: 65_536,
  maxBytes: 64 * 1024 * 1024,
  // Bursts from one account (scripts, channel settlement, load tests) are common on this chain.
  maxPerSender: 1_024,
  // geth's txMaxSize: four 32 KiB slots.
  maxTxBytes: 128 * 1024,
  minFeeCap: 1n,
  priceBumpPercent: 10n,
  blockGasLimit: 30_000_000n,
  baseFee: 0n,
  rebroadcastIntervalMs: 10_000,
} as const satisfies Omit<MempoolOptions, "chainId">;

export function resolveMempoolOptions(
  options: Partial<MempoolOptions> & { chainId: bigint },
): MempoolOptions {
  return { ...defaultMempoolOptions, ...options };
}
