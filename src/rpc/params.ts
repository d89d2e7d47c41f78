/**
 * zod schemas for the values JSON-RPC parameters are made of. Each parses the wire form (hex strings)
 * into the domain form (bigint, lowercase Address/Hash) once, where the request enters.
 */
import type { AccessList, Address, Hash, Hex } from "viem";
import { z } from "zod";
import type {
  AccountOverride,
  CallMessage,
  ChainAuthorization,
  StateOverrides,
  TopicFilter,
  TransactionType,
} from "./backend.js";

const QUANTITY = /^0x[0-9a-fA-F]{1,64}$/;
const DATA = /^0x(?:[0-9a-fA-F]{2})*$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const HASH = /^0x[0-9a-fA-F]{64}$/;
const SLOT = /^0x[0-9a-fA-F]{1,64}$/;

export const quantity = z
  .string({ error: "expected a 0x-prefixed hex quantity" })
  .regex(QUANTITY, "expected a 0x-prefixed hex quantity of at most 256 bits")
  .transform((s) => BigInt(s));

/** A quantity that must fit in a JavaScript number (indices, counts). */
export const smallQuantity = quantity.refine((n) => n <= 0xffffffffn, "quantity too large").transform(Number);

export const data = z
  .string({ error: "expected 0x-prefixed hex data" })
  .regex(DATA, "expected 0x-prefixed hex data with an even number of digits")
  .transform((s) => s.toLowerCase() as Hex);

export const address = z
  .string({ error: "expected an address" })
  .regex(ADDRESS, "expected a 20-byte 0x-prefixed hex address")
  .transform((s) => s.toLowerCase() as Address);

export const hash = z
  .string({ error: "expected a 32-byte hash" })
  .regex(HASH, "expected a 32-byte 0x-prefixed hex hash")
  .transform((s) => s.toLowerCase() as Hash);

/** A storage slot: geth accepts any hex up to 32 bytes and left-pads it. */
export const storageSlot = z
  .string({ error: "expected a storage slot" })
  .regex(SLOT, "expected a 0x-prefixed hex storage slot of at most 32 bytes")
  .transform((s) => `0x${s.slice(2).toLowerCase().padStart(64, "0")}` as Hex);

export type BlockTag =
  | { readonly kind: "earliest" | "latest" | "pending" | "safe" | "finalized" }
  | { readonly kind: "number"; readonly number: bigint }
  | { readonly kind: "hash"; readonly hash: Hash; readonly requireCanonical: boolean };

const NAMED_TAGS: ReadonlySet<string> = new Set(["earliest", "latest", "pending", "safe", "finalized"]);
const TAG_MESSAGE = "expected a block number or a tag (latest, earliest, pending, safe, finalized)";

/**
 * A number or a tag from one string, checked by hand: a zod union would build a failed issue for
 * every branch it tries, and block tags are in the hot path of nearly every state read.
 */
const numberOrTagString = z.string({ error: TAG_MESSAGE }).transform((s, ctx): BlockTag => {
  if (NAMED_TAGS.has(s)) return { kind: s as "earliest" | "latest" | "pending" | "safe" | "finalized" };
  if (QUANTITY.test(s)) return { kind: "number", number: BigInt(s) };
  ctx.addIssue({ code: "custom", message: TAG_MESSAGE });
  return z.NEVER;
});

/** A block number or a tag, without EIP-1898 hashes (eth_getBlockByNumber, filters). */
export const blockNumberOrTag: z.ZodType<BlockTag, unknown> = numberOrTagString;

/** `latest`, a number, or EIP-1898 `{blockHash}` / `{blockNumber}`. */
export const blockTag: z.ZodType<BlockTag, unknown> = z.union(
  [
    numberOrTagString,
    z
      .strictObject({ blockHash: hash, requireCanonical: z.boolean().optional() })
      .transform(
        (o): BlockTag => ({ kind: "hash", hash: o.blockHash, requireCanonical: !!o.requireCanonical }),
      ),
    z.strictObject({ blockNumber: numberOrTagString }).transform((o): BlockTag => o.blockNumber),
  ],
  { error: "expected a block number, a tag (latest, earliest, pending, safe, finalized) or {blockHash}" },
);

export const LATEST: BlockTag = { kind: "latest" };

const accessList = z.array(z.strictObject({ address, storageKeys: z.array(hash) })) as unknown as z.ZodType<
  AccessList,
  unknown
>;

const authorization = z
  .object({
    chainId: quantity,
    address,
    nonce: quantity,
    yParity: smallQuantity,
    r: quantity,
    s: quantity,
  })
  .transform(
    (a): ChainAuthorization => ({
      chainId: a.chainId,
      address: a.address,
      nonce: a.nonce,
      yParity: a.yParity,
      r: a.r,
      s: a.s,
    }),
  );

/** geth's TransactionArgs: `input` and `data` are synonyms and must agree when both are set. */
export const callMessage: z.ZodType<CallMessage, unknown> = z
  .object({
    from: address.nullish(),
    to: address.nullish(),
    gas: quantity.nullish(),
    gasPrice: quantity.nullish(),
    maxFeePerGas: quantity.nullish(),
    maxPriorityFeePerGas: quantity.nullish(),
    value: quantity.nullish(),
    data: data.nullish(),
    input: data.nullish(),
    nonce: quantity.nullish(),
    accessList: accessList.nullish(),
    type: smallQuantity.refine((t) => t <= 4, "unknown transaction type").nullish(),
    chainId: quantity.nullish(),
    maxFeePerBlobGas: quantity.nullish(),
    blobVersionedHashes: z.array(hash).nullish(),
    authorizationList: z.array(authorization).nullish(),
  })
  .superRefine((m, ctx) => {
    if (m.data != null && m.input != null && m.data !== m.input) {
      ctx.addIssue({ code: "custom", message: "both input and data set and not equal", path: ["input"] });
    }
    if (m.gasPrice != null && (m.maxFeePerGas != null || m.maxPriorityFeePerGas != null)) {
      ctx.addIssue({
        code: "custom",
        message: "both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified",
        path: ["gasPrice"],
      });
    }
  })
  .transform((m): CallMessage => {
    const message: { -readonly [K in keyof CallMessage]: CallMessage[K] } = {};
    if (m.from != null) message.from = m.from;
    if (m.to != null) message.to = m.to;
    if (m.gas != null) message.gas = m.gas;
    if (m.gasPrice != null) message.gasPrice = m.gasPrice;
    if (m.maxFeePerGas != null) message.maxFeePerGas = m.maxFeePerGas;
    if (m.maxPriorityFeePerGas != null) message.maxPriorityFeePerGas = m.maxPriorityFeePerGas;
    if (m.value != null) message.value = m.value;
    const input = m.input ?? m.data;
    if (input != null) message.data = input;
    if (m.nonce != null) message.nonce = m.nonce;
    if (m.accessList != null) message.accessList = m.accessList;
    if (m.type != null) message.type = m.type as TransactionType;
    if (m.maxFeePerBlobGas != null) message.maxFeePerBlobGas = m.maxFeePerBlobGas;
    if (m.blobVersionedHashes != null) message.blobVersionedHashes = m.blobVersionedHashes;
    if (m.authorizationList != null) message.authorizationList = m.authorizationList;
    return message;
  });

const storageMap = z.record(storageSlot, hash).transform((r) => new Map(Object.entries(r)) as Map<Hex, Hex>);

const accountOverride = z
  .strictObject({
    balance: quantity.nullish(),
    nonce: quantity.nullish(),
    code: data.nullish(),
    state: storageMap.nullish(),
    stateDiff: storageMap.nullish(),
    movePrecompileToAddress: address.nullish(),
  })
  .refine((o) => o.state == null || o.stateDiff == null, "both state and stateDiff set for one account")
  .transform((o): AccountOverride => {
    const override: { -readonly [K in keyof AccountOverride]: AccountOverride[K] } = {};
    if (o.balance != null) override.balance = o.balance;
    if (o.nonce != null) override.nonce = o.nonce;
    if (o.code != null) override.code = o.code;
    if (o.state != null) override.state = o.state;
    if (o.stateDiff != null) override.stateDiff = o.stateDiff;
    if (o.movePrecompileToAddress != null) override.movePrecompileToAddress = o.movePrecompileToAddress;
    return override;
  });

/** geth's StateOverride: address → override. */
export const stateOverrides: z.ZodType<StateOverrides, unknown> = z
  .record(z.string(), accountOverride)
  .transform((r, ctx) => {
    const overrides = new Map<Address, AccountOverride>();
    for (const [key, value] of Object.entries(r)) {
      if (!ADDRESS.test(key)) {
        ctx.addIssue({ code: "custom", message: `${key} is not an address`, path: [key] });
        return z.NEVER;
      }
      overrides.set(key.toLowerCase() as Address, value);
    }
    return overrides;
  });

const topic: z.ZodType<TopicFilter, unknown> = z.union(
  [
    z.null(),
    hash,
    z.array(hash.nullable()).transform((hashes) => (hashes.includes(null) ? null : (hashes as Hash[]))),
  ],
  { error: "expected a topic: null, a 32-byte hash or a list of them" },
);

export interface LogFilterParams {
  readonly fromBlock?: BlockTag;
  readonly toBlock?: BlockTag;
  readonly blockHash?: Hash;
  readonly addresses?: readonly Address[];
  readonly topics?: readonly TopicFilter[];
}

/** eth_getLogs / eth_newFilter criteria. `blockHash` excludes fromBlock/toBlock (EIP-234). */
export const logFilter: z.ZodType<LogFilterParams, unknown> = z
  .object({
    fromBlock: blockNumberOrTag.nullish(),
    toBlock: blockNumberOrTag.nullish(),
    blockHash: hash.nullish(),
    address: z
      .union([address, z.array(address)], { error: "expected an address or a list of addresses" })
      .nullish(),
    topics: z.array(topic).max(4, "at most 4 topic positions").nullish(),
  })
  .refine((f) => f.blockHash == null || (f.fromBlock == null && f.toBlock == null), {
    message: "cannot specify both blockHash and fromBlock/toBlock",
    path: ["blockHash"],
  })
  .transform((f): LogFilterParams => {
    const filter: { -readonly [K in keyof LogFilterParams]: LogFilterParams[K] } = {};
    if (f.fromBlock != null) filter.fromBlock = f.fromBlock;
    if (f.toBlock != null) filter.toBlock = f.toBlock;
    if (f.blockHash != null) filter.blockHash = f.blockHash;
    if (f.address != null) filter.addresses = typeof f.address === "string" ? [f.address] : f.address;
    if (f.topics != null) filter.topics = f.topics;
    return filter;
  });
