/**
 * The chain as execution sees it: final blocks on disk (with receipts, transaction index, certificate
 * and the trie nodes of their state, each block in one atomic batch) and the speculative blocks built
 * or verified on top of them, kept in memory with their receipts until they are final or dropped.
 */
import { type Block, type BlockHeader, createBlockFromRLP } from "@ethereumjs/block";
import type { Common } from "@ethereumjs/common";
import { createAddressFromString, KECCAK256_RLP } from "@ethereumjs/util";
import { bytesToHex, type Hex } from "viem";
import { WorldState } from "../state/world-state.js";
import { type ChainStorage, createChainStorage, type KeyValueStore } from "../storage/index.js";
import type { ExecutionContext } from "./block-execution.js";
import { BlockStateManager } from "./block-state.js";
import { createKairosCommon } from "./chain.js";
import { type Genesis, genesisBlock, totalSupply, writeGenesisState } from "./genesis.js";
import { type BlockLogs, type ChainLog, type LogFilter, LogIndex } from "./log-index.js";
import { decodeStoredReceipts, type ExecutionReceipt, encodeStoredReceipts } from "./receipts.js";
import { sharedCommon } from "./shared-common.js";
import { createUsdcPrecompile } from "./usdc-precompile.js";

export class GenesisMismatchError extends Error {
  readonly code = "GENESIS_MISMATCH";
  constructor(
    readonly stored: Hex,
    readonly expected: Hex,
  ) {
    super(`the database holds genesis ${stored}, the genesis file gives ${expected}`);
  }
}

export interface ExecutedBlockRecord {
  block: Block;
  receipts: ExecutionReceipt[];
  /** The block's encoding, when we built it (a block we proposed): committed without encoding it again. */
  payload?: Uint8Array;
}

/** Why a block is final, stored with it. */
export interface FinalityRecord {
  view: number;
  certificate: Uint8Array;
}

/** How many decoded final blocks to keep (a few seconds of the chain's tip, plus hot history). */
const DECODED_BLOCKS = 64;

const ZERO_ADDRESS = createAddressFromString("0x0000000000000000000000000000000000000000");

export class Blockchain {
  readonly context: ExecutionContext;
  readonly supply: bigint;
  private readonly logIndex: LogIndex;
  private readonly speculative = new Map<Hex, ExecutedBlockRecord>();
  /**
   * Recently read final blocks, decoded. Decoding is costly (@ethereumjs copies its Common per
   * transaction) and receipt and log queries read the same few recent blocks again and again.
   */
  private readonly decoded = new Map<Hex, Promise<Block | undefined>>();
  /** The same for receipts. Both hold the read in flight, so a batch of 500 receipt calls for one
   *  block decodes it once instead of 500 times at the same moment (which exhausted the heap). */
  private readonly decodedReceipts = new Map<Hex, Promise<ExecutionReceipt[] | undefined>>();

  private constructor(
    readonly genesis: Genesis,
    readonly common: Common,
    readonly storage: ChainStorage,
    readonly world: WorldState,
    readonly genesisBlock: Block,
    private head: Block,
  ) {
    this.supply = totalSupply(genesis);
    this.logIndex = new LogIndex(storage.logIndex);
    this.context = { common, world, precompiles: [createUsdcPrecompile({ totalSupply: this.supply })] };
  }

  /** Opens the chain in `store`, writing the genesis block first if the store is new. */
  static async open(store: KeyValueStore, genesis: Genesis): Promise<Blockchain> {
    const common = createKairosCommon(genesis.chainId);
    const storage = createChainStorage(store);
    // Blocks and every state read (RPC, mempool) go through the decoded-node cache (block-state.ts).
    const world = new WorldState(
      store.namespace("trie"),
      common,
      (options) => new BlockStateManager(options),
    );
    const stateRoot = await writeGenesisState(genesis, await world.at(KECCAK256_RLP));
    const first = genesisBlock(genesis, stateRoot, common);
    const firstHash = bytesToHex(first.hash());
    const storedGenesis = await storage.blocks.hashAt(0n);
    if (storedGenesis === undefined) {
      const batch = store.batch();
      storage.blocks.stage(batch, { hash: firstHash, number: 0n }, first.serialize());
      storage.receipts.stage(batch, firstHash, encodeStoredReceipts([]));
      new LogIndex(storage.logIndex).stage(batch, 0n, blockLogs(first, []));
      storage.meta.stageFinalHead(batch, { hash: firstHash, number: 0n });
      world.stageNodes(batch);
      await batch.write();
      world.nodesPersisted();
      return new Blockchain(genesis, common, storage, world, first, first);
    }
    if (storedGenesis !== firstHash) throw new GenesisMismatchError(storedGenesis, firstHash);
    // The genesis nodes are on disk already; drop the copies just computed.
    world.stageNodes(store.batch());
    world.nodesPersisted();
    const headRef = await storage.meta.finalHead();
    const head = headRef === undefined ? first : await Blockchain.readBlock(storage, common, headRef.hash);
    const chain = new Blockchain(genesis, common, storage, world, first, head ?? first);
    await chain.indexLogsOfOlderBlocks();
    return chain;
  }

  get finalHead(): Block {
    return this.head;
  }

  get genesisHash(): Hex {
    return bytesToHex(this.genesisBlock.hash());
  }

  feeRecipient(proposer: number) {
    const validator = this.genesis.validators.find((v) => v.index === proposer);
    return validator === undefined ? ZERO_ADDRESS : createAddressFromString(validator.feeRecipient);
  }

  /** A final block, or a speculative one this node built or verified. */
  async header(hash: Hex): Promise<BlockHeader | undefined> {
    const speculative = this.speculative.get(hash);
    if (speculative !== undefined) return speculative.block.header;
    return (await this.finalBlock(hash))?.header;
  }

  speculativeBlock(hash: Hex): ExecutedBlockRecord | undefined {
    return this.speculative.get(hash);
  }

  keepSpeculative(record: ExecutedBlockRecord): void {
    this.speculative.set(bytesToHex(record.block.hash()), record);
  }

  async finalBlock(hash: Hex): Promise<Block | undefined> {
    if (hash === bytesToHex(this.head.hash())) return this.head;
    return recentlyRead(this.decoded, hash, () => Blockchain.readBlock(this.storage, this.common, hash));
  }

  async finalBlockAt(number: bigint): Promise<Block | undefined> {
    if (number === this.head.header.number) return this.head;
    if (number > this.head.header.number) return undefined;
    const hash = await this.storage.blocks.hashAt(number);
    return hash === undefined ? undefined : this.finalBlock(hash);
  }

  receipts(blockHash: Hex): Promise<ExecutionReceipt[] | undefined> {
    return recentlyRead(this.decodedReceipts, blockHash, async () => {
      const encoded = await this.storage.receipts.byBlockHash(blockHash);
      return encoded === undefined ? undefined : decodeStoredReceipts(encoded);
    });
  }

  /** Logs of final blocks `from`..`to` matching `filter`, in chain order, from the log index. */
  logs(from: bigint, to: bigint, filter: LogFilter): Promise<ChainLog[]> {
    return this.logIndex.query(from, to, filter);
  }

  /**
   * Makes a block final: its header and body, receipts and logs, transaction index, certificate, the
   * trie nodes of its state and the new final head go to disk in one batch. Must follow the head.
   */
  async commitFinal(record: ExecutedBlockRecord, finality?: FinalityRecord): Promise<void> {
    const { block, receipts } = record;
    const hash = bytesToHex(block.hash());
    const number = block.header.number;
    if (!equalBytes(block.header.parentHash, this.head.hash())) {
      throw new Error(
        `block ${number} ${hash} does not extend the final head ${bytesToHex(this.head.hash())}`,
      );
    }
    const batch = this.storage.store.batch();
    this.storage.blocks.stage(batch, { hash, number }, record.payload ?? block.serialize());
    this.storage.receipts.stage(batch, hash, encodeStoredReceipts(receipts));
    this.logIndex.stage(batch, number, blockLogs(block, receipts));
    block.transactions.forEach((tx, index) => {
      this.storage.txIndex.stage(batch, bytesToHex(tx.hash()), { blockHash: hash, index });
    });
    if (finality !== undefined) {
      this.storage.certificates.stage(batch, finality.view, "lNotarization", finality.certificate);
    }
    this.storage.meta.stageFinalHead(batch, { hash, number });
    this.world.stageNodes(batch);
    await batch.write();
    this.world.nodesPersisted();
    this.head = block;
    // Receipt queries for this block follow at once: serve them without decoding it back from disk.
    recentlyRead(this.decoded, hash, async () => block);
    recentlyRead(this.decodedReceipts, hash, async () => receipts);
    // Speculative blocks at or below the final height can never become final now.
    for (const [key, other] of this.speculative) {
      if (other.block.header.number <= number) this.speculative.delete(key);
    }
  }

  /** A database written before the log index existed gets it for its final blocks, once, at open. */
  private async indexLogsOfOlderBlocks(): Promise<void> {
    const head = this.head.header.number;
    const indexed = await this.logIndex.highest();
    let batch = this.storage.store.batch();
    for (let number = indexed === undefined ? 0n : indexed + 1n; number <= head; number++) {
      const block = await this.finalBlockAt(number);
      if (block === undefined) break;
      const receipts = (await this.receipts(bytesToHex(block.hash()))) ?? [];
      this.logIndex.stage(batch, number, blockLogs(block, receipts));
      if (batch.length >= 256) {
        await batch.write();
        batch = this.storage.store.batch();
      }
    }
    if (batch.length > 0) await batch.write();
  }

  private static async readBlock(
    storage: ChainStorage,
    common: Common,
    hash: Hex,
  ): Promise<Block | undefined> {
    const encoded = await storage.blocks.byHash(hash);
    // One shared Common for the header and every transaction instead of a copy each (shared-common.ts).
    return encoded === undefined
      ? undefined
      : createBlockFromRLP(encoded, { common: sharedCommon(common), setHardfork: false });
  }
}

function blockLogs(block: Block, receipts: readonly ExecutionReceipt[]): BlockLogs {
  return {
    hash: block.hash(),
    logsBloom: block.header.logsBloom,
    transactions: block.transactions.map((tx, i) => ({ hash: tx.hash(), logs: receipts[i]?.logs ?? [] })),
  };
}

/**
 * `read(key)` through a small LRU of promises (most recently used last: the Map's first key goes
 * first). A read still in flight is shared; one that finds nothing is not kept.
 */
function recentlyRead<T>(
  cache: Map<Hex, Promise<T | undefined>>,
  key: Hex,
  read: () => Promise<T | undefined>,
): Promise<T | undefined> {
  let value = cache.get(key);
  if (value !== undefined) cache.delete(key);
  else {
    value = read();
    value.then(
      (found) => found === undefined && cache.get(key) === value && cache.delete(key),
      () => cache.get(key) === value && cache.delete(key),
    );
  }
  cache.set(key, value);
  if (cache.size > DECODED_BLOCKS) cache.delete(cache.keys().next().value!);
  return value;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
