/**
 * Executing the transactions of one block on its parent's post-state: the part the block builder and
 * the block executor share. Each transaction is checked (tx-validation.ts), run with EthereumJS's
 * `runTx`, and its burned base fee is credited to the block's fee recipient (fees.ts).
 */
import { type Block, type BlockHeader, createBlock, type HeaderData } from "@ethereumjs/block";
import type { Common } from "@ethereumjs/common";
import type { CustomPrecompile, EVMInterface, Log } from "@ethereumjs/evm";
import type { MerkleStateManager } from "@ethereumjs/statemanager";
import type { TypedTransaction } from "@ethereumjs/tx";
import type { Account, Address } from "@ethereumjs/util";
import { createVM, runTx, type VM } from "@ethereumjs/vm";
import type { WorldState } from "../state/world-state.js";
import { InvalidTransactionError } from "./errors.js";
import { creditBurnedFee } from "./fees.js";
import { enableJumpAnalysisCache } from "./jump-analysis-cache.js";
import { orderedTrieRoot } from "./ordered-trie.js";
import { applyPlainTransfer, plainTransfersSupported, type TransferResult } from "./plain-transfer.js";
import { consensusReceipt, type ExecutionReceipt } from "./receipts.js";
import { checkAgainstState, type DecodedTransaction, type InclusionEnvironment } from "./tx-validation.js";
import { trackCallers } from "./usdc-precompile.js";

/** EIP-7825 (Osaka): no transaction may ask for more than 2^24 gas. */
export const EIP7825_MAX_TX_GAS = 16_777_216n;

/** What executing a block needs from the chain: its rules, its state, and its precompiles. */
export interface ExecutionContext {
  common: Common;
  world: WorldState;
  precompiles: CustomPrecompile[];
}

export interface ExecutedTransaction {
  decoded: DecodedTransaction;
  receipt: ExecutionReceipt;
}

/** The roots and totals that seal a header. */
export interface ExecutionOutcome {
  stateRoot: Uint8Array;
  receiptsRoot: Uint8Array;
  logsBloom: Uint8Array;
  gasUsed: bigint;
}

export class BlockExecution {
  readonly executed: ExecutedTransaction[] = [];
  private gasUsedSoFar = 0n;
  private readonly bloom = new Uint8Array(256);
  private readonly block: Block;
  /** Set once someone listens to the EVM: from then on every transaction goes through it. */
  private evmObserved = false;
  private readonly plainTransfers: boolean;
  /** Addresses (unprefixed hex) of every precompile, ours included: a transfer to one runs its code. */
  private readonly precompiles: ReadonlySet<string>;

  private constructor(
    private readonly context: ExecutionContext,
    private readonly vm: VM,
    private readonly stateManager: MerkleStateManager,
    /** The header being built or checked; its roots are not read during execution. */
    readonly header: BlockHeader,
  ) {
    this.block = createBlock({ header }, { common: context.common, setHardfork: false });
    this.plainTransfers = plainTransfersSupported(context.common);
    this.precompiles = new Set(vm.evm.precompiles.keys());
  }

  static async begin(
    context: ExecutionContext,
    parentStateRoot: Uint8Array,
    headerData: HeaderData,
  ): Promise<BlockExecution> {
    const stateManager = await context.world.at(parentStateRoot);
    const vm = await createVM({
      common: context.common,
      stateManager,
      evmOpts: { customPrecompiles: context.precompiles },
    });
    trackCallers(vm.evm);
    // A block calls the same contracts over and over (a token): analyse each code array once.
    await enableJumpAnalysisCache(vm.evm);
    // One checkpoint around the whole block: each transaction's commit then stays in the caches
    // instead of rewriting the trie, and the trie is updated once, in finish().
    await stateManager.checkpoint();
    const header = createBlock({ header: headerData }, { common: context.common, setHardfork: false }).header;
    return new BlockExecution(context, vm, stateManager, header);
  }

  get gasUsed(): bigint {
    return this.gasUsedSoFar;
  }

  /** The EVM that runs each `apply`: a tracer listens to its events (debug_traceTransaction's replay). */
  get evm(): EVMInterface {
    this.evmObserved = true;
    return this.vm.evm;
  }

  get gasRemaining(): bigint {
    return this.header.gasLimit - this.gasUsedSoFar;
  }

  get environment(): InclusionEnvironment {
    return {
      baseFeePerGas: this.header.baseFeePerGas ?? 0n,
      blockGasLimit: this.header.gasLimit,
      maxTransactionGas: this.context.common.isActivatedEIP(7825) ? EIP7825_MAX_TX_GAS : this.header.gasLimit,
    };
  }

  /**
   * Runs one transaction. Throws InvalidTransactionError, with the state untouched, if it may not be
   * included; a transaction that reverts is included (status 0) and pays for its gas.
   */
  async apply(decoded: DecodedTransaction): Promise<ExecutedTransaction> {
    const { tx, sender } = decoded;
    if (tx.gasLimit > this.gasRemaining) {
      throw new InvalidTransactionError(
        "GAS_LIMIT_EXCEEDED",
        `${tx.gasLimit} > ${this.gasRemaining} gas left in block`,
      );
    }
    const account = await this.stateManager.getAccount(sender);
    checkAgainstState(decoded, account, this.environment);
    const result = (await this.transfer(decoded, account)) ?? (await this.run(decoded));
    await creditBurnedFee(this.stateManager, this.header.coinbase, result.amountSpent, result.minerValue);
    this.gasUsedSoFar += result.totalGasSpent;
    const { logsBloom } = result;
    for (let i = 0; i < 256; i++) this.bloom[i] |= logsBloom[i];
    const receipt: ExecutionReceipt = {
      txType: tx.type,
      status: result.failed ? 0 : 1,
      cumulativeGasUsed: this.gasUsedSoFar,
      gasUsed: result.totalGasSpent,
      effectiveGasPrice: effectiveGasPrice(tx, this.header.baseFeePerGas ?? 0n),
      logs: result.logs,
      logsBloom,
      sender: sender.bytes,
      ...(result.createdAddress !== undefined ? { contractAddress: result.createdAddress.bytes } : {}),
    };
    const executed = { decoded, receipt };
    this.executed.push(executed);
    return executed;
  }

  /** A plain transfer without the EVM, unless a tracer watches the EVM (see plain-transfer.ts). */
  private async transfer(
    decoded: DecodedTransaction,
    from: Account | undefined,
  ): Promise<TransactionRun | undefined> {
    if (this.evmObserved || !this.plainTransfers) return undefined;
    const header = { coinbase: this.header.coinbase, baseFeePerGas: this.header.baseFeePerGas ?? 0n };
    const result = await applyPlainTransfer(
      this.stateManager,
      decoded.tx,
      decoded.sender,
      from,
      header,
      this.precompiles,
    );
    return result === undefined
      ? undefined
      : { ...result, failed: false, logs: [], logsBloom: new Uint8Array(256) };
  }

  private async run(decoded: DecodedTransaction): Promise<TransactionRun> {
    let result: Awaited<ReturnType<typeof runTx>>;
    try {
      result = await runTx(this.vm, {
        tx: decoded.tx,
        block: this.block,
        blockGasUsed: this.gasUsedSoFar,
        skipHardForkValidation: true,
      });
    } catch (error) {
      throw new InvalidTransactionError("EXECUTION_FAILED", (error as Error).message, decoded.hash);
    }
    return {
      totalGasSpent: result.totalGasSpent,
      amountSpent: result.amountSpent,
      minerValue: result.minerValue,
      failed: result.execResult.exceptionError !== undefined,
      logs: result.execResult.logs ?? [],
      logsBloom: result.bloom.bitvector,
      createdAddress: result.createdAddress,
    };
  }

  /** Computes the post-state root and the receipts root. The new trie nodes stay buffered in memory. */
  async finish(): Promise<ExecutionOutcome> {
    await this.stateManager.flush();
    await this.stateManager.commit();
    const stateRoot = await this.stateManager.getStateRoot();
    // Re-open the block checkpoint: more transactions may follow (finish() gives a running root).
    await this.stateManager.checkpoint();
    const receiptsRoot = await orderedTrieRoot(
      this.executed.map((e) => consensusReceipt(e.receipt)),
      this.context.common,
    );
    return { stateRoot, receiptsRoot, logsBloom: this.bloom.slice(), gasUsed: this.gasUsedSoFar };
  }
}

/** What one transaction's run leaves for the receipt and the fees. */
interface TransactionRun extends TransferResult {
  failed: boolean;
  logs: Log[];
  logsBloom: Uint8Array;
  createdAddress?: Address;
}

export function effectiveGasPrice(tx: TypedTransaction, baseFee: bigint): bigint {
  if ("maxFeePerGas" in tx) {
    const withTip = baseFee + tx.maxPriorityFeePerGas;
    return withTip < tx.maxFeePerGas ? withTip : tx.maxFeePerGas;
  }
  return tx.gasPrice;
}
