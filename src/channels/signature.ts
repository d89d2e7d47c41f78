import { bytesToBigInt, bytesToHex, type Hex, hexToBytes, numberToBytes } from "viem";

/** secp256k1 group order n, and n/2: OpenZeppelin's ECDSA rejects s above it. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_N = SECP256K1_N >> 1n;
const HALF_N_BYTES = numberToBytes(HALF_N, { size: 32 });

/** 65-byte r||s||v with v in {27, 28} and 0 < s <= n/2 — the only form the adjudicator accepts. */
export function isLowS(signature: Hex | Uint8Array): boolean {
  const bytes = typeof signature === "string" ? hexToBytes(signature) : signature;
  if (bytes.length !== 65) return false;
  // Byte-wise comparison with n/2 (big-endian): this runs for every signature we check.
  let order = 0;
  let nonZero = false;
  for (let i = 0; i < 32; i++) {
    const b = bytes[32 + i];
    if (b !== 0) nonZero = true;
    if (order === 0 && b !== HALF_N_BYTES[i]) order = b < HALF_N_BYTES[i] ? -1 : 1;
  }
  return nonZero && order <= 0;
}

/** The high-s twin of a signature (same signer, refused on-chain); tests use it to check we refuse it too. */
export function toHighS(signature: Hex): Hex {
  const bytes = hexToBytes(signature);
  const s = bytesToBigInt(bytes.subarray(32, 64));
  bytes.set(numberToBytes(SECP256K1_N - s, { size: 32 }), 32);
  bytes[64] = bytes[64] === 27 ? 28 : 27;
  return bytesToHex(bytes);
}
