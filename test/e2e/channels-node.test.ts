/**
 * USDC payment channels on a running Kairos validator (n = 1, real LevelDB/libp2p/BLS/Minimmit, JSON-RPC):
 * the adjudicator from contracts/build is deployed over RPC, then open → 1,000 payments → cooperative
 * close, open → pay → stale challenge → the watcher answers on its own → settle after a real challenge
 * period (the chain makes empty blocks, so its clock moves), and a deposit through the ERC-20 view at
 * 0x3600…, and a three-party channel (three deposits, payments between all, cooperative close). Payees are
 * fresh addresses, so their balances are exactly the payouts, checked to the wei.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  type Abi,
  type Address,
  type Chain,
  createPublicClient,
  createWalletClient,
  defineChain,
  erc20Abi,
  type Hash,
  type Hex,
  http,
  type PublicClient,
} from "viem";
import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adjudicatorAbi, ChannelStatus } from "../../src/channels/abi.js";
import type { ChannelParams } from "../../src/channels/types.js";
import { ViemAdjudicator } from "../../src/channels/viemAdjudicator.js";
import { ChannelWatcher } from "../../src/channels/watcher.js";
import { CHAIN_ID, DEV_KEYS, type RunningNode, startSingleNode } from "../compat/helpers/single-node.js";
import { meshMembers, meshPair } from "../unit/channels/mesh.js";

const [ALICE_KEY] = DEV_KEYS;
const DEPLOYER = mnemonicToAccount("test test test test test test test test test test test junk", {
  addressIndex: 2,
});
const USDC_TOKEN: Address = "0x3600000000000000000000000000000000000000";
const USDC = 10n ** 18n;
/** The adjudicator users deploy: the committed Foundry/solc build in contracts/build. */
const artifact = JSON.parse(
  readFileSync(resolve(import.meta.dirname, "../../contracts/build/ChannelAdjudicator.json"), "utf8"),
) as { abi: Abi; bytecode: Hex };

let running: RunningNode;
let chain: Chain;
let publicClient: PublicClient;
let adjudicatorAddress: Address;
/** Gas used on Kairos per adjudicator call, from the receipts (printed at the end for bench notes). */
const gas: Record<string, bigint> = {};

function walletFor(key: Hex) {
  return createWalletClient({ account: privateKeyToAccount(key), chain, transport: http(running.url) });
}
function adjudicatorFor(key: Hex): ViemAdjudicator {
  return new ViemAdjudicator({
    address: adjudicatorAddress,
    publicClient,
    walletClient: walletFor(key),
    pollingInterval: 50,
  });
}

let nonce = 0n;
/** Dev key i is participant i; payees are fresh addresses. */
function channelParams(challengePeriod: bigint, size = 2): ChannelParams {
  nonce++;
  const payee = (i: number) =>
    `0x${(0xfeed0000n + nonce * 16n + BigInt(i)).toString(16).padStart(40, "0")}` as Address;
  const indices = Array.from({ length: size }, (_, i) => i);
  return {
    participants: indices.map((i) => privateKeyToAccount(DEV_KEYS[i]).address),
    payees: indices.map(payee),
    nonce,
    challengePeriod,
  };
}

const domainNow = () => ({ chainId: chain.id, adjudicator: adjudicatorAddress });
const members = (params: ChannelParams) => meshMembers(params, domainNow(), DEV_KEYS, adjudicatorFor);
const parties = (params: ChannelParams) => meshPair(params, domainNow(), DEV_KEYS, adjudicatorFor);

async function gasOf(name: string, hash: Hash): Promise<bigint> {
  const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 50 });
  expect(receipt.status).toBe("success");
  gas[name] = receipt.gasUsed;
  return receipt.gasUsed * receipt.effectiveGasPrice;
}

/** The transaction that deposited into `channelId` (Channel.open does not hand out its hash). */
async function depositTx(channelId: Hex): Promise<Hash> {
  const logs = await publicClient.getContractEvents({
    address: adjudicatorAddress,
    abi: adjudicatorAbi,
    eventName: "Deposited",
    args: { channelId },
    fromBlock: 0n,
  });
  expect(logs).toHaveLength(1);
  return logs[0].transactionHash;
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
  const deployer = createWalletClient({ account: DEPLOYER, chain, transport: http(running.url) });
  const hash = await deployer.deployContract({ abi: artifact.abi, bytecode: artifact.bytecode });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  expect(receipt.status).toBe("success");
  adjudicatorAddress = receipt.contractAddress!;
  gas.deploy = receipt.gasUsed;
});

afterAll(async () => {
  console.info(
    `gas used on Kairos: ${Object.entries(gas)
      .map(([name, used]) => `${name} ${used}`)
      .join(", ")}`,
  );
  await running?.stop();
});

describe("USDC channels on a running Kairos node", () => {
  it("open → 1,000 payments → cooperative close pays both payees to the wei", async () => {
    const params = channelParams(3600n);
    const { alice, bob, adjudicators } = await parties(params);
    const deposit = 10n * USDC;
    await alice.open(deposit);
    expect(await adjudicators.alice.holdings(alice.id)).toBe(deposit);
    expect(await publicClient.getBalance({ address: adjudicatorAddress })).toBe(deposit);
    await gasOf("deposit", await depositTx(alice.id));

    const price = 1_234_567_891_234n; // wei per payment, deliberately not round
    await Promise.all(Array.from({ length: 1000 }, () => alice.pay(price)));
    expect(bob.latest!.state.version).toBe(1001n);
    expect(bob.latest!.state.balances).toEqual([deposit - 1000n * price, 1000n * price]);

    const { final, txHash } = await alice.close();
    expect(final.state.isFinal).toBe(true);
    await gasOf("close", txHash!);
    expect(await publicClient.getBalance({ address: params.payees[0] })).toBe(deposit - 1000n * price);
    expect(await publicClient.getBalance({ address: params.payees[1] })).toBe(1000n * price);
    expect(await adjudicators.alice.holdings(alice.id)).toBe(0n);
    expect(await publicClient.getBalance({ address: adjudicatorAddress })).toBe(0n);
    expect((await adjudicators.alice.challengeOf(alice.id)).status).toBe(ChannelStatus.Concluded);
  });

  it("open → pay → stale challenge → the watcher responds on its own → settle pays the latest split to the wei", async () => {
    // Long enough that the premature settle below is still early on a loaded machine; the chain's own
    // empty blocks then carry its clock past the timer.
    const params = channelParams(8n);
    const { alice, bob, adjudicators } = await parties(params);
    await alice.open(10n * USDC);
    await alice.pay(1n * USDC);
    const stale = alice.latest!;
    await alice.pay(2n * USDC);
    expect(bob.latest!.state.balances).toEqual([7n * USDC, 3n * USDC]);

    const watcher = new ChannelWatcher(adjudicators.bob, {
      onResponded: (_id, registered, answered, hash) => respondedWith({ registered, answered, hash }),
      onError: (_id, err) => failed(err),
    });
    let respondedWith: (value: { registered: bigint; answered: bigint; hash: Hash }) => void = () => {};
    let failed: (err: unknown) => void = () => {};
    const responded = new Promise<{ registered: bigint; answered: bigint; hash: Hash }>((resolve, reject) => {
      respondedWith = resolve;
      failed = reject;
    });
    await watcher.watch(bob);

    // Alice tries to settle on the state in which she had paid only 1 USDC; only Bob's watcher acts.
    await gasOf("challenge", await adjudicators.alice.challenge(params, stale));
    const answer = await responded;
    watcher.stop();
    expect(answer).toMatchObject({ registered: stale.state.version, answered: bob.latest!.state.version });
    await gasOf("respond", answer.hash);
    const challenge = await adjudicators.alice.challengeOf(alice.id);
    expect(challenge).toMatchObject({ version: bob.latest!.state.version, status: ChannelStatus.Challenged });

    await expect(alice.settle()).rejects.toThrow(/ChallengeNotExpired/);
    // No clock to push on a real chain: the validator's empty blocks carry time past the timer.
    while ((await publicClient.getBlock()).timestamp < challenge.finalizesAt) {
      await new Promise((r) => setTimeout(r, 200));
    }
    await gasOf("settle", await bob.settle());

    expect(await publicClient.getBalance({ address: params.payees[0] })).toBe(7n * USDC);
    expect(await publicClient.getBalance({ address: params.payees[1] })).toBe(3n * USDC);
    expect(await adjudicators.bob.holdings(bob.id)).toBe(0n);
    expect((await adjudicators.bob.challengeOf(bob.id)).status).toBe(ChannelStatus.Concluded);
  });

  it("funds a channel with ERC-20 USDC through the token view at 0x3600…, and closes it to the wei", async () => {
    const params = channelParams(3600n);
    const { alice, bob, adjudicators } = await parties(params);
    const aliceAddress = params.participants[0];
    const aliceWallet = walletFor(ALICE_KEY);
    const amount6 = 2_500_001n; // 2.500001 USDC in the token's 6 decimals
    const before = await publicClient.getBalance({ address: aliceAddress });

    await alice.open(0n); // the pre-funding state only: the deposit comes through the token
    const approve = await aliceWallet.writeContract({
      address: USDC_TOKEN,
      abi: erc20Abi,
      functionName: "approve",
      args: [adjudicatorAddress, amount6],
    });
    const approveFee = await gasOf("approve (token)", approve);
    const depositFee = await gasOf("depositToken", await adjudicators.alice.depositToken(params, 0, amount6));
    const credited = amount6 * 10n ** 12n;
    expect(await adjudicators.alice.totalDeposited(alice.id, 0)).toBe(credited);
    expect(await adjudicators.alice.holdings(alice.id)).toBe(credited);
    // The token moved native balance: alice paid exactly the credit plus her two fees.
    expect(await publicClient.getBalance({ address: aliceAddress })).toBe(
      before - credited - approveFee - depositFee,
    );
    expect(
      await publicClient.readContract({
        address: USDC_TOKEN,
        abi: erc20Abi,
        functionName: "allowance",
        args: [aliceAddress, adjudicatorAddress],
      }),
    ).toBe(0n);

    await alice.fund(credited);
    await alice.pay(USDC);
    expect(bob.latest!.state.balances).toEqual([credited - USDC, USDC]);
    const { txHash } = await alice.close();
    expect(txHash).toBeDefined();
    expect(await publicClient.getBalance({ address: params.payees[0] })).toBe(credited - USDC);
    expect(await publicClient.getBalance({ address: params.payees[1] })).toBe(USDC);
    expect(await adjudicators.alice.holdings(alice.id)).toBe(0n);
  });

  it("three parties deposit, pay each other, and close cooperatively: every payee gets its balance to the wei", async () => {
    const params = channelParams(3600n, 3);
    const { channels, adjudicators } = await members(params);
    const [alice, bob, carol] = channels;
    await alice.open(3n * USDC);
    await bob.deposit(2n * USDC);
    await carol.deposit(USDC);
    expect(await adjudicators[0].holdings(alice.id)).toBe(6n * USDC);

    const price = 987_654_321_987n; // wei, deliberately not round
    await Promise.all(Array.from({ length: 200 }, (_, i) => alice.pay(price, 1 + (i % 2))));
    await bob.pay(USDC / 3n, 2);
    await carol.pay(USDC / 7n, 0);
    const expected = [
      3n * USDC - 200n * price + USDC / 7n,
      2n * USDC + 100n * price - USDC / 3n,
      USDC + 100n * price + USDC / 3n - USDC / 7n,
    ];
    expect(alice.latest!.state.balances).toEqual(expected);

    const { final, txHash } = await carol.close();
    expect(final.sigs).toHaveLength(3);
    await gasOf("close (3 parties)", txHash!);
    for (const [i, payee] of params.payees.entries()) {
      expect(await publicClient.getBalance({ address: payee })).toBe(expected[i]);
    }
    expect(await adjudicators[0].holdings(alice.id)).toBe(0n);
    expect((await adjudicators[0].challengeOf(alice.id)).status).toBe(ChannelStatus.Concluded);
    for (const member of channels)
      await expect(member.pay(1n, (member.me + 1) % 3)).rejects.toMatchObject({ code: "FINALIZED" });
  });
});
