/** What two participants say to each other about one channel. */
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

/** "I stored and countersigned version `version`: here is my signature." */
export interface AcceptMessage {
  kind: "accept";
  channelId: Hex;
  signer: number;
  version: bigint;
  signature: Hex;
}

/** "I refuse version `version`", with my latest co-signed state so a peer that lost track can resync. */
export interface RejectMessage {
  kind: "reject";
  channelId: Hex;
  version: bigint;
  code: ChannelErrorCode;
  reason: string;
  latest?: SignedState;
}

export type ChannelMessage = ProposeMessage | AcceptMessage | RejectMessage;
