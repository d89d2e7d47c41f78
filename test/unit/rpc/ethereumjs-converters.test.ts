/** Converting real @ethereumjs transactions and blocks gives what viem reads from the same bytes. */
import { createBlock } from "@ethereumjs/block";
import { createCustomCommon, Hardfork, Mainnet } from "@ethereumjs/common";
import { createFeeMarket1559Tx, createLegacyTx } from "@ethereumjs/tx";
import { bytesToHex, getAddress, hexToBytes, keccak256, parseTransaction } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { chainBlock, chainTransaction } from "../../../src/rpc/ethereumjs.js";
import { formatBlock, formatTransaction } from "../../../src/rpc/format.js";

const KEY = `0x${"42".repeat(32)}` as const;
/** Converted addresses are checksummed, as viem shows them. */
const SENDER = privateKeyToAccount(KEY).address;
const common = createCustomCommon({ chainId: 7007 }, Mainnet, { hardfork: Hardfork.Prague });
const TO = "0x0000000000000000000000000000000000000b0b";

describe("ethereumjs converters", () => {
  it("converts a signed EIP-1559 transaction as viem parses its bytes", () => {
    const tx = createFeeMarket1559Tx(
      {
        nonce: 3n,
        to: TO,
        value: 5n,
        gasLimit: 21_000n,
        maxFeePerGas: 2_000_000_000n,
        maxPriorityFeePerGas: 7n,
        data: "0x01ff",
        accessList: [{ address: TO, storageKeys: [`0x${"00".repeat(31)}01`] }],
      },
      { common },
    ).sign(hexToBytes(KEY));
    const converted = chainTransaction(tx);
    const viewed = parseTransaction(bytesToHex(tx.serialize()) as `0x02${string}`);
    expect(converted.hash).toBe(keccak256(tx.serialize()));
    expect(converted.from).toBe(SENDER);
    expect(converted).toMatchObject({
      type: 2,
      chainId: 7007n,
      to: getAddress(TO),
      nonce: 3n,
      gas: 21_000n,
      value: 5n,
      input: "0x01ff",
      maxFeePerGas: 2_000_000_000n,
      maxPriorityFeePerGas: 7n,
      r: BigInt(viewed.r!),
      s: BigInt(viewed.s!),
      yParity: viewed.yParity,
      accessList: viewed.accessList?.map((item) => ({ ...item, address: getAddress(item.address) })),
    });
    const rpc = formatTransaction(converted, undefined);
    expect(rpc.r).toBe(`0x${BigInt(viewed.r!).toString(16)}`);
  });

  it("recovers an EIP-155 legacy transaction's chain id from v", () => {
    const tx = createLegacyTx({ nonce: 0n, to: TO, gasLimit: 21_000n, gasPrice: 9n }, { common }).sign(
      hexToBytes(KEY),
    );
    const converted = chainTransaction(tx, SENDER as `0x${string}`);
    expect(converted).toMatchObject({ type: 0, chainId: 7007n, gasPrice: 9n });
    expect([7007n * 2n + 35n, 7007n * 2n + 36n]).toContain(converted.v);
    expect(converted.yParity).toBeUndefined();
    expect(converted.accessList).toBeUndefined();
  });

  it("converts a block header and its transactions", () => {
    const tx = createFeeMarket1559Tx(
      { nonce: 0n, to: TO, gasLimit: 21_000n, maxFeePerGas: 10n ** 9n, maxPriorityFeePerGas: 1n },
      { common },
    ).sign(hexToBytes(KEY));
    const block = createBlock(
      {
        header: { number: 4n, gasLimit: 30_000_000n, timestamp: 1_700_000_000n, baseFeePerGas: 7n },
        transactions: [tx],
      },
      { common },
    );
    const converted = chainBlock(block);
    expect(converted).toMatchObject({
      number: 4n,
      hash: bytesToHex(block.hash()),
      baseFeePerGas: 7n,
      timestamp: 1_700_000_000n,
      size: BigInt(block.serialize().length),
      transactionsRoot: bytesToHex(block.header.transactionsTrie),
    });
    expect(converted.transactions[0].hash).toBe(keccak256(tx.serialize()));
    const rpc = formatBlock(converted, false);
    expect(rpc.transactions).toEqual([converted.transactions[0].hash]);
    expect(rpc.withdrawalsRoot).toMatch(/^0x[0-9a-f]{64}$/);
  });
});
