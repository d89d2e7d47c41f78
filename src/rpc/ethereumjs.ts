/**
 * The one converter from @ethereumjs objects and stored receipts (what src/execution produces) to the
 * RPC's domain values, for the adapters in src/node/ (final blocks, receipts, pool transactions, new
 * heads). Pure: they read fields, never execute anything. Addresses are checksummed (viem caches them).
 */
import type { Block } from "@ethereumjs/block";
import type { TypedTransaction } from "@ethereumjs/tx";
import { type AccessList, type Address, bytesToHex, checksumAddress, type Hash, type Hex } from "viem";
import type {
  ChainAuthorization,
  ChainBlock,
  ChainBlockHashes,
  ChainHeader,
  ChainLog,
  ChainReceipt,
  ChainTransaction,
  TransactionLocation,
  TransactionType,
} from "./backend.js";

/** A receipt as execution stores it (src/execution/receipts.ts): logs are [address, topics, data]. */
export interface StoredReceipt {
  readonly txType: number;
  readonly status: 0 | 1;
  readonly cumulativeGasUsed: bigint;
  readonly gasUsed: bigint;
  readonly effectiveGasPrice: bigint;
  readonly logs: readonly (readonly [Uint8Array, readonly Uint8Array[], Uint8Array])[];
  readonly logsBloom: Uint8Array;
  readonly sender: Uint8Array;
  readonly contractAddress?: Uint8Array;
}

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
    from: checksumAddress(sender ?? tx.getSenderAddress().toString()),
    to: tx.to === undefined ? null : checksumAddress(tx.to.toString()),
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
    address: checksumAddress(bytesToHex(address)),
    storageKeys: keys.map((key) => bytesToHex(key) as Hex),
  }));
}

/** EIP-7702 tuple: [chainId, address, nonce, yParity, r, s]. */
function authorization(item: readonly Uint8Array[]): ChainAuthorization {
  const [chainId, address, nonce, yParity, r, s] = item;
  return {
    chainId: toBigInt(chainId),
    address: checksumAddress(bytesToHex(address)),
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
    miner: checksumAddress(h.coinbase.toString()),
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
export function chainBlock(
  block: Block,
  senders?: readonly Address[],
  header: ChainHeader = chainHeader(block),
): ChainBlock {
  return {
    ...header,
    transactions: block.transactions.map((tx, i) => chainTransaction(tx, senders?.[i])),
  };
}

/** A block with its transactions' hashes only (`header`: its converted header, when already known). */
export function chainBlockHashes(block: Block, header: ChainHeader = chainHeader(block)): ChainBlockHashes {
  return { ...header, transactionHashes: block.transactions.map((tx) => bytesToHex(tx.hash())) };
}

/** Where transaction `index` of a final block is. */
export function transactionLocation(block: Block, index: number): TransactionLocation {
  return {
    blockHash: bytesToHex(block.hash()),
    blockNumber: block.header.number,
    index,
    baseFeePerGas: block.header.baseFeePerGas ?? 0n,
  };
}

/** The receipts of a block, with their logs numbered across the block. */
export function chainReceipts(block: Block, receipts: readonly StoredReceipt[]): ChainReceipt[] {
  let firstLogIndex = 0;
  return receipts.map((receipt, index) => {
    const out = chainReceipt(block, receipts, index, firstLogIndex);
    firstLogIndex += receipt.logs.length;
    return out;
  });
}

/**
 * Receipt `index` alone: building a full block's receipts (1,400 of them) for each receipt call
 * starves block building. `firstLogIndex` defaults to the count of the logs before it.
 */
export function chainReceipt(
  block: Block,
  receipts: readonly StoredReceipt[],
  index: number,
  firstLogIndex = receipts.slice(0, index).reduce((sum, r) => sum + r.logs.length, 0),
): ChainReceipt {
  const receipt = receipts[index];
  const tx = block.transactions[index];
  const blockHash = bytesToHex(block.hash());
  const blockNumber = block.header.number;
  const transactionHash = bytesToHex(tx.hash());
  const logs = receipt.logs.map(
    ([address, topics, data], i): ChainLog => ({
      address: checksumAddress(bytesToHex(address)),
      topics: topics.map((topic) => bytesToHex(topic)),
      data: bytesToHex(data),
      blockNumber,
      blockHash,
      transactionHash,
      transactionIndex: index,
      logIndex: firstLogIndex + i,
    }),
  );
  return {
    transactionHash,
    transactionIndex: index,
    blockHash,
    blockNumber,
    type: receipt.txType as TransactionType,
    from: checksumAddress(bytesToHex(receipt.sender)),
    to: tx.to === undefined ? null : checksumAddress(tx.to.toString()),
    contractAddress:
      receipt.contractAddress === undefined ? null : checksumAddress(bytesToHex(receipt.contractAddress)),
    cumulativeGasUsed: receipt.cumulativeGasUsed,
    gasUsed: receipt.gasUsed,
    effectiveGasPrice: receipt.effectiveGasPrice,
    status: receipt.status === 1 ? "success" : "reverted",
    logs,
    logsBloom: bytesToHex(receipt.logsBloom),
  };
}
