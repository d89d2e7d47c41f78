/**
 * The channel's on-chain life against a real EVM (anvil) running the adjudicator compiled from
 * contracts/ChannelAdjudicator.sol: open → 1,000 payments → cooperative close, and open → pay → stale
 * challenge → automatic response by the watcher → settle, balances checked to the wei.
 */
import {
  type Address,
  type Chain,
  createPublicClient,
  createTestClient,
  createWalletClient,
  defineChain,
  type Hex,
  http,
  type PublicClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adjudicatorArtifact } from "../../../scripts/lib/adjudicatorArtifact.js";
import { ChannelStatus } from "../../../src/channels/abi.js";
import type { Channel } from "../../../src/channels/channel.js";
import type { ChannelParams } from "../../../src/channels/types.js";
import { ViemAdjudicator } from "../../../src/channels/viemAdjudicator.js";
import { ChannelWatcher } from "../../../src/channels/watcher.js";
import { type Anvil, startAnvil } from "./anvil.js";
import { CHAIN_ID, DEV_KEYS, USDC } from "./fixtures.js";
import { meshMembers, meshPair } from "./mesh.js";

/**
 * CHANNELS_RPC_URL runs the same flows against a running node (e.g. Kairos' devnet, with funded dev
 * accounts) instead of a fresh anvil; time then passes for real, with a 3 s challenge period.
 */
const EXTERNAL_RPC = process.env.CHANNELS_RPC_URL;
let chain: Chain;
let rpcUrl: string;
let anvil: Anvil | undefined;
let publicClient: PublicClient;
let adjudicatorAddress: Address;

function adjudicatorFor(key: Hex): ViemAdjudicator {
  const walletClient = createWalletClient({
    account: privateKeyToAccount(key),
    chain,
    transport: http(rpcUrl),
  });
  return new ViemAdjudicator({
    address: adjudicatorAddress,
    publicClient,
    walletClient,
    pollingInterval: 50,
  });
}

/** Fresh payees (never used on this chain) so their balances are exactly the payouts. */
let nonce = 0n;
function channelParams(size = 2): ChannelParams {
  nonce++;
  const payee = (i: number) =>
    `0x${(0xc0ffee0000n + nonce * 16n + BigInt(i)).toString(16).padStart(40, "0")}` as Address;
  const indices = Array.from({ length: size }, (_, i) => i);
  return {
    participants: indices.map((i) => privateKeyToAccount(DEV_KEYS[i]).address),
    payees: indices.map(payee),
    nonce,
    challengePeriod: EXTERNAL_RPC ? 3n : 3600n,
  };
}

const domainNow = () => ({ chainId: chain.id, adjudicator: adjudicatorAddress });
const members = (params: ChannelParams) => meshMembers(params, domainNow(), DEV_KEYS, adjudicatorFor);
const parties = (params: ChannelParams) => meshPair(params, domainNow(), DEV_KEYS, adjudicatorFor);

/** Resolves with the first stale challenge `watcher` answers for `channel`. */
function answered(adjudicator: ViemAdjudicator, channel: Channel) {
  return new Promise<{ registered: bigint; answered: bigint }>((resolve, reject) => {
    const watcher = new ChannelWatcher(adjudicator, {
      onResponded: (_id, registered, answered) => {
        watcher.stop();
        resolve({ registered, answered });
      },
      onError: (_id, err) => reject(err),
    });
    void watcher.watch(channel);
  });
}

beforeAll(async () => {
  const artifact = adjudicatorArtifact();
  if (EXTERNAL_RPC) {
    rpcUrl = EXTERNAL_RPC;
  } else {
    anvil = await startAnvil(CHAIN_ID);
    rpcUrl = anvil.url;
  }
  const chainId = await createPublicClient({ transport: http(rpcUrl) }).getChainId();
  chain = defineChain({
    id: chainId,
    name: "channels-test",
    nativeCurrency: { name: "USD Coin", symbol: "USDC", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
  publicClient = createPublicClient({ chain, transport: http(rpcUrl), pollingInterval: 50 });
  const deployer = createWalletClient({
    account: privateKeyToAccount(DEV_KEYS[2]),
    chain,
    transport: http(rpcUrl),
  });
  const hash = await deployer.deployContract({ abi: artifact.abi, bytecode: artifact.bytecode });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  adjudicatorAddress = receipt.contractAddress!;
});

/** Moves the chain past `finalizesAt`: anvil's clock is pushed; a real node is waited for. */
async function passChallengePeriod(finalizesAt: bigint): Promise<void> {
  if (anvil !== undefined) {
    const testClient = createTestClient({ chain, mode: "anvil", transport: http(rpcUrl) });
    await testClient.setNextBlockTimestamp({ timestamp: finalizesAt });
    await testClient.mine({ blocks: 1 });
    return;
  }
  while ((await publicClient.getBlock()).timestamp < finalizesAt)
    await new Promise((r) => setTimeout(r, 250));
}

afterAll(async () => {
  await anvil?.stop();
});

describe(`channels on a real EVM (${EXTERNAL_RPC ?? "anvil"})`, () => {
  it("open → 1,000 payments → cooperative close pays both payees to the wei", async () => {
    const params = channelParams();
    const { alice, bob, adjudicators } = await parties(params);
    const deposit = 10n * USDC;
    await alice.open(deposit);
    expect(await adjudicators.alice.holdings(alice.id)).toBe(deposit);

    const price = 1_234_567_891_234n; // wei per payment, deliberately not round
    await Promise.all(Array.from({ length: 1000 }, () => alice.pay(price)));
    expect(bob.latest!.state.version).toBe(1001n);

    const { final, txHash } = await alice.close();
    expect(txHash).toBeDefined();
    expect(final.state.isFinal).toBe(true);
    expect(await publicClient.getBalance({ address: params.payees[0] })).toBe(deposit - 1000n * price);
    expect(await publicClient.getBalance({ address: params.payees[1] })).toBe(1000n * price);
    expect(await adjudicators.alice.holdings(alice.id)).toBe(0n);
    expect((await adjudicators.alice.challengeOf(alice.id)).status).toBe(ChannelStatus.Concluded);
  });

  it("open → pay → stale challenge → the watcher responds on its own → settle pays the latest split to the wei", async () => {
    const params = channelParams();
    const { alice, bob, adjudicators } = await parties(params);
    await alice.open(10n * USDC);
    await alice.pay(1n * USDC);
    const stale = alice.latest!;
    await alice.pay(2n * USDC);
    expect(bob.latest!.state.balances).toEqual([7n * USDC, 3n * USDC]);

    const responded = answered(adjudicators.bob, bob);

    // Alice tries to settle on the state in which she had paid only 1 USDC.
    await adjudicators.alice.challenge(params, stale);
    expect(await responded).toEqual({ registered: stale.state.version, answered: bob.latest!.state.version });
    const challenge = await adjudicators.alice.challengeOf(alice.id);
    expect(challenge).toMatchObject({ version: bob.latest!.state.version, status: ChannelStatus.Challenged });

    await expect(alice.settle()).rejects.toThrow(/ChallengeNotExpired/);
    await passChallengePeriod(challenge.finalizesAt);
    await bob.settle();

    expect(await publicClient.getBalance({ address: params.payees[0] })).toBe(7n * USDC);
    expect(await publicClient.getBalance({ address: params.payees[1] })).toBe(3n * USDC);
    expect(await adjudicators.bob.holdings(bob.id)).toBe(0n);
  });

  it("three parties: each deposits, pays the others, and a cooperative close pays all three payees to the wei", async () => {
    const params = channelParams(3);
    const { channels, adjudicators } = await members(params);
    const [alice, bob, carol] = channels;
    await alice.open(3n * USDC);
    await bob.deposit(2n * USDC);
    await carol.deposit(1n * USDC);
    expect(await adjudicators[0].holdings(alice.id)).toBe(6n * USDC);

    const price = 987_654_321_987n;
    await Promise.all(Array.from({ length: 100 }, (_, i) => alice.pay(price, 1 + (i % 2))));
    await carol.pay(USDC / 2n, 1);
    const { final } = await bob.close();
    expect(final.sigs).toHaveLength(3);

    expect(await publicClient.getBalance({ address: params.payees[0] })).toBe(3n * USDC - 100n * price);
    expect(await publicClient.getBalance({ address: params.payees[1] })).toBe(
      2n * USDC + 50n * price + USDC / 2n,
    );
    expect(await publicClient.getBalance({ address: params.payees[2] })).toBe(USDC + 50n * price - USDC / 2n);
    expect(await adjudicators[0].holdings(alice.id)).toBe(0n);
  });

  it("three parties: a stale challenge is answered by another participant's watcher, and settle pays the latest split", async () => {
    const params = channelParams(3);
    const { channels, adjudicators } = await members(params);
    const [alice, bob, carol] = channels;
    await alice.open(4n * USDC);
    await carol.deposit(1n * USDC);
    await alice.pay(USDC, 1);
    const stale = carol.latest!;
    await alice.pay(USDC, 2);
    await bob.pay(USDC / 4n, 2);
    expect(carol.latest!.state.balances).toEqual([2n * USDC, (3n * USDC) / 4n, (9n * USDC) / 4n]);

    const responded = answered(adjudicators[2], carol);
    await adjudicators[0].challenge(params, stale); // alice registers the state before her second payment
    expect(await responded).toEqual({
      registered: stale.state.version,
      answered: carol.latest!.state.version,
    });
    const challenge = await adjudicators[0].challengeOf(alice.id);
    await expect(bob.settle()).rejects.toThrow(/ChallengeNotExpired/);
    await passChallengePeriod(challenge.finalizesAt);
    await bob.settle();

    expect(await publicClient.getBalance({ address: params.payees[0] })).toBe(2n * USDC);
    expect(await publicClient.getBalance({ address: params.payees[1] })).toBe((3n * USDC) / 4n);
    expect(await publicClient.getBalance({ address: params.payees[2] })).toBe((9n * USDC) / 4n);
    expect(await adjudicators[1].holdings(bob.id)).toBe(0n);
  });
});
