/**
 * The batching stage as a validator runs it: votes from five validators over real libp2p streams reach
 * validator 0's consensus channel, are signature-checked through the BLS batcher, and only then reach a
 * real consensus engine. One validator sends a vote with a bad signature.
 */
import { keccak256, toHex } from "viem";
import { afterEach, describe, expect, it } from "vitest";
import type { Application } from "../../../src/consensus/application.js";
import { type ConsensusActivity, ConsensusEngine } from "../../../src/consensus/engine.js";
import { MemorySignedStore } from "../../../src/consensus/memory-store.js";
import { type ConsensusMessage, type Vote, voteBytes } from "../../../src/consensus/messages.js";
import { decodeMessage, encodeMessage } from "../../../src/consensus/wire.js";
import { blsSecretKeyFromSeed, blsSign } from "../../../src/crypto/bls.js";
import { type BatchReport, BlsBatcher } from "../../../src/crypto/blsBatcher.js";
import { SingleThreadBlsVerifier } from "../../../src/crypto/blsVerifier.js";
import {
  BatchedMessageVerifier,
  BlsSigningScheme,
  BlsValidatorSigner,
} from "../../../src/node/bls-signing.js";
import { systemClock } from "../../../src/node/system-clock.js";
import { ConsensusChannel } from "../../../src/p2p/consensus-channel.js";
import type { P2pHost } from "../../../src/p2p/host.js";
import { meshAll, startHosts, stopAll, waitFor } from "../p2p/helpers.js";

const N = 6;
const NAMESPACE = new Uint8Array([0, 0, 0, 0, 0, 0, 0x1e, 0x61]);
const GENESIS = keccak256(toHex("genesis"));
const BLOCK = keccak256(toHex("block of view 1"));
const keys = Array.from({ length: N }, (_, i) => blsSecretKeyFromSeed(new Uint8Array(32).fill(i + 1)));
const publicKeys = keys.map((key) => key.toPublicKey());

/** An application that is never asked for anything here (no proposal arrives). */
const application: Application = {
  genesis: () => GENESIS,
  propose: () => new Promise(() => {}),
  verify: async () => ({ ok: true }),
  finalized: async () => {},
};

let hosts: P2pHost[] = [];
let channels: ConsensusChannel<ConsensusMessage>[] = [];
let engine: ConsensusEngine | undefined;

afterEach(async () => {
  engine?.stop();
  await Promise.all(channels.map((channel) => channel.stop()));
  await stopAll(hosts);
  hosts = [];
  channels = [];
});

function vote(signer: number, signWith = signer): Vote {
  return {
    type: "vote",
    view: 1,
    digest: BLOCK,
    signer,
    signature: blsSign(keys[signWith], voteBytes(NAMESPACE, 1, BLOCK)),
  };
}

describe("batched signature verification in the node", () => {
  it("blames only the sender of a bad vote; the good votes reach the engine", async () => {
    hosts = await startHosts(N);
    meshAll(hosts);
    await waitFor("full mesh", () => hosts.every((host) => host.connectedPeers().length === N - 1));
    const peers = hosts.map((host) => host.peerId);

    const validator = new ConsensusEngine(
      { validators: N, signer: new BlsValidatorSigner(0, keys[0]), namespace: NAMESPACE, deltaMs: 60_000 },
      {
        clock: systemClock,
        network: { broadcast: () => {}, send: () => {}, fetch: () => {} },
        store: new MemorySignedStore(),
        application,
        scheme: new BlsSigningScheme(publicKeys),
      },
    );
    engine = validator;
    await validator.start();
    const activity: ConsensusActivity[] = [];
    validator.subscribe((event) => activity.push(event));
    const batches: BatchReport[] = [];
    const verifier = new BatchedMessageVerifier(
      publicKeys,
      new BlsBatcher({ verifier: new SingleThreadBlsVerifier(), onBatch: (batch) => batches.push(batch) }),
    );
    for (const [i, host] of hosts.entries()) {
      const channel = new ConsensusChannel<ConsensusMessage>(host, {
        validators: peers,
        decode: decodeMessage,
        verify: i === 0 ? (message) => verifier.verify(validator, message) : () => "accept",
        onMessage: i === 0 ? (message) => validator.receive(message) : () => {},
      });
      await channel.start();
      channels.push(channel);
    }

    // Validator 3 signs its vote with validator 4's key.
    await Promise.all(
      [1, 2, 3, 4, 5].map((i) => channels[i].send(peers[0], encodeMessage(i === 3 ? vote(3, 4) : vote(i)))),
    );
    await waitFor("five verdicts", () => channels[0].stats.delivered + channels[0].stats.rejected === 5);

    // Validator 0's own vote (cast on the M-notarization) aside, the votes the engine took are the good ones.
    const voters = activity.flatMap((event) =>
      event.type === "vote" && event.vote.signer !== 0 ? [event.vote.signer] : [],
    );
    expect(voters.sort()).toEqual([1, 2, 4, 5]);
    expect(activity.filter((event) => event.type === "fault")).toEqual([
      expect.objectContaining({ fault: { kind: "invalidSignature", from: 3, message: "vote" } }),
    ]);
    expect(channels[0].stats.rejected).toBe(1);
    expect(hosts[0].score(peers[3])).toBeLessThan(0);
    for (const i of [1, 2, 4, 5]) expect(hosts[0].score(peers[i])).toBe(0);
    // Four good votes on one block: an M-notarization (quorum 3) formed from them.
    await validator.idle();
    expect(activity.some((event) => event.type === "certificate")).toBe(true);
    expect(batches.reduce((sum, batch) => sum + batch.size, 0)).toBe(5);
    expect(batches.reduce((sum, batch) => sum + batch.invalid, 0)).toBe(1);
  });
});

describe("quorum-aware batch close", () => {
  const bytes = voteBytes(NAMESPACE, 1, BLOCK);
  const signature = (i: number) => blsSign(keys[i], bytes);

  it("holds votes until they can complete the quorum, then checks them as one batch in that turn", async () => {
    const batches: BatchReport[] = [];
    const batcher = new BlsBatcher({
      verifier: new SingleThreadBlsVerifier(),
      quorumDeadlineMs: 60_000,
      onBatch: (batch) => batches.push(batch),
    });
    const first = batcher.verify(bytes, publicKeys[1], signature(1), 2);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([]);
    // The second vote completes the quorum: both are checked without waiting for the deadline.
    const second = batcher.verify(bytes, publicKeys[2], signature(3), 2);
    expect(await Promise.all([first, second])).toEqual([true, false]);
    expect(batches.map((batch) => [batch.size, batch.invalid])).toEqual([[2, 1]]);
  });

  it("checks a quorum that never fills at the deadline", async () => {
    const batches: BatchReport[] = [];
    const batcher = new BlsBatcher({
      verifier: new SingleThreadBlsVerifier(),
      quorumDeadlineMs: 5,
      onBatch: (batch) => batches.push(batch),
    });
    expect(await batcher.verify(bytes, publicKeys[1], signature(1), 4)).toBe(true);
    expect(batches.map((batch) => batch.size)).toEqual([1]);
  });
});
