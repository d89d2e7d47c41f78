/**
 * What the channel scripts share: the RPC endpoint (RPC_URL), dev accounts of `test test … junk`, the
 * adjudicator (ADJUDICATOR, or deployed from contracts/ on first use), and a session directory
 * (CHANNEL_DIR, default .kairos/channels) holding the channel's params and both parties' LevelDB stores,
 * so open-channel.ts, pay.ts and close.ts can run one after another.
 *
 * Both parties live in one process here, joined by the in-memory transport: the scripts show the SDK,
 * not the networking (swap in connectWsTransport / listenWsTransport to split them).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  type Address,
  bytesToHex,
  createPublicClient,
  createWalletClient,
  defineChain,
  formatEther,
  type Hex,
  http,
  type PublicClient,
  parseEther,
} from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { ChannelStatus } from "../../src/channels/abi.js";
import { Channel } from "../../src/channels/channel.js";
import { LevelChannelStore } from "../../src/channels/levelStore.js";
import { nativeCrypto, nativeSigner } from "../../src/channels/nativeCrypto.js";
import { memoryTransportPair } from "../../src/channels/transport.js";
import type { ChannelParams } from "../../src/channels/types.js";
import { ViemAdjudicator } from "../../src/channels/viemAdjudicator.js";
import { adjudicatorArtifact } from "./adjudicatorArtifact.js";

export const RPC_URL = process.env.RPC_URL ?? "http://127.0.0.1:8545";
export const CHANNEL_DIR = process.env.CHANNEL_DIR ?? ".kairos/channels";
const MNEMONIC = "test test test test test test test test test test test junk";

/** Dev account `index` of the mnemonic, with its raw key for the native signer. */
export function devAccount(index: number) {
  const account = mnemonicToAccount(MNEMONIC, { addressIndex: index });
  return { account, privateKey: bytesToHex(account.getHdKey().privateKey!) as Hex };
}

async function connect() {
  const probe = createPublicClient({ transport: http(RPC_URL) });
  const chainId = await probe.getChainId();
  const chain = defineChain({
    id: chainId,
    name: "kairos",
    nativeCurrency: { name: "USD Coin", symbol: "USDC", decimals: 18 },
    rpcUrls: { default: { http: [RPC_URL] } },
  });
  const publicClient = createPublicClient({
    chain,
    transport: http(RPC_URL),
    pollingInterval: 100,
  }) as PublicClient;
  const walletFor = (index: number) =>
    createWalletClient({ account: devAccount(index).account, chain, transport: http(RPC_URL) });
  return { chain, chainId, publicClient, walletFor };
}

/** The adjudicator named by ADJUDICATOR, else the one this session deployed, else a fresh deployment. */
async function adjudicatorAddress(conn: Awaited<ReturnType<typeof connect>>): Promise<Address> {
  if (process.env.ADJUDICATOR) return process.env.ADJUDICATOR as Address;
  const saved = readSession();
  if (
    saved &&
    saved.chainId === conn.chainId &&
    (await conn.publicClient.getCode({ address: saved.adjudicator }))
  ) {
    return saved.adjudicator;
  }
  const { abi, bytecode } = adjudicatorArtifact();
  const hash = await conn.walletFor(0).deployContract({ abi, bytecode });
  const receipt = await conn.publicClient.waitForTransactionReceipt({ hash });
  console.log(`deployed ChannelAdjudicator at ${receipt.contractAddress}`);
  return receipt.contractAddress!;
}

interface SessionFile {
  chainId: number;
  adjudicator: Address;
  params: { participants: Address[]; payees: Address[]; nonce: string; challengePeriod: string };
}

function readSession(): SessionFile | undefined {
  const file = join(CHANNEL_DIR, "channel.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as SessionFile) : undefined;
}

function saveSession(chainId: number, adjudicator: Address, params: ChannelParams): void {
  mkdirSync(CHANNEL_DIR, { recursive: true });
  const file: SessionFile = {
    chainId,
    adjudicator,
    params: {
      participants: [...params.participants],
      payees: [...params.payees],
      nonce: params.nonce.toString(),
      challengePeriod: params.challengePeriod.toString(),
    },
  };
  writeFileSync(join(CHANNEL_DIR, "channel.json"), JSON.stringify(file, null, 2));
}

/** Params for a new alice(0) → bob(1) channel; the nonce is the time, so each run opens a fresh channel. */
function newParams(challengePeriod: bigint): ChannelParams {
  const participants = [devAccount(0).account.address, devAccount(1).account.address];
  return { participants, payees: participants, nonce: BigInt(Date.now()), challengePeriod };
}

/**
 * A fresh alice → bob channel, remembered in CHANNEL_DIR for the scripts that follow: what
 * open-channel.ts and dispute.ts start from. argv[2] is alice's deposit in USDC (default 10);
 * CHALLENGE_PERIOD (seconds) overrides `challengePeriod`.
 */
export async function newSession(challengePeriod: bigint) {
  const deposit = parseEther(process.argv[2] ?? "10");
  const conn = await connect();
  const adjudicator = await adjudicatorAddress(conn);
  const params = newParams(BigInt(process.env.CHALLENGE_PERIOD ?? challengePeriod));
  saveSession(conn.chainId, adjudicator, params);
  const who = { alice: params.payees[0], bob: params.payees[1], adjudicator };
  return { deposit, conn, params, who, ...(await parties(conn, adjudicator, params)) };
}

/** Alice (participant 0) and bob (1), each with its own LevelDB store and its own wallet. */
async function parties(
  conn: Awaited<ReturnType<typeof connect>>,
  adjudicator: Address,
  params: ChannelParams,
) {
  const domain = { chainId: conn.chainId, adjudicator };
  const crypto = nativeCrypto(domain);
  const transports = memoryTransportPair();
  const stores = await Promise.all(
    [0, 1].map((i) => LevelChannelStore.open(join(CHANNEL_DIR, i === 0 ? "alice" : "bob"))),
  );
  const adjudicators = [0, 1].map(
    (i) =>
      new ViemAdjudicator({
        address: adjudicator,
        publicClient: conn.publicClient,
        walletClient: conn.walletFor(i),
      }),
  );
  const [alice, bob] = await Promise.all(
    ([0, 1] as const).map((me) =>
      Channel.create({
        params,
        domain,
        me,
        signer: nativeSigner(devAccount(me).privateKey),
        crypto,
        transport: transports[me],
        store: stores[me],
        adjudicator: adjudicators[me],
      }),
    ),
  );
  const close = async () => {
    await Promise.all([alice.stop(), bob.stop()]);
    await Promise.all(stores.map((s) => s.close()));
  };
  return { alice, bob, adjudicators, close };
}

/** Loads the channel that open-channel.ts saved. */
export async function resume() {
  const saved = readSession();
  if (saved === undefined) throw new Error(`no channel in ${CHANNEL_DIR}: run scripts/open-channel.ts first`);
  const conn = await connect();
  if (conn.chainId !== saved.chainId)
    throw new Error(`${CHANNEL_DIR} holds a channel of chain ${saved.chainId}, not ${conn.chainId}`);
  const params: ChannelParams = {
    participants: saved.params.participants,
    payees: saved.params.payees,
    nonce: BigInt(saved.params.nonce),
    challengePeriod: BigInt(saved.params.challengePeriod),
  };
  const session = {
    conn,
    params,
    adjudicator: saved.adjudicator,
    ...(await parties(conn, saved.adjudicator, params)),
  };
  // A channel that already paid out takes no more payments and cannot close twice: say so plainly
  // rather than with a signing error or a ChannelConcluded revert.
  if ((await session.adjudicators[0].challengeOf(session.alice.id)).status === ChannelStatus.Concluded) {
    await session.close();
    console.error(
      `channel ${session.alice.id} is already closed on-chain: open a new one with scripts/open-channel.ts`,
    );
    process.exit(1);
  }
  return session;
}

export async function printBalances(label: string, publicClient: PublicClient, who: Record<string, Address>) {
  console.log(label);
  for (const [name, address] of Object.entries(who)) {
    console.log(
      `  ${name.padEnd(12)} ${address}  ${formatEther(await publicClient.getBalance({ address }))} USDC`,
    );
  }
}

export const usdc = (amount: bigint): string => `${formatEther(amount)} USDC`;
