/**
 * Batch verification of BLS signatures with bad-signature location, on the calling thread. Used by the
 * single-thread verifier and inside BLS worker threads. A failed batch is bisected: k bad signatures
 * among n cost about 2k·log2(n) checks instead of n.
 */
import {
  aggregateWithRandomness,
  type PublicKey,
  type Signature,
  verify,
  verifyMultipleAggregateSignatures,
} from "@chainsafe/blst";
import { parseSignature } from "./bls.js";

/** A signature over its own message (proposals, or votes on different blocks). */
export interface SignatureSet {
  publicKey: PublicKey;
  message: Uint8Array;
  signature: Uint8Array;
}

/** One signer's signature in a group that all signed the same message (votes for one block). */
export interface SignerSignature {
  publicKey: PublicKey;
  signature: Uint8Array;
}

/** Validity of each set, in order. One multi-pairing for the whole batch when all are valid. */
export function verifySignatureSets(sets: readonly SignatureSet[]): boolean[] {
  const parsed = sets.map((set) => parseSignature(set.signature));
  const candidates = indicesWhere(parsed, (signature) => signature !== undefined);
  const valid = locateValid(candidates.length, (from, to) => {
    const slice = candidates.slice(from, to);
    if (slice.length === 1)
      return verifyOne(sets[slice[0]].message, sets[slice[0]].publicKey, parsed[slice[0]]!);
    try {
      const batch = slice.map((index) => ({
        msg: sets[index].message,
        pk: sets[index].publicKey,
        sig: parsed[index]!,
      }));
      // Random-linear-combination batch (blst): needs every signature to be individually group-checked,
      // which parseSignature did, so skip repeating it.
      return verifyMultipleAggregateSignatures(batch, false, false);
    } catch {
      return false;
    }
  });
  return scatter(sets.length, candidates, valid);
}

/**
 * Validity of each signature over `message`. The batch is aggregated with random blinding factors
 * (as Lodestar does), so two invalid signatures cannot cancel out into a valid aggregate. blst parses
 * and group-checks the signatures while aggregating; a malformed one fails its range like a wrong one.
 */
export function verifySameMessage(message: Uint8Array, signatures: readonly SignerSignature[]): boolean[] {
  return locateValid(signatures.length, (from, to) => {
    if (to - from === 1) {
      const parsed = parseSignature(signatures[from].signature);
      return parsed !== undefined && verifyOne(message, signatures[from].publicKey, parsed);
    }
    try {
      const blinded = aggregateWithRandomness(
        signatures.slice(from, to).map((entry) => ({ pk: entry.publicKey, sig: entry.signature })),
      );
      return verify(message, blinded.pk, blinded.sig);
    } catch {
      return false;
    }
  });
}

function verifyOne(message: Uint8Array, publicKey: PublicKey, signature: Signature): boolean {
  try {
    return verify(message, publicKey, signature);
  } catch {
    return false;
  }
}

/** Bisect a failing range until each bad element is isolated. */
export function locateValid(count: number, rangeIsValid: (from: number, to: number) => boolean): boolean[] {
  const valid = new Array<boolean>(count).fill(true);
  const visit = (from: number, to: number): void => {
    if (from >= to || rangeIsValid(from, to)) return;
    if (to - from === 1) {
      valid[from] = false;
      return;
    }
    const middle = (from + to) >>> 1;
    visit(from, middle);
    visit(middle, to);
  };
  visit(0, count);
  return valid;
}

function indicesWhere<T>(items: readonly T[], keep: (item: T) => boolean): number[] {
  const indices: number[] = [];
  items.forEach((item, index) => {
    if (keep(item)) indices.push(index);
  });
  return indices;
}

function scatter(count: number, candidates: readonly number[], valid: readonly boolean[]): boolean[] {
  const result = new Array<boolean>(count).fill(false);
  candidates.forEach((index, position) => {
    result[index] = valid[position];
  });
  return result;
}
