/**
 * The BLS verifier consensus and p2p depend on (as Lodestar's IBlsVerifier): one interface, a
 * single-thread implementation and a worker-pool implementation for large batches.
 */
import {
  type SignatureSet,
  type SignerSignature,
  verifySameMessage,
  verifySignatureSets,
} from "./blsBatch.js";
import { decodeValidity, encodeSameMessage, encodeSignatureSets } from "./blsWire.js";
import { WorkerPool } from "./workerPool.js";

export type { SignatureSet, SignerSignature } from "./blsBatch.js";

export interface BlsVerifier {
  /** Validity of each set (each over its own message), in input order. */
  verifySets(sets: readonly SignatureSet[]): Promise<boolean[]>;
  /** Validity of each signature over one shared message (the votes for one block), in input order. */
  verifySameMessage(message: Uint8Array, signatures: readonly SignerSignature[]): Promise<boolean[]>;
  close(): Promise<void>;
}

/** Verifies on the calling thread. Best for the small batches of a few validators. */
export class SingleThreadBlsVerifier implements BlsVerifier {
  async verifySets(sets: readonly SignatureSet[]): Promise<boolean[]> {
    return verifySignatureSets(sets);
  }

  async verifySameMessage(message: Uint8Array, signatures: readonly SignerSignature[]): Promise<boolean[]> {
    return verifySameMessage(message, signatures);
  }

  async close(): Promise<void> {}
}

export interface PoolBlsVerifierOptions {
  /** Threads; defaults to the machine's available parallelism. */
  size?: number;
  /**
   * Batches smaller than this are verified on the calling thread: a thread hop costs more than it
   * saves for them (bench/crypto.ts measures the crossover).
   */
  minSetsForWorkers?: number;
  /** Most sets in one job (Lodestar uses 128); larger batches are split over the threads. */
  maxSetsPerJob?: number;
}

/** Spreads large batches over worker threads; the calling thread stays free meanwhile. */
export class PoolBlsVerifier implements BlsVerifier {
  private readonly pool: WorkerPool;
  private readonly local = new SingleThreadBlsVerifier();
  private readonly minSetsForWorkers: number;
  private readonly maxSetsPerJob: number;

  constructor(options: PoolBlsVerifierOptions = {}) {
    this.pool = new WorkerPool({
      module: new URL("./workers/blsWorker.ts", import.meta.url),
      size: options.size,
      name: "bls",
    });
    this.minSetsForWorkers = options.minSetsForWorkers ?? 16;
    this.maxSetsPerJob = options.maxSetsPerJob ?? 128;
  }

  /** Resolves when every thread is loaded; optional, jobs wait for their thread anyway. */
  ready(): Promise<void> {
    return this.pool.ready();
  }

  async verifySets(sets: readonly SignatureSet[]): Promise<boolean[]> {
    if (sets.length < this.minSetsForWorkers) return this.local.verifySets(sets);
    const jobs = this.chunks(sets).map((chunk) => this.pool.run("sets", encodeSignatureSets(chunk)));
    return (await Promise.all(jobs)).flatMap(decodeValidity);
  }

  async verifySameMessage(message: Uint8Array, signatures: readonly SignerSignature[]): Promise<boolean[]> {
    if (signatures.length < this.minSetsForWorkers) return this.local.verifySameMessage(message, signatures);
    const jobs = this.chunks(signatures).map((chunk) =>
      this.pool.run("sameMessage", encodeSameMessage(message, chunk)),
    );
    return (await Promise.all(jobs)).flatMap(decodeValidity);
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  /** Even chunks, at least one per thread and none larger than maxSetsPerJob. */
  private chunks<T>(items: readonly T[]): T[][] {
    const count = Math.max(this.pool.size, Math.ceil(items.length / this.maxSetsPerJob));
    const size = Math.ceil(items.length / count);
    const chunks: T[][] = [];
    for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
    return chunks;
  }
}
