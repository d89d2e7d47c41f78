/**
 * The batching stage in front of a BlsVerifier: signatures over the same message that arrive close
 * together (the votes of several validators on one block, the nullifies of one view) are verified as
 * one blinded aggregate. When the aggregate fails, the verifier bisects the batch, so every caller
 * still learns whether its own signature is valid and only the bad signer is blamed.
 */
import type { PublicKey } from "@chainsafe/blst";
import type { BlsVerifier, SignerSignature } from "./blsVerifier.js";

export interface BlsBatcherOptions {
  verifier: BlsVerifier;
  /**
   * How long a batch stays open after its first signature. 0 (the default) closes it once the I/O
   * already waiting in this turn of the event loop has been read (setImmediate): signatures that came
   * in together are batched and none waits for one still on the way.
   */
  windowMs?: number;
  /** A batch that reaches this size is verified at once. */
  maxBatch?: number;
  /** Called after each batch with its size, the milliseconds it took and how many were invalid. */
  onBatch?: (batch: BatchReport) => void;
}

export interface BatchReport {
  size: number;
  invalid: number;
  ms: number;
}

export interface BlsBatcherStats {
  batches: number;
  signatures: number;
  invalid: number;
}

interface Pending {
  signature: SignerSignature;
  resolve(valid: boolean): void;
  reject(error: unknown): void;
}

interface OpenBatch {
  message: Uint8Array;
  entries: Pending[];
  cancelTimer(): void;
}

export class BlsBatcher {
  readonly stats: BlsBatcherStats = { batches: 0, signatures: 0, invalid: 0 };
  private readonly open = new Map<string, OpenBatch>();
  private readonly windowMs: number;
  private readonly maxBatch: number;

  constructor(private readonly options: BlsBatcherOptions) {
    this.windowMs = options.windowMs ?? 0;
    this.maxBatch = options.maxBatch ?? 128;
  }

  /** Whether `signature` is `publicKey`'s signature over `message`, checked together with its batch. */
  verify(message: Uint8Array, publicKey: PublicKey, signature: Uint8Array): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const key = Buffer.from(message.buffer, message.byteOffset, message.byteLength).toString("base64");
      let batch = this.open.get(key);
      if (batch === undefined) {
        batch = { message, entries: [], cancelTimer: this.startTimer(key) };
        this.open.set(key, batch);
      }
      batch.entries.push({ signature: { publicKey, signature }, resolve, reject });
      if (batch.entries.length >= this.maxBatch) this.flush(key);
    });
  }

  private startTimer(key: string): () => void {
    if (this.windowMs > 0) {
      const timer = setTimeout(() => this.flush(key), this.windowMs);
      return () => clearTimeout(timer);
    }
    const immediate = setImmediate(() => this.flush(key));
    return () => clearImmediate(immediate);
  }

  private flush(key: string): void {
    const batch = this.open.get(key);
    if (batch === undefined) return;
    this.open.delete(key);
    batch.cancelTimer();
    const { entries } = batch;
    const started = performance.now();
    this.options.verifier
      .verifySameMessage(
        batch.message,
        entries.map((entry) => entry.signature),
      )
      .then(
        (valid) => {
          const invalid = valid.filter((ok) => !ok).length;
          this.stats.batches++;
          this.stats.signatures += entries.length;
          this.stats.invalid += invalid;
          this.options.onBatch?.({ size: entries.length, invalid, ms: performance.now() - started });
          for (const [index, entry] of entries.entries()) entry.resolve(valid[index] === true);
        },
        (error: unknown) => {
          for (const entry of entries) entry.reject(error);
        },
      );
  }
}
