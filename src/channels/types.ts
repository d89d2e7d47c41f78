/**
 * The channel's wire types, shared with contracts/ChannelAdjudicator.sol (see /tmp channel spec, mirrored
 * in README.md here). Amounts are 18-decimal native USDC wei, always bigint.
 */
import type { Address, Hex } from "viem";

/** Fixed at open: who signs, who is paid, and what makes this channel's id unique. */
export interface ChannelParams {
  /** Signing keys, one per participant. `sigs[i]` must be participant i's signature. */
  participants: readonly Address[];
  /** Where participant i's payout goes (same length as participants). */
  payees: readonly Address[];
  /** Distinguishes channels between the same parties: a state from an old channel is useless here. */
  nonce: bigint;
  /** Seconds between a challenge and the moment `settle` may pay out. */
  challengePeriod: bigint;
}

/**
 * One version of the split. `deposits[i]` is the cumulative deposit of participant i that this state
 * accounts for; the adjudicator pays balances[i] + (totalDeposited[i] - deposits[i]), so a top-up made
 * after signing is never lost. Valid only if sum(balances) == sum(deposits).
 */
export interface ChannelState {
  channelId: Hex;
  version: bigint;
  balances: readonly bigint[];
  deposits: readonly bigint[];
  isFinal: boolean;
}

/** A state with every participant's 65-byte r||s||v signature, in participant order. */
export interface SignedState {
  state: ChannelState;
  sigs: readonly Hex[];
}

/** The EIP-712 domain every state is signed under: one chain, one adjudicator. */
export interface ChannelDomain {
  chainId: number;
  adjudicator: Address;
}
