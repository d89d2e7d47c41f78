import { createCustomCommon, Hardfork, Mainnet } from "@ethereumjs/common";
import { createEOACode7702Tx, createFeeMarket1559Tx, createLegacyTx } from "@ethereumjs/tx";
import { bytesToHex, hexToBytes, keccak256 } from "viem";
import { describe, expect, it } from "vitest";
import { nativeCustomCrypto } from "../../../src/crypto/customCrypto.js";
import { decodeRawTransaction } from "../../../src/mempool/decode.js";
import { CHAIN_ID, common, GWEI, hashOf, makePool, RECIPIENT, RICH, signedTx, signer } from "./fixtures.js";

const alice = signer(1);
const otherChain = createCustomCommon({ chainId: 1 }, Mainnet, { hardfork: Hardfork.Prague });

describe("decoding raw transactions", () => {
  it("decodes our chain's legacy, EIP-2930 and EIP-1559 transactions, which the pool then takes", async () => {
    const { pool, state } = makePool();
    state.set(alice.address, { balance: RICH });
    for (const [nonce, type] of [
      [0n, 0],
      [1n, 1],
      [2n, 2],
    ] as const) {
      const signed = signedTx(alice, { nonce, type });
      const raw = signed.serialize();
      const decoded = decodeRawTransaction(raw, common);
      expect(hashOf(decoded)).toBe(hashOf(signed));
      await pool.add(decoded, { local: true, size: raw.length });
    }
    expect(pool.status()).toEqual({ pending: 3, queued: 0 });
  });

  it("names a transaction by the hash of the bytes sent, whichever keccak the chain uses", () => {
    const nativeCommon = createCustomCommon({ chainId: Number(CHAIN_ID) }, Mainnet, {
      hardfork: Hardfork.Prague,
      customCrypto: nativeCustomCrypto(),
    });
    for (const type of [0, 1, 2] as const) {
      const raw = signedTx(alice, { type }).serialize();
      for (const chainCommon of [common, nativeCommon]) {
        expect(bytesToHex(decodeRawTransaction(raw, chainCommon).hash())).toBe(keccak256(raw));
      }
    }
  });

  it("answers another chain's transaction with invalid chain id", () => {
    const typed = createFeeMarket1559Tx(
      { to: RECIPIENT, gasLimit: 21_000n, maxFeePerGas: GWEI, chainId: 1n },
      { common: otherChain },
    ).sign(hexToBytes(alice.key));
    expect(() => decodeRawTransaction(typed.serialize(), common)).toThrow(
      expect.objectContaining({
        code: "INVALID_CHAIN_ID",
        message: `invalid chain id: have 1, want ${CHAIN_ID}`,
      }),
    );
    const legacy = createLegacyTx(
      { to: RECIPIENT, gasLimit: 21_000n, gasPrice: GWEI },
      { common: otherChain },
    ).sign(hexToBytes(alice.key));
    expect(() => decodeRawTransaction(legacy.serialize(), common)).toThrow(
      expect.objectContaining({ code: "INVALID_CHAIN_ID" }),
    );
  });

  it("refuses unprotected legacy transactions, unsupported types and garbage", () => {
    const preEip155 = createCustomCommon({ chainId: Number(CHAIN_ID) }, Mainnet, {
      hardfork: Hardfork.TangerineWhistle,
    });
    const unprotected = createLegacyTx(
      { to: RECIPIENT, gasLimit: 21_000n, gasPrice: GWEI },
      { common: preEip155 },
    ).sign(hexToBytes(alice.key));
    expect(() => decodeRawTransaction(unprotected.serialize(), common)).toThrow(
      expect.objectContaining({ code: "UNPROTECTED_TRANSACTION" }),
    );
    const setCode = createEOACode7702Tx(
      {
        to: RECIPIENT,
        gasLimit: 100_000n,
        maxFeePerGas: GWEI,
        authorizationList: [
          { chainId: "0x0", address: RECIPIENT, nonce: "0x0", yParity: "0x0", r: "0x01", s: "0x01" },
        ],
      },
      { common },
    ).sign(hexToBytes(alice.key));
    expect(() => decodeRawTransaction(setCode.serialize(), common)).toThrow(
      expect.objectContaining({ code: "TX_TYPE_NOT_SUPPORTED", message: "transaction type not supported" }),
    );
    for (const raw of [new Uint8Array(), Uint8Array.of(0x02, 0x01), Uint8Array.of(0xc1, 0x80)]) {
      expect(() => decodeRawTransaction(raw, common)).toThrow(
        expect.objectContaining({ code: "INVALID_ENCODING" }),
      );
    }
    // Well-formed RLP of our chain with a bad field: the library's reason is kept.
    const good = signedTx(alice).serialize();
    const truncated = good.subarray(0, good.length - 3);
    expect(() => decodeRawTransaction(truncated, common)).toThrow(
      expect.objectContaining({ code: "INVALID_ENCODING" }),
    );
  });
});
