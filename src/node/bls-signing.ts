/**
 * Minimmit's signing interface (consensus/signing.ts) over BLS12-381 (crypto/bls.ts). The message bytes
 * consensus hands us already carry a per-kind domain tag and the chain ID, so they are signed as they are.
 * Messages from the network are verified through a batching stage (crypto/blsBatcher.ts) instead.
 */
import type { PublicKey, SecretKey } from "@chainsafe/blst";
import type { ValidatorIndex } from "../consensus/application.js";
import type { SignatureCheck, Verdict } from "../consensus/engine.js";
import type { ConsensusMessage } from "../consensus/messages.js";
import type { SigningScheme, ValidatorSigner } from "../consensus/signing.js";
import { aggregateSignatures, blsSign, blsVerify, verifyAggregate } from "../crypto/bls.js";
import type { BlsBatcher } from "../crypto/blsBatcher.js";

export class BlsSigningScheme implements SigningScheme {
  readonly name = "bls12-381";

  /** `publicKeys[i]` is validator i's key, validated when the validator set was loaded. */
  constructor(private readonly publicKeys: readonly PublicKey[]) {}

  verify(signer: ValidatorIndex, message: Uint8Array, signature: Uint8Array): boolean {
    const key = this.publicKeys[signer];
    return key !== undefined && blsVerify(key, message, signature);
  }

  /** Consensus aggregates only signatures it verified (or this validator made): no second group check. */
  aggregate(signatures: readonly Uint8Array[]): Uint8Array {
    return aggregateSignatures(signatures, { verified: true });
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

/** The engine's part of message verification (ConsensusEngine implements it). */
export interface MessageScreen {
  screen(message: ConsensusMessage): Verdict | SignatureCheck;
  signatureFailed(check: SignatureCheck): void;
}

/**
 * Verifies consensus messages from the network: the engine's cheap checks first, then the signature
 * through the batcher, so the votes (or nullifies) of several validators on one block that arrive
 * together cost one aggregate verification. Nothing reaches the engine before its signature verified.
 */
export class BatchedMessageVerifier {
  constructor(
    private readonly publicKeys: readonly PublicKey[],
    private readonly batcher: BlsBatcher,
  ) {}

  async verify(screen: MessageScreen, message: ConsensusMessage): Promise<Verdict> {
    const check = screen.screen(message);
    if (typeof check === "string") return check;
    const key = this.publicKeys[check.signer];
    if (key !== undefined && (await this.batcher.verify(check.bytes, key, check.signature, check.quorumAt)))
      return "accept";
    screen.signatureFailed(check);
    return "reject";
  }
}
