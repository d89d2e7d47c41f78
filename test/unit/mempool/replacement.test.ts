import { describe, expect, it } from "vitest";
import { hashOf, makePool, RICH, signedTx, signer } from "./fixtures.js";

const alice = signer(1);

async function poolWith(maxFee: bigint, tip: bigint, priceBumpPercent?: bigint) {
  const setup = makePool(priceBumpPercent === undefined ? {} : { priceBumpPercent });
  setup.state.set(alice.address, { balance: RICH });
  const original = signedTx(alice, { nonce: 0n, maxFee, tip });
  await setup.pool.add(original);
  return { ...setup, original };
}

describe("replace-by-fee", () => {
  it("replaces when both the fee cap and the tip rise by exactly 10%", async () => {
    const { pool, events, original } = await poolWith(10_000n, 1_000n);
    const replacement = signedTx(alice, { nonce: 0n, maxFee: 11_000n, tip: 1_100n });
    await pool.add(replacement);
    expect(pool.has(hashOf(original))).toBe(false);
    expect(pool.get(hashOf(replacement))?.maxFee).toBe(11_000n);
    expect(pool.status()).toEqual({ pending: 1, queued: 0 });
    expect(events.replaced).toEqual([[hashOf(original), hashOf(replacement)]]);
    expect(events.pending).toEqual([hashOf(original), hashOf(replacement)]);
  });

  it("refuses a 9.99% bump of the fee cap", async () => {
    const { pool, original } = await poolWith(10_000n, 1_000n);
    const replacement = signedTx(alice, { nonce: 0n, maxFee: 10_999n, tip: 1_100n });
    await expect(pool.add(replacement)).rejects.toMatchObject({
      code: "REPLACEMENT_UNDERPRICED",
      message: "replacement transaction underpriced",
    });
    expect(pool.has(hashOf(original))).toBe(true);
  });

  it("refuses a 9.99% bump of the tip", async () => {
    const { pool } = await poolWith(100_000n, 10_000n);
    const replacement = signedTx(alice, { nonce: 0n, maxFee: 110_000n, tip: 10_999n });
    await expect(pool.add(replacement)).rejects.toMatchObject({ code: "REPLACEMENT_UNDERPRICED" });
  });

  it("refuses a bump of only the fee cap, or only the tip", async () => {
    const { pool, original } = await poolWith(10_000n, 1_000n);
    await expect(
      pool.add(signedTx(alice, { nonce: 0n, maxFee: 20_000n, tip: 1_000n })),
    ).rejects.toMatchObject({
      code: "REPLACEMENT_UNDERPRICED",
    });
    await expect(
      pool.add(signedTx(alice, { nonce: 0n, maxFee: 10_000n, tip: 2_000n })),
    ).rejects.toMatchObject({
      code: "REPLACEMENT_UNDERPRICED",
    });
    expect(pool.contentFrom(alice.address).pending["0"].hash).toBe(hashOf(original));
  });

  it("applies the same rule to legacy gas prices", async () => {
    const setup = makePool();
    setup.state.set(alice.address, { balance: RICH });
    await setup.pool.add(signedTx(alice, { nonce: 0n, maxFee: 1_000n, type: 0 }));
    await expect(
      setup.pool.add(signedTx(alice, { nonce: 0n, maxFee: 1_099n, type: 0 })),
    ).rejects.toMatchObject({
      code: "REPLACEMENT_UNDERPRICED",
    });
    await setup.pool.add(signedTx(alice, { nonce: 0n, maxFee: 1_100n, type: 0 }));
    expect(setup.pool.stats().pending).toBe(1);
  });

  it("honours a configured price bump", async () => {
    const { pool } = await poolWith(1_000n, 100n, 25n);
    await expect(pool.add(signedTx(alice, { nonce: 0n, maxFee: 1_249n, tip: 125n }))).rejects.toMatchObject({
      code: "REPLACEMENT_UNDERPRICED",
    });
    await pool.add(signedTx(alice, { nonce: 0n, maxFee: 1_250n, tip: 125n }));
  });

  it("replaces a queued transaction in place, keeping it queued", async () => {
    const { pool, events } = await poolWith(10_000n, 1_000n);
    const queued = signedTx(alice, { nonce: 2n, maxFee: 10_000n, tip: 1_000n });
    await pool.add(queued);
    const replacement = signedTx(alice, { nonce: 2n, maxFee: 11_000n, tip: 1_100n });
    await pool.add(replacement);
    expect(pool.status()).toEqual({ pending: 1, queued: 1 });
    expect(events.replaced).toEqual([[hashOf(queued), hashOf(replacement)]]);
    expect(events.pending).not.toContain(hashOf(replacement));
  });

  it("demotes later nonces when a replacement costs more than the balance still covers", async () => {
    const setup = makePool();
    const gas = 21_000n;
    setup.state.set(alice.address, { balance: 2n * (gas * 10_000n + 1n) });
    await setup.pool.add(signedTx(alice, { nonce: 0n, maxFee: 10_000n, tip: 1_000n }));
    await setup.pool.add(signedTx(alice, { nonce: 1n, maxFee: 10_000n, tip: 1_000n }));
    expect(setup.pool.status()).toEqual({ pending: 2, queued: 0 });
    await setup.pool.add(signedTx(alice, { nonce: 0n, maxFee: 11_000n, tip: 1_100n }));
    expect(setup.pool.status()).toEqual({ pending: 1, queued: 1 });
  });
});
