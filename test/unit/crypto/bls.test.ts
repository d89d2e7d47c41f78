import { bls12_381 } from "@noble/curves/bls12-381.js";
import { afterAll, describe, expect, it } from "vitest";
import {
  aggregatePublicKeys,
  aggregateSignatures,
  BLS_DST,
  blsPublicKeyFromBytes,
  blsSecretKeyFromSeed,
  blsSign,
  blsVerify,
  generateBlsSecretKey,
  signingMessage,
  verifyAggregate,
} from "../../../src/crypto/bls.js";
import { PoolBlsVerifier, SingleThreadBlsVerifier } from "../../../src/crypto/blsVerifier.js";

const keys = Array.from({ length: 24 }, (_, index) =>
  blsSecretKeyFromSeed(new Uint8Array(32).fill(index + 1)),
);
const publicKeys = keys.map((key) => key.toPublicKey());
const vote = signingMessage("kairos/vote", 7777n, new Uint8Array(32).fill(0xab));

const pooled = new PoolBlsVerifier({ size: 2, minSetsForWorkers: 4, maxSetsPerJob: 8 });
afterAll(() => pooled.close());

describe("BLS signatures", () => {
  it("signs and verifies, and rejects a wrong message, a wrong key and garbage", () => {
    const key = generateBlsSecretKey();
    const signature = blsSign(key, vote);
    expect(signature).toHaveLength(96);
    expect(blsVerify(key.toPublicKey(), vote, signature)).toBe(true);
    expect(
      blsVerify(key.toPublicKey(), signingMessage("kairos/vote", 7777n, new Uint8Array(32)), signature),
    ).toBe(false);
    expect(blsVerify(publicKeys[0], vote, signature)).toBe(false);
    expect(blsVerify(key.toPublicKey(), vote, new Uint8Array(96).fill(7))).toBe(false);
    expect(blsVerify(key.toPublicKey(), vote, signature.subarray(0, 95))).toBe(false);
  });

  it("uses the Ethereum proof-of-possession ciphersuite (checked against @noble/curves)", () => {
    const signature = blsSign(keys[0], vote);
    const noble = bls12_381.longSignatures;
    const hashed = noble.hash(vote, BLS_DST);
    expect(noble.verify(signature, hashed, publicKeys[0].toBytes(true))).toBe(true);
  });

  it("derives the same key from the same seed, and different keys from different seeds", () => {
    const seed = new Uint8Array(32).fill(9);
    expect(blsSecretKeyFromSeed(seed).toHex()).toBe(blsSecretKeyFromSeed(seed).toHex());
    expect(blsSecretKeyFromSeed(seed).toHex()).not.toBe(
      blsSecretKeyFromSeed(new Uint8Array(32).fill(8)).toHex(),
    );
    expect(() => blsSecretKeyFromSeed(new Uint8Array(16))).toThrowError(
      expect.objectContaining({ code: "BLS_INVALID_SECRET_KEY" }),
    );
  });

  it("separates message kinds and chains: a vote never verifies as a nullify or on another chain", () => {
    const payload = new Uint8Array([1, 2, 3]);
    const signature = blsSign(keys[0], signingMessage("kairos/vote", 1n, payload));
    expect(blsVerify(publicKeys[0], signingMessage("kairos/nullify", 1n, payload), signature)).toBe(false);
    expect(blsVerify(publicKeys[0], signingMessage("kairos/vote", 2n, payload), signature)).toBe(false);
    expect(blsVerify(publicKeys[0], signingMessage("kairos/vote", 1n, payload), signature)).toBe(true);
  });

  it("verifies a certificate: an aggregate signature over one message by several keys", () => {
    const signers = [0, 3, 5, 8, 13];
    const aggregate = aggregateSignatures(signers.map((index) => blsSign(keys[index], vote)));
    const signerKeys = signers.map((index) => publicKeys[index]);
    expect(verifyAggregate(vote, signerKeys, aggregate)).toBe(true);
    // A certificate claiming a signer who did not sign fails, as does one missing a signer.
    expect(verifyAggregate(vote, [...signerKeys, publicKeys[1]], aggregate)).toBe(false);
    expect(verifyAggregate(vote, signerKeys.slice(1), aggregate)).toBe(false);
    expect(verifyAggregate(vote, [], aggregate)).toBe(false);
    // The aggregate public key verifies the aggregate signature too.
    expect(blsVerify(aggregatePublicKeys(signerKeys), vote, aggregate)).toBe(true);
  });

  it("rejects malformed public keys", () => {
    expect(() => blsPublicKeyFromBytes(new Uint8Array(48))).toThrowError(
      expect.objectContaining({ code: "BLS_INVALID_PUBLIC_KEY" }),
    );
    expect(blsPublicKeyFromBytes(publicKeys[2].toBytes(true)).toHex(true)).toBe(publicKeys[2].toHex(true));
  });
});

describe.each([
  ["single thread", new SingleThreadBlsVerifier()],
  ["worker pool", pooled],
])("BlsVerifier (%s)", (_, verifier) => {
  it("accepts a batch of valid votes on one message", async () => {
    const signatures = keys.map((key, index) => ({
      publicKey: publicKeys[index],
      signature: blsSign(key, vote),
    }));
    expect(await verifier.verifySameMessage(vote, signatures)).toEqual(keys.map(() => true));
  });

  it("finds the bad signatures among votes on one message", async () => {
    const signatures = keys.map((key, index) => ({
      publicKey: publicKeys[index],
      signature: blsSign(key, vote),
    }));
    // A vote for another block, a vote attributed to the wrong validator, and bytes that are no signature.
    signatures[5] = {
      publicKey: publicKeys[5],
      signature: blsSign(keys[5], signingMessage("kairos/vote", 7777n, new Uint8Array(32))),
    };
    signatures[17] = { publicKey: publicKeys[17], signature: blsSign(keys[16], vote) };
    signatures[20] = { publicKey: publicKeys[20], signature: new Uint8Array(96).fill(3) };
    const valid = await verifier.verifySameMessage(vote, signatures);
    expect(valid.flatMap((ok, index) => (ok ? [] : [index]))).toEqual([5, 17, 20]);
  });

  it("batch-verifies sets over distinct messages and locates the bad one", async () => {
    const sets = keys.map((key, index) => {
      const message = signingMessage("kairos/propose", 7777n, new Uint8Array([index]));
      return { publicKey: publicKeys[index], message, signature: blsSign(key, message) };
    });
    expect(await verifier.verifySets(sets)).toEqual(keys.map(() => true));
    sets[11] = { ...sets[11], message: signingMessage("kairos/propose", 7777n, new Uint8Array([99])) };
    const valid = await verifier.verifySets(sets);
    expect(valid.flatMap((ok, index) => (ok ? [] : [index]))).toEqual([11]);
  });

  it("rejects two invalid signatures that would cancel out in a plain aggregate", async () => {
    // Swap two validators' votes: each is invalid for its claimed signer, yet their sum is unchanged.
    const a = blsSign(keys[0], vote);
    const b = blsSign(keys[1], vote);
    const swapped = [
      { publicKey: publicKeys[0], signature: b },
      { publicKey: publicKeys[1], signature: a },
    ];
    // A plain aggregate of the swapped pair verifies — the attack that random blinding stops.
    expect(verifyAggregate(vote, [publicKeys[0], publicKeys[1]], aggregateSignatures([b, a]))).toBe(true);
    expect(await verifier.verifySameMessage(vote, swapped)).toEqual([false, false]);
  });
});
