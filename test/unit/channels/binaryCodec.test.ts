/** The binary batch form the MessagePort transport uses: every message comes back as it was sent. */
import type { Hex } from "viem";
import { describe, expect, it } from "vitest";
import { decodeBatch, encodeBatch } from "../../../src/channels/binaryCodec.js";
import type { ChannelMessage } from "../../../src/channels/messages.js";
import { aliceSigner, crypto, id } from "./parties.js";

const MAX = 2n ** 256n - 1n;
const state = {
  channelId: id,
  version: 2n ** 64n - 1n,
  balances: [MAX, 0n, 7n],
  deposits: [MAX, 7n, 0n],
  isFinal: true,
};
const signature = aliceSigner.sign(state, crypto.digest(state));

const batch: ChannelMessage[] = [
  { kind: "propose", channelId: id, proposer: 2, state, signature },
  { kind: "accept", channelId: id, signer: 1, version: 12345678901234567890123n, signature },
  { kind: "accept", channelId: id, signer: 2, version: 5n, signature, digest: `0x${"ab".repeat(32)}` },
  {
    kind: "reject",
    channelId: id,
    version: 3n,
    proposer: 0,
    code: "CONFLICT",
    reason: "both",
    latest: { state, sigs: [signature, signature, signature] },
  },
  // A signature of the wrong length cannot take the fixed layout: it goes as JSON, unchanged.
  { kind: "accept", channelId: id, signer: 0, version: 1n, signature: "0x1234" as Hex },
];

describe("binary message batches", () => {
  it("decode to exactly the messages encoded: three-party states, 256-bit amounts, rejects and odd sizes", () => {
    expect(decodeBatch(encodeBatch(batch))).toEqual(batch);
    expect(decodeBatch(encodeBatch([]))).toEqual([]);
  });

  it("refuse a truncated batch or an unknown record", () => {
    const bytes = new Uint8Array(encodeBatch(batch.slice(0, 1)));
    expect(() => decodeBatch(bytes.slice(0, bytes.length - 1).buffer)).toThrow(RangeError);
    expect(() => decodeBatch(new Uint8Array([9, 0, 0]).buffer)).toThrow(RangeError);
  });
});
