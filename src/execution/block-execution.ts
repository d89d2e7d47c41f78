/**
 * Executing the transactions of one block on its parent's post-state: the part the block builder and
 * the block executor share. Each transaction is checked (tx-validation.ts), run with EthereumJS's
 * `runTx`, and its burned base fee is credited to the block's fee recipient (fees.ts).
 */
import { Block, BlockHeader, createBlockHeader, type HeaderData } from "@ethereumjs/block";
import type { Common } from "@ethereumjs/common";
import type { CustomPrecompile, EVMInterface, Log } from "@ethereumjs/evm";
import type { MerkleStateManager } from "@ethereumjs/statemanager";
import type { TypedTransaction } from "@ethereumjs/tx";
import { type Account, type Address, KECCAK256_RLP } from "@ethereumjs/util";
import { runTx, type VM } from "@ethereumjs/vm";
import { bytesToHex } from "viem";
import { StateNotFoundError, type WorldState } from "../state/world-state.js";
import { acquireVm, precompileAddresses, releaseVm, useState } from "./block-vms.js";
import { InvalidTransactionError } from "./errors.js";
import { creditBurnedFee } from "./fees.js";
import { orderedTrieRoot } from "./ordered-trie.js";
import { applyPlainTransfer, plainTransfersSupported, type TransferResult } from "./plain-transfer.js";
import { consensusReceipt, type ExecutionReceipt } from "./receipts.js";
import { sharedCommon } from "./shared-common.js";
import { checkAgainstState, type DecodedTransaction, type InclusionEnvironment } from "./tx-validation.js";

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
  /** Set once someone listens to the EVM: from then on every transaction goes through it. */
  private evmObserved = false;
  private readonly plainTransfers: boolean;
  /**
   * The block's state, opened on first use: a block without transactions (every idle view) needs
   * none, as its post-state is its parent's.
   */
  private state?: MerkleStateManager;
  private block?: Block;
  private released = false;

  private constructor(
    private readonly context: ExecutionContext,
    /** A pooled VM (block-vms.ts), given the block's state on first use. */
    private readonly vm: VM,
    private readonly parentStateRoot: Uint8Array,
    /** The header being built or checked; its roots are not read during execution. */
    readonly header: BlockHeader,
  ) {
    this.plainTransfers = plainTransfersSupported(context.common);
  }

  /** Throws StateNotFoundError if the parent's state is not available. */
  static async begin(
    context: ExecutionContext,
    parentStateRoot: Uint8Array,
    header: HeaderData | BlockHeader,
  ): Promise<BlockExecution> {
    if (!(await context.world.exists(parentStateRoot))) {
      throw new StateNotFoundError(bytesToHex(parentStateRoot));
    }
    const sealed =
      header instanceof BlockHeader
        ? header
        : createBlockHeader(header, { common: sharedCommon(context.common), setHardfork: false });
    return new BlockExecution(context, await acquireVm(context), parentStateRoot, sealed);
  }

  /** The state manager, positioned at the parent's state inside one checkpoint for the whole block. */
  private async stateManager(): Promise<MerkleStateManager> {
    if (this.state === undefined) {
      const state = await this.context.world.at(this.parentStateRoot);
      // One checkpoint around the whole block: each transaction's commit then stays in the caches
      // instead of rewriting the trie, and the trie is updated once, in finish().
      await state.checkpoint();
      if (this.state === undefined) {
        this.state = state;
        useState(this.vm, state);
      }
    }
    return this.state;
  }

  /**
   * Hands the VM back for the next block. Call once the block is executed; `finish()` results stay
   * valid, but nothing else may be called afterwards. A VM a tracer listened to is not reused.
   */
  release(): void {
    if (this.released) return;
    this.released = true;
    if (!this.evmObserved) releaseVm(this.context, this.vm);
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
    const state = await this.stateManager();
    const account = await state.getAccount(sender);
    checkAgainstState(decoded, account, this.environment);
    const result = (await this.transfer(state, decoded, account)) ?? (await this.run(decoded));
    await creditBurnedFee(state, this.header.coinbase, result.amountSpent, result.minerValue);
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
    state: MerkleStateManager,
    decoded: DecodedTransaction,
    from: Account | undefined,
  ): Promise<TransactionRun | undefined> {
    if (this.evmObserved || !this.plainTransfers) return undefined;
    const header = { coinbase: this.header.coinbase, baseFeePerGas: this.header.baseFeePerGas ?? 0n };
    const result = await applyPlainTransfer(
      state,
      decoded.tx,
      decoded.sender,
      from,
      header,
      precompileAddresses(this.vm),
    );
    return result === undefined
      ? undefined
      : { ...result, failed: false, logs: [], logsBloom: new Uint8Array(256) };
  }

  private async run(decoded: DecodedTransaction): Promise<TransactionRun> {
    let result: Awaited<ReturnType<typeof runTx>>;
    try {
      this.block ??= new Block(this.header, [], [], undefined, { common: this.context.common });
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
    if (this.state === undefined) {
      // Nothing ran and nothing was read: the parent's state, no receipts.
      return {
        stateRoot: this.parentStateRoot,
        receiptsRoot: KECCAK256_RLP,
        logsBloom: this.bloom.slice(),
        gasUsed: 0n,
      };
    }
    const state = this.state;
    await state.flush();
    await state.commit();
    const stateRoot = await state.getStateRoot();
    // Re-open the block checkpoint: more transactions may follow (finish() gives a running root).
    await state.checkpoint();
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
