/**
 * The signing interface fits BLS12-381 as DESIGN §2 asks: this adapter over @chainsafe/blst (min-pk,
 * its default DST BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_) runs the real engine in the simulator,
 * where every certificate is one aggregate signature plus a signer bitmap.
 */
import {
  aggregateSignatures,
  fastAggregateVerify,
  type PublicKey,
  SecretKey,
  Signature,
  verify,
} from "@chainsafe/blst";
import { describe, expect, it } from "vitest";
import type { SigningScheme, ValidatorSigner } from "../../src/consensus/signing.js";
import { simulate } from "./scenarios.js";

function blsKeys(n: number) {
  const secrets = Array.from({ length: n }, (_, i) => SecretKey.fromKeygen(new Uint8Array(32).fill(i + 1)));
  const publics = secrets.map((sk) => sk.toPublicKey());
  const scheme: SigningScheme = {
    name: "bls12-381-min-pk",
    verify: (signer, message, signature) => {
      const pk: PublicKey | undefined = publics[signer];
      try {
        return pk !== undefined && verify(message, pk, Signature.fromBytes(signature, true));
      } catch {
        return false;
      }
    },
    aggregate: (signatures) => aggregateSignatures(signatures.map((s) => Signature.fromBytes(s))).toBytes(),
    verifyAggregate: (signers, message, aggregate) => {
      if (signers.length === 0 || new Set(signers).size !== signers.length) return false;
      try {
        return fastAggregateVerify(
          message,
          signers.map((i) => publics[i]),
          Signature.fromBytes(aggregate, true),
        );
      } catch {
        return false;
      }
    },
  };
  const signer = (index: number): ValidatorSigner => ({
    index,
    sign: (message) => secrets[index].sign(message).toBytes(),
  });
  return { scheme, signer };
}

describe("Minimmit with BLS12-381 signatures", () => {
  it("finalizes with aggregate-signature certificates (96-byte signature + bitmap)", async () => {
    const keys = blsKeys(6);
    const sim = await simulate({ seed: 1, n: 6, keys, byzantine: { 2: { kind: "conflictingVoter" } } }, 450);
    expect(sim.minHonestHeight()).toBeGreaterThanOrEqual(3);
    const proof = sim.nodes[0].engine!.finalityCertificate(sim.nodes[0].engine!.finalized().digest)!;
    expect(proof.signature).toHaveLength(96);
    expect(proof.signers).toHaveLength(1);
  });
});
