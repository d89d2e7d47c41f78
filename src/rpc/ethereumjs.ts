/**
 * Converters from @ethereumjs objects (what src/execution produces) to the RPC's domain values, for
 * the adapters in src/node/. Pure: they read fields, never execute anything.
 */
import type { Block } from "@ethereumjs/block";
import type { TypedTransaction } from "@ethereumjs/tx";
import { type AccessList, type Address, bytesToHex, type Hash, type Hex } from "viem";
import type {
  ChainAuthorization,
  ChainBlock,
  ChainHeader,
  ChainTransaction,
  TransactionType,
} from "./backend.js";

/** The optional fields the transaction types add; read through this view of any typed transaction. */
interface FeeFields {
  readonly gasPrice?: bigint;
  readonly maxFeePerGas?: bigint;
  readonly maxPriorityFeePerGas?: bigint;
  readonly maxFeePerBlobGas?: bigint;
  readonly chainId?: bigint;
  readonly accessList?: readonly (readonly [Uint8Array, readonly Uint8Array[]])[];
  readonly authorizationList?: readonly (readonly Uint8Array[])[];
  readonly blobVersionedHashes?: readonly string[];
}

const toBigInt = (bytes: Uint8Array): bigint => (bytes.length === 0 ? 0n : BigInt(bytesToHex(bytes)));

/**
 * `sender` saves a signature recovery when the caller already knows it (execution caches senders);
 * without it the sender is recovered here.
 */
export function chainTransaction(tx: TypedTransaction, sender?: Address): ChainTransaction {
  const fields = tx as TypedTransaction & FeeFields;
  const v = tx.v ?? 0n;
  const type = tx.type as TransactionType;
  const out: { -readonly [K in keyof ChainTransaction]: ChainTransaction[K] } = {
    hash: bytesToHex(tx.hash()),
    type,
    from: sender ?? (tx.getSenderAddress().toString() as Address),
    to: tx.to === undefined ? null : (tx.to.toString() as Address),
    nonce: tx.nonce,
    gas: tx.gasLimit,
    value: tx.value,
    input: bytesToHex(tx.data),
    v,
    r: tx.r ?? 0n,
    s: tx.s ?? 0n,
  };
  if (type === 0) {
    // EIP-155: v = chainId * 2 + 35 or 36; 27 and 28 sign for no chain.
    if (v >= 35n) out.chainId = (v - 35n) / 2n;
  } else {
    out.chainId = fields.chainId;
    out.yParity = Number(v);
  }
  if (fields.gasPrice !== undefined) out.gasPrice = fields.gasPrice;
  if (fields.maxFeePerGas !== undefined) out.maxFeePerGas = fields.maxFeePerGas;
  if (fields.maxPriorityFeePerGas !== undefined) out.maxPriorityFeePerGas = fields.maxPriorityFeePerGas;
  if (fields.maxFeePerBlobGas !== undefined) out.maxFeePerBlobGas = fields.maxFeePerBlobGas;
  if (fields.accessList !== undefined) out.accessList = accessList(fields.accessList);
  if (fields.blobVersionedHashes !== undefined)
    out.blobVersionedHashes = fields.blobVersionedHashes as Hash[];
  if (fields.authorizationList !== undefined)
    out.authorizationList = fields.authorizationList.map(authorization);
  return out;
}

function accessList(list: NonNullable<FeeFields["accessList"]>): AccessList {
  return list.map(([address, keys]) => ({
    address: bytesToHex(address) as Address,
    storageKeys: keys.map((key) => bytesToHex(key) as Hex),
  }));
}

/** EIP-7702 tuple: [chainId, address, nonce, yParity, r, s]. */
function authorization(item: readonly Uint8Array[]): ChainAuthorization {
  const [chainId, address, nonce, yParity, r, s] = item;
  return {
    chainId: toBigInt(chainId),
    address: bytesToHex(address) as Address,
    nonce: toBigInt(nonce),
    yParity: Number(toBigInt(yParity)),
    r: toBigInt(r),
    s: toBigInt(s),
  };
}

/** `size` defaults to the encoded block's length (an encoding: pass it when it is stored). */
export function chainHeader(block: Block, size?: bigint): ChainHeader {
  const h = block.header;
  const out: { -readonly [K in keyof ChainHeader]: ChainHeader[K] } = {
    number: h.number,
    hash: bytesToHex(block.hash()),
    parentHash: bytesToHex(h.parentHash),
    stateRoot: bytesToHex(h.stateRoot),
    transactionsRoot: bytesToHex(h.transactionsTrie),
    receiptsRoot: bytesToHex(h.receiptTrie),
    logsBloom: bytesToHex(h.logsBloom),
    miner: h.coinbase.toString() as Address,
    gasLimit: h.gasLimit,
    gasUsed: h.gasUsed,
    timestamp: h.timestamp,
    baseFeePerGas: h.baseFeePerGas ?? 0n,
    extraData: bytesToHex(h.extraData),
    mixHash: bytesToHex(h.mixHash),
    nonce: bytesToHex(h.nonce),
    difficulty: h.difficulty,
    size: size ?? BigInt(block.serialize().length),
  };
  if (h.withdrawalsRoot !== undefined) out.withdrawalsRoot = bytesToHex(h.withdrawalsRoot);
  if (h.blobGasUsed !== undefined) out.blobGasUsed = h.blobGasUsed;
  if (h.excessBlobGas !== undefined) out.excessBlobGas = h.excessBlobGas;
  if (h.parentBeaconBlockRoot !== undefined) out.parentBeaconBlockRoot = bytesToHex(h.parentBeaconBlockRoot);
  if (h.requestsHash !== undefined) out.requestsHash = bytesToHex(h.requestsHash);
  return out;
}

/** A block with its transactions; `senders[i]` (if known) is the sender of transaction i. */
export function chainBlock(block: Block, senders?: readonly Address[], size?: bigint): ChainBlock {
  return {
    ...chainHeader(block, size),
    transactions: block.transactions.map((tx, i) => chainTransaction(tx, senders?.[i])),
  };
}
