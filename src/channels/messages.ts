/** What the participants of one channel say to each other (every message goes to all the others). */
import type { Hex } from "viem";
import type { ChannelErrorCode } from "./errors.js";
import type { ChannelState, SignedState } from "./types.js";

/** "Here is the next state, signed by me (participant `proposer`): countersign it." */
export interface ProposeMessage {
  kind: "propose";
  channelId: Hex;
  proposer: number;
  state: ChannelState;
  signature: Hex;
}

/** "I signed version `version` (and stored it, if my signature completed it): here is my signature." */
export interface AcceptMessage {
  kind: "accept";
  channelId: Hex;
  signer: number;
  version: bigint;
  signature: Hex;
  /**
   * The EIP-712 digest signed. A version may be proposed again with other contents after a failure, so
   * a late signature of the earlier contents is recognised as stale (and ignored) rather than bad.
   */
  digest?: Hex;
}

/**
 * "I refuse version `version` proposed by `proposer`", with my latest fully signed state so a
 * participant that lost track can resync.
 */
export interface RejectMessage {
  kind: "reject";
  channelId: Hex;
  version: bigint;
  /** Whose proposal is refused: another participant's proposal of the same version stands. */
  proposer?: number;
  code: ChannelErrorCode;
  reason: string;
  latest?: SignedState;
  /**
   * Set when the only objection is that I already signed a state at this version (in a conflict, my
   * own; I never sign two at one version): the highest version I signed. The proposer proposes the
   * same update again above it, by itself.
   */
  signedUpTo?: bigint;
}

export type ChannelMessage = ProposeMessage | AcceptMessage | RejectMessage;
