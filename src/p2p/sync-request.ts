/**
 * The requests of the sync protocol and their wire form. Fixed-size big-endian fields after a one-byte
 * tag; decoding is strict (exact length, known tag, counts within limit) because the bytes come from any
 * peer. Responses are opaque to the p2p layer: the node encodes blocks and certificates with the shared
 * codecs and verifies what it receives.
 */
import { bytesToHex, type Hex, hexToBytes } from "viem";
import { MalformedMessageError } from "./errors.js";

export type SyncRequest =
  /** Final blocks at heights `from … from + count - 1`, each with its L-notarization. */
  | { kind: "final-blocks"; from: bigint; count: number }
  /** One block (final or not) by its digest, for example a missing ancestor. */
  | { kind: "block"; digest: Hex }
  /** Certificates (M-/L-notarizations, nullifications) of views `from … from + count - 1`. */
  | { kind: "certificates"; from: bigint; count: number };

/** The most items one request may ask for; the server may still answer with fewer to fit its size limit. */
export const MAX_SYNC_ITEMS = 1024;

const TAG = { "final-blocks": 1, block: 2, certificates: 3 } as const;
const RANGE_BYTES = 1 + 8 + 4;
const DIGEST_BYTES = 1 + 32;
/** Largest encoded request; the server reads no more. */
export const MAX_SYNC_REQUEST_BYTES = Math.max(RANGE_BYTES, DIGEST_BYTES);

export function encodeSyncRequest(request: SyncRequest): Uint8Array {
  if (request.kind === "block") {
    const digest = hexToBytes(request.digest);
    if (digest.byteLength !== 32) throw new RangeError("a block digest is 32 bytes");
    const out = new Uint8Array(DIGEST_BYTES);
    out[0] = TAG.block;
    out.set(digest, 1);
    return out;
  }
  checkCount(request.count);
  const out = new Uint8Array(RANGE_BYTES);
  const view = new DataView(out.buffer);
  out[0] = TAG[request.kind];
  view.setBigUint64(1, request.from);
  view.setUint32(9, request.count);
  return out;
}

export function decodeSyncRequest(bytes: Uint8Array): SyncRequest {
  const tag = bytes[0];
  if (tag === TAG.block) {
    if (bytes.byteLength !== DIGEST_BYTES) throw new MalformedMessageError("block request length");
    return { kind: "block", digest: bytesToHex(bytes.subarray(1)) };
  }
  if (tag !== TAG["final-blocks"] && tag !== TAG.certificates) {
    throw new MalformedMessageError(`unknown sync request tag ${String(tag)}`);
  }
  if (bytes.byteLength !== RANGE_BYTES) throw new MalformedMessageError("range request length");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(9);
  if (count < 1 || count > MAX_SYNC_ITEMS) throw new MalformedMessageError(`count ${count} out of range`);
  return {
    kind: tag === TAG.certificates ? "certificates" : "final-blocks",
    from: view.getBigUint64(1),
    count,
  };
}

function checkCount(count: number): void {
  if (!Number.isInteger(count) || count < 1 || count > MAX_SYNC_ITEMS) {
    throw new RangeError(`count must be an integer in 1…${MAX_SYNC_ITEMS}`);
  }
}
