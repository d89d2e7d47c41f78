import { createCustomCommon, Hardfork, Mainnet } from "@ethereumjs/common";
import { createLegacyTx, createTxFromRLP, type TypedTransaction } from "@ethereumjs/tx";
import {
  bytesToHex,
  hexToBytes,
  keccak256,
  recoverTransactionAddress,
  type TransactionSerializable,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, describe, expect, it } from "vitest";
import { nativeCustomCrypto } from "../../../src/crypto/customCrypto.js";
import { SenderRecoveryError } from "../../../src/crypto/errors.js";
import { recoverSender } from "../../../src/crypto/sender.js";
import { SenderCache } from "../../../src/crypto/senderCache.js";
import {
  createSenderRecoveryPool,
  recoverSenders,
  SenderRecovery,
} from "../../../src/crypto/senderRecovery.js";

const CHAIN_ID = 7777;
const common = createCustomCommon({ chainId: CHAIN_ID }, Mainnet, { hardfork: Hardfork.Prague });
// Anvil's and Hardhat's well-known dev keys.
const accounts = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
].map((key) => privateKeyToAccount(key as `0x${string}`));

const pool = createSenderRecoveryPool(2);
afterAll(() => pool.close());

function unsigned(kind: "legacy" | "eip2930" | "eip1559", nonce: number): TransactionSerializable {
  const base = {
    chainId: CHAIN_ID,
    nonce,
    to: accounts[0].address,
    value: 1_000n + BigInt(nonce),
    gas: 21_000n,
  };
  if (kind === "legacy") return { ...base, type: "legacy", gasPrice: 7n };
  if (kind === "eip2930") return { ...base, type: "eip2930", gasPrice: 7n, accessList: [] };
  return { ...base, type: "eip1559", maxFeePerGas: 9n, maxPriorityFeePerGas: 2n };
}

async function signedTxs(count: number): Promise<{ raw: `0x${string}`; tx: TypedTransaction }[]> {
  const kinds = ["legacy", "eip2930", "eip1559"] as const;
  return Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const raw = await accounts[index % accounts.length].signTransaction(unsigned(kinds[index % 3], index));
      return { raw, tx: createTxFromRLP(hexToBytes(raw), { common }) };
    }),
  );
}

describe("recoverSender", () => {
  it("equals viem's recovered address for legacy, EIP-2930 and EIP-1559 transactions", async () => {
    for (const { raw, tx } of await signedTxs(9)) {
      const expected = await recoverTransactionAddress({ serializedTransaction: raw as never });
      const sender = recoverSender(tx);
      expect(sender.address).toBe(expected.toLowerCase());
      expect(sender.publicKey).toHaveLength(64);
      // The transaction's own cache now holds the key, so @ethereumjs does not recover it again.
      expect(tx.getSenderAddress().toString()).toBe(expected.toLowerCase());
    }
  });

  it("rejects a high-s signature (EIP-2) with a typed error", () => {
    // @ethereumjs refuses to build a high-s transaction after Homestead, so make one under Chainstart,
    // as a peer could still hand us such a signature.
    const frontier = createCustomCommon({ chainId: CHAIN_ID }, Mainnet, { hardfork: Hardfork.Chainstart });
    const low = createLegacyTx(
      { nonce: 0n, gasPrice: 7n, gasLimit: 21_000n, to: accounts[0].address, value: 1n },
      {
        common: frontier,
      },
    ).sign(hexToBytes("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"));
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const high = createLegacyTx(
      { ...low.toJSON(), s: n - low.s!, v: low.v === 27n ? 28n : 27n },
      { common: frontier },
    );
    expect(() => recoverSender(high)).toThrowError(SenderRecoveryError);
    expect(() => recoverSender(high)).toThrowError(expect.objectContaining({ code: "HIGH_S" }));
    // The low-s twin recovers the signer.
    expect(recoverSender(low).address).toBe(accounts[0].address.toLowerCase());
  });

  it("rejects a signature that recovers no key, and an unsigned transaction", () => {
    // No point on secp256k1 has x = 5, so r = 5 recovers nothing.
    const garbage = createLegacyTx(
      { nonce: 0n, gasPrice: 7n, gasLimit: 21_000n, v: 27n, r: 5n, s: 1n },
      {
        common: createCustomCommon({ chainId: CHAIN_ID }, Mainnet, { hardfork: Hardfork.Chainstart }),
      },
    );
    expect(() => recoverSender(garbage)).toThrowError(expect.objectContaining({ code: "INVALID_SIGNATURE" }));
    const unsignedTx = createLegacyTx({ nonce: 0n, gasPrice: 7n, gasLimit: 21_000n }, { common });
    expect(() => recoverSender(unsignedTx)).toThrowError(expect.objectContaining({ code: "UNSIGNED" }));
  });
});

describe("recoverSenders over worker threads", () => {
  it("gives the same senders as recovering one by one, in order", async () => {
    const txs = await signedTxs(60);
    const sequential = txs.map(
      ({ tx }) => recoverSender(createTxFromRLP(tx.serialize(), { common })).address,
    );
    const fresh = txs.map(({ tx }) => createTxFromRLP(tx.serialize(), { common }));
    const parallel = await recoverSenders(fresh, pool);
    expect(parallel.map((result) => (result.ok ? result.sender.address : result.error.code))).toEqual(
      sequential,
    );
  });

  it("fails only the transaction with a bad signature", async () => {
    const txs = (await signedTxs(6)).map(({ tx }) => tx);
    const broken = createLegacyTx(
      { nonce: 0n, gasPrice: 7n, gasLimit: 21_000n, v: 27n, r: 5n, s: 1n },
      {
        common: createCustomCommon({ chainId: CHAIN_ID }, Mainnet, { hardfork: Hardfork.Chainstart }),
      },
    );
    const results = await recoverSenders([...txs.slice(0, 3), broken, ...txs.slice(3)], pool);
    expect(results.map((result) => result.ok)).toEqual([true, true, true, false, true, true, true]);
    expect(results[3]).toMatchObject({ ok: false, error: { code: "INVALID_SIGNATURE" } });
  });
});

describe("SenderRecovery with its cache", () => {
  it("recovers a transaction once from RPC entry to block verification", async () => {
    const cache = new SenderCache(1_000);
    const recovery = new SenderRecovery({ cache, pool, parallelThreshold: 4 });
    const txs = await signedTxs(12);
    const atEntry = recovery.recover(txs[0].tx);
    expect(cache.size).toBe(1);
    // The block carries a fresh decoding of the same bytes; the cached sender is reused by hash.
    const blockTxs = txs.map(({ raw }) => createTxFromRLP(hexToBytes(raw), { common }));
    const results = await recovery.recoverMany(blockTxs);
    expect(cache.size).toBe(12);
    expect(results[0]).toEqual({ ok: true, sender: atEntry });
    for (const [index, result] of results.entries()) {
      const expected = await recoverTransactionAddress({ serializedTransaction: txs[index].raw as never });
      expect(result.ok && result.sender.address).toBe(expected.toLowerCase());
    }
  });

  it("evicts the least recently used sender when full", async () => {
    const cache = new SenderCache(2);
    const recovery = new SenderRecovery({ cache });
    const [a, b, c] = (await signedTxs(3)).map(({ tx }) => tx);
    recovery.recover(a);
    recovery.recover(b);
    recovery.recover(a); // a is now more recent than b
    recovery.recover(c);
    expect(cache.get(bytesToHex(b.hash()))).toBeUndefined();
    expect(cache.get(bytesToHex(a.hash()))).toBeDefined();
    expect(cache.get(bytesToHex(c.hash()))).toBeDefined();
  });
});

describe("nativeCustomCrypto", () => {
  it("gives @ethereumjs native keccak256 and ecrecover with the same results", async () => {
    const crypto = nativeCustomCrypto();
    const data = new TextEncoder().encode("kairos");
    expect(bytesToHex(crypto.keccak256!(data))).toBe(keccak256(data));
    const nativeCommon = createCustomCommon({ chainId: CHAIN_ID }, Mainnet, {
      hardfork: Hardfork.Prague,
      customCrypto: crypto,
    });
    for (const { raw } of await signedTxs(6)) {
      const tx = createTxFromRLP(hexToBytes(raw), { common: nativeCommon });
      const expected = await recoverTransactionAddress({ serializedTransaction: raw as never });
      expect(tx.getSenderAddress().toString()).toBe(expected.toLowerCase());
      expect(bytesToHex(tx.hash())).toBe(keccak256(raw));
    }
  });

  it("throws on a v that is neither a parity nor 27/28, as the ECRECOVER precompile expects", () => {
    const crypto = nativeCustomCrypto();
    expect(() =>
      crypto.ecrecover!(new Uint8Array(32), 29n, new Uint8Array([1]), new Uint8Array([1])),
    ).toThrow();
  });
});
