/** The Adjudicator over viem: writes through a wallet client, waits for receipts, reads and watches events. */
import type {
  Account,
  Address,
  Chain,
  Hash,
  Hex,
  PublicClient,
  Transport,
  WalletClient,
  WriteContractParameters,
} from "viem";
import { adjudicatorAbi, type ChannelStatus } from "./abi.js";
import type { Adjudicator, ChallengedEvent, ChallengeInfo } from "./adjudicator.js";
import { ChannelError } from "./errors.js";
import type { ChannelParams, SignedState } from "./types.js";

export interface ViemAdjudicatorOptions {
  address: Address;
  publicClient: PublicClient;
  walletClient: WalletClient<Transport, Chain | undefined, Account>;
  /** How often to poll for events over HTTP (ms). */
  pollingInterval?: number;
}

const toParams = (p: ChannelParams) => ({
  participants: p.participants,
  payees: p.payees,
  nonce: p.nonce,
  challengePeriod: p.challengePeriod,
});
const toState = (s: SignedState) => ({
  channelId: s.state.channelId,
  version: s.state.version,
  balances: s.state.balances,
  deposits: s.state.deposits,
  isFinal: s.state.isFinal,
});

export class ViemAdjudicator implements Adjudicator {
  readonly address: Address;
  private readonly publicClient: PublicClient;
  private readonly walletClient: WalletClient<Transport, Chain | undefined, Account>;
  private readonly pollingInterval: number;

  constructor(options: ViemAdjudicatorOptions) {
    this.address = options.address;
    this.publicClient = options.publicClient;
    this.walletClient = options.walletClient;
    this.pollingInterval = options.pollingInterval ?? 250;
  }

  async deposit(params: ChannelParams, participant: number, amount: bigint): Promise<Hash> {
    const { request } = await this.publicClient.simulateContract({
      ...this.target(),
      functionName: "deposit",
      args: [toParams(params), BigInt(participant)],
      value: amount,
    });
    return this.send("deposit", request);
  }

  /**
   * Deposits `amount6` ERC-20 USDC (6 decimals) for `participant` through the token view; the contract
   * credits amount6 × 10^12 wei. The wallet's account must first have approved the adjudicator on the
   * token view at 0x3600…; the credit is then accounted with `Channel.fund(totalDeposited)`.
   */
  async depositToken(params: ChannelParams, participant: number, amount6: bigint): Promise<Hash> {
    const { request } = await this.publicClient.simulateContract({
      ...this.target(),
      functionName: "depositToken",
      args: [toParams(params), BigInt(participant), amount6],
    });
    return this.send("depositToken", request);
  }

  async close(params: ChannelParams, signed: SignedState): Promise<Hash> {
    const { request } = await this.publicClient.simulateContract({
      ...this.target(),
      functionName: "close",
      args: [toParams(params), toState(signed), signed.sigs],
    });
    return this.send("close", request);
  }

  async challenge(params: ChannelParams, signed: SignedState): Promise<Hash> {
    const { request } = await this.publicClient.simulateContract({
      ...this.target(),
      functionName: "challenge",
      args: [toParams(params), toState(signed), signed.sigs],
    });
    return this.send("challenge", request);
  }

  async respond(params: ChannelParams, signed: SignedState): Promise<Hash> {
    const { request } = await this.publicClient.simulateContract({
      ...this.target(),
      functionName: "respond",
      args: [toParams(params), toState(signed), signed.sigs],
    });
    return this.send("respond", request);
  }

  async settle(params: ChannelParams): Promise<Hash> {
    const { request } = await this.publicClient.simulateContract({
      ...this.target(),
      functionName: "settle",
      args: [toParams(params)],
    });
    return this.send("settle", request);
  }

  totalDeposited(channelId: Hex, participant: number): Promise<bigint> {
    return this.publicClient.readContract({
      address: this.address,
      abi: adjudicatorAbi,
      functionName: "totalDeposited",
      args: [channelId, BigInt(participant)],
    });
  }

  holdings(channelId: Hex): Promise<bigint> {
    return this.publicClient.readContract({
      address: this.address,
      abi: adjudicatorAbi,
      functionName: "holdings",
      args: [channelId],
    });
  }

  async challengeOf(channelId: Hex): Promise<ChallengeInfo> {
    const [version, finalizesAt, status] = await this.publicClient.readContract({
      address: this.address,
      abi: adjudicatorAbi,
      functionName: "challengeOf",
      args: [channelId],
    });
    return { version, finalizesAt, status: status as ChannelStatus };
  }

  watchChallenged(onChallenged: (event: ChallengedEvent) => void): () => void {
    return this.publicClient.watchContractEvent({
      address: this.address,
      abi: adjudicatorAbi,
      eventName: "Challenged",
      pollingInterval: this.pollingInterval,
      onLogs: (logs) => {
        for (const log of logs) {
          const { channelId, version, finalizesAt } = log.args;
          if (channelId !== undefined && version !== undefined && finalizesAt !== undefined) {
            onChallenged({ channelId, version, finalizesAt });
          }
        }
      },
    });
  }

  /** Every write is simulated first (a revert surfaces with its decoded reason) from the wallet's account. */
  private target() {
    return { address: this.address, abi: adjudicatorAbi, account: this.walletClient.account } as const;
  }

  /** Sends a simulated request and waits for a successful receipt. */
  private async send(functionName: string, request: object): Promise<Hash> {
    // simulateContract's request is writeContract's input, but viem's types cannot relate the public
    // client's chain to the wallet client's, hence this one cast.
    const hash = await this.walletClient.writeContract(request as WriteContractParameters);
    const receipt = await this.publicClient.waitForTransactionReceipt({
      hash,
      pollingInterval: this.pollingInterval,
    });
    if (receipt.status !== "success") {
      throw new ChannelError("REJECTED", `${functionName} reverted on-chain`, { hash, functionName });
    }
    return hash;
  }
}
