/**
 * The channel's on-chain life against a real EVM (anvil) running the adjudicator compiled from
 * contracts/ChannelAdjudicator.sol: open → 1,000 payments → cooperative close, and open → pay → stale
 * challenge → automatic response by the watcher → settle, balances checked to the wei.
 */
import {
  type Address,
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
import { Channel } from "../../../src/channels/channel.js";
import { nativeCrypto, nativeSigner } from "../../../src/channels/nativeCrypto.js";
import { MemoryChannelStore } from "../../../src/channels/store.js";
import { memoryTransportPair } from "../../../src/channels/transport.js";
import type { ChannelParams } from "../../../src/channels/types.js";
import { ViemAdjudicator } from "../../../src/channels/viemAdjudicator.js";
import { ChannelWatcher } from "../../../src/channels/watcher.js";
import { type Anvil, startAnvil } from "./anvil.js";
import { CHAIN_ID, DEV_KEYS, USDC } from "./fixtures.js";

const chain = defineChain({
  id: CHAIN_ID,
  name: "anvil",
  nativeCurrency: { name: "USD Coin", symbol: "USDC", decimals: 18 },
  rpcUrls: { default: { http: [] } },
});

let anvil: Anvil;
let publicClient: PublicClient;
let adjudicatorAddress: Address;

function adjudicatorFor(key: Hex): ViemAdjudicator {
  const walletClient = createWalletClient({
    account: privateKeyToAccount(key),
    chain,
    transport: http(anvil.url),
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
function channelParams(): ChannelParams {
  nonce++;
  const payee = (i: number) =>
    `0x${(0xc0ffee0000n + nonce * 16n + BigInt(i)).toString(16).padStart(40, "0")}` as Address;
  return {
    participants: [privateKeyToAccount(DEV_KEYS[0]).address, privateKeyToAccount(DEV_KEYS[1]).address],
    payees: [payee(0), payee(1)],
    nonce,
    challengePeriod: 3600n,
  };
}

async function parties(params: ChannelParams) {
  const domain = { chainId: CHAIN_ID, adjudicator: adjudicatorAddress };
  const crypto = nativeCrypto(domain);
  const [ta, tb] = memoryTransportPair();
  const common = { params, domain, crypto, window: 64 };
  const adjudicators = { alice: adjudicatorFor(DEV_KEYS[0]), bob: adjudicatorFor(DEV_KEYS[1]) };
  const alice = await Channel.create({
    ...common,
    me: 0,
    signer: nativeSigner(DEV_KEYS[0]),
    transport: ta,
    store: new MemoryChannelStore(),
    adjudicator: adjudicators.alice,
  });
  const bob = await Channel.create({
    ...common,
    me: 1,
    signer: nativeSigner(DEV_KEYS[1]),
    transport: tb,
    store: new MemoryChannelStore(),
    adjudicator: adjudicators.bob,
  });
  return { alice, bob, adjudicators };
}

beforeAll(async () => {
  const artifact = adjudicatorArtifact();
  anvil = await startAnvil(CHAIN_ID);
  publicClient = createPublicClient({ chain, transport: http(anvil.url) });
  const deployer = createWalletClient({
    account: privateKeyToAccount(DEV_KEYS[2]),
    chain,
    transport: http(anvil.url),
  });
  const hash = await deployer.deployContract({ abi: artifact.abi, bytecode: artifact.bytecode });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  adjudicatorAddress = receipt.contractAddress!;
});

afterAll(async () => {
  await anvil?.stop();
});

describe("channels on a real EVM (anvil)", () => {
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

    const responded = new Promise<{ registered: bigint; answered: bigint }>((resolve, reject) => {
      const watcher = new ChannelWatcher(adjudicators.bob, {
        onResponded: (_id, registered, answered) => {
          watcher.stop();
          resolve({ registered, answered });
        },
        onError: (_id, err) => reject(err),
      });
      void watcher.watch(bob);
    });

    // Alice tries to settle on the state in which she had paid only 1 USDC.
    await adjudicators.alice.challenge(params, stale);
    expect(await responded).toEqual({ registered: stale.state.version, answered: bob.latest!.state.version });
    const challenge = await adjudicators.alice.challengeOf(alice.id);
    expect(challenge).toMatchObject({ version: bob.latest!.state.version, status: ChannelStatus.Challenged });

    await expect(alice.settle()).rejects.toThrow(/ChallengeNotExpired/);
    const testClient = createTestClient({ chain, mode: "anvil", transport: http(anvil.url) });
    await testClient.increaseTime({ seconds: Number(params.challengePeriod) + 1 });
    await testClient.mine({ blocks: 1 });
    await bob.settle();

    expect(await publicClient.getBalance({ address: params.payees[0] })).toBe(7n * USDC);
    expect(await publicClient.getBalance({ address: params.payees[1] })).toBe(3n * USDC);
    expect(await adjudicators.bob.holdings(bob.id)).toBe(0n);
  });
});
