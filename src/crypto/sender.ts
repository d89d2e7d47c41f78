/**
 * Recover a transaction's sender with native secp256k1. The transaction is reduced to its signing hash
 * and (r, s, recovery id) — 97 bytes — so the same recovery can run here or on a worker thread.
 */
import type { TypedTransaction } from "@ethereumjs/tx";
import { type Address, bytesToHex, hexToBytes, numberToHex } from "viem";
import { SenderRecoveryError } from "./errors.js";
import { nativeKeccak256 } from "./native.js";
import { recoverPublicKey, SIGNATURE_TASK_BYTES } from "./secp256k1.js";

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const SECP256K1_HALF_N = SECP256K1_N / 2n;

export { PUBLIC_KEY_BYTES, recoverPublicKey, SIGNATURE_TASK_BYTES } from "./secp256k1.js";

export interface RecoveredSender {
  address: Address;
  /** Uncompressed public key without the 0x04 prefix, as @ethereumjs caches it. */
  publicKey: Uint8Array;
}

/** The 97-byte recovery task of a signed transaction; throws SenderRecoveryError for a bad v or high s. */
/** The hash that names a signed transaction in errors (computed only when an error needs it). */
export function txHashOf(tx: TypedTransaction): `0x${string}` {
  return bytesToHex(tx.hash());
}

export function signatureTask(tx: TypedTransaction): Uint8Array {
  const { v, r, s } = tx;
  if (v === undefined || r === undefined || s === undefined) {
    throw new SenderRecoveryError("UNSIGNED", undefined, "transaction is not signed");
  }
  if (r === 0n || r >= SECP256K1_N || s === 0n || s >= SECP256K1_N) {
    throw new SenderRecoveryError("INVALID_SIGNATURE", txHashOf(tx), "signature r or s out of range");
  }
  if (s > SECP256K1_HALF_N) {
    throw new SenderRecoveryError(
      "HIGH_S",
      txHashOf(tx),
      "signature s is in the upper half of the curve order (EIP-2)",
    );
  }
  const recoveryId = recoveryIdOf(tx, v);
  if (recoveryId === undefined) {
    throw new SenderRecoveryError(
      "INVALID_V",
      txHashOf(tx),
      `signature v ${v} is not valid for this transaction type`,
    );
  }
  const task = new Uint8Array(SIGNATURE_TASK_BYTES);
  task.set(tx.getMessageToVerifySignature(), 0);
  writeWord(task, 32, r);
  writeWord(task, 64, s);
  task[96] = recoveryId;
  return task;
}

function recoveryIdOf(tx: TypedTransaction, v: bigint): number | undefined {
  let id = v;
  if (tx.type === 0) {
    // Legacy: 27/28 before EIP-155, chainId * 2 + 35/36 after.
    id = v === 27n || v === 28n ? v - 27n : v - (tx.common.chainId() * 2n + 35n);
  }
  return id === 0n || id === 1n ? Number(id) : undefined;
}

/** `value` (below 2^256) as 32 big-endian bytes; one hex conversion instead of 32 bigint shifts. */
function writeWord(target: Uint8Array, offset: number, value: bigint): void {
  target.set(hexToBytes(numberToHex(value, { size: 32 })), offset);
}

export function addressOfPublicKey(publicKey: Uint8Array): Address {
  return bytesToHex(nativeKeccak256(publicKey).subarray(12)) as Address;
}

/**
 * The sender of a signed transaction, recovered on this thread. Also primes the transaction's own
 * sender cache, so @ethereumjs (runTx, getSenderAddress) does not recover it again.
 */
export function recoverSender(tx: TypedTransaction): RecoveredSender {
  assertSigned(tx);
  const publicKey = recoverPublicKey(signatureTask(tx));
  if (!publicKey)
    throw new SenderRecoveryError("INVALID_SIGNATURE", txHashOf(tx), "signature recovers no public key");
  primeTransaction(tx, publicKey);
  return { address: addressOfPublicKey(publicKey), publicKey };
}

/** @ethereumjs cannot even hash an unsigned transaction: check before anything else. */
export function assertSigned(tx: TypedTransaction): void {
  if (!tx.isSigned()) throw new SenderRecoveryError("UNSIGNED", undefined, "transaction is not signed");
}

/** @ethereumjs reads `tx.cache.senderPubKey` before recovering; it only trusts it on frozen transactions. */
export function primeTransaction(tx: TypedTransaction, publicKey: Uint8Array): void {
  if (Object.isFrozen(tx)) tx.cache.senderPubKey = publicKey;
}
