import { RLP } from "@ethereumjs/rlp";
import { bigIntToUnpaddedBytes, bytesToBigInt } from "@ethereumjs/util";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { bytesToHex, concat, hexToBytes, keccak256 } from "viem";
import { describe, expect, it } from "vitest";
import { BlockExecution } from "../../../src/execution/block-execution.js";
import { createKairosCommon } from "../../../src/execution/chain.js";
import { InvalidTransactionError, type TxErrorCode } from "../../../src/execution/errors.js";
import { decodeTransaction } from "../../../src/execution/tx-validation.js";
import { devKeys, ethAddress, FEE_RECIPIENT, openChain, signTx, testGenesis } from "./helpers.js";

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const TO = "0x00000000000000000000000000000000000000bb";

async function setup(gasLimit?: number) {
  const chain = await openChain(undefined, testGenesis(undefined, gasLimit));
  const parent = chain.finalHead.header;
  const execution = await BlockExecution.begin(chain.context, parent.stateRoot, {
    parentHash: parent.hash(),
    number: 1n,
    gasLimit: parent.gasLimit,
    baseFeePerGas: parent.baseFeePerGas,
    coinbase: ethAddress(FEE_RECIPIENT),
    timestamp: 1n,
  });
  /** Decode and apply `raw`; return the error it must raise. */
  const reject = async (raw: Uint8Array): Promise<InvalidTransactionError> => {
    try {
      await execution.apply(decodeTransaction(raw, chain.common));
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidTransactionError);
      return error as InvalidTransactionError;
    }
    throw new Error("transaction was accepted");
  };
  const stateRoot = async () => bytesToHex((await execution.finish()).stateRoot);
  return {
    chain,
    common: chain.common,
    execution,
    reject,
    stateRoot,
    parentRoot: bytesToHex(parent.stateRoot),
  };
}

/** A signed EIP-1559 transaction assembled by hand, for fields EthereumJS refuses to construct. */
function handSigned1559(chainId: bigint, nonce: bigint, privateKey: Uint8Array, gas = 21_000n): Uint8Array {
  const fields = [chainId, nonce, 1_000_000_000n, 3_000_000_000n, gas].map(bigIntToUnpaddedBytes);
  const body = [...fields, hexToBytes(TO), new Uint8Array(0), new Uint8Array(0), []];
  const unsigned = concat([new Uint8Array([2]), RLP.encode(body)]);
  const signature = secp256k1.sign(hexToBytes(keccak256(unsigned)), privateKey, {
    prehash: false,
    format: "recovered",
  });
  const recovery = signature[0];
  const r = bytesToBigInt(signature.subarray(1, 33));
  const s = bytesToBigInt(signature.subarray(33, 65));
  const signed = [
    ...body,
    bigIntToUnpaddedBytes(BigInt(recovery)),
    bigIntToUnpaddedBytes(r),
    bigIntToUnpaddedBytes(s),
  ];
  return concat([new Uint8Array([2]), RLP.encode(signed)]);
}

/** Replace the signature of a typed transaction (its last three fields). */
function withSignature(raw: Uint8Array, yParity: bigint, r: bigint, s: bigint): Uint8Array {
  const fields = RLP.decode(raw.subarray(1)) as Uint8Array[];
  const replaced = [...fields.slice(0, -3), ...[yParity, r, s].map(bigIntToUnpaddedBytes)];
  return concat([raw.subarray(0, 1), RLP.encode(replaced)]);
}

describe("transaction validation", () => {
  const cases: [string, TxErrorCode, string, (ctx: Awaited<ReturnType<typeof setup>>) => Uint8Array][] = [
    [
      "EIP-1559 for another chain",
      "INVALID_CHAIN_ID",
      "invalid chain id for signer",
      () => signTx(createKairosCommon(1n), devKeys[0], { to: TO, nonce: 0n }).serialize(),
    ],
    [
      "legacy signed for another chain",
      "INVALID_CHAIN_ID",
      "invalid chain id for signer",
      () => signTx(createKairosCommon(1n), devKeys[0], { to: TO, nonce: 0n, type: 0 }).serialize(),
    ],
    [
      "bad signature (r out of range)",
      "INVALID_SIGNATURE",
      "invalid transaction v, r, s values",
      ({ common }) => {
        const tx = signTx(common, devKeys[0], { to: TO, nonce: 0n });
        return withSignature(tx.serialize(), 0n, N + 5n, tx.s ?? 1n);
      },
    ],
    [
      "high-s signature (EIP-2)",
      "INVALID_SIGNATURE",
      "invalid transaction v, r, s values",
      ({ common }) => {
        const tx = signTx(common, devKeys[0], { to: TO, nonce: 0n });
        return withSignature(tx.serialize(), 1n - (tx.v ?? 0n), tx.r ?? 0n, N - (tx.s ?? 0n));
      },
    ],
    [
      "bytes after the encoding",
      "TRAILING_BYTES",
      "rlp: input contains more than one value",
      ({ common }) =>
        concat([signTx(common, devKeys[0], { to: TO, nonce: 0n }).serialize(), new Uint8Array([0x80])]),
    ],
    [
      "nonce too high",
      "NONCE_TOO_HIGH",
      "nonce too high",
      ({ common }) => signTx(common, devKeys[0], { to: TO, nonce: 7n }).serialize(),
    ],
    [
      "nonce 2^64-1 (EIP-2681)",
      "NONCE_MAX",
      "nonce has max value",
      ({ common }) => handSigned1559(common.chainId(), 2n ** 64n - 1n, devKeys[0].privateKey),
    ],
    [
      "value + gas above the balance",
      "INSUFFICIENT_FUNDS",
      "insufficient funds for gas * price + value",
      ({ common }) =>
        signTx(common, devKeys[0], { to: TO, nonce: 0n, value: 10_000n * 10n ** 18n }).serialize(),
    ],
    [
      "gas below the intrinsic cost",
      "INTRINSIC_GAS_TOO_LOW",
      "intrinsic gas too low",
      ({ common }) => signTx(common, devKeys[0], { to: TO, nonce: 0n, gasLimit: 20_999n }).serialize(),
    ],
    [
      "max fee below the base fee",
      "FEE_CAP_BELOW_BASE_FEE",
      "max fee per gas less than block base fee",
      ({ common }) =>
        signTx(common, devKeys[0], {
          to: TO,
          nonce: 0n,
          maxFeePerGas: 999_999_999n,
          maxPriorityFeePerGas: 0n,
        }).serialize(),
    ],
    [
      "gas above 2^24 (EIP-7825)",
      "GAS_LIMIT_TOO_HIGH",
      "transaction gas limit too high",
      ({ common }) => handSigned1559(common.chainId(), 0n, devKeys[0].privateKey, 30_000_001n),
    ],
    [
      "a transaction over 128 KiB",
      "OVERSIZED_DATA",
      "oversized data",
      ({ common }) =>
        signTx(common, devKeys[0], {
          to: TO,
          nonce: 0n,
          gasLimit: 16_000_000n,
          data: bytesToHex(new Uint8Array(131_073).fill(1)),
        }).serialize(),
    ],
  ];

  for (const [name, code, message, make] of cases) {
    it(`rejects ${name} with ${code} and changes no state`, async () => {
      const ctx = await setup();
      const error = await ctx.reject(make(ctx));
      expect(error.code).toBe(code);
      expect(error.message.startsWith(message)).toBe(true);
      expect(await ctx.stateRoot()).toBe(ctx.parentRoot);
    });
  }

  it("rejects gas above the block gas limit with GAS_LIMIT_EXCEEDED and changes no state", async () => {
    const ctx = await setup(10_000_000);
    const error = await ctx.reject(
      signTx(ctx.common, devKeys[0], { to: TO, nonce: 0n, gasLimit: 10_000_001n }).serialize(),
    );
    expect(error.code).toBe("GAS_LIMIT_EXCEEDED");
    expect(error.message).toMatch(/^exceeds block gas limit/);
    expect(await ctx.stateRoot()).toBe(ctx.parentRoot);
  });

  it("rejects a nonce already used, and keeps the first transaction's effects only", async () => {
    const ctx = await setup();
    const first = signTx(ctx.common, devKeys[0], { to: TO, nonce: 0n, value: 1n });
    await ctx.execution.apply(decodeTransaction(first.serialize(), ctx.common));
    const afterFirst = await ctx.stateRoot();
    const replay = signTx(ctx.common, devKeys[0], { to: TO, nonce: 0n, value: 2n });
    const error = await ctx.reject(replay.serialize());
    expect(error.code).toBe("NONCE_TOO_LOW");
    expect(error.message).toMatch(/^nonce too low/);
    expect(await ctx.stateRoot()).toBe(afterFirst);
  });

  it("accepts legacy (EIP-155), EIP-2930 and EIP-1559 transactions", async () => {
    const ctx = await setup();
    for (const [nonce, type] of [
      [0n, 0],
      [1n, 1],
      [2n, 2],
    ] as const) {
      const tx = signTx(ctx.common, devKeys[0], { to: TO, nonce, value: 1n, type });
      const { receipt } = await ctx.execution.apply(decodeTransaction(tx.serialize(), ctx.common));
      expect(receipt.status).toBe(1);
      expect(receipt.txType).toBe(type);
    }
  });
});
