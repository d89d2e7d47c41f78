import { describe, expect, it } from "vitest";
import type { PoolTransaction } from "../../../src/mempool/types.js";
import { GWEI, hashOf, makePool, RICH, signedTx, signer } from "./fixtures.js";

const [alice, bob, carol] = [1, 2, 3].map(signer);
const names = new Map([alice, bob, carol].map((who, i) => [who.address, ["alice", "bob", "carol"][i]]));

function labels(txs: Iterable<PoolTransaction>): string[] {
  return [...txs].map((tx) => `${names.get(tx.sender)}:${tx.nonce}`);
}

function fundedPool(options: Parameters<typeof makePool>[0] = {}) {
  const setup = makePool(options);
  for (const who of [alice, bob, carol]) setup.state.set(who.address, { balance: RICH });
  return setup;
}

describe("best transactions for a block", () => {
  it("orders senders by effective tip, min(maxPriorityFee, maxFee - baseFee)", async () => {
    const { pool } = fundedPool();
    await pool.add(signedTx(alice, { maxFee: 100n * GWEI, tip: 3n * GWEI }));
    await pool.add(signedTx(bob, { maxFee: 100n * GWEI, tip: 5n * GWEI }));
    // A large tip but little headroom over the base fee: effective tip 6 at base fee 4, 1 at base fee 9.
    await pool.add(signedTx(carol, { maxFee: 10n * GWEI, tip: 8n * GWEI }));
    expect(labels(pool.best(4n * GWEI))).toEqual(["carol:0", "bob:0", "alice:0"]);
    expect(labels(pool.best(9n * GWEI))).toEqual(["bob:0", "alice:0", "carol:0"]);
  });

  it("keeps nonce order within a sender whatever the later nonces pay", async () => {
    const { pool } = fundedPool();
    await pool.add(signedTx(alice, { nonce: 0n, maxFee: 1n * GWEI }));
    await pool.add(signedTx(alice, { nonce: 1n, maxFee: 100n * GWEI }));
    await pool.add(signedTx(bob, { nonce: 0n, maxFee: 50n * GWEI }));
    await pool.add(signedTx(bob, { nonce: 1n, maxFee: 2n * GWEI }));
    expect(labels(pool.best(0n))).toEqual(["bob:0", "bob:1", "alice:0", "alice:1"]);
  });

  it("offers nothing more from a sender the builder skips", async () => {
    const { pool } = fundedPool();
    for (const nonce of [0n, 1n, 2n]) await pool.add(signedTx(alice, { nonce, maxFee: 10n * GWEI }));
    await pool.add(signedTx(bob, { nonce: 0n, maxFee: 5n * GWEI }));
    const best = pool.best(0n);
    const taken: string[] = [];
    for (const tx of best) {
      taken.push(`${names.get(tx.sender)}:${tx.nonce}`);
      if (tx.sender === alice.address && tx.nonce === 0n) best.skipSender(alice.address.toUpperCase());
    }
    expect(taken).toEqual(["alice:0", "bob:0"]);
  });

  it("breaks equal tips by arrival", async () => {
    const { pool } = fundedPool();
    await pool.add(signedTx(carol, { maxFee: 10n * GWEI }));
    await pool.add(signedTx(alice, { maxFee: 10n * GWEI }));
    await pool.add(signedTx(bob, { maxFee: 10n * GWEI }));
    expect(labels(pool.best(0n))).toEqual(["carol:0", "alice:0", "bob:0"]);
  });

  it("leaves queued transactions out", async () => {
    const { pool } = fundedPool();
    await pool.add(signedTx(alice, { nonce: 0n }));
    await pool.add(signedTx(alice, { nonce: 2n }));
    expect(labels(pool.best())).toEqual(["alice:0"]);
  });

  it("works on a snapshot: the pool may change while a block is built", async () => {
    const { pool } = fundedPool();
    await pool.add(signedTx(alice, { nonce: 0n }));
    const best = pool.best(0n);
    await pool.add(signedTx(bob, { nonce: 0n, maxFee: 100n * GWEI }));
    pool.applyFinalized({ baseFee: 0n, accounts: [[alice.address, { nonce: 1n, balance: RICH }]] });
    expect(labels(best)).toEqual(["alice:0"]);
  });
});

describe("base-fee parking", () => {
  it("keeps a transaction below the base fee but does not offer it, nor its sender's later nonces", async () => {
    const { pool, events } = fundedPool({ baseFee: 10n * GWEI });
    const parked = signedTx(alice, { nonce: 0n, maxFee: 8n * GWEI, tip: 1n * GWEI });
    await pool.add(parked);
    await pool.add(signedTx(alice, { nonce: 1n, maxFee: 50n * GWEI, tip: 1n * GWEI }));
    await pool.add(signedTx(bob, { nonce: 0n, maxFee: 20n * GWEI, tip: 1n * GWEI }));
    expect(pool.status()).toEqual({ pending: 3, queued: 0 });
    expect(pool.stats().parked).toBe(2);
    expect(events.pending).toContain(hashOf(parked));
    expect(labels(pool.best())).toEqual(["bob:0"]);

    // The base fee falls: the parked transactions are offered again.
    pool.applyFinalized({ baseFee: 7n * GWEI, accounts: [] });
    expect(pool.stats().parked).toBe(0);
    expect(labels(pool.best())).toEqual(["alice:0", "alice:1", "bob:0"]);
  });

  it("parks pooled transactions when the base fee rises", async () => {
    const { pool } = fundedPool();
    await pool.add(signedTx(alice, { maxFee: 5n * GWEI }));
    expect(labels(pool.best())).toEqual(["alice:0"]);
    pool.applyFinalized({ baseFee: 6n * GWEI, accounts: [] });
    expect(labels(pool.best())).toEqual([]);
    expect(pool.size).toBe(1);
  });

  it("prices legacy transactions by gas price minus base fee", async () => {
    const { pool } = fundedPool({ baseFee: 10n * GWEI });
    await pool.add(signedTx(alice, { maxFee: 13n * GWEI, type: 0 }));
    await pool.add(signedTx(bob, { maxFee: 100n * GWEI, tip: 2n * GWEI }));
    await pool.add(signedTx(carol, { maxFee: 9n * GWEI, type: 1 }));
    expect(labels(pool.best())).toEqual(["alice:0", "bob:0"]);
  });
});
