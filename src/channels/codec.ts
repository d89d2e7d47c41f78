/**
 * JSON forms of states, records and messages (bigints as decimal strings), validated with zod where
 * bytes enter from a socket or a disk.
 */
import type { Hex } from "viem";
import { z } from "zod";
import type { ChannelErrorCode } from "./errors.js";
import type { ChannelMessage } from "./messages.js";
import type { ChannelRecord } from "./store.js";
import type { SignedState } from "./types.js";

const hex = z.string().regex(/^0x[0-9a-fA-F]*$/) as unknown as z.ZodType<Hex>;
const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/) as unknown as z.ZodType<Hex>;
const uint = z
  .string()
  .regex(/^[0-9]{1,78}$/)
  .transform((s) => BigInt(s));

const stateSchema = z.object({
  channelId: bytes32,
  version: uint,
  balances: z.array(uint).max(256),
  deposits: z.array(uint).max(256),
  isFinal: z.boolean(),
});
const signedStateSchema = z.object({ state: stateSchema, sigs: z.array(hex).max(256) });

const messageSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("propose"),
    channelId: bytes32,
    proposer: z.number().int().min(0),
    state: stateSchema,
    signature: hex,
  }),
  z.object({
    kind: z.literal("accept"),
    channelId: bytes32,
    signer: z.number().int().min(0),
    version: uint,
    signature: hex,
    digest: bytes32.optional(),
  }),
  z.object({
    kind: z.literal("reject"),
    channelId: bytes32,
    version: uint,
    proposer: z.number().int().min(0).optional(),
    code: z.string() as unknown as z.ZodType<ChannelErrorCode>,
    reason: z.string().max(1000),
    latest: signedStateSchema.optional(),
    signedUpTo: uint.optional(),
  }),
]);

const recordSchema = z.object({
  latest: signedStateSchema.optional(),
  signedFinal: stateSchema.optional(),
  highestSigned: uint.optional(),
});

/** JSON.stringify replacer: bigint → decimal string. */
const bigintToString = (_key: string, value: unknown): unknown =>
  typeof value === "bigint" ? value.toString() : value;

export function encodeMessage(message: ChannelMessage): string {
  return JSON.stringify(message, bigintToString);
}

/** Parses and validates a message from the wire; throws a ZodError on anything malformed. */
export function decodeMessage(text: string): ChannelMessage {
  return messageSchema.parse(JSON.parse(text)) as ChannelMessage;
}

export function encodeRecord(record: ChannelRecord): string {
  return JSON.stringify(record, bigintToString);
}

export function decodeRecord(text: string): ChannelRecord {
  return recordSchema.parse(JSON.parse(text)) as ChannelRecord;
}

export function encodeSignedState(signed: SignedState): string {
  return JSON.stringify(signed, bigintToString);
}

export function decodeSignedState(text: string): SignedState {
  return signedStateSchema.parse(JSON.parse(text)) as SignedState;
}
