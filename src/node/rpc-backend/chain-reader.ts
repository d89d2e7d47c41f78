/**
 * ChainReader over the Blockchain: final blocks (decoded through the chain's block cache), their
 * transactions and receipts (through the one converter, src/rpc/ethereumjs.ts), and logs from the
 * chain's log index.
 */
import type { Block } from "@ethereumjs/block";
import { type Address, bytesToHex, type Hash, type Hex } from "viem";
import type { Blockchain } from "../../execution/blockchain.js";
import { nextBaseFee } from "../../execution/fees.js";
import {
  type BlockId,
  type ChainBlock,
  type ChainBlockHashes,
  type ChainHeader,
  type ChainLog,
  type ChainReader,
  type ChainReceipt,
  chainBlock,
  chainBlockHashes,
  chainHeader,
  chainReceipt,
  chainReceipts,
  chainTransaction,
  type IncludedTransaction,
  type LogQuery,
  transactionLocation,
} from "../../rpc/index.js";

export class BlockchainChainReader implements ChainReader {
  /** The head's id, kept while the head is the same block (it is read on nearly every call). */
  private head: { block: Block; id: BlockId } | undefined;

  /**
   * Converted headers of the decoded blocks the chain's cache holds (its size field serializes the
   * whole block). Keyed by the Block object, so an entry goes when the chain's cache drops the block.
   */
  private readonly headers = new WeakMap<Block, ChainHeader>();

  constructor(private readonly chain: Blockchain) {}

  private readonly header = (block: Block): ChainHeader => {
    let header = this.headers.get(block);
    if (header === undefined) {
      header = chainHeader(block);
      this.headers.set(block, header);
    }
    return header;
  };

  private readonly hashesOnly = (block: Block): ChainBlockHashes =>
    chainBlockHashes(block, this.header(block));

  /** Senders come from the stored receipts: a block read back from disk needs no signature recovery. */
  private readonly fullBlock = async (block: Block): Promise<ChainBlock> => {
    const receipts = await this.chain.receipts(bytesToHex(block.hash()));
    const senders =
      receipts?.length === block.transactions.length
        ? receipts.map((receipt) => bytesToHex(receipt.sender) as Address)
        : undefined;
    return chainBlock(block, senders, this.header(block));
  };

  finalHead(): BlockId {
    const block = this.chain.finalHead;
    if (this.head?.block !== block) this.head = { block, id: idOf(block) };
    return this.head.id;
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

  headerByNumber(number: bigint): Promise<ChainHeader | undefined> {
    return this.chain.finalBlockAt(number).then(ifFound(this.header));
  }

  headerByHash(hash: Hash): Promise<ChainHeader | undefined> {
    return this.chain.finalBlock(hash).then(ifFound(this.header));
  }

  blockByNumber(number: bigint): Promise<ChainBlock | undefined> {
    return this.chain.finalBlockAt(number).then(ifFound(this.fullBlock));
  }

  blockByHash(hash: Hash): Promise<ChainBlock | undefined> {
    return this.chain.finalBlock(hash).then(ifFound(this.fullBlock));
  }

  blockHashesByNumber(number: bigint): Promise<ChainBlockHashes | undefined> {
    return this.chain.finalBlockAt(number).then(ifFound(this.hashesOnly));
  }

  blockHashesByHash(hash: Hash): Promise<ChainBlockHashes | undefined> {
    return this.chain.finalBlock(hash).then(ifFound(this.hashesOnly));
  }

  async transaction(hash: Hash): Promise<IncludedTransaction | undefined> {
    const found = await this.locate(hash);
    if (found === undefined) return undefined;
    const { block, index } = found;
    const receipts = await this.chain.receipts(bytesToHex(block.hash()));
    const sender = receipts?.[index] && (bytesToHex(receipts[index].sender) as Address);
    return {
      transaction: chainTransaction(block.transactions[index], sender),
      location: transactionLocation(block, index),
    };
  }

  async rawTransaction(hash: Hash): Promise<Hex | undefined> {
    const found = await this.locate(hash);
    return found === undefined ? undefined : bytesToHex(found.block.transactions[found.index].serialize());
  }

  async receipt(hash: Hash): Promise<ChainReceipt | undefined> {
    const found = await this.locate(hash);
    if (found === undefined) return undefined;
    const { block, index } = found;
    const stored = await this.chain.receipts(bytesToHex(block.hash()));
    return stored === undefined || index >= stored.length ? undefined : chainReceipt(block, stored, index);
  }

  async blockReceipts(blockHash: Hash): Promise<readonly ChainReceipt[] | undefined> {
    const block = await this.chain.finalBlock(blockHash);
    if (block === undefined) return undefined;
    return chainReceipts(block, (await this.chain.receipts(blockHash)) ?? []);
  }

  logs(query: LogQuery): Promise<readonly ChainLog[]> {
    const head = this.chain.finalHead.header.number;
    // biome-ignore lint/complexity/useMathMinMax: Math.min does not take bigints
    const last = query.toBlock < head ? query.toBlock : head;
    return this.chain.logs(query.fromBlock, last, {
      ...(query.addresses !== undefined ? { addresses: query.addresses } : {}),
      ...(query.topics !== undefined ? { topics: query.topics } : {}),
    });
  }

  private async locate(hash: Hash): Promise<{ block: Block; index: number } | undefined> {
    const location = await this.chain.storage.txIndex.get(hash);
    if (location === undefined) return undefined;
    const block = await this.chain.finalBlock(location.blockHash);
    return block === undefined ? undefined : { block, index: location.index };
  }
}

/** `convert` applied to a block that was found. */
const ifFound =
  <T>(convert: (block: Block) => T | Promise<T>) =>
  (block: Block | undefined): T | Promise<T> | undefined =>
    block === undefined ? undefined : convert(block);

const idOf = (block: Block): BlockId => ({ number: block.header.number, hash: bytesToHex(block.hash()) });
