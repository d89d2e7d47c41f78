/**
 * The same transaction sequence on one Kairos validator and on anvil (the peer we measure against):
 * transfers, a deploy, writes that succeed and revert, calls that return and revert. Every observable
 * result a tool relies on — gasUsed, status, contract address, logs, return data, revert code,
 * message and data — must be identical.
 */
import {
  type Address,
  createPublicClient,
  createWalletClient,
  defineChain,
  encodeDeployData,
  encodeFunctionData,
  type Hex,
  http,
  parseEther,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningAnvil, startAnvil } from "./helpers/anvil.js";
import { type CompiledContract, counterContract } from "./helpers/counter-contract.js";
import { CHAIN_ID, DEV_KEYS, type RunningNode, rpc, startSingleNode } from "./helpers/single-node.js";

const account = privateKeyToAccount(DEV_KEYS[1]);
const recipient = privateKeyToAccount(DEV_KEYS[2]).address;
const FEES = { maxFeePerGas: 20_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n } as const;

/** What a tool sees of one step: a mined transaction's receipt, or a call's result or error. */
type Observation =
  | {
      step: string;
      status: string;
      gasUsed: bigint;
      contractAddress: Address | null | undefined;
      logs: { address: string; topics: readonly Hex[]; data: Hex }[];
    }
  | { step: string; result?: unknown; error?: { code: number; message: string; data?: unknown } };

/** Runs the sequence against one endpoint and records what a client observes. */
async function runSequence(url: string, counter: CompiledContract): Promise<Observation[]> {
  const chain = defineChain({
    id: CHAIN_ID,
    name: "differential",
    nativeCurrency: { name: "USD Coin", symbol: "USDC", decimals: 18 },
    rpcUrls: { default: { http: [url] } },
  });
  const reader = createPublicClient({ chain, transport: http(url), pollingInterval: 50 });
  const wallet = createWalletClient({ chain, account, transport: http(url) });
  const observations: Observation[] = [];
  let nonce = await reader.getTransactionCount({ address: account.address, blockTag: "pending" });

  const send = async (step: string, tx: { to?: Address; data?: Hex; value?: bigint; gas: bigint }) => {
    const hash = await wallet.sendTransaction({ ...tx, ...FEES, nonce: nonce++, type: "eip1559" });
    const receipt = await reader.waitForTransactionReceipt({ hash, pollingInterval: 50 });
    observations.push({
      step,
      status: receipt.status,
      gasUsed: receipt.gasUsed,
      // Addresses compared as values: Kairos answers checksummed, anvil lowercase (both valid hex).
      contractAddress: receipt.contractAddress?.toLowerCase() as Address | null | undefined,
      logs: receipt.logs.map((log) => ({
        address: log.address.toLowerCase(),
        topics: log.topics,
        data: log.data,
      })),
    });
    return receipt;
  };
  const call = async (step: string, to: Address, data: Hex) => {
    const reply = await rpc(url, "eth_call", [{ from: account.address, to, data }, "latest"]);
    observations.push({
      step,
      ...(reply.result !== undefined ? { result: reply.result } : {}),
      ...(reply.error !== undefined
        ? { error: { code: reply.error.code, message: reply.error.message, data: reply.error.data } }
        : {}),
    });
  };
  const counterCall = (functionName: "increment" | "add" | "count", args: bigint[] = []) =>
    encodeFunctionData({ abi: counter.abi, functionName, args } as Parameters<typeof encodeFunctionData>[0]);

  await send("transfer", { to: recipient, value: parseEther("3"), gas: 21_000n });
  await send("transfer with calldata", { to: recipient, value: 1n, data: "0x1234", gas: 30_000n });
  const deployed = await send("deploy", {
    data: encodeDeployData({ abi: counter.abi, bytecode: counter.bytecode, args: [5n] }),
    gas: 500_000n,
  });
  const address = deployed.contractAddress as Address;
  await call("call count", address, counterCall("count"));
  await call("call increment", address, counterCall("increment"));
  await send("increment", { to: address, data: counterCall("increment"), gas: 100_000n });
  await send("add 7", { to: address, data: counterCall("add", [7n]), gas: 100_000n });
  await send("add 13 reverts with a reason", { to: address, data: counterCall("add", [13n]), gas: 100_000n });
  await send("add 2000 reverts with a custom error", {
    to: address,
    data: counterCall("add", [2000n]),
    gas: 100_000n,
  });
  await send("value to a contract without receive", { to: address, value: 1n, gas: 100_000n });
  await send("out of gas", { to: address, data: counterCall("increment"), gas: 23_000n });
  const estimate = async (step: string, tx: { to?: Address; data?: Hex; value?: Hex }) => {
    const reply = await rpc(url, "eth_estimateGas", [{ from: account.address, ...tx }]);
    observations.push({ step, ...(reply.result !== undefined ? { result: reply.result } : {}) });
  };
  await estimate("estimate transfer", { to: recipient, value: "0x1" });
  await estimate("estimate deploy", {
    data: encodeDeployData({ abi: counter.abi, bytecode: counter.bytecode, args: [5n] }),
  });
  await estimate("estimate add 7", { to: address, data: counterCall("add", [7n]) });
  await call("call add 13", address, counterCall("add", [13n]));
  await call("call add 2000", address, counterCall("add", [2000n]));
  await call("call unknown selector", address, "0xdeadbeef");
  await call("call count after", address, counterCall("count"));
  return observations;
}

/**
 * anvil spells out a custom error in the message (`execution reverted: custom error 0x…: …`); Kairos
 * follows geth, which says just `execution reverted` and leaves the bytes to `data`. Code and data
 * are compared as they are.
 */
function gethWording(observation: Observation): Observation {
  if (!("error" in observation) || observation.error === undefined) return observation;
  if (!observation.error.message.startsWith("execution reverted: custom error")) return observation;
  return { ...observation, error: { ...observation.error, message: "execution reverted" } };
}

describe("Kairos and anvil observe the same results", () => {
  let counter: CompiledContract;
  let node: RunningNode;
  let anvil: RunningAnvil;

  beforeAll(async () => {
    counter = counterContract();
    [node, anvil] = await Promise.all([startSingleNode(), startAnvil()]);
  });
  afterAll(async () => {
    await anvil?.stop();
    await node?.stop();
  });

  it("transfers, a deploy, writes, calls and estimates: gasUsed, status, logs, return and revert data", async () => {
    const onKairos = await runSequence(node.url, counter);
    const onAnvil = (await runSequence(anvil.url, counter)).map(gethWording);
    expect(onKairos.map((o) => o.step)).toEqual(onAnvil.map((o) => o.step));
    for (let i = 0; i < onKairos.length; i++) expect(onKairos[i]).toEqual(onAnvil[i]);
    // The sequence exercised what it claims to: reverts, logs, a revert reason.
    const reverted = onKairos.filter((o) => "status" in o && o.status === "reverted");
    expect(reverted).toHaveLength(4);
    expect(onKairos.some((o) => "logs" in o && o.logs.length > 0)).toBe(true);
    expect(onKairos.find((o) => o.step === "call add 13")).toMatchObject({
      error: { code: 3, message: "execution reverted: unlucky number" },
    });
  });
});
