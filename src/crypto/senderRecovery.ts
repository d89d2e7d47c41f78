/**
 * Batch sender recovery for block verification and mempool entry: cached senders are reused, the rest
 * are packed into 97-byte tasks and recovered on a worker pool (or on this thread for small batches).
 */
import type { TypedTransaction } from "@ethereumjs/tx";
import { bytesToHex } from "viem";
import { SenderRecoveryError } from "./errors.js";
import {
  addressOfPublicKey,
  assertSigned,
  PUBLIC_KEY_BYTES,
  primeTransaction,
  type RecoveredSender,
  recoverPublicKey,
  SIGNATURE_TASK_BYTES,
  signatureTask,
  txHashOf,
} from "./sender.js";
import type { SenderCache } from "./senderCache.js";
import { WorkerPool } from "./workerPool.js";

export type SenderResult = { ok: true; sender: RecoveredSender } | { ok: false; error: SenderRecoveryError };

const RESULT_BYTES = 1 + PUBLIC_KEY_BYTES;

/** A pool of threads that recover secp256k1 senders. Close it with the node. */
export function createSenderRecoveryPool(size?: number): WorkerPool {
  return new WorkerPool({
    module: new URL("./workers/secp256k1Worker.ts", import.meta.url),
    size,
    name: "secp256k1",
  });
}

/**
 * Recover the senders of many transactions over `pool` (on this thread without one). Results are in
 * input order; a bad signature fails only its own transaction.
 */
export async function recoverSenders(
  txs: readonly TypedTransaction[],
  pool?: WorkerPool,
): Promise<SenderResult[]> {
  const results = new Array<SenderResult>(txs.length);
  const positions: number[] = [];
  const tasks: Uint8Array[] = [];
  txs.forEach((tx, index) => {
    try {
      assertSigned(tx);
      tasks.push(signatureTask(tx));
      positions.push(index);
    } catch (error) {
      if (!(error instanceof SenderRecoveryError)) throw error;
      results[index] = { ok: false, error };
    }
  });

  const publicKeys = pool ? await recoverOnPool(tasks, pool) : tasks.map(recoverPublicKey);
  positions.forEach((txIndex, taskIndex) => {
    const publicKey = publicKeys[taskIndex];
    if (!publicKey) {
      const error = new SenderRecoveryError(
        "INVALID_SIGNATURE",
        txHashOf(txs[txIndex]),
        "signature recovers no public key",
      );
      results[txIndex] = { ok: false, error };
      return;
    }
    primeTransaction(txs[txIndex], publicKey);
    results[txIndex] = { ok: true, sender: { address: addressOfPublicKey(publicKey), publicKey } };
  });
  return results;
}

/** Split the tasks evenly over the pool's threads, one transferred buffer per thread. */
async function recoverOnPool(tasks: Uint8Array[], pool: WorkerPool): Promise<(Uint8Array | undefined)[]> {
  const chunkSize = Math.ceil(tasks.length / pool.size);
  const chunks: Promise<Uint8Array>[] = [];
  for (let start = 0; start < tasks.length; start += chunkSize) {
    const chunk = tasks.slice(start, start + chunkSize);
    const packed = new Uint8Array(chunk.length * SIGNATURE_TASK_BYTES);
    chunk.forEach((task, index) => {
      packed.set(task, index * SIGNATURE_TASK_BYTES);
    });
    chunks.push(pool.run("recover", packed));
  }
  const outputs = await Promise.all(chunks);
  const publicKeys: (Uint8Array | undefined)[] = [];
  for (const output of outputs) {
    for (let at = 0; at < output.length; at += RESULT_BYTES) {
      publicKeys.push(output[at] === 1 ? output.subarray(at + 1, at + RESULT_BYTES) : undefined);
    }
  }
  return publicKeys;
}

export interface SenderRecoveryOptions {
  cache: SenderCache;
  /** Threads for large batches; without one everything runs on the calling thread. */
  pool?: WorkerPool;
  /** Batches with fewer uncached transactions than this stay on this thread (thread hops cost ~0.1 ms). */
  parallelThreshold?: number;
}

/** Sender recovery with a cache: what the mempool and the block executor share. */
export class SenderRecovery {
  private readonly parallelThreshold: number;

  constructor(private readonly options: SenderRecoveryOptions) {
    this.parallelThreshold = options.parallelThreshold ?? 64;
  }

  /** One transaction, on this thread (RPC entry). Throws SenderRecoveryError. */
  recover(tx: TypedTransaction): RecoveredSender {
    assertSigned(tx);
    const txHash = bytesToHex(tx.hash());
    const cached = this.options.cache.get(txHash);
    if (cached) {
      primeTransaction(tx, cached.publicKey);
      return cached;
    }
    const task = signatureTask(tx);
    const publicKey = recoverPublicKey(task);
    if (!publicKey)
      throw new SenderRecoveryError("INVALID_SIGNATURE", txHash, "signature recovers no public key");
    primeTransaction(tx, publicKey);
    const sender = { address: addressOfPublicKey(publicKey), publicKey };
    this.options.cache.set(txHash, sender);
    return sender;
  }

  /** Many transactions (a block to verify): cached ones are free, the rest go to the pool when it pays. */
  async recoverMany(txs: readonly TypedTransaction[]): Promise<SenderResult[]> {
    const { cache } = this.options;
    const results = new Array<SenderResult>(txs.length);
    const missing: number[] = [];
    txs.forEach((tx, index) => {
      const cached = tx.isSigned() ? cache.get(bytesToHex(tx.hash())) : undefined;
      if (cached) {
        primeTransaction(tx, cached.publicKey);
        results[index] = { ok: true, sender: cached };
      } else {
        missing.push(index);
      }
    });
    if (missing.length === 0) return results;
    const pool = missing.length >= this.parallelThreshold ? this.options.pool : undefined;
    const recovered = await recoverSenders(
      missing.map((index) => txs[index]),
      pool,
    );
    recovered.forEach((result, position) => {
      const index = missing[position];
      results[index] = result;
      if (result.ok) cache.set(bytesToHex(txs[index].hash()), result.sender);
    });
    return results;
  }
}
