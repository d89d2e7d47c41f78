/** The Adjudicator over viem: writes through a wallet client, waits for receipts, reads and watches events. */
import type { Account, Address, Chain, Hash, Hex, PublicClient, Transport, WalletClient } from "viem";
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

  deposit(params: ChannelParams, participant: number, amount: bigint): Promise<Hash> {
    return this.write("deposit", [toParams(params), BigInt(participant)], amount);
  }

  close(params: ChannelParams, signed: SignedState): Promise<Hash> {
    return this.write("close", [toParams(params), toState(signed), signed.sigs]);
  }

  challenge(params: ChannelParams, signed: SignedState): Promise<Hash> {
    return this.write("challenge", [toParams(params), toState(signed), signed.sigs]);
  }

  respond(params: ChannelParams, signed: SignedState): Promise<Hash> {
    return this.write("respond", [toParams(params), toState(signed), signed.sigs]);
  }

  settle(params: ChannelParams): Promise<Hash> {
    return this.write("settle", [toParams(params)]);
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

  /** Simulates first (so a revert surfaces with its reason), sends, and waits for a successful receipt. */
  private async write(
    functionName: "deposit" | "close" | "challenge" | "respond" | "settle",
    args: readonly unknown[],
    value?: bigint,
  ): Promise<Hash> {
    const { request } = await this.publicClient.simulateContract({
      address: this.address,
      abi: adjudicatorAbi,
      functionName,
      // viem cannot narrow a union of function names to one argument tuple; the public methods above fix them.
      args: args as never,
      account: this.walletClient.account,
      value,
    } as never);
    const hash = await this.walletClient.writeContract(request as never);
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
