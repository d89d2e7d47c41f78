/**
 * The leader's block builder. Not EthereumJS's BlockBuilder, which re-runs the whole block on every
 * added transaction: we execute each candidate once against a provisional header and seal the header
 * once, with the real roots.
 */
import { Block, type BlockHeader, createBlockHeader, type HeaderData } from "@ethereumjs/block";
import type { Address } from "@ethereumjs/util";
import type { Hex } from "viem";
import { BlockExecution, type ExecutionContext } from "./block-execution.js";
import { InvalidTransactionError } from "./errors.js";
import { encodeExtraData } from "./extra-data.js";
import { type FeeParams, nextBaseFee } from "./fees.js";
import { orderedTrieRoot } from "./ordered-trie.js";
import type { ExecutionReceipt } from "./receipts.js";
import { sharedCommon } from "./shared-common.js";
import type { DecodedTransaction } from "./tx-validation.js";

/** Candidate transactions in the order the leader should try them (the mempool's best first). */
export interface CandidateTransactions {
  next(): DecodedTransaction | undefined;
  /** Skip the sender's remaining transactions: one of them failed, the later nonces cannot run. */
  skipSender(sender: Address): void;
}

export interface BuildRequest {
  parent: BlockHeader;
  view: number;
  proposer: number;
  feeRecipient: Address;
  /** Seconds; the header gets max(this, parent's timestamp). */
  timestamp: bigint;
  candidates: CandidateTransactions;
}

export interface RejectedTransaction {
  hash: Hex;
  error: InvalidTransactionError;
}

export interface BuiltBlock {
  block: Block;
  receipts: ExecutionReceipt[];
  /** Candidates that may never be included as they are (the mempool should drop them). */
  rejected: RejectedTransaction[];
}

/** The cheapest transaction: once less gas than this is left, stop asking for candidates. */
const MIN_TX_GAS = 21_000n;

export class BlockBuilder {
  constructor(
    private readonly context: ExecutionContext,
    private readonly feeParams: FeeParams,
  ) {}

  async build(request: BuildRequest): Promise<BuiltBlock> {
    const { parent } = request;
    const fields: HeaderData = {
      parentHash: parent.hash(),
      number: parent.number + 1n,
      gasLimit: parent.gasLimit,
      baseFeePerGas: nextBaseFee(
        { gasUsed: parent.gasUsed, gasLimit: parent.gasLimit, baseFeePerGas: parent.baseFeePerGas ?? 0n },
        this.feeParams,
      ),
      coinbase: request.feeRecipient,
      timestamp: request.timestamp > parent.timestamp ? request.timestamp : parent.timestamp,
      extraData: encodeExtraData({ view: request.view, proposer: request.proposer }),
    };
    const execution = await BlockExecution.begin(this.context, parent.stateRoot, fields);
    try {
      return await this.fill(execution, fields, request);
    } finally {
      execution.release();
    }
  }

  private async fill(
    execution: BlockExecution,
    fields: HeaderData,
    request: BuildRequest,
  ): Promise<BuiltBlock> {
    const rejected: RejectedTransaction[] = [];
    for (
      let candidate = request.candidates.next();
      candidate !== undefined;
      candidate = request.candidates.next()
    ) {
      if (candidate.tx.gasLimit > execution.gasRemaining) {
        // Does not fit in this block; it may fit in the next one.
        request.candidates.skipSender(candidate.sender);
        if (execution.gasRemaining < MIN_TX_GAS) break;
        continue;
      }
      try {
        await execution.apply(candidate);
      } catch (error) {
        if (!(error instanceof InvalidTransactionError)) throw error;
        request.candidates.skipSender(candidate.sender);
        // A nonce too high may become valid; everything else will not.
        if (error.code !== "NONCE_TOO_HIGH") rejected.push({ hash: candidate.hash, error });
      }
    }
    const outcome = await execution.finish();
    const transactions = execution.executed.map((e) => e.decoded.tx);
    const transactionsTrie = await orderedTrieRoot(
      transactions.map((tx) => tx.serialize()),
      this.context.common,
    );
    // The shared Common: a header's own copy (and its parameter merge) cost more than an empty block.
    const options = { common: sharedCommon(this.context.common), setHardfork: false };
    const header = createBlockHeader(
      {
        ...fields,
        stateRoot: outcome.stateRoot,
        transactionsTrie,
        receiptTrie: outcome.receiptsRoot,
        logsBloom: outcome.logsBloom,
        gasUsed: outcome.gasUsed,
      },
      options,
    );
    // The constructor, not createBlock: createBlock rebuilds every transaction from its fields, which
    // copies the Common 1,000 times and drops the hash and sender each one has cached since the pool.
    const block = new Block(header, transactions, [], undefined, options);
    return { block, receipts: execution.executed.map((e) => e.receipt), rejected };
  }
}
