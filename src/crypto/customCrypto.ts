/**
 * Native keccak256 and ecrecover for @ethereumjs: pass the result as `customCrypto` to
 * `createCustomCommon(…, { customCrypto: nativeCustomCrypto() })`. Tries, transactions, blocks, the
 * SHA3 opcode and the ECRECOVER precompile then run on native code.
 */
import type { CustomCrypto } from "@ethereumjs/common";
import { nativeKeccak256, nativeSecp256k1 } from "./native.js";

export function nativeCustomCrypto(): Pick<CustomCrypto, "keccak256" | "ecrecover"> {
  const secp256k1 = nativeSecp256k1();
  nativeKeccak256(new Uint8Array(0)); // Load the addon now, so a missing binary fails at start-up.
  return {
    keccak256: nativeKeccak256,
    /**
     * Same contract as @ethereumjs/util's ecrecover: unpadded r and s, legacy or EIP-155 v (or a
     * y-parity for typed transactions); returns the 64-byte public key; throws when nothing recovers.
     * High s is allowed here: the ECRECOVER precompile accepts it; transactions reject it before.
     */
    ecrecover(msgHash, v, r, s, chainId) {
      const recovery = v === 0n || v === 1n ? v : chainId === undefined ? v - 27n : v - (chainId * 2n + 35n);
      if (recovery !== 0n && recovery !== 1n) throw new Error("Invalid signature v value");
      if (r.length > 32 || s.length > 32) throw new Error("Invalid signature r or s length");
      const signature = new Uint8Array(64);
      signature.set(r, 32 - r.length);
      signature.set(s, 64 - s.length);
      return secp256k1.ecdsaRecover(signature, Number(recovery), msgHash, false).subarray(1);
    },
  };
}
