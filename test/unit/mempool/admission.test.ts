import { createCustomCommon, Hardfork, Mainnet } from "@ethereumjs/common";
import { createEOACode7702Tx, createFeeMarket1559Tx, createLegacyTx } from "@ethereumjs/tx";
import { hexToBytes } from "viem";
import { beforeEach, describe, expect, it } from "vitest";
import { MempoolError } from "../../../src/mempool/errors.js";
import { TxPool } from "../../../src/mempool/txPool.js";
import { CHAIN_ID, common, GWEI, hashOf, makePool, RECIPIENT, RICH, signedTx, signer } from "./fixtures.js";

const alice = signer(1);

/** Adding must fail with this code and message prefix, and leave the pool and its events untouched. */
async function expectRejected(
  setup: ReturnType<typeof makePool>,
  add: Promise<unknown>,
  code: string,
  message: string,
): Promise<void> {
  const before = {
    content: setup.pool.content(),
    stats: setup.pool.stats(),
    events: structuredClone(setup.events),
  };
  const error = await add.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MempoolError);
  expect((error as MempoolError).code).toBe(code);
  expect((error as MempoolError).message.startsWith(message)).toBe(true);
  expect((error as MempoolError).rpcCode).toBe(-32000);
  expect(setup.pool.content()).toEqual(before.content);
  expect(setup.pool.stats()).toEqual(before.stats);
  expect(setup.events).toEqual(before.events);
}

describe("entry checks", () => {
  let setup: ReturnType<typeof makePool>;
  beforeEach(async () => {
    setup = makePool({ minFeeCap: GWEI, maxTxBytes: 4096, blockGasLimit: 1_000_000n });
    setup.state.set(alice.address, { nonce: 3n, balance: RICH });
    // One transaction in the pool already, so "changes nothing" covers existing content too.
    await setup.pool.add(signedTx(alice, { nonce: 3n }));
  });

  it("accepts legacy EIP-155, EIP-2930 and EIP-1559 transactions", async () => {
    await setup.pool.add(signedTx(alice, { nonce: 4n, type: 0 }));
    await setup.pool.add(signedTx(alice, { nonce: 5n, type: 1 }));
    await setup.pool.add(signedTx(alice, { nonce: 6n, type: 2 }));
    expect(setup.pool.status()).toEqual({ pending: 4, queued: 0 });
  });

  it("rejects a duplicate as already known", async () => {
    const tx = signedTx(alice, { nonce: 4n });
    await setup.pool.add(tx);
    await expectRejected(setup, setup.pool.add(tx), "ALREADY_KNOWN", "already known");
  });

  it("rejects a nonce below the account's final nonce", async () => {
    await expectRejected(
      setup,
      setup.pool.add(signedTx(alice, { nonce: 2n })),
      "NONCE_TOO_LOW",
      "nonce too low",
    );
  });

  it("rejects a transaction whose cost exceeds the balance", async () => {
    const bob = signer(2);
    setup.state.set(bob.address, { balance: 21_000n * 10n * GWEI });
    const tx = signedTx(bob, { maxFee: 10n * GWEI, value: 1n });
    await expectRejected(
      setup,
      setup.pool.add(tx),
      "INSUFFICIENT_FUNDS",
      "insufficient funds for gas * price + value",
    );
    // Exactly enough is enough.
    await setup.pool.add(signedTx(bob, { maxFee: 10n * GWEI, value: 0n }));
  });

  it("rejects gas below the intrinsic cost and below the EIP-7623 calldata floor", async () => {
    await expectRejected(
      setup,
      setup.pool.add(signedTx(alice, { nonce: 4n, gasLimit: 20_999n })),
      "INTRINSIC_GAS_TOO_LOW",
      "intrinsic gas too low",
    );
    // 1,000 zero bytes: intrinsic 25,000, floor 31,000.
    await expectRejected(
      setup,
      setup.pool.add(signedTx(alice, { nonce: 4n, gasLimit: 26_000n, data: new Uint8Array(1000) })),
      "FLOOR_DATA_GAS_TOO_LOW",
      "insufficient gas for floor data gas cost",
    );
  });

  it("rejects a fee cap below the configured minimum", async () => {
    await expectRejected(
      setup,
      setup.pool.add(signedTx(alice, { nonce: 4n, maxFee: GWEI - 1n, tip: 0n })),
      "UNDERPRICED",
      "transaction underpriced",
    );
    await setup.pool.add(signedTx(alice, { nonce: 4n, maxFee: GWEI, tip: 0n }));
  });

  it("rejects another chain's transaction and an unprotected legacy one", async () => {
    const otherChain = createCustomCommon({ chainId: 1 }, Mainnet, { hardfork: Hardfork.Prague });
    const foreign = createFeeMarket1559Tx(
      { nonce: 4n, to: RECIPIENT, gasLimit: 21_000n, maxFeePerGas: 10n * GWEI, chainId: 1n },
      { common: otherChain },
    ).sign(hexToBytes(alice.key));
    await expectRejected(setup, setup.pool.add(foreign), "INVALID_CHAIN_ID", "invalid chain id");
    const foreignLegacy = createLegacyTx(
      { nonce: 4n, to: RECIPIENT, gasLimit: 21_000n, gasPrice: 10n * GWEI },
      { common: otherChain },
    ).sign(hexToBytes(alice.key));
    await expectRejected(setup, setup.pool.add(foreignLegacy), "INVALID_CHAIN_ID", "invalid chain id");
    const preEip155 = createCustomCommon({ chainId: Number(CHAIN_ID) }, Mainnet, {
      hardfork: Hardfork.TangerineWhistle,
    });
    const unprotected = createLegacyTx(
      { nonce: 4n, to: RECIPIENT, gasLimit: 21_000n, gasPrice: 10n * GWEI },
      { common: preEip155 },
    ).sign(hexToBytes(alice.key));
    await expectRejected(
      setup,
      setup.pool.add(unprotected),
      "UNPROTECTED_TRANSACTION",
      "only replay-protected (EIP-155) transactions allowed over RPC",
    );
  });

  it("rejects an unsigned transaction and a signature the recovery refuses as invalid sender", async () => {
    const unsigned = createFeeMarket1559Tx(
      { nonce: 4n, to: RECIPIENT, gasLimit: 21_000n, maxFeePerGas: 10n * GWEI, chainId: CHAIN_ID },
      { common },
    );
    await expectRejected(setup, setup.pool.add(unsigned), "INVALID_SENDER", "invalid sender");
    const tx = signedTx(alice, { nonce: 4n });
    const strict = new TxPool({
      options: { chainId: CHAIN_ID },
      state: setup.state,
      recovery: {
        recover: () => {
          throw new Error("invalid signature");
        },
      },
    });
    await expect(strict.add(tx)).rejects.toMatchObject({
      code: "INVALID_SENDER",
      message: "invalid sender: invalid signature",
    });
    expect(strict.size).toBe(0);
  });

  it("rejects oversized data, gas above the block gas limit and unsupported types", async () => {
    await expectRejected(
      setup,
      setup.pool.add(signedTx(alice, { nonce: 4n, gasLimit: 200_000n, data: new Uint8Array(5000).fill(1) })),
      "OVERSIZED_DATA",
      "oversized data",
    );
    await expectRejected(
      setup,
      setup.pool.add(signedTx(alice, { nonce: 4n, gasLimit: 1_000_001n })),
      "GAS_LIMIT_EXCEEDED",
      "exceeds block gas limit",
    );
    const setCode = createEOACode7702Tx(
      {
        nonce: 4n,
        to: RECIPIENT,
        gasLimit: 100_000n,
        maxFeePerGas: 10n * GWEI,
        authorizationList: [
          { chainId: "0x0", address: RECIPIENT, nonce: "0x0", yParity: "0x0", r: "0x01", s: "0x01" },
        ],
      },
      { common },
    ).sign(hexToBytes(alice.key));
    await expectRejected(
      setup,
      setup.pool.add(setCode),
      "TX_TYPE_NOT_SUPPORTED",
      "transaction type not supported",
    );
  });

  it("reports the accepted transaction by hash", async () => {
    const tx = signedTx(alice, { nonce: 4n });
    const pooled = await setup.pool.add(tx);
    expect(pooled.hash).toBe(hashOf(tx));
    expect(setup.pool.get(pooled.hash)?.sender).toBe(alice.address);
    expect(setup.pool.has(pooled.hash)).toBe(true);
  });
});
