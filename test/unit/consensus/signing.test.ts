import { describe, expect, it } from "vitest";
import { bitmapFromSigners, signersOf } from "../../../src/consensus/bitmap.js";
import { verifyCertificate } from "../../../src/consensus/certificates.js";
import { InvalidCertificateError } from "../../../src/consensus/errors.js";
import { leaderSchedule, roundRobin, seededRandom } from "../../../src/consensus/leader.js";
import { nullifyBytes, voteBytes } from "../../../src/consensus/messages.js";
import { SimulatedScheme } from "../../../src/consensus/signing.js";
import { digestOf, Fixture, NAMESPACE } from "./helpers.js";

const A = digestOf("A");

describe("signed message bytes", () => {
  it("differ by kind, namespace, view and digest", () => {
    const other = new TextEncoder().encode("another-chain");
    const all = [
      voteBytes(NAMESPACE, 1, A),
      voteBytes(other, 1, A),
      voteBytes(NAMESPACE, 2, A),
      voteBytes(NAMESPACE, 1, digestOf("B")),
      nullifyBytes(NAMESPACE, 1),
      nullifyBytes(other, 1),
    ].map((b) => Buffer.from(b).toString("hex"));
    expect(new Set(all).size).toBe(all.length);
  });
});

describe("SimulatedScheme", () => {
  const scheme = new SimulatedScheme(6, 1);
  const message = voteBytes(NAMESPACE, 4, A);
  const sigs = [0, 1, 2, 3].map((i) => scheme.signer(i).sign(message));

  it("verifies a signature only for its signer and message", () => {
    expect(scheme.verify(2, message, sigs[2])).toBe(true);
    expect(scheme.verify(3, message, sigs[2])).toBe(false);
    expect(scheme.verify(2, voteBytes(NAMESPACE, 5, A), sigs[2])).toBe(false);
    expect(scheme.verify(9, message, sigs[2])).toBe(false);
  });

  it("rejects an aggregate against a wrong signer set: missing, extra, swapped or repeated", () => {
    const aggregate = scheme.aggregate(sigs);
    expect(scheme.verifyAggregate([0, 1, 2, 3], message, aggregate)).toBe(true);
    expect(scheme.verifyAggregate([0, 1, 2], message, aggregate)).toBe(false);
    expect(scheme.verifyAggregate([0, 1, 2, 3, 4], message, aggregate)).toBe(false);
    expect(scheme.verifyAggregate([0, 1, 2, 5], message, aggregate)).toBe(false);
    expect(scheme.verifyAggregate([0, 1, 2, 3, 3], message, aggregate)).toBe(false);
    expect(scheme.verifyAggregate([], message, scheme.aggregate([]))).toBe(false);
  });
});

describe("certificates", () => {
  it.each([
    [6, 1],
    [11, 2],
  ])("n=%i: accepts quorum 2f+1 / n−f, refuses one fewer or a forged bitmap", (n, f) => {
    const fx = new Fixture(n);
    const M = 2 * f + 1;
    const L = n - f;
    const ids = (k: number) => Array.from({ length: k }, (_, i) => i);
    expect(() => verifyCertificate(fx.nullification(3, ids(M)), fx.q, fx.scheme, NAMESPACE)).not.toThrow();
    expect(() => verifyCertificate(fx.nullification(3, ids(M - 1)), fx.q, fx.scheme, NAMESPACE)).toThrow(
      InvalidCertificateError,
    );
    expect(() =>
      verifyCertificate(fx.notarization("mNotarization", 3, A, ids(M)), fx.q, fx.scheme, NAMESPACE),
    ).not.toThrow();
    expect(() =>
      verifyCertificate(fx.notarization("lNotarization", 3, A, ids(L)), fx.q, fx.scheme, NAMESPACE),
    ).not.toThrow();
    expect(() =>
      verifyCertificate(fx.notarization("lNotarization", 3, A, ids(L - 1)), fx.q, fx.scheme, NAMESPACE),
    ).toThrow(/fewer signers/);
    // Claiming an extra signer, or a signature over another view, fails the aggregate check.
    const forged = { ...fx.nullification(3, ids(M)), signers: bitmapFromSigners(n, ids(M + 1)) };
    expect(() => verifyCertificate(forged, fx.q, fx.scheme, NAMESPACE)).toThrow(/does not verify/);
    const moved = { ...fx.nullification(3, ids(M)), view: 4 };
    expect(() => verifyCertificate(moved, fx.q, fx.scheme, NAMESPACE)).toThrow(/does not verify/);
    const wrongNamespace = new TextEncoder().encode("other");
    expect(() => verifyCertificate(fx.nullification(3, ids(M)), fx.q, fx.scheme, wrongNamespace)).toThrow();
  });

  it("signer bitmaps refuse bits beyond n and wrong lengths", () => {
    expect(signersOf(bitmapFromSigners(11, [0, 3, 10]), 11)).toEqual([0, 3, 10]);
    expect(signersOf(new Uint8Array([0, 0b1000]), 11)).toBeUndefined(); // bit 11
    expect(signersOf(new Uint8Array([1]), 11)).toBeUndefined();
    expect(() => bitmapFromSigners(6, [6])).toThrow(RangeError);
  });
});

describe("leader schedule", () => {
  it("round robin starts view 1 at validator 0 and cycles", () => {
    const s = roundRobin(6);
    expect([1, 2, 6, 7, 13].map((v) => s.leader(v))).toEqual([0, 1, 5, 0, 0]);
    expect(leaderSchedule(6).leader(3)).toBe(2);
  });

  it("seeded random is deterministic per seed, covers everyone and differs across seeds", () => {
    const a = seededRandom(11, 42);
    const b = seededRandom(11, 42);
    const c = seededRandom(11, 43);
    const views = Array.from({ length: 500 }, (_, i) => i + 1);
    expect(views.map((v) => a.leader(v))).toEqual(views.map((v) => b.leader(v)));
    expect(new Set(views.map((v) => a.leader(v))).size).toBe(11);
    expect(views.map((v) => a.leader(v))).not.toEqual(views.map((v) => c.leader(v)));
    expect(leaderSchedule(11, { kind: "seededRandom", seed: 42 }).leader(9)).toBe(a.leader(9));
  });
});
