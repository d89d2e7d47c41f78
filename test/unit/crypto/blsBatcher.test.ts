import { describe, expect, it } from "vitest";
import { blsSecretKeyFromSeed, blsSign, signingMessage } from "../../../src/crypto/bls.js";
import { type BatchReport, BlsBatcher } from "../../../src/crypto/blsBatcher.js";
import { SingleThreadBlsVerifier } from "../../../src/crypto/blsVerifier.js";

const keys = Array.from({ length: 6 }, (_, index) =>
  blsSecretKeyFromSeed(new Uint8Array(32).fill(index + 1)),
);
const publicKeys = keys.map((key) => key.toPublicKey());
const voteOn = (label: number) => signingMessage("kairos/vote", 7777n, new Uint8Array(32).fill(label));

function batcher(options: { windowMs?: number; maxBatch?: number } = {}) {
  const reports: BatchReport[] = [];
  const stage = new BlsBatcher({
    verifier: new SingleThreadBlsVerifier(),
    onBatch: (report) => reports.push(report),
    ...options,
  });
  return { stage, reports };
}

describe("BLS batching stage", () => {
  it("verifies signatures on one message that arrive together as one batch, and finds the bad one", async () => {
    const { stage, reports } = batcher();
    const message = voteOn(1);
    const signatures = keys.map((key) => blsSign(key, message));
    // Validator 3 sends validator 4's signature as its own.
    signatures[3] = signatures[4];
    const verdicts = await Promise.all(
      signatures.map((signature, index) => stage.verify(message, publicKeys[index], signature)),
    );
    expect(verdicts).toEqual([true, true, true, false, true, true]);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ size: 6, invalid: 1 });
  });

  it("verifies a batch of one", async () => {
    const { stage, reports } = batcher();
    const message = voteOn(2);
    expect(await stage.verify(message, publicKeys[0], blsSign(keys[0], message))).toBe(true);
    expect(await stage.verify(message, publicKeys[0], blsSign(keys[1], message))).toBe(false);
    expect(await stage.verify(message, publicKeys[0], new Uint8Array(96).fill(9))).toBe(false);
    expect(reports.map((report) => report.size)).toEqual([1, 1, 1]);
  });

  it("keeps different messages in different batches", async () => {
    const { stage, reports } = batcher();
    const [a, b] = [voteOn(3), voteOn(4)];
    const verdicts = await Promise.all([
      stage.verify(a, publicKeys[0], blsSign(keys[0], a)),
      stage.verify(b, publicKeys[1], blsSign(keys[1], b)),
      stage.verify(a, publicKeys[2], blsSign(keys[2], a)),
      // A valid signature, but over the other message.
      stage.verify(b, publicKeys[3], blsSign(keys[3], a)),
    ]);
    expect(verdicts).toEqual([true, true, true, false]);
    expect(reports.map((report) => report.size).sort()).toEqual([2, 2]);
    expect(stage.stats).toEqual({ batches: 2, signatures: 4, invalid: 1 });
  });

  it("waits out a window for signatures still on the way, and closes a full batch at once", async () => {
    const { stage, reports } = batcher({ windowMs: 30, maxBatch: 4 });
    const message = voteOn(5);
    const first = stage.verify(message, publicKeys[0], blsSign(keys[0], message));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const rest = keys
      .slice(1, 5)
      .map((key, index) => stage.verify(message, publicKeys[index + 1], blsSign(key, message)));
    expect(await Promise.all([first, ...rest])).toEqual([true, true, true, true, true]);
    expect(reports.map((report) => report.size)).toEqual([4, 1]);
  });
});
