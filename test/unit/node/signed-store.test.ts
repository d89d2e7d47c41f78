import { describe, expect, it } from "vitest";
import type { Notarization, Nullify, Proposal, Vote } from "../../../src/consensus/messages.js";
import { encodeMessage } from "../../../src/consensus/wire.js";
import { decodeMessageList, encodeMessageList } from "../../../src/node/message-list.js";
import { LevelSignedStore } from "../../../src/node/signed-store.js";
import { CertificateRepository } from "../../../src/storage/certificate-repository.js";
import { MemoryStore } from "../../../src/storage/index.js";

const digest = `0x${"ab".repeat(32)}` as const;
const vote = (view: number): Vote => ({
  type: "vote",
  view,
  digest,
  signer: 2,
  signature: new Uint8Array(96).fill(view),
});
const nullify = (view: number): Nullify => ({
  type: "nullify",
  view,
  signer: 2,
  signature: new Uint8Array(96).fill(7),
});
const proposal: Proposal = {
  type: "proposal",
  view: 4,
  parentView: 3,
  parent: digest,
  block: { digest: `0x${"cd".repeat(32)}`, payload: new Uint8Array([1, 2, 3]) },
  proposer: 2,
  signature: new Uint8Array(96).fill(9),
};

describe("LevelSignedStore", () => {
  it("gives back after a restart everything the validator signed, and its finalized head", async () => {
    const store = new MemoryStore();
    const signed = new LevelSignedStore(store);
    await signed.saveSigned(vote(3));
    await signed.saveSigned(nullify(3));
    await signed.saveSigned(proposal);
    await signed.saveFinalized({ view: 3, digest, height: 2 });

    const reopened = await new LevelSignedStore(store).load();
    expect(reopened.finalized).toEqual({ view: 3, digest, height: 2 });
    expect(reopened.signed.map((m) => `${m.type}@${m.view}`).sort()).toEqual([
      "nullify@3",
      "proposal@4",
      "vote@3",
    ]);
    const restored = reopened.signed.find((m) => m.type === "proposal") as Proposal;
    expect(restored.block.payload).toEqual(proposal.block.payload);
  });

  it("keeps M-notarizations and reads back the L-notarization the chain's commit wrote, stored once", async () => {
    const store = new MemoryStore();
    const signed = new LevelSignedStore(store);
    const certificate = (type: Notarization["type"], view: number): Notarization => ({
      type,
      view,
      digest,
      signers: new Uint8Array([0b111110]),
      signature: new Uint8Array(96).fill(view),
    });
    await signed.saveCertificate(certificate("mNotarization", 5));
    await signed.saveCertificate(certificate("lNotarization", 5));
    expect((await signed.load()).certificates.map((c) => `${c.type}@${c.view}`)).toEqual(["mNotarization@5"]);

    // Blockchain.commitFinal stages the L-notarization in the block's batch under the same key.
    await new CertificateRepository(store).put(
      5,
      "lNotarization",
      encodeMessage(certificate("lNotarization", 5)),
    );
    const { certificates } = await new LevelSignedStore(store).load();
    expect(certificates.map((c) => `${c.type}@${c.view}`)).toEqual(["mNotarization@5", "lNotarization@5"]);
  });

  it("prunes signed messages below a view and keeps the rest", async () => {
    const signed = new LevelSignedStore(new MemoryStore());
    for (const view of [1, 2, 3, 4]) await signed.saveSigned(vote(view));
    await signed.prune(3);
    const { signed: left } = await signed.load();
    expect(left.map((m) => m.view).sort()).toEqual([3, 4]);
  });
});

describe("message lists (sync answers)", () => {
  it("round-trip and reject truncated or trailing bytes", () => {
    const bytes = encodeMessageList([vote(1), nullify(2), proposal]);
    expect(decodeMessageList(bytes).map((m) => m.type)).toEqual(["vote", "nullify", "proposal"]);
    expect(() => decodeMessageList(bytes.subarray(0, bytes.length - 1))).toThrow(/truncated/);
    expect(() => decodeMessageList(new Uint8Array([...bytes, 0]))).toThrow(/trailing/);
    expect(() => decodeMessageList(new Uint8Array([0xff, 0xff, 0xff, 0xff]))).toThrow(/message list of/);
  });
});
