/**
 * Native keccak-256 and secp256k1 recovery, handed to EthereumJS through `common.customCrypto`.
 *
 * We load the packages' `bindings` entry points on purpose: their `index` silently falls back to pure
 * JavaScript when the prebuilt binary is missing, which would cost ~12x in sender recovery. Loading the
 * bindings makes a missing binary fail at start-up instead.
 */
import { createRequire } from "node:module";
import { dirname } from "node:path";
import type { CustomCrypto } from "@ethereumjs/common";

/** The addon's sponge; the package's `keccak256` wrapper is a Node stream, too costly per hash. */
interface KeccakState {
  initialize(rate: number, capacity: number): void;
  absorb(data: Buffer): void;
  squeeze(length: number): Buffer;
}
interface Secp256k1Native {
  ecdsaRecover(signature: Uint8Array, recid: number, message: Uint8Array, compressed?: boolean): Uint8Array;
}

const require = createRequire(import.meta.url);
// Fail loudly if the prebuilt binaries are missing (the packages' own entry points would fall back).
require("keccak/bindings");
const keccakRequire = createRequire(require.resolve("keccak/bindings"));
const KeccakNative = keccakRequire("node-gyp-build")(
  dirname(require.resolve("keccak/bindings")),
) as new () => KeccakState;
const secp256k1 = require("secp256k1/bindings") as Secp256k1Native;

/** One sponge, re-initialized per hash: JavaScript is single-threaded and the calls are synchronous. */
const sponge = new KeccakNative();

export function keccak256(data: Uint8Array): Uint8Array {
  sponge.initialize(1088, 512);
  sponge.absorb(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  const digest = sponge.squeeze(32);
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength);
}

/** EthereumJS's `ecrecover` contract: returns the 64-byte uncompressed public key without its 0x04 prefix. */
export function ecrecover(
  msgHash: Uint8Array,
  v: bigint,
  r: Uint8Array,
  s: Uint8Array,
  chainId?: bigint,
): Uint8Array {
  const recovery = recoveryId(v, chainId);
  if (recovery !== 0 && recovery !== 1) throw new Error("Invalid signature v value");
  const signature = new Uint8Array(64);
  signature.set(r, 32 - r.length);
  signature.set(s, 64 - s.length);
  return secp256k1.ecdsaRecover(signature, recovery, msgHash, false).subarray(1);
}

function recoveryId(v: bigint, chainId: bigint | undefined): number {
  if (v === 0n || v === 1n) return Number(v);
  if (chainId === undefined) return Number(v - 27n);
  return Number(v - (chainId * 2n + 35n));
}

export const nativeCrypto: CustomCrypto = { keccak256, ecrecover };
