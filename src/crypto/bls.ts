/**
 * BLS12-381 signatures (minimal-pubkey-size: public keys in G1, signatures in G2) over @chainsafe/blst,
 * with Ethereum's proof-of-possession ciphersuite. blst hard-codes the domain separation tag below;
 * callers separate their own message kinds with `signingMessage(tag, chainId, payload)`.
 */
import { randomBytes } from "node:crypto";
import {
  aggregateSerializedSignatures,
  fastAggregateVerify,
  PublicKey,
  SecretKey,
  Signature,
  verify,
} from "@chainsafe/blst";

export { PublicKey as BlsPublicKey, SecretKey as BlsSecretKey } from "@chainsafe/blst";

export const BLS_DST = "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";
export const BLS_SECRET_KEY_BYTES = 32;
export const BLS_PUBLIC_KEY_BYTES = 48;
export const BLS_SIGNATURE_BYTES = 96;

export type BlsErrorCode =
  | "BLS_INVALID_PUBLIC_KEY"
  | "BLS_INVALID_SIGNATURE"
  | "BLS_INVALID_SECRET_KEY"
  | "BLS_EMPTY";

export class BlsError extends Error {
  constructor(
    readonly code: BlsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "BlsError";
  }
}

/** A fresh secret key from the OS's randomness. */
export function generateBlsSecretKey(): SecretKey {
  return SecretKey.fromKeygen(randomBytes(32));
}

/** A deterministic secret key (EIP-2333 KeyGen) from at least 32 bytes of seed. */
export function blsSecretKeyFromSeed(seed: Uint8Array): SecretKey {
  if (seed.length < 32)
    throw new BlsError("BLS_INVALID_SECRET_KEY", "a BLS key seed needs at least 32 bytes");
  return SecretKey.fromKeygen(seed);
}

export function blsSecretKeyFromBytes(bytes: Uint8Array): SecretKey {
  try {
    return SecretKey.fromBytes(bytes);
  } catch {
    throw new BlsError(
      "BLS_INVALID_SECRET_KEY",
      "not a BLS12-381 secret key (32 bytes, non-zero, below the order)",
    );
  }
}

/** Parse and validate (on the curve, in the subgroup, not infinity) a 48- or 96-byte public key. */
export function blsPublicKeyFromBytes(bytes: Uint8Array): PublicKey {
  try {
    return PublicKey.fromBytes(bytes, true);
  } catch {
    throw new BlsError("BLS_INVALID_PUBLIC_KEY", "not a valid BLS12-381 public key");
  }
}

/** Sign `message`; returns the 96-byte compressed signature. */
export function blsSign(secretKey: SecretKey, message: Uint8Array): Uint8Array {
  return secretKey.sign(message).toBytes(true);
}

/** Parse and group-check a signature, or undefined if the bytes are not one. */
export function parseSignature(bytes: Uint8Array): Signature | undefined {
  try {
    return Signature.fromBytes(bytes, true);
  } catch {
    return undefined;
  }
}

/** One signature over one message. False for malformed bytes as for a wrong signer or message. */
export function blsVerify(publicKey: PublicKey, message: Uint8Array, signature: Uint8Array): boolean {
  const parsed = parseSignature(signature);
  if (!parsed) return false;
  try {
    return verify(message, publicKey, parsed);
  } catch {
    return false;
  }
}

/**
 * Aggregate signatures (e.g. votes into a certificate). Throws BlsError if one is malformed.
 * `verified`: every signature has already passed a verification that group-checked it (or was made
 * here), so the subgroup check, most of the cost of aggregating, is skipped.
 */
export function aggregateSignatures(
  signatures: readonly Uint8Array[],
  options: { verified?: boolean } = {},
): Uint8Array {
  if (signatures.length === 0) throw new BlsError("BLS_EMPTY", "nothing to aggregate");
  try {
    return aggregateSerializedSignatures([...signatures], options.verified !== true).toBytes(true);
  } catch {
    throw new BlsError("BLS_INVALID_SIGNATURE", "a signature to aggregate is malformed");
  }
}

export { aggregatePublicKeys } from "@chainsafe/blst";

/**
 * A certificate: `aggregateSignature` is the aggregate of every signer's signature over `message`.
 * Public keys must come from the validator set (validated once, when the set is loaded).
 */
export function verifyAggregate(
  message: Uint8Array,
  publicKeys: readonly PublicKey[],
  aggregateSignature: Uint8Array,
): boolean {
  if (publicKeys.length === 0) return false;
  const parsed = parseSignature(aggregateSignature);
  if (!parsed) return false;
  try {
    return fastAggregateVerify(message, [...publicKeys], parsed);
  } catch {
    return false;
  }
}

const textEncoder = new TextEncoder();

/**
 * The bytes a validator signs: tag length ‖ tag ‖ chain id (u64 big-endian) ‖ payload. A vote signed
 * for one chain or message kind then never verifies as another.
 */
export function signingMessage(tag: string, chainId: bigint, payload: Uint8Array): Uint8Array {
  const tagBytes = textEncoder.encode(tag);
  if (tagBytes.length > 255) throw new RangeError("signing tag longer than 255 bytes");
  const message = new Uint8Array(1 + tagBytes.length + 8 + payload.length);
  message[0] = tagBytes.length;
  message.set(tagBytes, 1);
  new DataView(message.buffer).setBigUint64(1 + tagBytes.length, chainId);
  message.set(payload, 1 + tagBytes.length + 8);
  return message;
}
