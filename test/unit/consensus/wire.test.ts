import { describe, expect, it } from "vitest";
import { WireDecodeError } from "../../../src/consensus/errors.js";
import type { ConsensusMessage } from "../../../src/consensus/messages.js";
import {
  decodeCertificate,
  decodeMessage,
  encodeCertificate,
  encodeMessage,
} from "../../../src/consensus/wire.js";
import { digestOf, Fixture } from "./helpers.js";

const fx = new Fixture(11);
const A = digestOf("A");
const B = digestOf("B");

const samples: ConsensusMessage[] = [
  { ...fx.proposal(7, A, B, 5), block: { digest: A, payload: new Uint8Array([1, 2, 3, 4, 5]) } },
  fx.proposal(1, A),
  fx.vote(3, A, 10),
  fx.nullify(2 ** 40, 4),
  fx.notarization("mNotarization", 9, B, [0, 1, 2, 3, 4]),
  fx.notarization("lNotarization", 9, B, [0, 1, 2, 3, 4, 5, 6, 7, 8]),
  fx.nullification(12, [2, 3, 5, 7, 10]),
];

describe("consensus wire codecs", () => {
  it.each(samples.map((m) => [m.type, m] as const))("round-trips a %s", (_, message) => {
    expect(decodeMessage(encodeMessage(message))).toEqual(message);
  });

  it("round-trips a certificate alone and refuses a non-certificate as one", () => {
    const certificate = fx.nullification(3, [0, 1, 2]);
    expect(decodeCertificate(encodeCertificate(certificate))).toEqual(certificate);
    expect(() => decodeCertificate(encodeMessage(fx.vote(1, A, 0)))).toThrow(WireDecodeError);
  });

  it("throws a typed error on every truncation of every message", () => {
    for (const message of samples) {
      const bytes = encodeMessage(message);
      for (let cut = 0; cut < bytes.length; cut++) {
        expect(() => decodeMessage(bytes.subarray(0, cut))).toThrow(WireDecodeError);
      }
    }
  });

  it("rejects trailing bytes, unknown versions and kinds, and oversized fields", () => {
    const vote = encodeMessage(fx.vote(3, A, 1));
    const error = (() => {
      try {
        decodeMessage(new Uint8Array([...vote, 0]));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(WireDecodeError);
    expect((error as WireDecodeError).code).toBe("CONSENSUS_WIRE_DECODE");
    expect(() => decodeMessage(new Uint8Array([2, ...vote.subarray(1)]))).toThrow(/version/);
    expect(() => decodeMessage(new Uint8Array([1, 99, ...vote.subarray(2)]))).toThrow(/kind/);
    const big = encodeMessage({ ...fx.proposal(2, A), block: { digest: A, payload: new Uint8Array(2_000) } });
    expect(() =>
      decodeMessage(big, { maxMessageBytes: 1_000, maxSignatureBytes: 256, maxBitmapBytes: 64 }),
    ).toThrow(/exceeds/);
    const wideSignature = encodeMessage({ ...fx.vote(1, A, 0), signature: new Uint8Array(300) });
    expect(() => decodeMessage(wideSignature)).toThrow(/signature/);
  });

  it("rejects a proposal whose parent view is not before its view", () => {
    const bytes = encodeMessage({ ...fx.proposal(5, A), parentView: 4 });
    bytes[2 + 8 + 7] = 5; // parentView := 5
    expect(() => decodeMessage(bytes)).toThrow(/parent view/);
  });

  it("survives random garbage without anything but WireDecodeError", () => {
    let x = 12345;
    const rand = () => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return x >>> 24;
    };
    for (let i = 0; i < 2_000; i++) {
      const bytes = Uint8Array.from({ length: rand() % 200 }, rand);
      if (i % 2 === 0 && bytes.length > 2) {
        bytes[0] = 1;
        bytes[1] = 1 + (rand() % 6);
      }
      try {
        decodeMessage(bytes);
      } catch (error) {
        expect(error).toBeInstanceOf(WireDecodeError);
      }
    }
  });
});
