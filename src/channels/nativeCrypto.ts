/**
 * The fast path: EIP-712 digests with native keccak and a precomputed domain separator, and ECDSA with
 * libsecp256k1 (`secp256k1/bindings`, so a missing binary fails loudly rather than falling back to JS).
 * viem's hashTypedData costs ~220 µs per state here; this costs a few µs.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { type Address, type Hex, hashDomain, hexToBytes, keccak256, toBytes } from "viem";
import { privateKeyToAddress } from "viem/accounts";
import type { StateCrypto, StateSigner } from "./crypto.js";
import { ChannelError } from "./errors.js";
import { isLowS } from "./signature.js";
import { DOMAIN_NAME, DOMAIN_VERSION } from "./typedData.js";
import type { ChannelDomain, ChannelState } from "./types.js";

interface Secp256k1Native {
  ecdsaSign(message: Uint8Array, privateKey: Uint8Array): { signature: Uint8Array; recid: number };
  ecdsaRecover(
    signature: Uint8Array,
    recid: number,
    message: Uint8Array,
    compressed: boolean,
    output?: Uint8Array,
  ): Uint8Array;
  publicKeyConvert(publicKey: Uint8Array, compressed: boolean): Uint8Array;
}
/** The `keccak` package's native sponge, used directly: its stream wrapper costs 5x the hash itself. */
interface KeccakState {
  initialize(rate: number, capacity: number): void;
  absorb(data: Buffer): void;
  squeeze(length: number): Buffer;
}

const require = createRequire(import.meta.url);
const secp256k1 = require("secp256k1/bindings") as Secp256k1Native;
// Load the binary the way `keccak/bindings` does (node-gyp-build from keccak's own dependencies), so a
// missing binary fails loudly instead of falling back to JavaScript.
const keccakDir = dirname(require.resolve("keccak/package.json"));
const loadBinding = createRequire(join(keccakDir, "package.json"))("node-gyp-build") as (
  dir: string,
) => unknown;
const KeccakStateClass = loadBinding(keccakDir) as new () => KeccakState;
const sponge = new KeccakStateClass();

/** keccak256 (rate 1088, capacity 512). Synchronous, so one sponge is safely reused. */
export function nativeKeccak256(data: Uint8Array): Uint8Array {
  sponge.initialize(1088, 512);
  // The binding accepts only Buffers: wrap the same memory, no copy.
  sponge.absorb(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  return sponge.squeeze(32);
}

const STATE_TYPEHASH = toBytes(
  keccak256(
    toBytes("State(bytes32 channelId,uint256 version,uint256[] balances,uint256[] deposits,bool isFinal)"),
  ),
);

function writeUint256(out: Uint8Array, offset: number, value: bigint): void {
  if (value < 0n || value >> 256n !== 0n)
    throw new ChannelError("INVALID_STATE", "value out of uint256 range", { value });
  const view = new DataView(out.buffer, out.byteOffset + offset, 32);
  view.setBigUint64(0, value >> 192n);
  view.setBigUint64(8, (value >> 128n) & 0xffffffffffffffffn);
  view.setBigUint64(16, (value >> 64n) & 0xffffffffffffffffn);
  view.setBigUint64(24, value & 0xffffffffffffffffn);
}

function hashUintArrayUncached(values: readonly bigint[]): Uint8Array {
  const packed = new Uint8Array(32 * values.length);
  for (let i = 0; i < values.length; i++) writeUint256(packed, 32 * i, values[i]);
  return nativeKeccak256(packed);
}

/**
 * hash(uint256[]) remembering its last input: deposits rarely change, so most digests reuse the hash.
 * Compared by value, so it also hits for arrays decoded afresh from the wire.
 */
function lastValueHasher(): (values: readonly bigint[]) => Uint8Array {
  let last: readonly bigint[] = [];
  let lastHash = hashUintArrayUncached(last);
  return (values) => {
    if (values !== last && (values.length !== last.length || values.some((v, i) => v !== last[i]))) {
      lastHash = hashUintArrayUncached(values);
      last = values.slice();
    }
    return lastHash;
  };
}

/** Hex → bytes through Buffer's native decoder: this sits on the per-update hot path. */
function fastHexToBytes(hex: Hex): Buffer {
  return Buffer.from(hex.slice(2), "hex");
}

/** Digests and recovery for one domain, natively. */
export function nativeCrypto(domain: ChannelDomain): StateCrypto {
  const hashDeposits = lastValueHasher();
  /** Compressed public keys of the addresses seen signing, so a check compares keys, not addresses. */
  const publicKeys = new Map<string, Buffer>();
  let lastChannelId: Hex | undefined;
  let lastChannelIdBytes: Uint8Array = new Uint8Array(32);
  const separator = hexToBytes(
    hashDomain({
      domain: {
        name: DOMAIN_NAME,
        version: DOMAIN_VERSION,
        chainId: BigInt(domain.chainId),
        verifyingContract: domain.adjudicator,
      },
      types: {
        EIP712Domain: [
          { name: "name", type: "string" },
          { name: "version", type: "string" },
          { name: "chainId", type: "uint256" },
          { name: "verifyingContract", type: "address" },
        ],
      },
    }),
  );
  const struct = new Uint8Array(32 * 6);
  struct.set(STATE_TYPEHASH, 0);
  const envelope = new Uint8Array(66);
  envelope[0] = 0x19;
  envelope[1] = 0x01;
  envelope.set(separator, 2);
  return {
    digest(state) {
      // Reused between calls: digest() is synchronous, and the sponge copies what it absorbs.
      if (state.channelId !== lastChannelId) {
        const id = hexToBytes(state.channelId);
        if (id.length !== 32) throw new ChannelError("INVALID_STATE", "channelId must be 32 bytes");
        lastChannelId = state.channelId;
        lastChannelIdBytes = id;
      }
      struct.set(lastChannelIdBytes, 32);
      writeUint256(struct, 64, state.version);
      struct.set(hashUintArrayUncached(state.balances), 96);
      struct.set(hashDeposits(state.deposits), 128);
      struct[191] = state.isFinal ? 1 : 0;
      envelope.set(nativeKeccak256(struct), 34);
      return nativeKeccak256(envelope);
    },
    recover(digest, signature) {
      return addressOf(recoverKey(digest, signature, false));
    },
    verify(digest, signature, expected) {
      const key = expected.toLowerCase();
      const known = publicKeys.get(key);
      if (known !== undefined) return Buffer.compare(recoverKey(digest, signature, true), known) === 0;
      // First signature from this address: learn its key the slow way (key → address), once.
      const full = recoverKey(digest, signature, false);
      if (addressOf(full) !== key) return false;
      publicKeys.set(key, Buffer.from(secp256k1.publicKeyConvert(full, true)));
      return true;
    },
  };
}

/**
 * The public key that signed `digest` (33 bytes compressed or 65 uncompressed), checking what the
 * adjudicator checks: 65 bytes, low s, v of 27 or 28. Throws ChannelError otherwise.
 */
function recoverKey(digest: Uint8Array, signature: Hex, compressed: boolean): Buffer {
  if (signature.length !== 132) throw new ChannelError("BAD_SIGNATURE", "signature must be 65 bytes");
  const bytes = fastHexToBytes(signature);
  if (!isLowS(bytes))
    throw new ChannelError("HIGH_S_SIGNATURE", "signature has a high s value or bad length");
  const v = bytes[64];
  if (v !== 27 && v !== 28) throw new ChannelError("BAD_SIGNATURE", "v must be 27 or 28", { v });
  const output = Buffer.allocUnsafe(compressed ? 33 : 65);
  try {
    secp256k1.ecdsaRecover(bytes.subarray(0, 64), v - 27, digest, compressed, output);
  } catch (cause) {
    throw new ChannelError("BAD_SIGNATURE", "signature does not recover", { cause: String(cause) });
  }
  return output;
}

/** Lowercase, not checksummed: callers compare case-insensitively and checksumming costs a keccak. */
function addressOf(uncompressed: Uint8Array): Address {
  return `0x${Buffer.from(nativeKeccak256(uncompressed.subarray(1)).subarray(12)).toString("hex")}`;
}

export interface NativeSigner extends StateSigner {
  sign(state: ChannelState, digest: Uint8Array): Hex;
}

/** A signer over a raw private key with libsecp256k1 (RFC 6979, always low-s), synchronous. */
export function nativeSigner(privateKey: Hex): NativeSigner {
  const key = hexToBytes(privateKey);
  return {
    address: privateKeyToAddress(privateKey),
    sign(_state, digest) {
      const { signature, recid } = secp256k1.ecdsaSign(digest, key);
      const out = new Uint8Array(65);
      out.set(signature, 0);
      out[64] = 27 + recid;
      return `0x${Buffer.from(out.buffer).toString("hex")}`;
    },
  };
}
