/**
 * debug_traceTransaction: re-executes a final transaction's block from its parent's post-state, the
 * transactions before it exactly as the block executor ran them (BlockExecution: Kairos fee rules, the
 * USDC precompile), then the transaction itself with a tracer listening.
 */
import type { EVMResult } from "@ethereumjs/evm";
import { bytesToHex, type Hex } from "viem";
import { BlockExecution } from "../block-execution.js";
import type { Blockchain } from "../blockchain.js";
import type { DecodedTransaction } from "../tx-validation.js";
import { createTracer, listen, type Trace, type TraceConfig } from "./index.js";

/** The transaction is final but its block or its parent's state is gone (should not happen). */
export class ReplayUnavailableError extends Error {
  readonly code = "REPLAY_UNAVAILABLE";
  constructor(
    readonly transaction: Hex,
    reason: string,
  ) {
    super(`cannot replay transaction ${transaction}: ${reason}`);
  }
}

/** The trace of final transaction `hash`, or undefined if no final block holds it. */
export async function traceTransaction(
  chain: Blockchain,
  hash: Hex,
  config: TraceConfig,
  signal?: AbortSignal,
): Promise<Trace | undefined> {
  const location = await chain.storage.txIndex.get(hash);
  if (location === undefined) return undefined;
  const block = await chain.finalBlock(location.blockHash);
  if (block === undefined) throw new ReplayUnavailableError(hash, `block ${location.blockHash} not found`);
  const parent = await chain.header(bytesToHex(block.header.parentHash));
  if (parent === undefined) throw new ReplayUnavailableError(hash, "parent block not found");

  const execution = await BlockExecution.begin(chain.context, parent.stateRoot, block.header.toJSON());
  try {
    return await traceAt(execution, block.transactions, location.index, config, signal);
  } finally {
    // The tracer listened to this VM's EVM, so the pool does not take it back; this only marks it done.
    execution.release();
  }
}

async function traceAt(
  execution: BlockExecution,
  txs: readonly DecodedTransaction["tx"][],
  index: number,
  config: TraceConfig,
  signal: AbortSignal | undefined,
): Promise<Trace> {
  for (let i = 0; i < index; i++) {
    signal?.throwIfAborted();
    await execution.apply(decode(txs[i]));
  }
  signal?.throwIfAborted();
  const target = txs[index];
  const tracer = createTracer(config);
  let top: EVMResult | undefined;
  // The last message to end is the transaction's own: its return data is the trace's returnValue.
  const keepTop = (result: EVMResult) => {
    top = result;
  };
  const stop = listen(execution.evm, tracer);
  execution.evm.events?.on("afterMessage", keepTop);
  let receipt: Awaited<ReturnType<BlockExecution["apply"]>>["receipt"];
  try {
    receipt = (await execution.apply(decode(target))).receipt;
  } finally {
    stop();
    execution.evm.events?.off("afterMessage", keepTop);
  }
  return tracer.result({
    gasLimit: target.gasLimit,
    gasUsed: receipt.gasUsed,
    failed: receipt.status === 0,
    returnValue: top === undefined ? "0x" : bytesToHex(top.execResult.returnValue),
  });
}

function decode(tx: DecodedTransaction["tx"]): DecodedTransaction {
  return { tx, sender: tx.getSenderAddress(), hash: bytesToHex(tx.hash()) };
}
