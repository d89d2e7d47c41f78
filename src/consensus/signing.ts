/**
 * Signing behind an interface, shaped for BLS12-381 (DESIGN §2): a certificate is one aggregate
 * signature over the identical bytes its signers signed, plus a bitmap of the signers.
 *
 * A BLS implementation (min-pk, DST `BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_`) fits as:
 * `sign` = blst SecretKey.sign(message), `verify` = verify against the validator's public key,
 * `aggregate` = aggregateSignatures, `verifyAggregate` = aggregate the signers' public keys and verify
 * once (fast aggregate verify; proofs of possession make that safe). The simulator uses
 * `SimulatedScheme`, which is fast, deterministic and NOT secure.
 */
import type { ValidatorIndex } from "./application.js";

/** Verification and aggregation for one validator set (the scheme knows every public key). */
export interface SigningScheme {
  readonly name: string;
  /** Check one validator's signature over `message`. */
  verify(signer: ValidatorIndex, message: Uint8Array, signature: Uint8Array): boolean;
  /** Combine signatures over one identical message into one aggregate (each one verified or made here). */
  aggregate(signatures: readonly Uint8Array[]): Uint8Array;
  /** Check an aggregate against exactly this set of distinct signers, all over `message`. */
  verifyAggregate(signers: readonly ValidatorIndex[], message: Uint8Array, aggregate: Uint8Array): boolean;
}

/** The local validator's secret key. */
export interface ValidatorSigner {
  readonly index: ValidatorIndex;
  sign(message: Uint8Array): Uint8Array;
}

/** A 64-bit keyed mixing hash (two 32-bit lanes). Fast and deterministic; not a cryptographic MAC. */
function keyedHash64(key: number, message: Uint8Array): Uint8Array {
  let h1 = 0xdeadbeef ^ key;
  let h2 = 0x41c6ce57 ^ Math.imul(key, 0x9e3779b1);
  for (let i = 0; i < message.length; i++) {
    const c = message[i];
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  view.setUint32(0, h1 >>> 0);
  view.setUint32(4, h2 >>> 0);
  return out;
}

function xorInto(target: Uint8Array, source: Uint8Array): void {
  for (let i = 0; i < target.length; i++) target[i] ^= source[i];
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * INSECURE simulation scheme: validator i's "signature" is a 64-bit keyed hash of the message under
 * a key derived from (seed, i); an aggregate is the XOR of its parts. Verifying an aggregate
 * recomputes every claimed signer's part, so a wrong signer set (one missing, one added, one swapped)
 * is rejected except with probability ~2^-64. Anyone who knows the seed can forge: tests only.
 */
export class SimulatedScheme implements SigningScheme {
  readonly name = "simulated-insecure";
  private readonly keys: number[];

  constructor(
    readonly n: number,
    seed = 0,
  ) {
    this.keys = Array.from(
      { length: n },
      (_, i) => (Math.imul(seed ^ 0x5bd1e995, 31) + Math.imul(i + 1, 0x27d4eb2d)) | 0,
    );
  }

  signer(index: ValidatorIndex): ValidatorSigner {
    const key = this.keys[index];
    if (key === undefined) throw new RangeError(`no validator ${index}`);
    return { index, sign: (message) => keyedHash64(key, message) };
  }

  verify(signer: ValidatorIndex, message: Uint8Array, signature: Uint8Array): boolean {
    const key = this.keys[signer];
    return key !== undefined && equalBytes(keyedHash64(key, message), signature);
  }

  aggregate(signatures: readonly Uint8Array[]): Uint8Array {
    const out = new Uint8Array(8);
    for (const s of signatures) xorInto(out, s);
    return out;
  }

  verifyAggregate(signers: readonly ValidatorIndex[], message: Uint8Array, aggregate: Uint8Array): boolean {
    const seen = new Set<number>();
    const expected = new Uint8Array(8);
    for (const i of signers) {
      const key = this.keys[i];
      if (key === undefined || seen.has(i)) return false;
      seen.add(i);
      xorInto(expected, keyedHash64(key, message));
    }
    return seen.size > 0 && equalBytes(expected, aggregate);
  }
}
