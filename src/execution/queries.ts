/**
 * What the RPC reads from the chain (final blocks only: `latest`, `safe` and `finalized` are the final
 * head) and from the world state at a final block. Plain domain values (bigint, viem Hex), shaped
 * like src/rpc/backend.ts's ChainReader and StateReader so that node/ can hand these over directly.
 */
import type { Block, BlockHeader } from "@ethereumjs/block";
import type { TypedTransaction } from "@ethereumjs/tx";
import { createAddressFromString } from "@ethereumjs/util";
import {
  type AccessList,
  type Address,
  bytesToHex,
  getAddress,
  type Hash,
  type Hex,
  hexToBytes,
  padHex,
} from "viem";
import type { AccountProof } from "../state/world-state.js";
import type { Blockchain } from "./blockchain.js";
import { nextBaseFee } from "./fees.js";
import type { ExecutionReceipt } from "./receipts.js";

export interface BlockId {
  number: bigint;
  hash: Hash;
}

export interface ChainHeader {
  number: bigint;
  hash: Hash;
  parentHash: Hash;
  stateRoot: Hash;
  transactionsRoot: Hash;
  receiptsRoot: Hash;
  logsBloom: Hex;
  miner: Address;
  gasLimit: bigint;
  gasUsed: bigint;
  timestamp: bigint;
  baseFeePerGas: bigint;
  extraData: Hex;
  mixHash: Hash;
  nonce: Hex;
  difficulty: bigint;
  size: bigint;
  withdrawalsRoot?: Hash;
  blobGasUsed?: bigint;
  excessBlobGas?: bigint;
  parentBeaconBlockRoot?: Hash;
  requestsHash?: Hash;
}

export interface ChainTransaction {
  hash: Hash;
  type: 0 | 1 | 2 | 3 | 4;
  chainId?: bigint;
  from: Address;
  to: Address | null;
  nonce: bigint;
  gas: bigint;
  value: bigint;
  input: Hex;
  gasPrice?: bigint;
  maxFeePerGas?: bigint;
  maxPriorityFeePerGas?: bigint;
  accessList?: AccessList;
  v: bigint;
  r: Hex;
  s: Hex;
  yParity?: number;
}

export interface ChainBlock extends ChainHeader {
  transactions: ChainTransaction[];
}

export interface TransactionLocation {
  blockHash: Hash;
  blockNumber: bigint;
  index: number;
  baseFeePerGas: bigint;
}

export interface ChainLog {
  address: Address;
  topics: Hash[];
  data: Hex;
  blockNumber: bigint;
  blockHash: Hash;
  transactionHash: Hash;
  transactionIndex: number;
  logIndex: number;
}

export interface ChainReceipt {
  transactionHash: Hash;
  transactionIndex: number;
  blockHash: Hash;
  blockNumber: bigint;
  type: 0 | 1 | 2 | 3 | 4;
  from: Address;
  to: Address | null;
  contractAddress: Address | null;
  cumulativeGasUsed: bigint;
  gasUsed: bigint;
  effectiveGasPrice: bigint;
  status: "success" | "reverted";
  logs: ChainLog[];
  logsBloom: Hex;
}

/** `null` matches anything; a list matches any of its members. */
export type TopicFilter = Hash | readonly Hash[] | null;

export interface LogQuery {
  fromBlock: bigint;
  toBlock: bigint;
  addresses?: readonly Address[];
  topics?: readonly TopicFilter[];
}

export class ChainQueries {
  constructor(private readonly chain: Blockchain) {}

  finalHead(): BlockId {
    return idOf(this.chain.finalHead);
  }

  earliest(): BlockId {
    return idOf(this.chain.genesisBlock);
  }

  nextBaseFeePerGas(): bigint {
    const head = this.chain.finalHead.header;
    return nextBaseFee(
      { gasUsed: head.gasUsed, gasLimit: head.gasLimit, baseFeePerGas: head.baseFeePerGas ?? 0n },
      this.chain.genesis.feeParams,
    );
  }

  async headerByNumber(number: bigint): Promise<ChainHeader | undefined> {
    const block = await this.chain.finalBlockAt(number);
    return block === undefined ? undefined : toHeader(block);
  }

  async headerByHash(hash: Hash): Promise<ChainHeader | undefined> {
    const block = await this.chain.finalBlock(hash);
    return block === undefined ? undefined : toHeader(block);
  }

  async blockByNumber(number: bigint): Promise<ChainBlock | undefined> {
    const block = await this.chain.finalBlockAt(number);
    return block === undefined ? undefined : toBlock(block);
  }

  async blockByHash(hash: Hash): Promise<ChainBlock | undefined> {
    const block = await this.chain.finalBlock(hash);
    return block === undefined ? undefined : toBlock(block);
  }

  async transaction(
    hash: Hash,
  ): Promise<{ transaction: ChainTransaction; location: TransactionLocation } | undefined> {
    const found = await this.locate(hash);
    if (found === undefined) return undefined;
    const { block, index } = found;
    return { transaction: toTransaction(block.transactions[index]), location: locationOf(block, index) };
  }

  async rawTransaction(hash: Hash): Promise<Hex | undefined> {
    const found = await this.locate(hash);
    return found === undefined ? undefined : bytesToHex(found.block.transactions[found.index].serialize());
  }

  async receipt(hash: Hash): Promise<ChainReceipt | undefined> {
    const found = await this.locate(hash);
    if (found === undefined) return undefined;
    // Only this transaction's receipt: building the whole block's (1,400 of them in a full block)
    // for each of 10,000 receipt calls starved block building and exhausted the heap.
    const { block, index } = found;
    const stored = await this.chain.receipts(bytesToHex(block.hash()));
    if (stored === undefined || index >= stored.length) return undefined;
    const receipt = stored[index];
    let logIndex = 0;
    for (let i = 0; i < index; i++) logIndex += stored[i].logs.length;
    return toReceipt(block, index, receipt, logsOf(block, index, receipt, logIndex));
  }

  async blockReceipts(blockHash: Hash): Promise<ChainReceipt[] | undefined> {
    const block = await this.chain.finalBlock(blockHash);
    if (block === undefined) return undefined;
    const stored = (await this.chain.receipts(blockHash)) ?? [];
    let logIndex = 0;
    return stored.map((receipt, index) => {
      const logs = logsOf(block, index, receipt, logIndex);
      logIndex += logs.length;
      return toReceipt(block, index, receipt, logs);
    });
  }

  /** Logs of final blocks in [fromBlock, toBlock] matching the query, in chain order. */
  async logs(query: LogQuery): Promise<ChainLog[]> {
    const head = this.chain.finalHead.header.number;
    const last = query.toBlock < head ? query.toBlock : head;
    const filter = {
      ...(query.addresses !== undefined ? { addresses: query.addresses } : {}),
      ...(query.topics !== undefined ? { topics: query.topics } : {}),
    };
    return this.chain.logs(query.fromBlock, last, filter);
  }

  private async locate(hash: Hash): Promise<{ block: Block; index: number } | undefined> {
    const location = await this.chain.storage.txIndex.get(hash);
    if (location === undefined) return undefined;
    const block = await this.chain.finalBlock(location.blockHash);
    return block === undefined ? undefined : { block, index: location.index };
  }
}

/** Accounts, code, storage and proofs at a final block, by its state root (historical reads included). */
export class StateQueries {
  constructor(private readonly chain: Blockchain) {}

  async balance(address: Address, at: BlockId): Promise<bigint> {
    const state = await this.stateAt(at);
    return (await state.getAccount(createAddressFromString(address)))?.balance ?? 0n;
  }

  async nonce(address: Address, at: BlockId): Promise<bigint> {
    const state = await this.stateAt(at);
    return (await state.getAccount(createAddressFromString(address)))?.nonce ?? 0n;
  }

  async code(address: Address, at: BlockId): Promise<Hex> {
    const state = await this.stateAt(at);
    return bytesToHex(await state.getCode(createAddressFromString(address)));
  }

  /** The 32-byte word at `slot`. */
  async storage(address: Address, slot: Hex, at: BlockId): Promise<Hex> {
    const state = await this.stateAt(at);
    const value = await state.getStorage(
      createAddressFromString(address),
      hexToBytes(padHex(slot, { size: 32 })),
    );
    return padHex(bytesToHex(value), { size: 32 });
  }

  async proof(address: Address, slots: readonly Hex[], at: BlockId): Promise<AccountProof> {
    const root = await this.rootOf(at);
    return this.chain.world.proof(
      root,
      createAddressFromString(address),
      slots.map((s) => hexToBytes(padHex(s, { size: 32 }))),
    );
  }

  private async stateAt(at: BlockId) {
    return this.chain.world.readView(await this.rootOf(at));
  }

  private async rootOf(at: BlockId): Promise<Uint8Array> {
    const block = await this.chain.finalBlock(at.hash);
    if (block === undefined) throw new Error(`unknown block ${at.hash}`);
    return block.header.stateRoot;
  }
}

const idOf = (block: Block): BlockId => ({ number: block.header.number, hash: bytesToHex(block.hash()) });

function toHeader(block: Block): ChainHeader {
  const h: BlockHeader = block.header;
  return {
    number: h.number,
    hash: bytesToHex(block.hash()),
    parentHash: bytesToHex(h.parentHash),
    stateRoot: bytesToHex(h.stateRoot),
    transactionsRoot: bytesToHex(h.transactionsTrie),
    receiptsRoot: bytesToHex(h.receiptTrie),
    logsBloom: bytesToHex(h.logsBloom),
    miner: getAddress(h.coinbase.toString()),
    gasLimit: h.gasLimit,
    gasUsed: h.gasUsed,
    timestamp: h.timestamp,
    baseFeePerGas: h.baseFeePerGas ?? 0n,
    extraData: bytesToHex(h.extraData),
    mixHash: bytesToHex(h.mixHash),
    nonce: bytesToHex(h.nonce),
    difficulty: h.difficulty,
    size: BigInt(block.serialize().length),
    ...(h.withdrawalsRoot !== undefined ? { withdrawalsRoot: bytesToHex(h.withdrawalsRoot) } : {}),
    ...(h.blobGasUsed !== undefined ? { blobGasUsed: h.blobGasUsed } : {}),
    ...(h.excessBlobGas !== undefined ? { excessBlobGas: h.excessBlobGas } : {}),
    ...(h.parentBeaconBlockRoot !== undefined
      ? { parentBeaconBlockRoot: bytesToHex(h.parentBeaconBlockRoot) }
      : {}),
    ...(h.requestsHash !== undefined ? { requestsHash: bytesToHex(h.requestsHash) } : {}),
  };
}

function toBlock(block: Block): ChainBlock {
  return { ...toHeader(block), transactions: block.transactions.map(toTransaction) };
}

export function toTransaction(tx: TypedTransaction): ChainTransaction {
  const json = tx.toJSON();
  const v = tx.v ?? 0n;
  const typed = tx.type !== 0;
  const legacyChainId = v >= 35n ? (v - 35n) / 2n : undefined;
  const chainId = typed ? tx.common.chainId() : legacyChainId;
  return {
    hash: bytesToHex(tx.hash()),
    type: tx.type as ChainTransaction["type"],
    ...(chainId !== undefined ? { chainId } : {}),
    from: getAddress(tx.getSenderAddress().toString()),
    to: tx.to === undefined ? null : getAddress(tx.to.toString()),
    nonce: tx.nonce,
    gas: tx.gasLimit,
    value: tx.value,
    input: bytesToHex(tx.data),
    ...("gasPrice" in tx ? { gasPrice: tx.gasPrice } : {}),
    ...("maxFeePerGas" in tx
      ? { maxFeePerGas: tx.maxFeePerGas, maxPriorityFeePerGas: tx.maxPriorityFeePerGas }
      : {}),
    ...(json.accessList !== undefined
      ? {
          accessList: json.accessList.map((item) => ({
            address: getAddress(item.address),
            storageKeys: item.storageKeys as Hex[],
          })),
        }
      : {}),
    v,
    r: padHex(`0x${(tx.r ?? 0n).toString(16)}`, { size: 32 }),
    s: padHex(`0x${(tx.s ?? 0n).toString(16)}`, { size: 32 }),
    ...(typed ? { yParity: Number(v) } : {}),
  };
}

function locationOf(block: Block, index: number): TransactionLocation {
  return {
    blockHash: bytesToHex(block.hash()),
    blockNumber: block.header.number,
    index,
    baseFeePerGas: block.header.baseFeePerGas ?? 0n,
  };
}

function logsOf(block: Block, index: number, receipt: ExecutionReceipt, firstLogIndex: number): ChainLog[] {
  const blockHash = bytesToHex(block.hash());
  const transactionHash = bytesToHex(block.transactions[index].hash());
  return receipt.logs.map(([address, topics, data], i) => ({
    address: getAddress(bytesToHex(address)),
    topics: topics.map((t) => bytesToHex(t)),
    data: bytesToHex(data),
    blockNumber: block.header.number,
    blockHash,
    transactionHash,
    transactionIndex: index,
    logIndex: firstLogIndex + i,
  }));
}

function toReceipt(block: Block, index: number, receipt: ExecutionReceipt, logs: ChainLog[]): ChainReceipt {
  const tx = block.transactions[index];
  return {
    transactionHash: bytesToHex(tx.hash()),
    transactionIndex: index,
    blockHash: bytesToHex(block.hash()),
    blockNumber: block.header.number,
    type: receipt.txType as ChainReceipt["type"],
    from: getAddress(bytesToHex(receipt.sender)),
    to: tx.to === undefined ? null : getAddress(tx.to.toString()),
    contractAddress:
      receipt.contractAddress === undefined ? null : getAddress(bytesToHex(receipt.contractAddress)),
    cumulativeGasUsed: receipt.cumulativeGasUsed,
    gasUsed: receipt.gasUsed,
    effectiveGasPrice: receipt.effectiveGasPrice,
    status: receipt.status === 1 ? "success" : "reverted",
    logs,
    logsBloom: bytesToHex(receipt.logsBloom),
  };
}
