/**
 * Minimmit's signing interface (consensus/signing.ts) over BLS12-381 (crypto/bls.ts). The message bytes
 * consensus hands us already carry a per-kind domain tag and the chain ID, so they are signed as they are.
 */
import type { PublicKey, SecretKey } from "@chainsafe/blst";
import type { ValidatorIndex } from "../consensus/application.js";
import type { SigningScheme, ValidatorSigner } from "../consensus/signing.js";
import { aggregateSignatures, blsSign, blsVerify, verifyAggregate } from "../crypto/bls.js";

export class BlsSigningScheme implements SigningScheme {
  readonly name = "bls12-381";

  /** `publicKeys[i]` is validator i's key, validated when the validator set was loaded. */
  constructor(private readonly publicKeys: readonly PublicKey[]) {}

  verify(signer: ValidatorIndex, message: Uint8Array, signature: Uint8Array): boolean {
    const key = this.publicKeys[signer];
    return key !== undefined && blsVerify(key, message, signature);
  }

  aggregate(signatures: readonly Uint8Array[]): Uint8Array {
    return aggregateSignatures(signatures);
  }

  verifyAggregate(signers: readonly ValidatorIndex[], message: Uint8Array, aggregate: Uint8Array): boolean {
    const keys: PublicKey[] = [];
    for (const signer of signers) {
      const key = this.publicKeys[signer];
      if (key === undefined) return false;
      keys.push(key);
    }
    return verifyAggregate(message, keys, aggregate);
  }
}

export class BlsValidatorSigner implements ValidatorSigner {
  constructor(
    readonly index: ValidatorIndex,
    private readonly secretKey: SecretKey,
  ) {}

  sign(message: Uint8Array): Uint8Array {
    return blsSign(this.secretKey, message);
  }
}
