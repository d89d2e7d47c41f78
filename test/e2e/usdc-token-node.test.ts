/**
 * The USDC ERC-20 view at 0x3600… on a running Kairos validator, through viem as a wallet or dapp uses
 * it: it reports the native ledger in 6 decimals (rounded down), its transfers move native balance
 * (seen by eth_getBalance), and the privileged precompile at 0x…1000 behind it refuses everyone else.
 */
import {
  type Address,
  type Chain,
  concatHex,
  createPublicClient,
  createWalletClient,
  defineChain,
  encodeFunctionData,
  erc20Abi,
  getAddress,
  type Hash,
  type Hex,
  http,
  type PublicClient,
  parseAbi,
  parseEventLogs,
} from "viem";
import { type LocalAccount, mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseGenesis, totalSupply } from "../../src/execution/genesis.js";
import { devnetGenesis } from "../../src/node/devnet-genesis.js";
import { CHAIN_ID, DEV_KEYS, type RunningNode, startSingleNode } from "../compat/helpers/single-node.js";

const TOKEN: Address = "0x3600000000000000000000000000000000000000";
const PRECOMPILE: Address = "0x0000000000000000000000000000000000001000";
const precompileAbi = parseAbi([
  "function transfer(address from, address to, uint256 amount18) returns (bool)",
  "function totalSupply() view returns (uint256)",
]);
const SCALE = 10n ** 12n; // native wei (18 decimals) per token unit (6 decimals)
const alice = privateKeyToAccount(DEV_KEYS[0]);
const bob = privateKeyToAccount(DEV_KEYS[1]);
/** Dev account 2, derived here (single-node.ts's third key is not the mnemonic's account 2). */
const carol = mnemonicToAccount("test test test test test test test test test test test junk", {
  addressIndex: 2,
});

/**
 * A forwarder: calls the address in calldata[0..20] with calldata[20..], returns what it returned and
 * bubbles up a revert. Hand-assembled so that the test needs no compiler:
 * CALL(gas, calldataload(0) >> 96, 0, 0, calldatasize − 20, 0, 0) after calldatacopy(0, 20, size − 20);
 * returndatacopy; success ? return : revert.
 */
const FORWARDER_INITCODE: Hex =
  "0x602c80600b6000396000f360006000601436038060146000376000600060003560601c5af13d600060003e6027573d6000fd5b3d6000f3";

let running: RunningNode;
let chain: Chain;
let publicClient: PublicClient;
let fresh = 0n;
/** An address never used on this chain, so its balance is exactly what the test sent it. */
const freshAddress = (): Address => {
  fresh++;
  return getAddress(`0x${(0xab5e0000n + fresh).toString(16).padStart(40, "0")}`);
};
const wallet = (account: LocalAccount) =>
  createWalletClient({ account, chain, transport: http(running.url) });
const balance = (address: Address) => publicClient.getBalance({ address });
const tokenBalance = (address: Address) =>
  publicClient.readContract({ address: TOKEN, abi: erc20Abi, functionName: "balanceOf", args: [address] });

/** Waits for the receipt; returns it with the fee the sender paid. */
async function mined(hash: Hash) {
  const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 50 });
  return { receipt, fee: receipt.gasUsed * receipt.effectiveGasPrice };
}

beforeAll(async () => {
  running = await startSingleNode();
  chain = defineChain({
    id: CHAIN_ID,
    name: "kairos-single",
    nativeCurrency: { name: "USD Coin", symbol: "USDC", decimals: 18 },
    rpcUrls: { default: { http: [running.url] } },
  });
  publicClient = createPublicClient({ chain, transport: http(running.url), pollingInterval: 50 });
});

afterAll(async () => {
  await running?.stop();
});

describe("the USDC ERC-20 view on a running Kairos node", () => {
  it("names itself USD Coin (USDC, 6 decimals) and reports the native supply in 6 decimals", async () => {
    const read = <F extends "name" | "symbol" | "decimals" | "totalSupply">(functionName: F) =>
      publicClient.readContract({ address: TOKEN, abi: erc20Abi, functionName });
    expect(await read("name")).toBe("USD Coin");
    expect(await read("symbol")).toBe("USDC");
    expect(await read("decimals")).toBe(6);
    const nativeSupply = totalSupply(parseGenesis(await devnetGenesis(1)));
    expect(nativeSupply).toBeGreaterThan(0n);
    expect(await read("totalSupply")).toBe(nativeSupply / SCALE);
  });

  it("reports balanceOf as the native balance / 10^12, rounded down", async () => {
    const dust = freshAddress();
    const some = freshAddress();
    const sender = wallet(carol);
    await mined(await sender.sendTransaction({ to: dust, value: SCALE - 1n }));
    const { receipt } = await mined(await sender.sendTransaction({ to: some, value: 2n * SCALE + 999n }));
    // Plain native transfers emit no ERC-20 log (contracts/README: the documented choice).
    expect(receipt.logs).toEqual([]);
    expect(await tokenBalance(dust)).toBe(0n);
    expect(await tokenBalance(some)).toBe(2n);
    const aliceNative = await balance(alice.address);
    expect(await tokenBalance(alice.address)).toBe(aliceNative / SCALE);
  });

  it("transfer moves native balance on both sides and emits Transfer", async () => {
    const to = freshAddress();
    const amount = 1_234_567n; // 1.234567 USDC
    const before = await balance(alice.address);
    const hash = await wallet(alice).writeContract({
      address: TOKEN,
      abi: erc20Abi,
      functionName: "transfer",
      args: [to, amount],
    });
    const { receipt, fee } = await mined(hash);
    expect(receipt.status).toBe("success");
    expect(await balance(to)).toBe(amount * SCALE);
    expect(await balance(alice.address)).toBe(before - amount * SCALE - fee);
    const events = parseEventLogs({ abi: erc20Abi, logs: receipt.logs, eventName: "Transfer" });
    expect(events).toHaveLength(1);
    expect(events[0].address.toLowerCase()).toBe(TOKEN);
    expect(events[0].args).toEqual({ from: alice.address, to, value: amount });
  });

  it("approve then transferFrom spends the allowance and moves native balance", async () => {
    const to = freshAddress();
    const approve = await mined(
      await wallet(alice).writeContract({
        address: TOKEN,
        abi: erc20Abi,
        functionName: "approve",
        args: [bob.address, 5_000_000n],
      }),
    );
    const approval = parseEventLogs({ abi: erc20Abi, logs: approve.receipt.logs, eventName: "Approval" });
    expect(approval[0].args).toEqual({ owner: alice.address, spender: bob.address, value: 5_000_000n });
    const allowance = () =>
      publicClient.readContract({
        address: TOKEN,
        abi: erc20Abi,
        functionName: "allowance",
        args: [alice.address, bob.address],
      });
    expect(await allowance()).toBe(5_000_000n);

    const aliceBefore = await balance(alice.address);
    const bobBefore = await balance(bob.address);
    const { receipt, fee } = await mined(
      await wallet(bob).writeContract({
        address: TOKEN,
        abi: erc20Abi,
        functionName: "transferFrom",
        args: [alice.address, to, 3_000_000n],
      }),
    );
    expect(receipt.status).toBe("success");
    expect(await balance(to)).toBe(3_000_000n * SCALE);
    expect(await balance(alice.address)).toBe(aliceBefore - 3_000_000n * SCALE);
    expect(await balance(bob.address)).toBe(bobBefore - fee);
    expect(await allowance()).toBe(2_000_000n);
    const transfer = parseEventLogs({ abi: erc20Abi, logs: receipt.logs, eventName: "Transfer" });
    expect(transfer[0].args).toEqual({ from: alice.address, to, value: 3_000_000n });

    // Beyond the allowance: refused, nothing moves.
    await expect(
      publicClient.simulateContract({
        account: bob,
        address: TOKEN,
        abi: erc20Abi,
        functionName: "transferFrom",
        args: [alice.address, to, 2_000_001n],
      }),
    ).rejects.toThrow();
    expect(await balance(to)).toBe(3_000_000n * SCALE);
  });

  it("the precompile at 0x…1000 refuses a direct call from an EOA", async () => {
    const thief = wallet(carol);
    const data = encodeFunctionData({
      abi: precompileAbi,
      functionName: "transfer",
      args: [alice.address, thief.account.address, 10n ** 18n],
    });
    await expect(publicClient.call({ account: thief.account, to: PRECOMPILE, data })).rejects.toThrow();

    const aliceBefore = await balance(alice.address);
    const thiefBefore = await balance(thief.account.address);
    // A fixed gas limit skips estimation, so the transaction is really sent and mined.
    const { receipt, fee } = await mined(
      await thief.sendTransaction({ to: PRECOMPILE, data, gas: 100_000n }),
    );
    expect(receipt.status).toBe("reverted");
    expect(await balance(alice.address)).toBe(aliceBefore);
    expect(await balance(thief.account.address)).toBe(thiefBefore - fee);
  });

  it("the precompile at 0x…1000 refuses a call from another contract", async () => {
    const thief = wallet(carol);
    const deployed = await mined(await thief.sendTransaction({ data: FORWARDER_INITCODE }));
    const forwarder = deployed.receipt.contractAddress!;
    expect(deployed.receipt.status).toBe("success");

    // The forwarder works: through it, the token answers a read.
    const balanceOfAlice = encodeFunctionData({
      abi: erc20Abi,
      functionName: "balanceOf",
      args: [alice.address],
    });
    const viaForwarder = await publicClient.call({ to: forwarder, data: concatHex([TOKEN, balanceOfAlice]) });
    expect(BigInt(viaForwarder.data!)).toBe(await tokenBalance(alice.address));

    // Through it, the precompile refuses to move alice's balance, in a call and in a mined transaction.
    const steal = concatHex([
      PRECOMPILE,
      encodeFunctionData({
        abi: precompileAbi,
        functionName: "transfer",
        args: [alice.address, forwarder, 10n ** 18n],
      }),
    ]);
    await expect(publicClient.call({ account: thief.account, to: forwarder, data: steal })).rejects.toThrow();
    const aliceBefore = await balance(alice.address);
    const { receipt } = await mined(
      await thief.sendTransaction({ to: forwarder, data: steal, gas: 200_000n }),
    );
    expect(receipt.status).toBe("reverted");
    expect(await balance(alice.address)).toBe(aliceBefore);
    expect(await balance(forwarder)).toBe(0n);
  });
});
