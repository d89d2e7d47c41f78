/**
 * The calls MetaMask makes when a user adds the Kairos network and sends USDC, as raw JSON-RPC over
 * HTTP, with the shapes MetaMask reads from each answer; and the rejections it shows to the user,
 * worded as geth words them, leaving the chain and the pool unchanged.
 */
import { type Hex, hexToBigInt, parseEther } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHAIN_ID, DEV_KEYS, type RunningNode, rpc, startSingleNode } from "./helpers/single-node.js";

const user = privateKeyToAccount(DEV_KEYS[0]);
const recipient = privateKeyToAccount(DEV_KEYS[2]).address;
const QUANTITY = /^0x(0|[1-9a-f][0-9a-f]*)$/;
const HASH = /^0x[0-9a-f]{64}$/;

let running: RunningNode;
beforeAll(async () => {
  running = await startSingleNode();
});
afterAll(async () => {
  await running?.stop();
});

async function call<T>(method: string, params: unknown[] = []): Promise<T> {
  const reply = await rpc<T>(running.url, method, params);
  if (reply.error !== undefined) throw new Error(`${method}: ${reply.error.code} ${reply.error.message}`);
  return reply.result as T;
}

async function receiptOf(hash: Hex): Promise<Record<string, unknown>> {
  for (;;) {
    const receipt = await call<Record<string, unknown> | null>("eth_getTransactionReceipt", [hash]);
    if (receipt !== null) return receipt;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("MetaMask adds the network and sends USDC", () => {
  it("answers the add-network checks", async () => {
    expect(await call("eth_chainId")).toBe("0x4b414952");
    expect(await call("net_version")).toBe(String(CHAIN_ID));
    expect(await call<string>("eth_blockNumber")).toMatch(QUANTITY);
    const block = await call<Record<string, unknown>>("eth_getBlockByNumber", ["latest", false]);
    // MetaMask decides between EIP-1559 and legacy gas UI on baseFeePerGas.
    expect(block.baseFeePerGas).toMatch(QUANTITY);
    expect(block.number).toMatch(QUANTITY);
    expect(block.hash).toMatch(HASH);
    expect(block.gasLimit).toMatch(QUANTITY);
    expect(Array.isArray(block.transactions)).toBe(true);
  });

  it("suggests fees, estimates, sends, confirms", async () => {
    const gasPrice = hexToBigInt(await call<Hex>("eth_gasPrice"));
    expect(gasPrice).toBeGreaterThan(0n);
    const history = await call<{
      baseFeePerGas: Hex[];
      gasUsedRatio: number[];
      reward: Hex[][];
      oldestBlock: Hex;
    }>("eth_feeHistory", ["0x5", "latest", [10, 20, 30]]);
    expect(history.oldestBlock).toMatch(QUANTITY);
    expect(history.baseFeePerGas.length).toBe(history.gasUsedRatio.length + 1);
    expect(history.reward.every((row) => row.length === 3)).toBe(true);
    const nextBaseFee = hexToBigInt(history.baseFeePerGas[history.baseFeePerGas.length - 1]);

    const value = parseEther("2.5");
    const transfer = { from: user.address, to: recipient, value: `0x${value.toString(16)}` };
    expect(await call("eth_getCode", [recipient, "latest"])).toBe("0x");
    const gas = hexToBigInt(await call<Hex>("eth_estimateGas", [transfer]));
    expect(gas).toBe(21_000n);
    const nonce = hexToBigInt(await call<Hex>("eth_getTransactionCount", [user.address, "pending"]));
    const before = hexToBigInt(await call<Hex>("eth_getBalance", [recipient, "latest"]));

    const raw = await user.signTransaction({
      chainId: CHAIN_ID,
      type: "eip1559",
      nonce: Number(nonce),
      to: recipient,
      value,
      gas,
      maxFeePerGas: nextBaseFee * 2n + 1_000_000_000n,
      maxPriorityFeePerGas: 1_000_000_000n,
    });
    const hash = await call<Hex>("eth_sendRawTransaction", [raw]);
    expect(hash).toMatch(HASH);
    expect(hexToBigInt(await call<Hex>("eth_getTransactionCount", [user.address, "pending"]))).toBe(
      nonce + 1n,
    );

    const receipt = await receiptOf(hash);
    expect(receipt.status).toBe("0x1");
    expect(receipt.gasUsed).toBe("0x5208");
    expect(receipt.effectiveGasPrice).toMatch(QUANTITY);
    expect(receipt.blockHash).toMatch(HASH);
    const tx = await call<Record<string, unknown>>("eth_getTransactionByHash", [hash]);
    expect(tx.blockNumber).toBe(receipt.blockNumber);
    expect(hexToBigInt(await call<Hex>("eth_getBalance", [recipient, "latest"]))).toBe(before + value);
    expect(hexToBigInt(await call<Hex>("eth_getTransactionCount", [user.address, "latest"]))).toBe(
      nonce + 1n,
    );
    expect(await call("eth_getCode", [recipient, "latest"])).toBe("0x");
  });
});

describe("eth_sendRawTransaction rejections, in geth's words, change nothing", () => {
  const fees = { maxFeePerGas: 50_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n, gas: 21_000n };

  async function snapshot() {
    return {
      balance: await call<Hex>("eth_getBalance", [user.address, "latest"]),
      nonce: await call<Hex>("eth_getTransactionCount", [user.address, "pending"]),
      pool: await call<{ pending: Hex; queued: Hex }>("txpool_status"),
    };
  }

  async function rejection(raw: Hex) {
    const reply = await rpc(running.url, "eth_sendRawTransaction", [raw]);
    expect(reply.result).toBeUndefined();
    return reply.error;
  }

  it("nonce too low", async () => {
    const nonce = Number(hexToBigInt(await call<Hex>("eth_getTransactionCount", [user.address, "latest"])));
    expect(nonce).toBeGreaterThan(0);
    const before = await snapshot();
    const raw = await user.signTransaction({
      chainId: CHAIN_ID,
      type: "eip1559",
      nonce: nonce - 1,
      to: recipient,
      value: 1n,
      ...fees,
    });
    const error = await rejection(raw);
    expect(error?.code).toBe(-32000);
    expect(error?.message).toMatch(/^nonce too low/);
    expect(await snapshot()).toEqual(before);
  });

  it("insufficient funds for gas * price + value", async () => {
    const before = await snapshot();
    const nonce = Number(hexToBigInt(before.nonce));
    const raw = await user.signTransaction({
      chainId: CHAIN_ID,
      type: "eip1559",
      nonce,
      to: recipient,
      value: parseEther("100000000"),
      ...fees,
    });
    const error = await rejection(raw);
    expect(error?.code).toBe(-32000);
    expect(error?.message).toMatch(/^insufficient funds for gas \* price \+ value/);
    expect(await snapshot()).toEqual(before);
  });

  it("invalid chain id", async () => {
    const before = await snapshot();
    const nonce = Number(hexToBigInt(before.nonce));
    const raw = await user.signTransaction({
      chainId: 1,
      type: "eip1559",
      nonce,
      to: recipient,
      value: 1n,
      ...fees,
    });
    const error = await rejection(raw);
    expect(error?.code).toBe(-32000);
    expect(error?.message).toMatch(/^invalid chain id/);
    expect(await snapshot()).toEqual(before);
  });

  it("already known", async () => {
    const nonce = Number(hexToBigInt(await call<Hex>("eth_getTransactionCount", [user.address, "pending"])));
    // A nonce gap keeps the first copy in the pool (queued), so the second meets it there.
    const raw = await user.signTransaction({
      chainId: CHAIN_ID,
      type: "eip1559",
      nonce: nonce + 5,
      to: recipient,
      value: 1n,
      ...fees,
    });
    expect(await call<Hex>("eth_sendRawTransaction", [raw])).toMatch(HASH);
    const before = await snapshot();
    const error = await rejection(raw);
    expect(error?.code).toBe(-32000);
    expect(error?.message).toBe("already known");
    expect(await snapshot()).toEqual(before);
  });
});
