import { describe, expect, it } from "vitest";
import { GWEI, hashOf, makePool, RICH, signedTx, signer } from "./fixtures.js";

const [alice, bob, carol, dave] = [1, 2, 3, 4].map(signer);

function fundedPool(options: Parameters<typeof makePool>[0]) {
  const setup = makePool(options);
  for (const who of [alice, bob, carol, dave]) setup.state.set(who.address, { balance: RICH });
  return setup;
}

/** Adding must fail with "txpool is full" and change nothing. */
async function expectFull(setup: ReturnType<typeof fundedPool>, tx: ReturnType<typeof signedTx>) {
  const before = setup.pool.content();
  await expect(setup.pool.add(tx)).rejects.toMatchObject({ code: "TXPOOL_FULL", message: "txpool is full" });
  expect(setup.pool.content()).toEqual(before);
  expect(setup.events.dropped).toEqual([]);
}

describe("limits and eviction", () => {
  it("evicts queued transactions before pending ones, even better-paying ones", async () => {
    const setup = fundedPool({ maxTransactions: 3 });
    await setup.pool.add(signedTx(alice, { nonce: 0n, maxFee: 10n * GWEI }));
    await setup.pool.add(signedTx(alice, { nonce: 1n, maxFee: 10n * GWEI }));
    const queued = signedTx(bob, { nonce: 1n, maxFee: 100n * GWEI });
    await setup.pool.add(queued);
    const incoming = signedTx(carol, { nonce: 0n, maxFee: 5n * GWEI });
    await setup.pool.add(incoming);
    expect(setup.events.dropped).toEqual([[hashOf(queued), "evicted"]]);
    expect(setup.pool.status()).toEqual({ pending: 3, queued: 0 });
    expect(setup.pool.size).toBe(3);
  });

  it("evicts the cheapest sender tail among pending transactions, never opening a nonce gap", async () => {
    const setup = fundedPool({ maxTransactions: 3 });
    const cheapHead = signedTx(alice, { nonce: 0n, maxFee: 1n * GWEI });
    await setup.pool.add(cheapHead);
    await setup.pool.add(signedTx(alice, { nonce: 1n, maxFee: 50n * GWEI }));
    const carolTx = signedTx(carol, { nonce: 0n, maxFee: 5n * GWEI });
    await setup.pool.add(carolTx);
    await setup.pool.add(signedTx(dave, { nonce: 0n, maxFee: 20n * GWEI }));
    expect(setup.events.dropped).toEqual([[hashOf(carolTx), "evicted"]]);
    expect(setup.pool.has(hashOf(cheapHead))).toBe(true);
    expect(setup.pool.status()).toEqual({ pending: 3, queued: 0 });
  });

  it("refuses a transaction that pays no more than the cheapest it would evict", async () => {
    const setup = fundedPool({ maxTransactions: 2 });
    await setup.pool.add(signedTx(alice, { nonce: 0n, maxFee: 5n * GWEI }));
    await setup.pool.add(signedTx(bob, { nonce: 0n, maxFee: 7n * GWEI }));
    await expectFull(setup, signedTx(carol, { nonce: 0n, maxFee: 5n * GWEI }));
  });

  it("never evicts a pending transaction for a queued one", async () => {
    const setup = fundedPool({ maxTransactions: 2 });
    await setup.pool.add(signedTx(alice, { nonce: 0n, maxFee: 1n * GWEI }));
    await setup.pool.add(signedTx(bob, { nonce: 0n, maxFee: 1n * GWEI }));
    await expectFull(setup, signedTx(carol, { nonce: 5n, maxFee: 1000n * GWEI }));
  });

  it("evicts a parked transaction (fee cap below the base fee) before paying ones", async () => {
    const setup = fundedPool({ maxTransactions: 2, baseFee: 10n * GWEI });
    const parked = signedTx(alice, { nonce: 0n, maxFee: 8n * GWEI, tip: 8n * GWEI });
    await setup.pool.add(parked);
    await setup.pool.add(signedTx(bob, { nonce: 0n, maxFee: 11n * GWEI, tip: 1n * GWEI }));
    await setup.pool.add(signedTx(carol, { nonce: 0n, maxFee: 12n * GWEI, tip: 1n * GWEI }));
    expect(setup.events.dropped).toEqual([[hashOf(parked), "evicted"]]);
  });

  it("evicts remote transactions before local ones", async () => {
    const setup = fundedPool({ maxTransactions: 2 });
    const local = signedTx(alice, { nonce: 0n, maxFee: 1n * GWEI });
    await setup.pool.add(local, { local: true });
    const remote = signedTx(bob, { nonce: 0n, maxFee: 5n * GWEI });
    await setup.pool.add(remote);
    await setup.pool.add(signedTx(carol, { nonce: 0n, maxFee: 10n * GWEI }));
    expect(setup.events.dropped).toEqual([[hashOf(remote), "evicted"]]);
    expect(setup.pool.has(hashOf(local))).toBe(true);
  });

  it("evicts as many transactions as the byte limit needs", async () => {
    const small = signedTx(alice, { nonce: 0n, maxFee: 1n * GWEI });
    const size = small.serialize().length;
    const setup = fundedPool({ maxBytes: 3 * size + 10 });
    await setup.pool.add(small);
    await setup.pool.add(signedTx(bob, { nonce: 0n, maxFee: 2n * GWEI }));
    await setup.pool.add(signedTx(carol, { nonce: 0n, maxFee: 3n * GWEI }));
    // Twice as large with calldata: two of the three must go, the cheapest first.
    const big = signedTx(dave, {
      nonce: 0n,
      maxFee: 10n * GWEI,
      gasLimit: 60_000n,
      data: new Uint8Array(size).fill(1),
    });
    expect(big.serialize().length).toBeGreaterThan(size + 10);
    await setup.pool.add(big);
    expect(setup.events.dropped.map(([, reason]) => reason)).toEqual(["evicted", "evicted"]);
    expect(setup.events.dropped[0][0]).toBe(hashOf(small));
    expect(setup.pool.stats().bytes).toBeLessThanOrEqual(3 * size + 10);
    expect(setup.pool.size).toBe(2);
  });

  it("limits slots per sender: refuses a higher nonce, and lets a lower nonce push out the highest", async () => {
    const setup = fundedPool({ maxPerSender: 2 });
    await setup.pool.add(signedTx(alice, { nonce: 0n }));
    const far = signedTx(alice, { nonce: 2n });
    await setup.pool.add(far);
    await expect(setup.pool.add(signedTx(alice, { nonce: 3n }))).rejects.toMatchObject({
      code: "ACCOUNT_LIMIT_EXCEEDED",
      message: expect.stringMatching(/^account limit exceeded/),
    });
    await setup.pool.add(signedTx(alice, { nonce: 1n }));
    expect(setup.events.dropped).toEqual([[hashOf(far), "accountLimit"]]);
    expect(setup.pool.status()).toEqual({ pending: 2, queued: 0 });
    // A replacement needs no new slot.
    await setup.pool.add(signedTx(alice, { nonce: 1n, maxFee: 20n * GWEI }));
    expect(setup.pool.size).toBe(2);
  });

  it("keeps within the count limit under a flood from many senders", async () => {
    const setup = makePool({ maxTransactions: 10 });
    const senders = Array.from({ length: 6 }, (_, i) => signer(10 + i));
    for (const who of senders) setup.state.set(who.address, { balance: RICH });
    let fee = 1n;
    for (const who of senders) {
      for (const nonce of [0n, 1n, 2n]) {
        fee++;
        await setup.pool.add(signedTx(who, { nonce, maxFee: fee * GWEI })).catch(() => undefined);
        expect(setup.pool.size).toBeLessThanOrEqual(10);
      }
    }
    // Every sender's pending run is still gap-free: pending nonce = final nonce + pending count.
    const { pending } = setup.pool.content();
    for (const byNonce of Object.values(pending)) {
      const nonces = Object.keys(byNonce).map(Number);
      expect(nonces).toEqual(nonces.map((_, i) => i));
    }
  });

  it("lets a pending replacement that needs more bytes evict a queued transaction", async () => {
    const probe = signedTx(alice, { nonce: 0n }).serialize().length;
    const setup = fundedPool({ maxBytes: 2 * probe + 20 });
    await setup.pool.add(signedTx(alice, { nonce: 0n, maxFee: 10n * GWEI, tip: 1n * GWEI }));
    const queued = signedTx(bob, { nonce: 3n, maxFee: 50n * GWEI });
    await setup.pool.add(queued);
    const bigger = signedTx(alice, {
      nonce: 0n,
      maxFee: 11n * GWEI,
      tip: 2n * GWEI,
      gasLimit: 40_000n,
      data: new Uint8Array(40).fill(1),
    });
    await setup.pool.add(bigger);
    expect(setup.events.dropped).toEqual([[hashOf(queued), "evicted"]]);
    expect(setup.events.replaced.length).toBe(1);
    expect(setup.pool.status()).toEqual({ pending: 1, queued: 0 });
  });
});
