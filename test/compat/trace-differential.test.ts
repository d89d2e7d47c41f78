/**
 * debug_traceTransaction and debug_traceCall on one Kairos validator and on anvil (with
 * `--steps-tracing`), after the same transactions: a transfer, a deploy that creates a child contract, a
 * nested call that moves value and emits, a revert with a reason under a STATICCALL, CREATE and CREATE2,
 * and a plain contract call.
 *
 * Compared as they are: every callTracer frame's type, from, to, value, gas, gasUsed, input, output,
 * error and revert reason, and the struct logger's pc, op, gas, gasCost, depth and stack per step.
 * Intended differences, normalised before comparing:
 * - addresses: Kairos answers checksummed (as in its receipts), anvil lowercase;
 * - the top frame's `gas`: Kairos gives the transaction's gas limit, as geth's callTracer does; anvil
 *   gives the gas left after the intrinsic cost (0 for a plain transfer). Nested frames agree.
 */
import { createRequire } from "node:module";
import {
  type Abi,
  type Address,
  createPublicClient,
  createWalletClient,
  defineChain,
  encodeFunctionData,
  type Hash,
  type Hex,
  http,
  parseEther,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningAnvil, startAnvil } from "./helpers/anvil.js";
import { CHAIN_ID, DEV_KEYS, type RunningNode, rpc, startSingleNode } from "./helpers/single-node.js";

const SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
contract Child {
  event Ping(address indexed from, uint256 value);
  uint256 public pings;
  function ping(uint256 v) external payable returns (uint256) { pings += v; emit Ping(msg.sender, v); return pings; }
  function check(uint256 v) external pure returns (uint256) { require(v != 13, "unlucky number"); return v; }
}
contract Parent {
  Child public child;
  constructor() { child = new Child(); }
  function callPing(uint256 v) external payable returns (uint256) { return child.ping{value: msg.value}(v); }
  function callCheck(uint256 v) external view returns (uint256) { return child.check(v); }
  function spawn(bytes32 salt) external returns (address, address) {
    return (address(new Child()), address(new Child{salt: salt}()));
  }
}`;

interface Contract {
  abi: Abi;
  bytecode: Hex;
}

function compile(): { parent: Contract; child: Contract } {
  const solc = createRequire(import.meta.url)("solc") as { compile(input: string): string };
  const settings = {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: "cancun",
    outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
  };
  const output = JSON.parse(
    solc.compile(
      JSON.stringify({ language: "Solidity", sources: { "T.sol": { content: SOURCE } }, settings }),
    ),
  ) as { contracts: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>> };
  const pick = (name: string): Contract => {
    const c = output.contracts["T.sol"][name];
    return { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` };
  };
  return { parent: pick("Parent"), child: pick("Child") };
}

const account = privateKeyToAccount(DEV_KEYS[1]);
const FEES = { maxFeePerGas: 20_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n } as const;

interface Sequence {
  /** Transaction hashes by step name. */
  hashes: Record<string, Hash>;
  parent: Address;
}

/** Sends the same transactions to one endpoint; same sender and nonces, so same addresses on both. */
async function runSequence(url: string, contracts: { parent: Contract; child: Contract }): Promise<Sequence> {
  const chain = defineChain({
    id: CHAIN_ID,
    name: "trace differential",
    nativeCurrency: { name: "USD Coin", symbol: "USDC", decimals: 18 },
    rpcUrls: { default: { http: [url] } },
  });
  const reader = createPublicClient({ chain, transport: http(url), pollingInterval: 50 });
  const wallet = createWalletClient({ chain, account, transport: http(url) });
  let nonce = await reader.getTransactionCount({ address: account.address, blockTag: "pending" });
  const send = async (tx: { to?: Address; data?: Hex; value?: bigint; gas: bigint }) => {
    const hash = await wallet.sendTransaction({ ...tx, ...FEES, nonce: nonce++, type: "eip1559" });
    return reader.waitForTransactionReceipt({ hash, pollingInterval: 50 });
  };
  const { parent, child } = contracts;
  const call = (functionName: string, args: unknown[]) =>
    encodeFunctionData({ abi: parent.abi, functionName, args } as Parameters<typeof encodeFunctionData>[0]);
  const hashes: Record<string, Hash> = {};
  const recipient = privateKeyToAccount(DEV_KEYS[2]).address;
  hashes.transfer = (await send({ to: recipient, value: parseEther("1"), gas: 21_000n })).transactionHash;
  const deployed = await send({ data: parent.bytecode, gas: 1_000_000n });
  hashes.deploy = deployed.transactionHash;
  const parentAddress = deployed.contractAddress as Address;
  const to = parentAddress;
  hashes.nestedCall = (
    await send({ to, data: call("callPing", [5n]), value: 3n, gas: 200_000n })
  ).transactionHash;
  hashes.revert = (await send({ to, data: call("callCheck", [13n]), gas: 200_000n })).transactionHash;
  hashes.creates = (
    await send({ to, data: call("spawn", [`0x${"11".repeat(32)}`]), gas: 1_000_000n })
  ).transactionHash;
  const childAddress = (await reader.readContract({
    address: to,
    abi: parent.abi,
    functionName: "child",
  })) as Address;
  const ping = encodeFunctionData({ abi: child.abi, functionName: "ping", args: [7n] });
  hashes.contractCall = (await send({ to: childAddress, data: ping, gas: 200_000n })).transactionHash;
  return { hashes, parent: parentAddress };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

async function result(url: string, method: string, params: unknown[]): Promise<Json> {
  const reply = await rpc<Json>(url, method, params);
  if (reply.error !== undefined) throw new Error(`${method} on ${url}: ${reply.error.message}`);
  return reply.result ?? null;
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** A callTracer frame with addresses lowercased and only the fields both sides define. */
function frame(value: Json, top = true): Json {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const out: { [key: string]: Json } = {};
  for (const key of [
    "type",
    "from",
    "to",
    "value",
    "gas",
    "gasUsed",
    "input",
    "output",
    "error",
    "revertReason",
  ]) {
    const field = value[key];
    if (field === undefined || (top && key === "gas")) continue;
    out[key] = typeof field === "string" && ADDRESS.test(field) ? field.toLowerCase() : field;
  }
  const calls = value.calls;
  if (Array.isArray(calls) && calls.length > 0) out.calls = calls.map((c) => frame(c, false));
  return out;
}

/** The comparable part of a struct log. */
function steps(trace: Json): Json[] {
  if (trace === null || typeof trace !== "object" || Array.isArray(trace) || !Array.isArray(trace.structLogs))
    throw new Error("expected struct logs");
  return trace.structLogs.map((log) => {
    if (log === null || typeof log !== "object" || Array.isArray(log)) return log;
    const { pc, op, gas, gasCost, depth, stack } = log;
    return { pc, op, gas, gasCost, depth, stack } as Json;
  });
}

describe("Kairos and anvil give the same traces", () => {
  let node: RunningNode;
  let anvil: RunningAnvil;
  let onKairos: Sequence;
  let onAnvil: Sequence;

  beforeAll(async () => {
    const contracts = compile();
    [node, anvil] = await Promise.all([startSingleNode(), startAnvil(["--steps-tracing"])]);
    onKairos = await runSequence(node.url, contracts);
    onAnvil = await runSequence(anvil.url, contracts);
  });
  afterAll(async () => {
    await anvil?.stop();
    await node?.stop();
  });

  it("callTracer frames of every transaction", async () => {
    expect(Object.keys(onKairos.hashes)).toEqual(Object.keys(onAnvil.hashes));
    for (const step of Object.keys(onKairos.hashes)) {
      const options = { tracer: "callTracer" };
      const kairos = await result(node.url, "debug_traceTransaction", [onKairos.hashes[step], options]);
      const reference = await result(anvil.url, "debug_traceTransaction", [onAnvil.hashes[step], options]);
      expect({ step, frame: frame(kairos) }).toEqual({ step, frame: frame(reference) });
    }
    // The sequence exercised what it claims to.
    const shapes = await result(node.url, "debug_traceTransaction", [
      onKairos.hashes.creates,
      { tracer: "callTracer" },
    ]);
    expect(JSON.stringify(shapes)).toMatch(/"CREATE".*"CREATE2"/);
    const revert = await result(node.url, "debug_traceTransaction", [
      onKairos.hashes.revert,
      { tracer: "callTracer" },
    ]);
    expect(revert).toMatchObject({
      error: "execution reverted",
      revertReason: "unlucky number",
      calls: [{ type: "STATICCALL", revertReason: "unlucky number" }],
    });
  });

  it("struct logs of a contract call and of a nested call", async () => {
    for (const step of ["contractCall", "nestedCall"]) {
      const kairos = await result(node.url, "debug_traceTransaction", [onKairos.hashes[step], {}]);
      const reference = await result(anvil.url, "debug_traceTransaction", [onAnvil.hashes[step], {}]);
      const ours = steps(kairos);
      expect(ours.length).toBeGreaterThan(100);
      expect(ours).toEqual(steps(reference));
      expect(kairos).toMatchObject({ failed: false });
      expect((kairos as { gas: Json }).gas).toEqual((reference as { gas: Json }).gas);
    }
  });

  it("debug_traceCall of a nested call at latest", async () => {
    const { parent } = compile();
    const data = encodeFunctionData({ abi: parent.abi, functionName: "callPing", args: [2n] });
    const message = (to: Address) => ({ from: account.address, to, data, value: "0x1", gas: "0x30d40" });
    const options = { tracer: "callTracer" };
    const kairos = await result(node.url, "debug_traceCall", [message(onKairos.parent), "latest", options]);
    const reference = await result(anvil.url, "debug_traceCall", [
      message(onAnvil.parent),
      "latest",
      options,
    ]);
    expect(frame(kairos)).toEqual(frame(reference));
    expect(kairos).toMatchObject({ calls: [{ type: "CALL", value: "0x1" }] });
  });
});
