/**
 * The execution side of the consensus boundary (src/consensus/application.ts): the leader builds
 * blocks from the mempool, validators re-execute them, and final blocks are committed to disk.
 * Blocks built or verified on a non-final parent keep their post-state and receipts in memory
 * (Blockchain.keepSpeculative) until they are final or dropped.
 */

import type { Block, BlockHeader } from "@ethereumjs/block";
import { bytesToHex } from "viem";
import type {
  Application,
  BlockContext,
  Digest,
  FinalityProof,
  ProposedBlock,
  VerifyResult,
} from "../consensus/application.js";
import { BlockBuilder, type CandidateTransactions, type RejectedTransaction } from "./block-builder.js";
import { BlockExecutor, type BlockSenders } from "./block-executor.js";
import type { Blockchain, ExecutedBlockRecord } from "./blockchain.js";
import { BlockMismatchError, UnknownBlockError } from "./errors.js";
import { decodeExtraData } from "./extra-data.js";

/** What the application needs from the mempool (src/mempool implements it; node/ wires it). */
export interface TransactionSource {
  /** Candidates for a block on `parent`, best first (minus what its non-final ancestors include). */
  candidates(parent: Digest): CandidateTransactions;
  /** Transactions the builder found can never be included as they are. */
  dropRejected?(rejected: RejectedTransaction[]): void;
}

/** Told about every final block, after it is on disk (mempool, RPC subscriptions, metrics). */
export interface FinalityListener {
  blockFinalized(record: ExecutedBlockRecord): void | Promise<void>;
}

export interface ChainApplicationOptions {
  /** Seconds since the epoch. */
  now?: () => bigint;
  /** How far ahead of our clock a proposer's timestamp may be. */
  maxClockDriftSeconds?: bigint;
  listeners?: FinalityListener[];
  /** Batch sender recovery for blocks to verify, sharing the mempool's cache. */
  senders?: BlockSenders;
}

export class ChainApplication implements Application {
  private readonly builder: BlockBuilder;
  private readonly executor: BlockExecutor;
  private readonly now: () => bigint;
  private readonly maxDrift: bigint;
  private readonly listeners: FinalityListener[];

  constructor(
    private readonly chain: Blockchain,
    private readonly pool: TransactionSource,
    options: ChainApplicationOptions = {},
  ) {
    this.builder = new BlockBuilder(chain.context, chain.genesis.feeParams);
    this.executor = new BlockExecutor(chain.context, chain.genesis.feeParams, options.senders);
    this.now = options.now ?? (() => BigInt(Math.floor(Date.now() / 1000)));
    this.maxDrift = options.maxClockDriftSeconds ?? 15n;
    this.listeners = options.listeners ?? [];
  }

  genesis(): Digest {
    return this.chain.genesisHash;
  }

  async propose(context: BlockContext): Promise<ProposedBlock> {
    const parent = await this.parentHeader(context.parent);
    const built = await this.builder.build({
      parent,
      view: context.view,
      proposer: context.proposer,
      feeRecipient: this.chain.feeRecipient(context.proposer),
      timestamp: this.now(),
      candidates: this.pool.candidates(context.parent),
    });
    if (built.rejected.length > 0) this.pool.dropRejected?.(built.rejected);
    const payload = built.block.serialize();
    this.chain.keepSpeculative({ block: built.block, receipts: built.receipts, payload });
    return { digest: bytesToHex(built.block.hash()), payload };
  }

  async verify(proposed: ProposedBlock, context: BlockContext): Promise<VerifyResult> {
    try {
      await this.execute(proposed, context);
      return { ok: true };
    } catch (error) {
      if (error instanceof BlockMismatchError || error instanceof UnknownBlockError) {
        return { ok: false, reason: error.message };
      }
      throw error;
    }
  }

  async finalized(proposed: ProposedBlock, context: BlockContext, proof: FinalityProof): Promise<void> {
    // A block finalized without our vote (fetched while catching up) is executed here first.
    const record = await this.execute(proposed, context);
    await this.chain.commitFinal(record, { view: proof.view, certificate: proof.certificate });
    for (const listener of this.listeners) await listener.blockFinalized(record);
  }

  private async execute(proposed: ProposedBlock, context: BlockContext): Promise<ExecutedBlockRecord> {
    const known = this.chain.speculativeBlock(proposed.digest);
    if (known !== undefined) {
      // Executed already; the digest commits to the parent and the stamp, which must match the context.
      const { header } = known.block;
      const stamp = decodeExtraData(header.extraData);
      if (stamp.view !== context.view || stamp.proposer !== context.proposer) {
        throw new BlockMismatchError(
          "extraData",
          `view ${context.view} proposer ${context.proposer}`,
          `view ${stamp.view} proposer ${stamp.proposer}`,
        );
      }
      if (bytesToHex(header.parentHash) !== context.parent) {
        throw new BlockMismatchError("parentHash", context.parent, bytesToHex(header.parentHash));
      }
      return known;
    }
    const block: Block = this.executor.decode(proposed.payload);
    const digest = bytesToHex(block.hash());
    if (digest !== proposed.digest) throw new BlockMismatchError("encoding", proposed.digest, digest);
    const parent = await this.parentHeader(context.parent);
    const executed = await this.executor.execute(block, parent, {
      view: context.view,
      proposer: context.proposer,
      feeRecipient: this.chain.feeRecipient(context.proposer),
      maxTimestamp: this.now() + this.maxDrift,
    });
    this.chain.keepSpeculative(executed);
    return executed;
  }

  private async parentHeader(parent: Digest): Promise<BlockHeader> {
    const header = await this.chain.header(parent);
    if (header === undefined) throw new UnknownBlockError(parent);
    return header;
  }
}
