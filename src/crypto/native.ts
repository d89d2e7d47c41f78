/**
 * The native secp256k1 and keccak bindings. Loaded through their `bindings` entry points so that a
 * missing prebuilt binary fails loudly instead of silently falling back to ~15x slower pure JS.
 */

import { createRequire } from "node:module";
import { dirname } from "node:path";
import { NativeCryptoUnavailableError } from "./errors.js";

const require = createRequire(import.meta.url);

/** The part of the `secp256k1` package's API that we use. */
export interface NativeSecp256k1 {
  ecdsaRecover(signature: Uint8Array, recid: number, message: Uint8Array, compressed?: boolean): Uint8Array;
  ecdsaSign(message: Uint8Array, privateKey: Uint8Array): { signature: Uint8Array; recid: number };
  publicKeyCreate(privateKey: Uint8Array, compressed?: boolean): Uint8Array;
}

interface KeccakState {
  initialize(rate: number, capacity: number): void;
  absorb(data: Buffer): void;
  absorbLastFewBits(bits: number): void;
  squeeze(length: number): Buffer;
}

let secp256k1: NativeSecp256k1 | undefined;
let keccakState: KeccakState | undefined;

export function nativeSecp256k1(): NativeSecp256k1 {
  if (!secp256k1) {
    try {
      secp256k1 = require("secp256k1/bindings") as NativeSecp256k1;
    } catch (error) {
      throw new NativeCryptoUnavailableError("secp256k1", error);
    }
  }
  return secp256k1;
}

function loadKeccakState(): KeccakState {
  try {
    // `keccak/bindings` throws when the addon is missing; its stream wrapper costs ~10 µs per hash,
    // so we drive the addon's sponge state directly (same binary, loaded the same way).
    require("keccak/bindings");
    const keccakDir = dirname(require.resolve("keccak/package.json"));
    const nodeGypBuild = createRequire(`${keccakDir}/package.json`)("node-gyp-build") as (
      dir: string,
    ) => unknown;
    const State = nodeGypBuild(keccakDir) as new () => KeccakState;
    return new State();
  } catch (error) {
    throw new NativeCryptoUnavailableError("keccak", error);
  }
}

/** Keccak-256 (Ethereum's hash) over native code. Synchronous, so one shared sponge is safe. */
export function nativeKeccak256(data: Uint8Array): Uint8Array {
  keccakState ??= loadKeccakState();
  keccakState.initialize(1088, 512);
  keccakState.absorb(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  keccakState.absorbLastFewBits(0x01);
  const digest = keccakState.squeeze(32);
  return new Uint8Array(digest.buffer, digest.byteOffset, 32);
}
