/**
 * A compact binary form of channel message batches, for transports between threads of one process
 * (portTransport): structured clone of message objects (bigints, nested arrays, hex strings) cost as
 * much CPU as the signatures themselves. Proposals and signatures are fixed-layout records; anything
 * else (rejects, odd sizes) travels as JSON inside the batch.
 *
 * Layout, big-endian, per message:
 *   propose  1 | channelId 32 | proposer 1 | n 1 | version 32 | balances n×32 | deposits n×32 | isFinal 1 | sig 65
 *   accept   2 | channelId 32 | signer 1 | version 32 | sig 65            (4: the same, then digest 32)
 *   json     3 | length 4 | UTF-8 JSON (codec.ts)
 */
import type { Hex } from "viem";
import { decodeMessage, encodeMessage } from "./codec.js";
import type { ChannelMessage } from "./messages.js";

const PROPOSE = 1;
const ACCEPT = 2;
const JSON_MESSAGE = 3;
const ACCEPT_WITH_DIGEST = 4;
const WORD = 32;
const SIGNATURE = 65;
const MASK64 = 0xffffffffffffffffn;

function writeWord(view: DataView, offset: number, value: bigint): void {
  view.setBigUint64(offset, value >> 192n);
  view.setBigUint64(offset + 8, (value >> 128n) & MASK64);
  view.setBigUint64(offset + 16, (value >> 64n) & MASK64);
  view.setBigUint64(offset + 24, value & MASK64);
}

function readWord(view: DataView, offset: number): bigint {
  const high = (view.getBigUint64(offset) << 64n) | view.getBigUint64(offset + 8);
  const low = (view.getBigUint64(offset + 16) << 64n) | view.getBigUint64(offset + 24);
  return high === 0n ? low : (high << 128n) | low;
}

const fitsWord = (v: bigint): boolean => v >= 0n && v >> 256n === 0n;
const isBytes = (hex: string, length: number): boolean => hex.length === 2 + 2 * length;

/** Bytes one message takes in binary form, or undefined if it must go as JSON. */
function binarySize(m: ChannelMessage): number | undefined {
  if (!isBytes(m.channelId, WORD)) return undefined;
  if (m.kind === "propose") {
    const n = m.state.balances.length;
    const { state } = m;
    const ok =
      state.channelId === m.channelId &&
      m.proposer >= 0 &&
      m.proposer < 256 &&
      n < 256 &&
      state.deposits.length === n &&
      isBytes(m.signature, SIGNATURE) &&
      fitsWord(state.version) &&
      state.balances.every(fitsWord) &&
      state.deposits.every(fitsWord);
    return ok ? 1 + WORD + 2 + WORD + 2 * n * WORD + 1 + SIGNATURE : undefined;
  }
  if (m.kind === "accept") {
    const ok =
      m.signer >= 0 &&
      m.signer < 256 &&
      isBytes(m.signature, SIGNATURE) &&
      fitsWord(m.version) &&
      (m.digest === undefined || isBytes(m.digest, WORD));
    return ok ? 1 + WORD + 1 + WORD + SIGNATURE + (m.digest === undefined ? 0 : WORD) : undefined;
  }
  return undefined;
}

/** Encodes a batch into one ArrayBuffer. */
export function encodeBatch(messages: readonly ChannelMessage[]): ArrayBuffer {
  const json = new Map<number, Buffer>();
  let size = 0;
  for (const [i, m] of messages.entries()) {
    const binary = binarySize(m);
    if (binary !== undefined) {
      size += binary;
    } else {
      const text = Buffer.from(encodeMessage(m), "utf8");
      json.set(i, text);
      size += 5 + text.length;
    }
  }
  // Written in place into the ArrayBuffer handed over (Buffer.alloc's own would need a copy to detach).
  const buffer = new ArrayBuffer(size);
  const bytes = Buffer.from(buffer);
  const view = new DataView(buffer);
  let at = 0;
  for (const [i, m] of messages.entries()) {
    const text = json.get(i);
    if (text !== undefined) {
      bytes[at] = JSON_MESSAGE;
      view.setUint32(at + 1, text.length);
      text.copy(bytes, at + 5);
      at += 5 + text.length;
      continue;
    }
    bytes[at] =
      m.kind === "propose"
        ? PROPOSE
        : m.kind === "accept" && m.digest !== undefined
          ? ACCEPT_WITH_DIGEST
          : ACCEPT;
    bytes.write(m.channelId.slice(2), at + 1, "hex");
    at += 1 + WORD;
    if (m.kind === "propose") {
      const { state } = m;
      const n = state.balances.length;
      bytes[at] = m.proposer;
      bytes[at + 1] = n;
      writeWord(view, at + 2, state.version);
      at += 2 + WORD;
      for (const b of state.balances) {
        writeWord(view, at, b);
        at += WORD;
      }
      for (const d of state.deposits) {
        writeWord(view, at, d);
        at += WORD;
      }
      bytes[at] = state.isFinal ? 1 : 0;
      at += 1;
    } else if (m.kind === "accept") {
      bytes[at] = m.signer;
      writeWord(view, at + 1, m.version);
      at += 1 + WORD;
    }
    bytes.write((m as { signature: Hex }).signature.slice(2), at, "hex");
    at += SIGNATURE;
    if (m.kind === "accept" && m.digest !== undefined) {
      bytes.write(m.digest.slice(2), at, "hex");
      at += WORD;
    }
  }
  return buffer;
}

/**
 * Decodes a batch made by encodeBatch. Throws on a truncated or unknown record (the transport drops the
 * batch); JSON records are validated by codec.ts.
 */
export function decodeBatch(buffer: ArrayBuffer): ChannelMessage[] {
  const bytes = Buffer.from(buffer);
  const view = new DataView(buffer);
  const messages: ChannelMessage[] = [];
  let lastId = "";
  let lastIdHex: Hex = "0x";
  const hexAt = (at: number, length: number): Hex => {
    if (at + length > bytes.length) throw new RangeError("truncated channel message batch");
    return `0x${bytes.toString("hex", at, at + length)}`;
  };
  let at = 0;
  while (at < bytes.length) {
    const kind = bytes[at];
    if (kind === JSON_MESSAGE) {
      const length = view.getUint32(at + 1);
      messages.push(decodeMessage(bytes.toString("utf8", at + 5, at + 5 + length)));
      at += 5 + length;
      continue;
    }
    if (kind !== PROPOSE && kind !== ACCEPT && kind !== ACCEPT_WITH_DIGEST)
      throw new RangeError(`unknown channel message kind ${kind}`);
    // Batches repeat one channel id: decode it once.
    const idKey = bytes.toString("latin1", at + 1, at + 1 + WORD);
    if (idKey !== lastId) {
      lastId = idKey;
      lastIdHex = hexAt(at + 1, WORD);
    }
    const channelId = lastIdHex;
    at += 1 + WORD;
    if (kind === PROPOSE) {
      const proposer = bytes[at];
      const n = bytes[at + 1];
      if (at + 2 + WORD + 2 * n * WORD + 1 + SIGNATURE > bytes.length)
        throw new RangeError("truncated channel message batch");
      const version = readWord(view, at + 2);
      at += 2 + WORD;
      const balances: bigint[] = new Array(n);
      for (let i = 0; i < n; i++, at += WORD) balances[i] = readWord(view, at);
      const deposits: bigint[] = new Array(n);
      for (let i = 0; i < n; i++, at += WORD) deposits[i] = readWord(view, at);
      const isFinal = bytes[at] === 1;
      const signature = hexAt(at + 1, SIGNATURE);
      at += 1 + SIGNATURE;
      messages.push({
        kind: "propose",
        channelId,
        proposer,
        state: { channelId, version, balances, deposits, isFinal },
        signature,
      });
    } else {
      const signer = bytes[at];
      if (at + 1 + WORD + SIGNATURE > bytes.length) throw new RangeError("truncated channel message batch");
      const version = readWord(view, at + 1);
      const signature = hexAt(at + 1 + WORD, SIGNATURE);
      at += 1 + WORD + SIGNATURE;
      if (kind === ACCEPT) {
        messages.push({ kind: "accept", channelId, signer, version, signature });
      } else {
        messages.push({ kind: "accept", channelId, signer, version, signature, digest: hexAt(at, WORD) });
        at += WORD;
      }
    }
  }
  return messages;
}
