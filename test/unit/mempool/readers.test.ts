import { getAddress } from "viem";
import { describe, expect, it } from "vitest";
import { GWEI, hashOf, makePool, RECIPIENT, RICH, signedTx, signer } from "./fixtures.js";

const [alice, bob] = [1, 2].map(signer);

async function populated() {
  const setup = makePool();
  setup.state.set(alice.address, { nonce: 4n, balance: RICH });
  setup.state.set(bob.address, { nonce: 0n, balance: RICH });
  const txs = {
    a4: signedTx(alice, { nonce: 4n, maxFee: 2n * GWEI, value: 7n }),
    a5: signedTx(alice, { nonce: 5n }),
    a9: signedTx(alice, { nonce: 9n }),
    b3: signedTx(bob, { nonce: 3n, maxFee: 3n * GWEI, type: 0 }),
  };
  for (const tx of Object.values(txs)) await setup.pool.add(tx);
  return { ...setup, txs };
}

describe("readers for RPC", () => {
  it("answers txpool_status", async () => {
    const { pool } = await populated();
    expect(pool.status()).toEqual({ pending: 2, queued: 2 });
  });

  it("answers txpool_content in geth's layout: sub-pool, checksummed sender, nonce", async () => {
    const { pool, txs } = await populated();
    const content = pool.content();
    expect(Object.keys(content.pending)).toEqual([getAddress(alice.address)]);
    expect(Object.keys(content.pending[getAddress(alice.address)])).toEqual(["4", "5"]);
    expect(content.pending[getAddress(alice.address)]["4"].hash).toBe(hashOf(txs.a4));
    expect(Object.keys(content.queued).sort()).toEqual(
      [getAddress(alice.address), getAddress(bob.address)].sort(),
    );
    expect(content.queued[getAddress(alice.address)]["9"].hash).toBe(hashOf(txs.a9));
    expect(content.queued[getAddress(bob.address)]["3"].tx).toBe(txs.b3);
  });

  it("answers txpool_contentFrom for one sender, and empty sub-pools for a stranger", async () => {
    const { pool } = await populated();
    const from = pool.contentFrom(getAddress(alice.address));
    expect(Object.keys(from.pending)).toEqual(["4", "5"]);
    expect(Object.keys(from.queued)).toEqual(["9"]);
    expect(pool.contentFrom(signer(99).address)).toEqual({ pending: {}, queued: {} });
  });

  it("answers txpool_inspect with geth's summary lines", async () => {
    const { pool } = await populated();
    const inspect = pool.inspect();
    expect(inspect.pending[getAddress(alice.address)]["4"]).toBe(
      `${getAddress(RECIPIENT)}: 7 wei + 21000 gas × 2000000000 wei`,
    );
    expect(inspect.queued[getAddress(bob.address)]["3"]).toBe(
      `${getAddress(RECIPIENT)}: 1 wei + 21000 gas × 3000000000 wei`,
    );
  });

  it("gives the pending nonce for eth_getTransactionCount, from the final state when the pool has nothing", async () => {
    const { pool, state } = await populated();
    expect(await pool.pendingNonce(alice.address)).toBe(6n);
    expect(await pool.pendingNonce(bob.address)).toBe(0n);
    state.set(signer(7).address, { nonce: 12n });
    expect(await pool.pendingNonce(signer(7).address)).toBe(12n);
  });

  it("finds a transaction by hash, in either case", async () => {
    const { pool, txs } = await populated();
    expect(pool.get(hashOf(txs.a9))?.nonce).toBe(9n);
    expect(pool.get(hashOf(txs.a9).toUpperCase().replace("0X", "0x") as `0x${string}`)?.nonce).toBe(9n);
    expect(pool.get(`0x${"00".repeat(32)}`)).toBeUndefined();
  });
});

describe("local transactions", () => {
  it("hands local pending transactions back for re-broadcast once per interval, until they leave", async () => {
    let now = 1_000;
    const { pool, state } = makePool({ rebroadcastIntervalMs: 5_000 }, () => now);
    state.set(alice.address, { balance: RICH });
    state.set(bob.address, { balance: RICH });
    const local = signedTx(alice, { nonce: 0n });
    await pool.add(local, { local: true });
    await pool.add(signedTx(alice, { nonce: 2n }), { local: true }); // queued: not re-broadcast
    await pool.add(signedTx(bob, { nonce: 0n })); // remote: not re-broadcast
    expect(pool.stats().locals).toBe(2);

    now = 5_999;
    expect(pool.localsDue()).toEqual([]);
    now = 6_000;
    expect(pool.localsDue().map((tx) => tx.hash)).toEqual([hashOf(local)]);
    now = 8_000;
    expect(pool.localsDue()).toEqual([]);
    now = 11_000;
    expect(pool.localsDue().map((tx) => tx.hash)).toEqual([hashOf(local)]);

    pool.applyFinalized({ baseFee: 0n, accounts: [[alice.address, { nonce: 1n, balance: RICH }]] });
    now = 20_000;
    expect(pool.localsDue()).toEqual([]);
    expect(pool.stats().locals).toBe(1);
  });
});
