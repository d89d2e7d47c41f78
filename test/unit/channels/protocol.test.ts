import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MessageChannel } from "node:worker_threads";
import type { Hex } from "viem";
import { afterEach, describe, expect, it } from "vitest";
import { Channel } from "../../../src/channels/channel.js";
import type { StateSigner } from "../../../src/channels/crypto.js";
import { LevelChannelStore } from "../../../src/channels/levelStore.js";
import { MemoryDepositLedger } from "../../../src/channels/memoryLedger.js";
import type { ChannelMessage } from "../../../src/channels/messages.js";
import { portTransport } from "../../../src/channels/portTransport.js";
import { prefundState } from "../../../src/channels/state.js";
import { MemoryChannelStore } from "../../../src/channels/store.js";
import { type ChannelTransport, memoryTransportPair } from "../../../src/channels/transport.js";
import type { ChannelState } from "../../../src/channels/types.js";
import { connectWsTransport, listenWsTransport } from "../../../src/channels/wsTransport.js";
import { domain, params, USDC } from "./fixtures.js";
import { aliceSigner, bobSigner, carolSigner, channelFor, crypto, id, openFunded } from "./parties.js";

type Pair = [ChannelTransport, ChannelTransport];
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const transports: Record<string, () => Promise<Pair>> = {
  memory: async () => memoryTransportPair(),
  messageport: async () => {
    const { port1, port2 } = new MessageChannel();
    cleanups.push(async () => {
      port1.close();
      port2.close();
    });
    return [portTransport(port1), portTransport(port2)];
  },
  websocket: async () => {
    const listener = await listenWsTransport({ host: "127.0.0.1", port: 0 });
    cleanups.push(() => listener.close());
    const [client, server] = await Promise.all([
      connectWsTransport(`ws://127.0.0.1:${listener.port}`),
      listener.accept(),
    ]);
    cleanups.push(() => client.close());
    return [client, server];
  },
};

/** A bare endpoint that lets the test speak for alice, byte by byte, to a real bob. */
function rawPeer(transport: ChannelTransport) {
  const inbox: ChannelMessage[] = [];
  const waiters: Array<() => void> = [];
  transport.onMessage((m) => {
    inbox.push(m);
    waiters.shift()?.();
  });
  return {
    async propose(state: ChannelState, signature: Hex = aliceSigner.sign(state, crypto.digest(state))) {
      transport.send({ kind: "propose", channelId: id, proposer: 0, state, signature });
      while (inbox.length === 0) await new Promise<void>((r) => waiters.push(r));
      return inbox.shift()!;
    },
  };
}

describe.each(Object.keys(transports))("update protocol over the %s transport", (kind) => {
  it("1,000 payments end with both sides holding the same countersigned state", async () => {
    const [a, b] = await openFunded(await transports[kind](), 10n * USDC);
    const payments = Array.from({ length: 1000 }, () => a.pay(USDC / 1000n));
    const results = await Promise.all(payments);
    expect(results.at(-1)!.state.version).toBe(1001n);
    expect(a.latest!.state.balances).toEqual([9n * USDC, USDC]);
    expect(b.latest).toEqual(a.latest);
    const digest = crypto.digest(b.latest!.state);
    expect(crypto.recover(digest, b.latest!.sigs[0])).toBe(aliceSigner.address.toLowerCase());
    expect(crypto.recover(digest, b.latest!.sigs[1])).toBe(bobSigner.address.toLowerCase());
  });

  it("bob refuses a bad signature, a replayed version, an overspend and anything after a final state", async () => {
    const [aliceEnd, bobEnd] = await transports[kind]();
    const ledger = new MemoryDepositLedger();
    const bob = await channelFor(1, bobEnd, new MemoryChannelStore(), ledger);
    const alice = rawPeer(aliceEnd);
    const pre = prefundState(id, 2);

    const forged = await alice.propose(pre, carolSigner.sign(pre, crypto.digest(pre)));
    expect(forged).toMatchObject({ kind: "reject", code: "BAD_SIGNATURE" });
    expect(await alice.propose(pre)).toMatchObject({ kind: "accept", version: 0n });
    expect(await alice.propose(pre)).toMatchObject({ kind: "reject", code: "STALE_VERSION" });

    // A deposit nobody can see on-chain is not accounted.
    const funded: ChannelState = { ...pre, version: 1n, balances: [5n, 0n], deposits: [5n, 0n] };
    expect(await alice.propose(funded)).toMatchObject({ kind: "reject", code: "DEPOSITS_CHANGED" });
    ledger.credit(id, 0, 5n);
    expect(await alice.propose(funded)).toMatchObject({ kind: "accept", version: 1n });

    // Paying bob 6 out of 5: on the wire that is bob credited more than alice is debited.
    const overspend: ChannelState = { ...funded, version: 2n, balances: [0n, 6n] };
    expect(await alice.propose(overspend)).toMatchObject({ kind: "reject", code: "CONSERVATION" });
    // Money may not move towards the proposer.
    const grab: ChannelState = { ...funded, version: 2n, balances: [6n, 0n], deposits: [5n, 1n] };
    expect(await alice.propose(grab)).toMatchObject({ kind: "reject", code: "BALANCE_DECREASE" });
    // Versions may skip (a failed update's version is never proposed again).
    const pay: ChannelState = { ...funded, version: 4n, balances: [3n, 2n] };
    expect(await alice.propose(pay)).toMatchObject({ kind: "accept", version: 4n });
    const clawback: ChannelState = { ...funded, version: 5n, balances: [4n, 1n] };
    expect(await alice.propose(clawback)).toMatchObject({ kind: "reject", code: "BALANCE_DECREASE" });

    const final: ChannelState = { ...pay, version: 5n, isFinal: true };
    expect(await alice.propose(final)).toMatchObject({ kind: "accept", version: 5n });
    expect(bob.isFinal).toBe(true);
    const after: ChannelState = { ...pay, version: 6n, balances: [2n, 3n] };
    expect(await alice.propose(after)).toMatchObject({ kind: "reject", code: "FINALIZED" });
    await expect(bob.pay(1n)).rejects.toMatchObject({ code: "FINALIZED" });
  });

  it("after a cooperative close neither side signs again", async () => {
    const [a, b] = await openFunded(await transports[kind](), 10n * USDC);
    await expect(a.pay(11n * USDC)).rejects.toMatchObject({ code: "OVERSPEND" });
    await a.pay(3n * USDC);
    const { final } = await a.close();
    expect(final.state).toMatchObject({ isFinal: true, balances: [7n * USDC, 3n * USDC] });
    expect(b.latest).toEqual(final);
    await expect(a.pay(1n)).rejects.toMatchObject({ code: "FINALIZED" });
    await expect(b.pay(1n)).rejects.toMatchObject({ code: "FINALIZED" });
  });
});

describe("pipelined payments", () => {
  it("the payee answers a long stream as it goes: the first payment completes before it has countersigned the last", async () => {
    // A MessagePort hands everything queued over in one go; the payee still lets its acknowledgements
    // out every few updates instead of after the whole stream (the two sides then work at once).
    const [a, b] = await openFunded(await transports.messageport(), 10n * USDC);
    const payments = Array.from({ length: 64 }, () => a.pay(1n));
    const countersignedWhenFirstDone = await payments[0].then(() => b.latest!.state.version);
    const last = (await Promise.all(payments)).at(-1)!.state.version;
    expect(countersignedWhenFirstDone).toBeLessThan(last);
    expect(b.latest).toEqual(a.latest);
  });
});

describe("persistence before acknowledgement", () => {
  it("every acknowledged update is in the payee's LevelDB store, and a restarted payee carries on from it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kairos-channel-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const aliceStore = new MemoryChannelStore();
    let bobStore = await LevelChannelStore.open(dir);
    const [a, b] = await openFunded(memoryTransportPair(), 10n * USDC, [aliceStore, bobStore]);
    for (let i = 0; i < 50; i++) {
      const signed = await a.pay(USDC / 10n);
      // Alice holds bob's countersignature only because bob had stored this state first.
      expect((await bobStore.load(id))?.latest?.state.version).toBe(signed.state.version);
    }
    await b.stop();
    await a.stop();
    await bobStore.close();

    bobStore = await LevelChannelStore.open(dir);
    cleanups.push(() => bobStore.close());
    const [aliceEnd, bobEnd] = memoryTransportPair();
    const a2 = await channelFor(0, aliceEnd, aliceStore);
    const b2 = await channelFor(1, bobEnd, bobStore);
    expect(b2.latest).toEqual(a.latest);
    expect(b2.balance).toBe(5n * USDC);
    await a2.pay(USDC);
    expect(b2.latest!.state.balances).toEqual([4n * USDC, 6n * USDC]);
    expect((await bobStore.load(id))?.latest?.state.version).toBe(b2.latest!.state.version);
  });

  it("a payer that lost its last acknowledgements resyncs from the payee's reject", async () => {
    const aliceStore = new MemoryChannelStore();
    const [a, b] = await openFunded(memoryTransportPair(), 10n * USDC, [
      aliceStore,
      new MemoryChannelStore(),
    ]);
    await a.pay(USDC);
    const stale = (await aliceStore.load(id))!;
    await a.pay(3n * USDC);
    await a.stop();
    await b.stop();
    // Alice comes back from an older copy of her store; bob still has version 3. Her next payment takes
    // a version above any she signed, but built on version 2 it would take back what bob got in 3.
    const oldStore = new MemoryChannelStore();
    await oldStore.save(id, stale);
    const [aliceEnd, bobEnd] = memoryTransportPair();
    const a2 = await channelFor(0, aliceEnd, oldStore);
    const b2 = await channelFor(
      1,
      bobEnd,
      (b as unknown as { options: { store: MemoryChannelStore } }).options.store,
    );
    await expect(a2.pay(USDC)).rejects.toMatchObject({ code: "REJECTED" });
    await new Promise((r) => setImmediate(r));
    expect(a2.latest).toEqual(b2.latest);
    await a2.pay(USDC);
    expect(b2.latest!.state.balances).toEqual([5n * USDC, 5n * USDC]);
  });
});

describe("both sides paying at once", () => {
  it("participant 0's update wins, participant 1's fails with CONFLICT and succeeds on retry", async () => {
    const [a, b] = await openFunded(memoryTransportPair(), 10n * USDC);
    await a.pay(5n * USDC);
    const [fromAlice, fromBob] = await Promise.allSettled([a.pay(USDC), b.pay(2n * USDC)]);
    expect(fromAlice.status).toBe("fulfilled");
    expect(fromBob).toMatchObject({ status: "rejected", reason: { code: "CONFLICT" } });
    await b.pay(2n * USDC);
    expect(a.latest!.state.balances).toEqual([6n * USDC, 4n * USDC]);
    expect(b.latest).toEqual(a.latest);
  });
});

/** Every state each signer signed, by version: a version with two digests is what must never happen. */
function signingLog() {
  const signed = new Map<string, Map<bigint, Set<string>>>();
  const record = (inner: StateSigner): StateSigner => ({
    address: inner.address,
    sign(state, digest) {
      const mine = signed.get(inner.address) ?? new Map<bigint, Set<string>>();
      signed.set(inner.address, mine);
      const digests = mine.get(state.version) ?? new Set<string>();
      mine.set(state.version, digests.add(Buffer.from(digest).toString("hex")));
      return inner.sign(state, digest);
    },
  });
  const versionsSignedTwice = () =>
    [...signed.values()].flatMap((byVersion) => [...byVersion].filter(([, d]) => d.size > 1).map(([v]) => v));
  return { record, versionsSignedTwice };
}

describe("versions are never reused", () => {
  it("after a timeout whose countersignature was produced but lost, the next payment takes a higher version", async () => {
    const [aliceEnd, bobEnd] = memoryTransportPair();
    let dropAccepts = false;
    // Bob's countersignatures leave his side but, while dropAccepts is set, never reach alice.
    const lossyBobEnd: ChannelTransport = {
      send: (m) => (dropAccepts && m.kind === "accept" ? undefined : bobEnd.send(m)),
      onMessage: (h) => bobEnd.onMessage(h),
      close: () => bobEnd.close(),
    };
    const log = signingLog();
    const ledger = new MemoryDepositLedger();
    const party = (me: 0 | 1, transport: ChannelTransport, signer: StateSigner) =>
      Channel.create({
        params,
        domain,
        me,
        signer: log.record(signer),
        crypto,
        transport,
        store: new MemoryChannelStore(),
        depositLedger: ledger,
        timeoutMs: 200,
      });
    const a = await party(0, aliceEnd, aliceSigner);
    const b = await party(1, lossyBobEnd, bobSigner);
    await a.open(0n);
    ledger.credit(id, 0, 10n);
    await a.fund(10n);

    dropAccepts = true;
    await expect(a.pay(4n)).rejects.toMatchObject({ code: "TIMEOUT" });
    dropAccepts = false;
    // Bob countersigned version 2 and holds it signed by both; alice gave it up.
    expect(b.latest!.state).toMatchObject({ version: 2n, balances: [6n, 4n] });
    expect(a.latest!.state.version).toBe(1n);

    // Alice's next payment goes above version 2; built on version 1, bob refuses it and alice resyncs.
    await expect(a.pay(3n)).rejects.toMatchObject({ code: "REJECTED", data: { version: 3n } });
    await new Promise((r) => setImmediate(r));
    expect(a.latest).toEqual(b.latest);
    const paid = await a.pay(3n);
    expect(paid.state).toMatchObject({ version: 4n, balances: [3n, 7n] });
    expect(b.latest).toEqual(paid);
    expect(log.versionsSignedTwice()).toEqual([]);
  });
});

describe("the payer's side", () => {
  it("refuses a countersignature that is not the payee's, and the payment fails", async () => {
    const [aliceEnd, bobEnd] = memoryTransportPair();
    const alice = await channelFor(0, aliceEnd);
    bobEnd.onMessage((m) => {
      if (m.kind !== "propose") return;
      const signer = m.state.version === 0n ? bobSigner : carolSigner;
      bobEnd.send({
        kind: "accept",
        channelId: id,
        signer: 1,
        version: m.state.version,
        signature: signer.sign(m.state, crypto.digest(m.state)),
      });
    });
    await alice.open(0n);
    expect(alice.latest?.state.version).toBe(0n);
    await expect(alice.close()).rejects.toMatchObject({ code: "BAD_SIGNATURE" });
    expect(alice.latest?.state.version).toBe(0n);
  });

  it("once it has signed a final state it signs nothing else, even after a restart", async () => {
    const [aliceEnd, bobEnd] = memoryTransportPair();
    const store = new MemoryChannelStore();
    const ledger = new MemoryDepositLedger();
    const alice = await channelFor(0, aliceEnd, store, ledger);
    const bobStore = new MemoryChannelStore();
    const bob = await channelFor(1, bobEnd, bobStore, ledger);
    await alice.open(0n);
    ledger.credit(id, 0, 10n);
    await alice.fund(10n);
    await bob.stop(); // bob goes silent: the final state will never be countersigned
    await expect(alice.close()).rejects.toMatchObject({ code: "CLOSED_TRANSPORT" });
    const [again, bobAgain] = memoryTransportPair();
    const restarted = await channelFor(0, again, store, ledger);
    await channelFor(1, bobAgain, bobStore, ledger);
    await expect(restarted.pay(1n)).rejects.toMatchObject({ code: "FINALIZED" });
    // Closing again offers the very final state it signed before, which bob now countersigns.
    const { final } = await restarted.close();
    expect(final.state).toMatchObject({ version: 2n, isFinal: true, balances: [10n, 0n] });
  });
});
