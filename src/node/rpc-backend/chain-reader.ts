/** ChainReader over the execution layer's ChainQueries: final blocks, transactions, receipts and logs. */
import type { Hash, Hex } from "viem";
import type { ChainQueries, ChainTransaction as ExecutionTransaction } from "../../execution/queries.js";
import type {
  BlockId,
  ChainBlock,
  ChainHeader,
  ChainLog,
  ChainReader,
  ChainReceipt,
  ChainTransaction,
  IncludedTransaction,
  LogQuery,
} from "../../rpc/index.js";

/** The RPC shows r and s as quantities; execution keeps them as 32-byte words. */
export function rpcTransaction(tx: ExecutionTransaction): ChainTransaction {
  return { ...tx, r: BigInt(tx.r), s: BigInt(tx.s) };
}

export class QueriesChainReader implements ChainReader {
  constructor(private readonly queries: ChainQueries) {}

  finalHead(): BlockId {
    return this.queries.finalHead();
  }

  earliest(): BlockId {
    return this.queries.earliest();
  }

  nextBaseFeePerGas(): bigint {
    return this.queries.nextBaseFeePerGas();
  }

  headerByNumber(number: bigint): Promise<ChainHeader | undefined> {
    return this.queries.headerByNumber(number);
  }

  headerByHash(hash: Hash): Promise<ChainHeader | undefined> {
    return this.queries.headerByHash(hash);
  }

  async blockByNumber(number: bigint): Promise<ChainBlock | undefined> {
    const block = await this.queries.blockByNumber(number);
    return block === undefined
      ? undefined
      : { ...block, transactions: block.transactions.map(rpcTransaction) };
  }

  async blockByHash(hash: Hash): Promise<ChainBlock | undefined> {
    const block = await this.queries.blockByHash(hash);
    return block === undefined
      ? undefined
      : { ...block, transactions: block.transactions.map(rpcTransaction) };
  }

  async transaction(hash: Hash): Promise<IncludedTransaction | undefined> {
    const found = await this.queries.transaction(hash);
    return found === undefined
      ? undefined
      : { transaction: rpcTransaction(found.transaction), location: found.location };
  }

  rawTransaction(hash: Hash): Promise<Hex | undefined> {
    return this.queries.rawTransaction(hash);
  }

  receipt(hash: Hash): Promise<ChainReceipt | undefined> {
    return this.queries.receipt(hash);
  }

  blockReceipts(blockHash: Hash): Promise<readonly ChainReceipt[] | undefined> {
    return this.queries.blockReceipts(blockHash);
  }

  logs(query: LogQuery): Promise<readonly ChainLog[]> {
    return this.queries.logs(query);
  }
}
