import type { ValidatorIndex } from "./application.js";

/** A signer bitmap: bit i (little-endian within each byte) set ⇔ validator i signed. */
export type SignerBitmap = Uint8Array;

export function bitmapLength(n: number): number {
  return Math.ceil(n / 8);
}

export function bitmapFromSigners(n: number, signers: Iterable<ValidatorIndex>): SignerBitmap {
  const bitmap = new Uint8Array(bitmapLength(n));
  for (const i of signers) {
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new RangeError(`signer ${i} outside 0..${n - 1}`);
    bitmap[i >> 3] |= 1 << (i & 7);
  }
  return bitmap;
}

/**
 * The signers of a bitmap, ascending. Returns undefined if the bitmap has the wrong length for n or
 * sets a bit at or beyond n (a malformed certificate, never silently truncated).
 */
export function signersOf(bitmap: SignerBitmap, n: number): ValidatorIndex[] | undefined {
  if (bitmap.length !== bitmapLength(n)) return undefined;
  const out: ValidatorIndex[] = [];
  for (let byte = 0; byte < bitmap.length; byte++) {
    const bits = bitmap[byte];
    if (bits === 0) continue;
    for (let bit = 0; bit < 8; bit++) {
      if ((bits >> bit) & 1) {
        const i = byte * 8 + bit;
        if (i >= n) return undefined;
        out.push(i);
      }
    }
  }
  return out;
}
