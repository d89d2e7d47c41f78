// The USDC token (contracts/build/USDC.json, as genesis installs it) and the channel adjudicator on
// Kairos's own EVM rules with the real native-USDC precompile (src/execution): the ERC-20 view and the
// native balance are one ledger, only the token may move balance, and a channel funded through the
// ERC-20 path pays out native USDC.
import { readFileSync } from "node:fs";
import path from "node:path";
import { createEVM, type EVM } from "@ethereumjs/evm";
import { Account, createAddressFromString } from "@ethereumjs/util";
import {
  type Abi,
  type Address,
  bytesToHex,
  decodeEventLog,
  decodeFunctionResult,
  encodeFunctionData,
  type Hex,
  hexToBytes,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { beforeEach, describe, expect, it } from "vitest";
import { channelId as channelIdOf } from "../../src/channels/channelId.js";
import { createKairosCommon, KAIROS_CHAIN_ID, USDC } from "../../src/execution/chain.js";
import {
  createUsdcPrecompile,
  trackCallers,
  USDC_PRECOMPILE_ADDRESS,
  USDC_TOKEN_ADDRESS,
} from "../../src/execution/usdc-precompile.js";

interface BuildArtifact {
  abi: Abi;
  bytecode: Hex;
  deployedBytecode: Hex;
}

const root = path.resolve(import.meta.dirname, "../..");
const load = (name: string) =>
  JSON.parse(readFileSync(path.join(root, "contracts/build", `${name}.json`), "utf8")) as BuildArtifact;
const token = load("USDC");
const adjudicatorBuild = load("ChannelAdjudicator");

const MICRO = 10n ** 12n; // one micro-USDC (the ERC-20's smallest unit) in native wei
const SUPPLY = 100_000n * USDC;
const alice = privateKeyToAccount("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
const bob = privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
const mallory: Address = "0x000000000000000000000000000000000000bad0";

interface CallResult {
  ok: boolean;
  returnValue: Hex;
  logs: { address: Address; topics: Hex[]; data: Hex }[];
  created?: Address;
}

describe("USDC and the adjudicator on the Kairos EVM with the real precompile", () => {
  let evm: EVM;

  async function call(from: Address, to: Address | undefined, data: Hex, value = 0n): Promise<CallResult> {
    const result = await evm.runCall({
      caller: createAddressFromString(from),
      origin: createAddressFromString(from),
      to: to === undefined ? undefined : createAddressFromString(to),
      data: hexToBytes(data),
      value,
      gasLimit: 5_000_000n,
    });
    return {
      ok: result.execResult.exceptionError === undefined,
      returnValue: bytesToHex(result.execResult.returnValue),
      logs: (result.execResult.logs ?? []).map(([address, topics, logData]) => ({
        address: bytesToHex(address) as Address,
        topics: topics.map((t) => bytesToHex(t)),
        data: bytesToHex(logData),
      })),
      created: result.createdAddress?.toString() as Address | undefined,
    };
  }

  async function read(fn: string, args: unknown[] = []): Promise<unknown> {
    const data = encodeFunctionData({ abi: token.abi, functionName: fn, args });
    const result = await call(mallory, USDC_TOKEN_ADDRESS, data);
    expect(result.ok).toBe(true);
    return decodeFunctionResult({ abi: token.abi, functionName: fn, data: result.returnValue });
  }

  async function tokenCall(from: Address, fn: string, args: unknown[]): Promise<CallResult> {
    return call(from, USDC_TOKEN_ADDRESS, encodeFunctionData({ abi: token.abi, functionName: fn, args }));
  }

  async function nativeBalance(who: Address): Promise<bigint> {
    return (await evm.stateManager.getAccount(createAddressFromString(who)))?.balance ?? 0n;
  }

  async function fund(who: Address, amount: bigint): Promise<void> {
    await evm.stateManager.putAccount(createAddressFromString(who), new Account(0n, amount));
  }

  beforeEach(async () => {
    evm = await createEVM({
      common: createKairosCommon(),
      customPrecompiles: [createUsdcPrecompile({ totalSupply: SUPPLY })],
    });
    trackCallers(evm);
    // Genesis puts the token's runtime code at its fixed address: no constructor runs.
    await evm.stateManager.putCode(
      createAddressFromString(USDC_TOKEN_ADDRESS),
      hexToBytes(token.deployedBytecode),
    );
    await fund(alice.address, 100n * USDC + 5n); // 5 wei of dust the 6-decimal view cannot show
    await fund(bob.address, 50n * USDC);
  });

  it("reads name, symbol, decimals, supply and balances from the native ledger", async () => {
    expect(await read("name")).toBe("USD Coin");
    expect(await read("symbol")).toBe("USDC");
    expect(await read("decimals")).toBe(6);
    expect(await read("totalSupply")).toBe(SUPPLY / MICRO);
    expect(await read("balanceOf", [alice.address])).toBe(100_000_000n);
  });

  it("transfer moves native balance to the wei and logs Transfer from the token address", async () => {
    const result = await tokenCall(alice.address, "transfer", [bob.address, 2_500_000n]);
    expect(result.ok).toBe(true);
    expect(await nativeBalance(alice.address)).toBe(100n * USDC + 5n - 2_500_000n * MICRO);
    expect(await nativeBalance(bob.address)).toBe(50n * USDC + 2_500_000n * MICRO);
    expect(result.logs).toHaveLength(1);
    expect(result.logs[0].address.toLowerCase()).toBe(USDC_TOKEN_ADDRESS.toLowerCase());
    const event = decodeEventLog({
      abi: token.abi,
      data: result.logs[0].data,
      topics: result.logs[0].topics as [Hex],
    });
    expect(event).toMatchObject({ eventName: "Transfer", args: { value: 2_500_000n } });
  });

  it("rejects an overdraft and changes nothing", async () => {
    const result = await tokenCall(bob.address, "transfer", [alice.address, 50_000_001n]);
    expect(result.ok).toBe(false);
    expect(await nativeBalance(bob.address)).toBe(50n * USDC);
  });

  it("approve and transferFrom spend the allowance", async () => {
    expect((await tokenCall(alice.address, "approve", [mallory, 3_000_000n])).ok).toBe(true);
    expect((await tokenCall(mallory, "transferFrom", [alice.address, bob.address, 1_000_000n])).ok).toBe(
      true,
    );
    expect(await read("allowance", [alice.address, mallory])).toBe(2_000_000n);
    expect(await nativeBalance(bob.address)).toBe(51n * USDC);
    expect((await tokenCall(mallory, "transferFrom", [alice.address, mallory, 2_000_001n])).ok).toBe(false);
  });

  it("only the token may move balance through the precompile", async () => {
    const steal = encodeFunctionData({
      abi: [
        {
          type: "function",
          name: "transfer",
          stateMutability: "nonpayable",
          inputs: [
            { name: "from", type: "address" },
            { name: "to", type: "address" },
            { name: "amount18", type: "uint256" },
          ],
          outputs: [{ name: "", type: "bool" }],
        },
      ],
      functionName: "transfer",
      args: [alice.address, mallory, 10n * USDC],
    });
    expect((await call(mallory, USDC_PRECOMPILE_ADDRESS, steal)).ok).toBe(false);
    expect(await nativeBalance(mallory)).toBe(0n);
    expect(await nativeBalance(alice.address)).toBe(100n * USDC + 5n);
  });

  it("a channel funded with ERC-20 USDC and native USDC closes with native payouts", async () => {
    const deployed = await call(alice.address, undefined, adjudicatorBuild.bytecode);
    expect(deployed.ok).toBe(true);
    const adjudicator = deployed.created as Address;
    const abi = adjudicatorBuild.abi;
    const adj = (from: Address, fn: string, args: unknown[], value = 0n) =>
      call(from, adjudicator, encodeFunctionData({ abi, functionName: fn, args }), value);

    const payees: Address[] = [
      "0x00000000000000000000000000000000000a11ce",
      "0x0000000000000000000000000000000000000b0b",
    ];
    const params = { participants: [alice.address, bob.address], payees, nonce: 7n, challengePeriod: 3600n };
    const channelId = channelIdOf(params, Number(KAIROS_CHAIN_ID), adjudicator);

    // Alice funds through the ERC-20 view; Bob sends native USDC.
    expect((await tokenCall(alice.address, "approve", [adjudicator, 10_000_000n])).ok).toBe(true);
    expect((await adj(alice.address, "depositToken", [params, 0n, 10_000_000n])).ok).toBe(true);
    expect((await adj(bob.address, "deposit", [params, 1n], 5n * USDC)).ok).toBe(true);
    expect(await nativeBalance(adjudicator)).toBe(15n * USDC);

    const state = {
      channelId,
      version: 9n,
      balances: [4n * USDC, 11n * USDC],
      deposits: [10n * USDC, 5n * USDC],
      isFinal: true,
    };
    const domain = {
      name: "Kairos Channels",
      version: "1",
      chainId: Number(KAIROS_CHAIN_ID),
      verifyingContract: adjudicator,
    };
    const types = {
      State: [
        { name: "channelId", type: "bytes32" },
        { name: "version", type: "uint256" },
        { name: "balances", type: "uint256[]" },
        { name: "deposits", type: "uint256[]" },
        { name: "isFinal", type: "bool" },
      ],
    } as const;
    const sigs = await Promise.all(
      [alice, bob].map((a) => a.signTypedData({ domain, types, primaryType: "State", message: state })),
    );
    expect((await adj(mallory, "close", [params, state, sigs])).ok).toBe(true);
    expect(await nativeBalance(payees[0])).toBe(4n * USDC);
    expect(await nativeBalance(payees[1])).toBe(11n * USDC);
    expect(await nativeBalance(adjudicator)).toBe(0n);
  });
});
