/**
 * The on-chain side as a Channel needs it. `ViemAdjudicator` (viemAdjudicator.ts) implements it over
 * viem clients; anything that can reach a ChannelAdjudicator contract may stand in.
 */
import type { Hash, Hex } from "viem";
import type { ChannelStatus } from "./abi.js";
import type { ChannelParams, SignedState } from "./types.js";

export interface ChallengeInfo {
  version: bigint;
  finalizesAt: bigint;
  status: ChannelStatus;
}

export interface ChallengedEvent {
  channelId: Hex;
  version: bigint;
  finalizesAt: bigint;
}

/** Where a participant learns how much each participant has deposited on-chain. */
export interface DepositLedger {
  totalDeposited(channelId: Hex, participant: number): Promise<bigint>;
}

export interface Adjudicator extends DepositLedger {
  /** Deposits `amount` wei of native USDC for `participant`; resolves once the transaction is mined. */
  deposit(params: ChannelParams, participant: number, amount: bigint): Promise<Hash>;
  close(params: ChannelParams, signed: SignedState): Promise<Hash>;
  challenge(params: ChannelParams, signed: SignedState): Promise<Hash>;
  respond(params: ChannelParams, signed: SignedState): Promise<Hash>;
  settle(params: ChannelParams): Promise<Hash>;
  holdings(channelId: Hex): Promise<bigint>;
  challengeOf(channelId: Hex): Promise<ChallengeInfo>;
  /** Calls `onChallenged` for every Challenged event from now on; returns a function that stops watching. */
  watchChallenged(onChallenged: (event: ChallengedEvent) => void): () => void;
}
