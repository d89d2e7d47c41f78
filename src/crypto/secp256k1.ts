/**
 * Public-key recovery of one packed signature task. Kept free of heavy imports: worker threads load it.
 */
import { nativeSecp256k1 } from "./native.js";

/** What recovery needs of a transaction, laid out as hash(32) ‖ r(32) ‖ s(32) ‖ recid(1). */
export const SIGNATURE_TASK_BYTES = 97;
export const PUBLIC_KEY_BYTES = 64;

/** Recover the 64-byte public key of one task; undefined when the signature recovers no point. */
export function recoverPublicKey(task: Uint8Array): Uint8Array | undefined {
  try {
    const signature = task.subarray(32, 96);
    const recovered = nativeSecp256k1().ecdsaRecover(signature, task[96], task.subarray(0, 32), false);
    return recovered.subarray(1);
  } catch {
    return undefined;
  }
}
