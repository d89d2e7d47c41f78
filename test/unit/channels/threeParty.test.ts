/**
 * A three-party channel (alice 0, bob 1, carol 2) over the in-memory mesh: every update signed by all
 * three, payments between any two, conflicts, refusals, persistence and the cooperative close.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { privateKeyToAddress } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { Channel } from "../../../src/channels/channel.js";
import { channelId } from "../../../src/channels/channelId.js";
import { LevelChannelStore } from "../../../src/channels/levelStore.js";
import { MemoryDepositLedger } from "../../../src/channels/memoryLedger.js";
import type { ChannelMessage } from "../../../src/channels/messages.js";
import { nativeCrypto, nativeSigner } from "../../../src/channels/nativeCrypto.js";
import { prefundState } from "../../../src/channels/state.js";
import { type ChannelStore, MemoryChannelStore } from "../../../src/channels/store.js";
import { type ChannelTransport, memoryTransportMesh } from "../../../src/channels/transport.js";
import type { ChannelParams, ChannelState, SignedState } from "../../../src/channels/types.js";
import { DEV_KEYS, domain, USDC } from "./fixtures.js";

const participants = DEV_KEYS.map((k) => privateKeyToAddress(k));
const params: ChannelParams = { participants, payees: participants, nonce: 3n, challengePeriod: 60n };
const id = channelId(params, domain.chainId, domain.adjudicator);
const crypto = nativeCrypto(domain);
const signers = DEV_KEYS.map((k) => nativeSigner(k));

function member(
  me: number,
  transport: ChannelTransport,
  ledger: MemoryDepositLedger,
  store: ChannelStore = new MemoryChannelStore(),
  timeoutMs = 5_000,
) {
  return Channel.create({
    params,
    domain,
    me,
    signer: signers[me],
    crypto,
    transport,
    store,
    depositLedger: ledger,
    timeoutMs,
  });
}

/** Alice opens; each of the three then accounts its own deposit (credited in a shared off-chain ledger). */
async function openThree(deposits: readonly bigint[]) {
  const mesh = memoryTransportMesh(3);
  const ledger = new MemoryDepositLedger();
  const stores = [0, 1, 2].map(() => new MemoryChannelStore());
  const parties = await Promise.all([0, 1, 2].map((i) => member(i, mesh[i], ledger, stores[i])));
  await parties[0].open(0n);
  for (const [i, amount] of deposits.entries()) {
    if (amount === 0n) continue;
    ledger.credit(id, i, amount);
    await parties[i].fund(amount);
  }
  return { parties, stores, ledger };
}

/** Checks that `signed` carries a valid signature of each of the three, in participant order. */
function expectSignedByAll(signed: SignedState): void {
  const digest = crypto.digest(signed.state);
  expect(signed.sigs.map((s) => crypto.recover(digest, s))).toEqual(participants.map((p) => p.toLowerCase()));
}

/** Speaks for one participant, message by message, to the real other two. */
function rawMember(transport: ChannelTransport) {
  const inbox: ChannelMessage[] = [];
  transport.onMessage((m) => inbox.push(m));
  return {
    inbox,
    send: (message: ChannelMessage) => transport.send(message),
    propose(proposer: number, state: ChannelState) {
      const signature = signers[proposer].sign(state, crypto.digest(state));
      transport.send({ kind: "propose", channelId: id, proposer, state, signature });
    },
    /** Signs every proposal received so far, as the participant this speaks for (bob, 1). */
    countersignProposals() {
      for (const m of inbox.splice(0)) {
        if (m.kind !== "propose") continue;
        const signature = signers[1].sign(m.state, crypto.digest(m.state));
        transport.send({ kind: "accept", channelId: id, signer: 1, version: m.state.version, signature });
      }
    },
  };
}

/**
 * Alice and carol are real; the test speaks for bob. Bob proposes the pre-funding state, then
 * participant `funder` accounts `deposit`, which bob countersigns by hand.
 */
async function withRawBob(funder: 0 | 2, deposit: bigint, timeoutMs = 5_000, carolStore?: ChannelStore) {
  const mesh = memoryTransportMesh(3);
  const ledger = new MemoryDepositLedger();
  const alice = await member(0, mesh[0], ledger, undefined, timeoutMs);
  const bob = rawMember(mesh[1]);
  const carol = await member(2, mesh[2], ledger, carolStore, timeoutMs);
  bob.propose(1, prefundState(id, 3));
  await settle();
  ledger.credit(id, funder, deposit);
  const funding = (funder === 0 ? alice : carol).fund(deposit);
  await settle();
  bob.countersignProposals();
  const funded = await funding;
  return { mesh, ledger, alice, bob, carol, funded };
}

/**
 * Bob refuses `proposer`'s pending update once the other real participant's signature of it has
 * reached him (so it has left that participant, after its store write), and the update fails.
 */
async function refusedByBob(bob: ReturnType<typeof rawMember>, update: Promise<unknown>, proposer: number) {
  bob.inbox.length = 0; // nothing of the update is delivered yet: messages travel after this turn
  await until(() => bob.inbox.some((m) => m.kind === "accept" && m.signer !== proposer));
  const proposal = bob.inbox.find((m) => m.kind === "propose");
  if (proposal?.kind !== "propose") throw new Error("no proposal reached bob");
  const { version } = proposal.state;
  bob.send({ kind: "reject", channelId: id, version, proposer, code: "REJECTED", reason: "no" });
  await expect(update).rejects.toMatchObject({ code: "REJECTED" });
  await settle();
}

/** Turns the event loop until `done` holds (a disk write may take more than a few turns). */
async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((r) => setImmediate(r));
}

/** Lets every message in flight be delivered, stored and answered (a few turns of the event loop). */
const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
};

describe("a three-party channel over the in-memory mesh", () => {
  it("every update is signed by all three; money moves from any participant to any other", async () => {
    const { parties } = await openThree([6n * USDC, 3n * USDC, 1n * USDC]);
    const [alice, bob, carol] = parties;
    expect(alice.latest!.state).toMatchObject({ version: 3n, deposits: [6n * USDC, 3n * USDC, USDC] });

    // Pipelined: alice's payments to bob and carol are in flight together, each built on the last.
    const unit = USDC / 100n;
    await Promise.all(Array.from({ length: 300 }, (_, i) => alice.pay(unit, i % 2 === 0 ? 1 : 2)));
    await bob.pay(2n * USDC, 2);
    const last = await carol.pay(USDC / 2n, 0);

    expect(last.state.version).toBe(3n + 300n + 2n);
    expect(last.state.balances).toEqual([
      6n * USDC - 300n * unit + USDC / 2n,
      3n * USDC + 150n * unit - 2n * USDC,
      USDC + 150n * unit + 2n * USDC - USDC / 2n,
    ]);
    await settle();
    for (const p of parties) expect(p.latest).toEqual(last);
    expectSignedByAll(last);
  });

  it("pay() resolves only once the proposer has stored the state all three signed; the others store it too", async () => {
    const { parties, stores } = await openThree([USDC, USDC, USDC]);
    for (let i = 0; i < 30; i++) {
      const signed = await parties[i % 3].pay(1n, (i + 1) % 3);
      expect((await stores[i % 3].load(id))?.latest).toEqual(signed);
    }
    await settle();
    for (const store of stores) expect((await store.load(id))?.latest?.state.version).toBe(3n + 30n);
  });

  it("two participants proposing at once: the lower index wins, the other fails with CONFLICT and succeeds on retry", async () => {
    const { parties } = await openThree([USDC, USDC, USDC]);
    const [alice, bob, carol] = parties;
    const [fromBob, fromCarol] = await Promise.allSettled([bob.pay(10n, 0), carol.pay(20n, 0)]);
    expect(fromBob.status).toBe("fulfilled");
    expect(fromCarol).toMatchObject({ status: "rejected", reason: { code: "CONFLICT" } });
    await carol.pay(20n, 0);
    await settle();
    expect(alice.latest!.state.balances).toEqual([USDC + 30n, USDC - 10n, USDC - 20n]);
    for (const p of parties) expect(p.latest).toEqual(alice.latest);
  });

  it("alice and carol refuse bob's update that takes carol's money, and nobody counts it", async () => {
    const { alice, bob, carol, funded } = await withRawBob(2, 5n);
    expect(funded.state.balances).toEqual([0n, 0n, 5n]);

    const grab: ChannelState = { ...carol.latest!.state, version: 2n, balances: [0n, 5n, 0n] };
    bob.inbox.length = 0;
    bob.propose(1, grab);
    await settle();
    expect(bob.inbox).toEqual([
      expect.objectContaining({ kind: "reject", proposer: 1, version: 2n, code: "BALANCE_DECREASE" }),
      expect.objectContaining({ kind: "reject", proposer: 1, version: 2n, code: "BALANCE_DECREASE" }),
    ]);
    expect(alice.latest!.state.version).toBe(1n);
    expect(carol.latest!.state.version).toBe(1n);

    // What carol pays bob herself is fine.
    const payment = carol.pay(2n, 1);
    await settle();
    bob.countersignProposals();
    expect((await payment).state.balances).toEqual([0n, 2n, 3n]);
    expect(alice.latest).toEqual(carol.latest);
  });

  it("an update one participant never signs is given up everywhere, and the channel goes on when it is back", async () => {
    const { alice, bob, carol } = await withRawBob(0, 10n, 200);

    // Bob goes silent: alice's payment cannot complete, and carol, who signed it, stops waiting too.
    await expect(alice.pay(4n, 2)).rejects.toMatchObject({ code: "TIMEOUT" });
    await carol.drain();
    bob.inbox.length = 0;

    const payment = alice.pay(3n, 2);
    await settle();
    bob.countersignProposals();
    // Version 2 was signed by alice and carol: it is never used again.
    expect((await payment).state).toMatchObject({ version: 3n, balances: [7n, 0n, 3n] });
    await settle();
    expect(carol.latest).toEqual(alice.latest);
  });

  it("a late signature of a version's earlier contents is ignored, not taken for a bad one", async () => {
    const { mesh, alice, bob, carol } = await withRawBob(0, 10n);

    // Bob refuses alice's first version 2 but signs it too, and that signature arrives late.
    bob.inbox.length = 0;
    const first = alice.pay(4n, 2);
    await settle();
    const proposal = bob.inbox.find((m) => m.kind === "propose");
    if (proposal?.kind !== "propose") throw new Error("no proposal reached bob");
    mesh[1].send({ kind: "reject", channelId: id, version: 2n, proposer: 0, code: "REJECTED", reason: "no" });
    await expect(first).rejects.toMatchObject({ code: "REJECTED" });
    bob.inbox.length = 0;
    const second = alice.pay(3n, 2);
    await settle();
    const digest = crypto.digest(proposal.state);
    mesh[1].send({
      kind: "accept",
      channelId: id,
      signer: 1,
      version: 2n,
      signature: signers[1].sign(proposal.state, digest),
      digest: `0x${Buffer.from(digest).toString("hex")}`,
    });
    await settle();
    bob.countersignProposals();
    expect((await second).state.balances).toEqual([7n, 0n, 3n]);
    await settle();
    expect(carol.latest).toEqual(alice.latest);
  });

  it("a participant asked to sign a second state at a version it already signed refuses", async () => {
    const { bob, alice, carol, funded } = await withRawBob(0, 10n);
    // Alice and carol sign alice's version 2; bob refuses it, so it fails everywhere.
    await refusedByBob(bob, alice.pay(4n, 2), 0);
    const other: ChannelState = { ...funded.state, version: 2n };
    bob.inbox.length = 0;
    bob.propose(1, other);
    await settle();
    expect(bob.inbox).toEqual([
      expect.objectContaining({ kind: "reject", proposer: 1, version: 2n, code: "CONFLICT" }),
      expect.objectContaining({ kind: "reject", proposer: 1, version: 2n, code: "CONFLICT" }),
    ]);
    // The same state one version up (a gap after the failed version 2) is signed by both.
    bob.inbox.length = 0;
    bob.propose(1, { ...other, version: 3n });
    await settle();
    expect(bob.inbox).toEqual([
      expect.objectContaining({ kind: "accept", version: 3n }),
      expect.objectContaining({ kind: "accept", version: 3n }),
    ]);
    expect(alice.latest!.state.version).toBe(3n);
    expect(carol.latest).toEqual(alice.latest);
  });

  it("the highest version signed survives a restart from LevelDB: a restarted participant still refuses", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kairos-channel-"));
    try {
      let store = await LevelChannelStore.open(dir);
      const { bob, alice, carol, funded, ledger } = await withRawBob(0, 10n, 5_000, store);
      await refusedByBob(bob, alice.pay(4n, 2), 0);
      await carol.stop();
      await store.close();

      // Carol restarts from her store; the test speaks for alice and bob on a fresh mesh.
      store = await LevelChannelStore.open(dir);
      const mesh = memoryTransportMesh(3);
      const carolAgain = await member(2, mesh[2], ledger, store);
      expect(carolAgain.latest).toEqual(funded);
      const others = rawMember(mesh[1]);
      others.propose(1, { ...funded.state, version: 2n });
      await until(() => others.inbox.length > 0);
      expect(others.inbox).toEqual([
        expect.objectContaining({ kind: "reject", proposer: 1, version: 2n, code: "CONFLICT" }),
      ]);
      others.inbox.length = 0;
      others.propose(1, { ...funded.state, version: 3n });
      // Carol's signature leaves once her LevelDB write is done.
      await until(() => others.inbox.length > 0);
      expect(others.inbox).toEqual([expect.objectContaining({ kind: "accept", signer: 2, version: 3n })]);
      await carolAgain.stop();
      await store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("after a cooperative close none of the three signs again", async () => {
    const { parties } = await openThree([2n * USDC, USDC, 0n]);
    const [, bob, carol] = parties;
    await bob.pay(USDC / 4n, 2);
    const { final } = await carol.close();
    expect(final.state).toMatchObject({ isFinal: true, balances: [2n * USDC, (3n * USDC) / 4n, USDC / 4n] });
    expectSignedByAll(final);
    await settle();
    for (const p of parties) {
      expect(p.isFinal).toBe(true);
      await expect(p.pay(1n, (p.me + 1) % 3)).rejects.toMatchObject({ code: "FINALIZED" });
    }
  });
});
