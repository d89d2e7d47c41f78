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
  /**
   * How long a batch held back for a quorum (`verify`'s `quorumAt` above 1) may wait for the rest of
   * it: with a validator down or slow, the quorum may never fill, and its votes must still be checked.
   */
  quorumDeadlineMs?: number;
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

/** Long enough for the votes of one view to arrive together (a loopback hop is a few ms), short next to a view. */
const QUORUM_DEADLINE_MS = 25;

export class BlsBatcher {
  readonly stats: BlsBatcherStats = { batches: 0, signatures: 0, invalid: 0 };
  private readonly open = new Map<string, OpenBatch>();
  private readonly windowMs: number;
  private readonly maxBatch: number;
  private readonly quorumDeadlineMs: number;

  constructor(private readonly options: BlsBatcherOptions) {
    this.windowMs = options.windowMs ?? 0;
    this.maxBatch = options.maxBatch ?? 128;
    this.quorumDeadlineMs = options.quorumDeadlineMs ?? QUORUM_DEADLINE_MS;
  }

  /**
   * Whether `signature` is `publicKey`'s signature over `message`, checked together with its batch.
   * `quorumAt` is how many valid signatures over `message`, counting this one, would complete a
   * quorum the caller waits for. Above 1, the batch is held until that many are pending and then
   * checked at once, in the same turn as the signature that completes it (so the quorum is not
   * delayed), or at the quorum deadline: the votes of one view cost one aggregate check per
   * certificate instead of one pairing each as they trickle in.
   */
  verify(message: Uint8Array, publicKey: PublicKey, signature: Uint8Array, quorumAt = 1): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const key = Buffer.from(message.buffer, message.byteOffset, message.byteLength).toString("base64");
      let batch = this.open.get(key);
      if (batch === undefined) {
        batch = { message, entries: [], cancelTimer: this.startTimer(key, quorumAt > 1) };
        this.open.set(key, batch);
      }
      batch.entries.push({ signature: { publicKey, signature }, resolve, reject });
      const quorumFilled = quorumAt > 1 && batch.entries.length >= quorumAt;
      if (quorumFilled || batch.entries.length >= this.maxBatch) this.flush(key);
    });
  }

  private startTimer(key: string, forQuorum: boolean): () => void {
    const windowMs = forQuorum ? Math.max(this.windowMs, this.quorumDeadlineMs) : this.windowMs;
    if (windowMs > 0) {
      const timer = setTimeout(() => this.flush(key), windowMs);
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
