/**
 * The node's configuration: one zod schema, one section per part of the node, each declaring its own
 * defaults. Keys are camelCase here and snake_case in TOML / environment variables (`load.ts` maps them).
 */
import { isAddress } from "viem";
import { z } from "zod";

const port = z.int().min(1).max(65_535);
const positiveInt = z.int().min(1);
const nonNegativeInt = z.int().min(0);
const bytes = positiveInt;
/** Amounts in wei of 18-decimal USDC: TOML integers lose precision above 2^53, so strings are allowed too. */
const amount = z.unknown().transform((value, ctx): bigint => {
  if (typeof value === "bigint" && value >= 0n) return value;
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === "string" && /^\d+$/.test(value)) return BigInt(value);
  ctx.addIssue({ code: "custom", message: "a non-negative integer amount in wei (quote it above 2^53)" });
  return z.NEVER;
});
const address = z
  .string()
  .refine((value) => isAddress(value, { strict: false }), "a 20-byte 0x-prefixed hex address")
  .transform((value) => value.toLowerCase() as `0x${string}`);
const host = z.string().min(1);

export const chainSchema = z.strictObject({
  /** Must equal the genesis file's chain id when set; the genesis decides otherwise. */
  id: positiveInt.optional(),
  genesis: z.string().min(1).default("genesis/devnet.json"),
});

export const consensusSchema = z
  .strictObject({
    n: positiveInt.default(1),
    /** Byzantine validators tolerated; defaults to floor((n − 1) / 5), the most n ≥ 5f + 1 allows. */
    f: nonNegativeInt.optional(),
    /** Minimmit's 2Δ timer: a view with no notarized block by then is nullified. */
    viewTimeoutMs: positiveInt.default(2_000),
    /** How long a leader without transactions waits before proposing an empty block. */
    emptyBlockIntervalMs: nonNegativeInt.default(1_000),
    leaderSchedule: z.enum(["round-robin", "random"]).default("round-robin"),
    /** Seed of the "random" schedule; every validator must use the same one. */
    leaderSeed: nonNegativeInt.default(0),
  })
  .transform((consensus, ctx) => {
    const f = consensus.f ?? Math.floor((consensus.n - 1) / 5);
    if (consensus.n < 5 * f + 1) {
      ctx.addIssue({
        code: "custom",
        path: ["f"],
        message: `at most ${Math.floor((consensus.n - 1) / 5)} (n ≥ 5f + 1)`,
      });
    }
    if (consensus.viewTimeoutMs <= consensus.emptyBlockIntervalMs) {
      ctx.addIssue({
        code: "custom",
        path: ["viewTimeoutMs"],
        message: `more than empty_block_interval_ms (${consensus.emptyBlockIntervalMs}), or idle views are nullified`,
      });
    }
    return { ...consensus, f };
  });

export const storageSchema = z.strictObject({
  path: z.string().min(1).default(".kairos/data"),
});

export const p2pSchema = z.strictObject({
  listenAddress: host.default("127.0.0.1"),
  port: port.default(9000),
  /** Multiaddrs of peers to dial at start, e.g. "/ip4/127.0.0.1/tcp/9001/p2p/12D3Koo…". */
  bootstrapPeers: z.array(z.string().min(1)).default([]),
  maxMessageSize: bytes.default(4 * 1024 * 1024),
});

export const rpcSchema = z.strictObject({
  host: host.default("127.0.0.1"),
  port: port.default(8545),
  batchLimit: positiveInt.default(1_000),
  maxRequestBodyBytes: bytes.default(5 * 1024 * 1024),
  maxResponseBytes: bytes.default(25 * 1024 * 1024),
  gasCap: positiveInt.default(50_000_000),
  ethCallTimeoutMs: positiveInt.default(5_000),
  maxWsSubscriptionsPerConnection: positiveInt.default(1_000),
  maxLogBlockRange: positiveInt.default(10_000),
  corsOrigins: z.array(z.string().min(1)).default(["*"]),
  /** Requests per second per client IP; 0 turns the limit off. */
  rateLimitPerIp: nonNegativeInt.default(0),
});

export const mempoolSchema = z.strictObject({
  maxCount: positiveInt.default(50_000),
  maxBytes: bytes.default(64 * 1024 * 1024),
  slotsPerSender: positiveInt.default(256),
  maxTxSize: bytes.default(128 * 1024),
  /** A replacement must raise both the max fee and the tip by at least this much. */
  priceBumpPercent: nonNegativeInt.max(1_000).default(10),
  minTip: amount.default(0n),
  minFeeCap: amount.default(0n),
});

export const identitySchema = z.strictObject({
  blsKey: z.string().min(1).default(".kairos/keys/bls.key"),
  libp2pKey: z.string().min(1).default(".kairos/keys/libp2p.key"),
  /** Where this validator's fees go; a node without one cannot propose. */
  feeRecipient: address.optional(),
});

export const metricsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  host: host.default("127.0.0.1"),
  port: port.default(9464),
});

export const visualizerSchema = z.strictObject({
  enabled: z.boolean().default(false),
  port: port.default(8080),
});

export const grpcSchema = z.strictObject({
  enabled: z.boolean().default(false),
  port: port.default(50051),
});

export const loggingSchema = z.strictObject({
  level: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  pretty: z.boolean().default(false),
});

export const kairosConfigSchema = z.strictObject({
  chain: chainSchema.prefault({}),
  consensus: consensusSchema.prefault({}),
  storage: storageSchema.prefault({}),
  p2p: p2pSchema.prefault({}),
  rpc: rpcSchema.prefault({}),
  mempool: mempoolSchema.prefault({}),
  identity: identitySchema.prefault({}),
  metrics: metricsSchema.prefault({}),
  visualizer: visualizerSchema.prefault({}),
  grpc: grpcSchema.prefault({}),
  logging: loggingSchema.prefault({}),
});

export type KairosConfig = z.output<typeof kairosConfigSchema>;
export type ChainConfig = KairosConfig["chain"];
export type ConsensusConfig = KairosConfig["consensus"];
export type StorageConfig = KairosConfig["storage"];
export type P2pConfig = KairosConfig["p2p"];
export type RpcConfig = KairosConfig["rpc"];
export type MempoolConfig = KairosConfig["mempool"];
export type IdentityConfig = KairosConfig["identity"];
export type MetricsConfig = KairosConfig["metrics"];
export type VisualizerConfig = KairosConfig["visualizer"];
export type GrpcConfig = KairosConfig["grpc"];
export type LoggingConfig = KairosConfig["logging"];

/** Every default, as a node started without a file or environment would see them. */
export function defaultConfig(): KairosConfig {
  return kairosConfigSchema.parse({});
}
