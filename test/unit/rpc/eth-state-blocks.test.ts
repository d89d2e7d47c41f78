/** State and chain reads: block tags, EIP-1898, formatting of blocks, transactions and receipts. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChainBlock } from "../../../src/rpc/backend.js";
import { type Harness, startHarness } from "./fixture/harness.js";

const ALICE = "0x00000000000000000000000000000000000a11ce";
const BOB = "0x0000000000000000000000000000000000000b0b";
const CONTRACT = "0x00000000000000000000000000000000000c0de1";
const SLOT_1 = `0x${"0".repeat(63)}1` as const;

let h: Harness;
let first: ChainBlock;
let second: ChainBlock;

beforeAll(async () => {
  h = await startHarness();
  h.backend.fund(ALICE, 10n ** 18n);
  h.backend.setCode(CONTRACT, "0x6001", { [SLOT_1]: `0x${"0".repeat(62)}2a` });
  first = h.backend.addBlock([]);
  h.backend.fund(ALICE, 5n * 10n ** 17n, 1n);
  second = h.backend.addBlock([{ from: ALICE, to: BOB, value: 7n }]);
});
afterAll(() => h.close());

describe("block tags", () => {
  it("reads latest, safe, finalized and pending as the last final block", async () => {
    for (const tag of ["latest", "safe", "finalized", "pending"]) {
      expect(await h.result("eth_getBalance", [ALICE, tag])).toBe("0x6f05b59d3b20000");
    }
  });

  it("reads history by number and by EIP-1898 blockHash or blockNumber", async () => {
    expect(await h.result("eth_getBalance", [ALICE, "0x1"])).toBe("0xde0b6b3a7640000");
    expect(await h.result("eth_getBalance", [ALICE, { blockHash: first.hash }])).toBe("0xde0b6b3a7640000");
    expect(await h.result("eth_getBalance", [ALICE, { blockHash: first.hash, requireCanonical: true }])).toBe(
      "0xde0b6b3a7640000",
    );
    expect(await h.result("eth_getBalance", [ALICE, { blockNumber: "0x1" }])).toBe("0xde0b6b3a7640000");
    expect(await h.result("eth_getBalance", [ALICE, "earliest"])).toBe("0x0");
  });

  it("answers header not found for a block past the head or an unknown hash", async () => {
    expect((await h.call("eth_getBalance", [ALICE, "0x99"])).error).toEqual({
      code: -32000,
      message: "header not found",
    });
    expect((await h.call("eth_getBalance", [ALICE, { blockHash: `0x${"11".repeat(32)}` }])).error).toEqual({
      code: -32000,
      message: "header for hash not found",
    });
  });

  it("rejects malformed tags with -32602", async () => {
    for (const tag of ["newest", "0x", "12", { blockHash: "0x12" }, { blockHash: first.hash, extra: 1 }]) {
      const response = await h.call("eth_getBalance", [ALICE, tag]);
      expect(response.error?.code, JSON.stringify(tag)).toBe(-32602);
      expect(response.error?.message).toMatch(/^invalid argument 1 \(block\)/);
    }
  });
});

describe("state", () => {
  it("counts nonces, with pending counting the pool", async () => {
    expect(await h.result("eth_getTransactionCount", [ALICE, "latest"])).toBe("0x2");
    h.backend.announcePending({ ...h.backend.makeTransaction({ from: ALICE }), nonce: 2n });
    expect(await h.result("eth_getTransactionCount", [ALICE, "pending"])).toBe("0x3");
    expect(await h.result("eth_getTransactionCount", [ALICE, "latest"])).toBe("0x2");
  });

  it("reads code and storage, padding short slots", async () => {
    expect(await h.result("eth_getCode", [CONTRACT, "latest"])).toBe("0x6001");
    expect(await h.result("eth_getCode", [BOB, "latest"])).toBe("0x");
    expect(await h.result("eth_getStorageAt", [CONTRACT, "0x1", "latest"])).toBe(`0x${"0".repeat(62)}2a`);
    expect(await h.result("eth_getStorageAt", [CONTRACT, SLOT_1, "latest"])).toBe(`0x${"0".repeat(62)}2a`);
  });

  it("returns an EIP-1186 proof in geth's shape", async () => {
    const proof = await h.result<Record<string, unknown>>("eth_getProof", [CONTRACT, ["0x1"], "latest"]);
    expect(proof).toMatchObject({
      address: CONTRACT,
      balance: "0x0",
      nonce: "0x0",
      codeHash: expect.stringMatching(/^0x[0-9a-f]{64}$/),
      storageHash: expect.stringMatching(/^0x[0-9a-f]{64}$/),
      accountProof: [expect.stringMatching(/^0x/)],
      storageProof: [{ key: SLOT_1, value: "0x2a", proof: [] }],
    });
  });
});

describe("blocks", () => {
  it("answers eth_blockNumber with the final head", async () => {
    expect(await h.result("eth_blockNumber")).toBe(`0x${h.backend.head.number.toString(16)}`);
  });

  it("formats a block with transaction hashes", async () => {
    const block = await h.result<Record<string, unknown>>("eth_getBlockByNumber", ["0x2", false]);
    expect(block).toMatchObject({
      number: "0x2",
      hash: second.hash,
      parentHash: first.hash,
      baseFeePerGas: "0x3b9aca00",
      gasUsed: "0x5208",
      gasLimit: "0x1c9c380",
      difficulty: "0x0",
      sha3Uncles: "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347",
      uncles: [],
      withdrawals: [],
      transactions: [second.transactions[0].hash],
    });
    expect(await h.result("eth_getBlockByHash", [second.hash, false])).toEqual(block);
  });

  it("formats full transactions with their location and effective gas price", async () => {
    const block = await h.result<{ transactions: Record<string, unknown>[] }>("eth_getBlockByNumber", [
      "latest",
      true,
    ]);
    const tx = second.transactions[0];
    expect(block.transactions[0]).toEqual({
      blockHash: second.hash,
      blockNumber: "0x2",
      from: ALICE,
      gas: "0x186a0",
      gasPrice: "0x3baa0c40",
      hash: tx.hash,
      input: "0x",
      nonce: "0x1",
      to: BOB,
      transactionIndex: "0x0",
      value: "0x7",
      type: "0x2",
      maxFeePerGas: "0xb2d05e00",
      maxPriorityFeePerGas: "0xf4240",
      accessList: [],
      chainId: "0x1b5f",
      v: "0x0",
      r: `0x${tx.r.toString(16)}`,
      s: `0x${tx.s.toString(16)}`,
      yParity: "0x0",
    });
  });

  it("answers null for blocks and transactions that do not exist", async () => {
    const unknown = `0x${"22".repeat(32)}`;
    expect(await h.result("eth_getBlockByNumber", ["0x99", false])).toBeNull();
    expect(await h.result("eth_getBlockByHash", [unknown, true])).toBeNull();
    expect(await h.result("eth_getTransactionByHash", [unknown])).toBeNull();
    expect(await h.result("eth_getTransactionReceipt", [unknown])).toBeNull();
    expect(await h.result("eth_getBlockTransactionCountByHash", [unknown])).toBeNull();
    expect(await h.result("eth_getTransactionByBlockNumberAndIndex", ["0x2", "0x5"])).toBeNull();
    expect(await h.result("eth_getBlockReceipts", ["0x99"])).toBeNull();
  });

  it("counts transactions and uncles", async () => {
    expect(await h.result("eth_getBlockTransactionCountByNumber", ["0x2"])).toBe("0x1");
    expect(await h.result("eth_getBlockTransactionCountByHash", [second.hash])).toBe("0x1");
    expect(await h.result("eth_getUncleCountByBlockNumber", ["latest"])).toBe("0x0");
    expect(await h.result("eth_getUncleCountByBlockHash", [second.hash])).toBe("0x0");
  });

  it("finds transactions by hash, by block and index, and in the pool", async () => {
    const tx = second.transactions[0];
    const byHash = await h.result<Record<string, unknown>>("eth_getTransactionByHash", [tx.hash]);
    expect(byHash).toMatchObject({ hash: tx.hash, blockNumber: "0x2", transactionIndex: "0x0" });
    expect(await h.result("eth_getTransactionByBlockHashAndIndex", [second.hash, "0x0"])).toEqual(byHash);
    expect(await h.result("eth_getTransactionByBlockNumberAndIndex", ["0x2", "0x0"])).toEqual(byHash);
    const pending = h.backend.makeTransaction({ value: 3n });
    h.backend.announcePending(pending);
    expect(await h.result("eth_getTransactionByHash", [pending.hash])).toMatchObject({
      hash: pending.hash,
      blockHash: null,
      blockNumber: null,
      transactionIndex: null,
      gasPrice: "0xb2d05e00",
    });
  });

  it("formats receipts, alone and by block", async () => {
    const tx = second.transactions[0];
    const receipt = await h.result<Record<string, unknown>>("eth_getTransactionReceipt", [tx.hash]);
    expect(receipt).toEqual({
      blockHash: second.hash,
      blockNumber: "0x2",
      contractAddress: null,
      cumulativeGasUsed: "0x5208",
      effectiveGasPrice: "0x3baa0c40",
      from: ALICE,
      gasUsed: "0x5208",
      logs: [],
      logsBloom: `0x${"00".repeat(256)}`,
      status: "0x1",
      to: BOB,
      transactionHash: tx.hash,
      transactionIndex: "0x0",
      type: "0x2",
    });
    expect(await h.result("eth_getBlockReceipts", ["0x2"])).toEqual([receipt]);
    expect(await h.result("eth_getBlockReceipts", [{ blockHash: second.hash }])).toEqual([receipt]);
  });

  it("validates block methods' arguments", async () => {
    expect((await h.call("eth_getBlockByNumber", ["latest", "yes"])).error?.message).toMatch(
      /^invalid argument 1 \(fullTransactions\)/,
    );
    expect((await h.call("eth_getBlockByHash", ["0x1234", false])).error?.message).toMatch(
      /^invalid argument 0 \(blockHash\): expected a 32-byte/,
    );
    expect((await h.call("eth_getTransactionByBlockNumberAndIndex", ["0x2", "zero"])).error?.code).toBe(
      -32602,
    );
  });
});
