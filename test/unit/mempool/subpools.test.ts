import type { Address } from "viem";
import { describe, expect, it } from "vitest";
import { TxPool } from "../../../src/mempool/txPool.js";
import {
  CHAIN_ID,
  ethereumjsRecovery,
  GWEI,
  hashOf,
  MemoryState,
  makePool,
  RICH,
  signedTx,
  signer,
} from "./fixtures.js";

const alice = signer(1);
const bob = signer(2);
const COST = 21_000n * 10n * GWEI + 1n; // one default transaction: gas * fee cap + value

describe("pending and queued sub-pools", () => {
  it("queues a transaction behind a nonce gap and promotes it when the gap fills", async () => {
    const { pool, state, events } = makePool();
    state.set(alice.address, { nonce: 5n, balance: RICH });
    const tx5 = signedTx(alice, { nonce: 5n });
    const tx7 = signedTx(alice, { nonce: 7n });
    const tx6 = signedTx(alice, { nonce: 6n });
    await pool.add(tx5);
    await pool.add(tx7);
    expect(pool.status()).toEqual({ pending: 1, queued: 1 });
    expect(events.pending).toEqual([hashOf(tx5)]);
    expect(pool.pendingNonceOf(alice.address)).toBe(6n);

    await pool.add(tx6);
    expect(pool.status()).toEqual({ pending: 3, queued: 0 });
    expect(events.pending).toEqual([hashOf(tx5), hashOf(tx6), hashOf(tx7)]);
    expect(pool.pendingNonceOf(alice.address)).toBe(8n);
  });

  it("queues a first transaction whose nonce is ahead of the account", async () => {
    const { pool, state, events } = makePool();
    state.set(alice.address, { nonce: 0n, balance: RICH });
    await pool.add(signedTx(alice, { nonce: 1n }));
    expect(pool.status()).toEqual({ pending: 0, queued: 1 });
    expect(events.pending).toEqual([]);
    expect(await pool.pendingNonce(alice.address)).toBe(0n);
  });

  it("queues what the balance cannot cover after the earlier nonces, and promotes it when funds arrive", async () => {
    const { pool, state, events } = makePool();
    state.set(alice.address, { balance: 2n * COST });
    await pool.add(signedTx(alice, { nonce: 0n }));
    await pool.add(signedTx(alice, { nonce: 1n }));
    const third = signedTx(alice, { nonce: 2n });
    await pool.add(third);
    expect(pool.status()).toEqual({ pending: 2, queued: 1 });
    expect(events.pending).not.toContain(hashOf(third));

    // A block pays alice; the account's nonce is unchanged.
    pool.applyFinalized({ baseFee: 0n, accounts: [[alice.address, { nonce: 0n, balance: 3n * COST }]] });
    expect(pool.status()).toEqual({ pending: 3, queued: 0 });
    expect(events.pending.at(-1)).toBe(hashOf(third));
  });

  it("removes included transactions and promotes the next nonces when a block finalizes", async () => {
    const { pool, state, events } = makePool();
    state.set(alice.address, { balance: RICH });
    const txs = [0n, 1n, 3n].map((nonce) => signedTx(alice, { nonce }));
    for (const tx of txs) await pool.add(tx);
    expect(pool.status()).toEqual({ pending: 2, queued: 1 });

    // The block included nonces 0 and 1 and another node's nonce 2 for alice.
    state.set(alice.address, { nonce: 3n, balance: RICH - 3n * COST });
    await pool.onFinalized({
      baseFee: 0n,
      touched: [alice.address],
      included: [hashOf(txs[0]), hashOf(txs[1])],
    });
    expect(pool.status()).toEqual({ pending: 1, queued: 0 });
    expect(events.included).toEqual([hashOf(txs[0]), hashOf(txs[1])]);
    expect(events.pending.at(-1)).toBe(hashOf(txs[2]));
    expect(pool.has(hashOf(txs[0]))).toBe(false);
    expect(pool.pendingNonceOf(alice.address)).toBe(4n);
  });

  it("drops a pooled transaction as stale when another transaction with its nonce was finalized", async () => {
    const { pool, state, events } = makePool();
    state.set(alice.address, { balance: RICH });
    const ours = signedTx(alice, { nonce: 0n });
    await pool.add(ours);
    state.set(alice.address, { nonce: 1n });
    await pool.onFinalized({ baseFee: 0n, touched: [alice.address], included: [] });
    expect(events.dropped).toEqual([[hashOf(ours), "stale"]]);
    expect(pool.size).toBe(0);
    expect(pool.stats().senders).toBe(0);
  });

  it("demotes pending transactions to queued when the balance falls", async () => {
    const { pool, state } = makePool();
    state.set(alice.address, { balance: RICH });
    for (const nonce of [0n, 1n, 2n]) await pool.add(signedTx(alice, { nonce }));
    expect(pool.status()).toEqual({ pending: 3, queued: 0 });

    state.set(alice.address, { balance: COST });
    await pool.onFinalized({ baseFee: 0n, touched: "all" });
    expect(pool.status()).toEqual({ pending: 1, queued: 2 });
    expect(pool.pendingNonceOf(alice.address)).toBe(1n);
    expect([...pool.best()].map((tx) => tx.nonce)).toEqual([0n]);
  });

  it("announces a transaction as pending only once across demotion and promotion", async () => {
    const { pool, state, events } = makePool();
    state.set(alice.address, { balance: RICH });
    const tx = signedTx(alice, { nonce: 0n });
    await pool.add(tx);
    pool.applyFinalized({ baseFee: 0n, accounts: [[alice.address, { nonce: 0n, balance: 0n }]] });
    expect(pool.status()).toEqual({ pending: 0, queued: 1 });
    pool.applyFinalized({ baseFee: 0n, accounts: [[alice.address, { nonce: 0n, balance: RICH }]] });
    expect(pool.status()).toEqual({ pending: 1, queued: 0 });
    expect(events.pending).toEqual([hashOf(tx)]);
  });

  it("ignores accounts it holds nothing for and leaves other senders alone", async () => {
    const { pool, state } = makePool();
    state.set(alice.address, { balance: RICH });
    await pool.add(signedTx(alice, { nonce: 0n }));
    pool.applyFinalized({ baseFee: 0n, accounts: [[bob.address, { nonce: 9n, balance: 0n }]] });
    expect(pool.status()).toEqual({ pending: 1, queued: 0 });
    expect(pool.pendingNonceOf(bob.address)).toBeUndefined();
  });

  it("re-reads an account when a block finalizes while the account is being read", async () => {
    const state = new MemoryState();
    state.set(alice.address, { nonce: 0n, balance: RICH });
    // The first read answers with the pre-block state only after the block has finalized.
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const reads: bigint[] = [];
    const slowState = {
      nonce: async (address: Address) => {
        const nonce = state.nonce(address);
        reads.push(nonce);
        if (reads.length === 1) await gate;
        return nonce;
      },
      balance: (address: Address) => state.balance(address),
    };
    const racing = new TxPool({
      options: { chainId: CHAIN_ID },
      state: slowState,
      recovery: ethereumjsRecovery,
    });
    const adding = racing.add(signedTx(alice, { nonce: 0n }));
    await new Promise((resolve) => setTimeout(resolve, 0));
    state.set(alice.address, { nonce: 1n });
    await racing.onFinalized({ baseFee: 0n, touched: [alice.address] });
    release();
    await expect(adding).rejects.toMatchObject({ code: "NONCE_TOO_LOW" });
    expect(reads).toEqual([0n, 1n]);
    expect(racing.size).toBe(0);
  });

  it("removes a transaction on request and queues the sender's later nonces behind the gap", async () => {
    const { pool, state, events } = makePool();
    state.set(alice.address, { balance: RICH });
    const txs = [0n, 1n, 2n].map((nonce) => signedTx(alice, { nonce }));
    for (const tx of txs) await pool.add(tx);
    expect(pool.remove(hashOf(txs[1]))).toBe(true);
    expect(pool.remove(hashOf(txs[1]))).toBe(false);
    expect(events.dropped).toEqual([[hashOf(txs[1]), "removed"]]);
    expect(pool.status()).toEqual({ pending: 1, queued: 1 });
    expect(pool.pendingNonceOf(alice.address)).toBe(1n);
    // Refilling the gap promotes the rest again.
    await pool.add(signedTx(alice, { nonce: 1n, maxFee: 20n * GWEI }));
    expect(pool.status()).toEqual({ pending: 3, queued: 0 });
  });

  it("refreshes the senders of included transactions even when the update does not name them", async () => {
    const { pool, state, events } = makePool();
    state.set(alice.address, { balance: RICH });
    const tx = signedTx(alice, { nonce: 0n });
    await pool.add(tx);
    state.set(alice.address, { nonce: 1n });
    await pool.onFinalized({ baseFee: 0n, touched: [], included: [hashOf(tx)] });
    expect(events.included).toEqual([hashOf(tx)]);
    expect(pool.size).toBe(0);
  });

  it("accepts one of two concurrent submissions of the same transaction", async () => {
    const { pool, state } = makePool();
    state.set(alice.address, { balance: RICH });
    const tx = signedTx(alice, { nonce: 0n });
    const results = await Promise.allSettled([pool.add(tx), pool.add(tx)]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: "ALREADY_KNOWN" });
    expect(pool.size).toBe(1);
  });
});
