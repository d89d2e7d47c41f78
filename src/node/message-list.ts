/**
 * A list of consensus messages as one sync answer: u32 count, then each message as u32 length ‖ bytes
 * (the consensus wire codec). Decoding is strict: the bytes come from any peer.
 */
import type { ConsensusMessage } from "../consensus/messages.js";
import { decodeMessage, encodeMessage } from "../consensus/wire.js";
import { MalformedMessageError } from "../p2p/errors.js";

export function encodeMessageList(messages: readonly ConsensusMessage[]): Uint8Array {
  const encoded = messages.map(encodeMessage);
  const out = new Uint8Array(4 + encoded.reduce((sum, bytes) => sum + 4 + bytes.length, 0));
  const view = new DataView(out.buffer);
  view.setUint32(0, encoded.length);
  let offset = 4;
  for (const bytes of encoded) {
    view.setUint32(offset, bytes.length);
    out.set(bytes, offset + 4);
    offset += 4 + bytes.length;
  }
  return out;
}

export function decodeMessageList(bytes: Uint8Array, maxMessages = 1_024): ConsensusMessage[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4) throw new MalformedMessageError("message list shorter than its count");
  const count = view.getUint32(0);
  if (count > maxMessages) throw new MalformedMessageError(`message list of ${count} > ${maxMessages}`);
  const messages: ConsensusMessage[] = [];
  let offset = 4;
  for (let i = 0; i < count; i++) {
    if (offset + 4 > bytes.length) throw new MalformedMessageError("message list truncated");
    const length = view.getUint32(offset);
    if (offset + 4 + length > bytes.length) throw new MalformedMessageError("message list truncated");
    messages.push(decodeMessage(bytes.subarray(offset + 4, offset + 4 + length)));
    offset += 4 + length;
  }
  if (offset !== bytes.length) throw new MalformedMessageError("bytes trailing a message list");
  return messages;
}
