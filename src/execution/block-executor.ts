/**
 * The validators' block executor: re-executes a proposed block on its parent's post-state and rejects
 * it, naming the field, if anything differs from what the proposer sealed.
 */
import { type Block, type BlockHeader, createBlockFromRLP } from "@ethereumjs/block";
import type { TypedTransaction } from "@ethereumjs/tx";
import { type Address, createAddressFromString } from "@ethereumjs/util";
import { bytesToHex, type Hex } from "viem";
import { BlockExecution, type ExecutionContext } from "./block-execution.js";
import { type BlockField, BlockMismatchError, InvalidTransactionError } from "./errors.js";
import { decodeExtraData } from "./extra-data.js";
import { type FeeParams, nextBaseFee } from "./fees.js";
import { orderedTrieRoot } from "./ordered-trie.js";
import type { ExecutionReceipt } from "./receipts.js";
import { sharedCommon } from "./shared-common.js";
import type { DecodedTransaction } from "./tx-validation.js";

export interface ExpectedContext {
  view: number;
  proposer: number;
  feeRecipient: Address;
  /** Seconds; a block stamped later than this is rejected (clock drift allowance included by the caller). */
  maxTimestamp?: bigint;
}

export interface ExecutedBlock {
  block: Block;
  receipts: ExecutionReceipt[];
}

/**
 * Recovers the senders of a block's transactions at once, in order: those the mempool already
 * recovered come from its cache, the rest in one batch (crypto/senderRecovery.ts).
 */
export interface BlockSenders {
  recoverMany(
    txs: readonly TypedTransaction[],
  ): Promise<({ ok: true; sender: { address: Hex } } | { ok: false; error: Error })[]>;
}

export class BlockExecutor {
  constructor(
    private readonly context: ExecutionContext,
    private readonly feeParams: FeeParams,
    /** Without it, each sender is recovered on this thread as the transaction runs. */
    private readonly senders?: BlockSenders,
  ) {}

  decode(payload: Uint8Array): Block {
    try {
      return createBlockFromRLP(payload, { common: sharedCommon(this.context.common), setHardfork: false });
    } catch (error) {
      throw new BlockMismatchError("encoding", "a valid block encoding", (error as Error).message);
    }
  }

  async execute(block: Block, parent: BlockHeader, expected: ExpectedContext): Promise<ExecutedBlock> {
    const { header } = block;
    this.checkHeader(header, parent, expected);
    const transactionsRoot = await orderedTrieRoot(
      block.transactions.map((tx) => tx.serialize()),
      this.context.common,
    );
    compare("transactionsRoot", bytesToHex(transactionsRoot), bytesToHex(header.transactionsTrie));

    // Every signature first (in a batch, cached ones free), then execution in order.
    const senders = await this.recoverSenders(block.transactions);
    const execution = await BlockExecution.begin(this.context, parent.stateRoot, header);
    try {
      return await this.run(execution, block, senders);
    } finally {
      execution.release();
    }
  }

  private async run(
    execution: BlockExecution,
    block: Block,
    senders: ({ ok: true; address: Address } | { ok: false; error: Error })[],
  ): Promise<ExecutedBlock> {
    const { header } = block;
    for (const [index, tx] of block.transactions.entries()) {
      const sender = senders[index];
      if (!sender.ok) {
        throw new BlockMismatchError(
          "transactions",
          `a valid signature at index ${index}`,
          sender.error.message,
        );
      }
      const decoded: DecodedTransaction = { tx, sender: sender.address, hash: bytesToHex(tx.hash()) };
      try {
        await execution.apply(decoded);
      } catch (error) {
        if (!(error instanceof InvalidTransactionError)) throw error;
        throw new BlockMismatchError(
          "transactions",
          `an includable transaction at index ${index}`,
          error.message,
        );
      }
    }
    const outcome = await execution.finish();
    compare("gasUsed", header.gasUsed.toString(), outcome.gasUsed.toString());
    compare("receiptsRoot", bytesToHex(header.receiptTrie), bytesToHex(outcome.receiptsRoot));
    compare("logsBloom", bytesToHex(header.logsBloom), bytesToHex(outcome.logsBloom));
    compare("stateRoot", bytesToHex(header.stateRoot), bytesToHex(outcome.stateRoot));
    return { block, receipts: execution.executed.map((e) => e.receipt) };
  }

  private async recoverSenders(
    txs: readonly TypedTransaction[],
  ): Promise<({ ok: true; address: Address } | { ok: false; error: Error })[]> {
    if (this.senders === undefined) {
      return txs.map((tx) => {
        try {
          return { ok: true, address: tx.getSenderAddress() };
        } catch (error) {
          return { ok: false, error: error as Error };
        }
      });
    }
    return (await this.senders.recoverMany(txs)).map((result) =>
      result.ok ? { ok: true, address: createAddressFromString(result.sender.address) } : result,
    );
  }

  private checkHeader(header: BlockHeader, parent: BlockHeader, expected: ExpectedContext): void {
    compare("parentHash", bytesToHex(parent.hash()), bytesToHex(header.parentHash));
    compare("number", (parent.number + 1n).toString(), header.number.toString());
    compare("gasLimit", parent.gasLimit.toString(), header.gasLimit.toString());
    const baseFee = nextBaseFee(
      { gasUsed: parent.gasUsed, gasLimit: parent.gasLimit, baseFeePerGas: parent.baseFeePerGas ?? 0n },
      this.feeParams,
    );
    compare("baseFeePerGas", baseFee.toString(), (header.baseFeePerGas ?? 0n).toString());
    if (header.timestamp < parent.timestamp) {
      throw new BlockMismatchError("timestamp", `>= ${parent.timestamp}`, header.timestamp.toString());
    }
    if (expected.maxTimestamp !== undefined && header.timestamp > expected.maxTimestamp) {
      throw new BlockMismatchError("timestamp", `<= ${expected.maxTimestamp}`, header.timestamp.toString());
    }
    let stamp: { view: number; proposer: number };
    try {
      stamp = decodeExtraData(header.extraData);
    } catch {
      throw new BlockMismatchError("extraData", "a consensus stamp", bytesToHex(header.extraData));
    }
    compare(
      "extraData",
      `view ${expected.view} proposer ${expected.proposer}`,
      `view ${stamp.view} proposer ${stamp.proposer}`,
    );
    compare("coinbase", expected.feeRecipient.toString(), header.coinbase.toString());
  }
}

function compare(field: BlockField, expected: string | Hex, actual: string | Hex): void {
  if (expected !== actual) throw new BlockMismatchError(field, expected, actual);
}
