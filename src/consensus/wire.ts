/**
 * Binary codecs of consensus messages for the p2p layer. Layout: u8 version ‖ u8 kind ‖ fields, all
 * integers big-endian, views u64, validator indices u32, digests 32 raw bytes, variable fields
 * length-prefixed (payload u32, bitmap and signature u16). Decoding is defensive: any truncation,
 * over-long field, unknown kind, trailing byte or out-of-range number throws WireDecodeError.
 */
import { bytesToHex, hexToBytes } from "viem";
import { WireDecodeError } from "./errors.js";
import type { Certificate, ConsensusMessage } from "./messages.js";

export const WIRE_VERSION = 1;

const KIND = {
  proposal: 1,
  vote: 2,
  nullify: 3,
  mNotarization: 4,
  lNotarization: 5,
  nullification: 6,
} as const;

export interface WireLimits {
  /** Largest encoded message accepted (default 8 MiB, above the block gas limit's payload). */
  maxMessageBytes: number;
  maxSignatureBytes: number;
  maxBitmapBytes: number;
}

export const defaultWireLimits: WireLimits = {
  maxMessageBytes: 8 * 1024 * 1024,
  maxSignatureBytes: 256,
  maxBitmapBytes: 1024,
};

class Writer {
  private chunks: Uint8Array[] = [];
  private size = 0;
  bytes(b: Uint8Array): void {
    this.chunks.push(b);
    this.size += b.length;
  }
  u8(x: number): void {
    this.bytes(Uint8Array.of(x));
  }
  u16(x: number): void {
    if (x > 0xffff) throw new RangeError(`field of ${x} bytes does not fit a u16 length`);
    this.bytes(Uint8Array.of(x >> 8, x & 0xff));
  }
  u32(x: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, x);
    this.bytes(b);
  }
  u64(x: number): void {
    if (!Number.isSafeInteger(x) || x < 0)
      throw new RangeError(`view ${x} is not a non-negative safe integer`);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(x));
    this.bytes(b);
  }
  digest(hex: `0x${string}`): void {
    const b = hexToBytes(hex);
    if (b.length !== 32) throw new RangeError("a digest is 32 bytes");
    this.bytes(b);
  }
  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

class Reader {
  private at = 0;
  private readonly view: DataView;
  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  fail(reason: string): never {
    throw new WireDecodeError(reason, { offset: this.at, length: this.buf.length });
  }
  private need(k: number): void {
    if (this.at + k > this.buf.length) this.fail(`truncated: need ${k} more bytes`);
  }
  u8(): number {
    this.need(1);
    return this.buf[this.at++];
  }
  u16(): number {
    this.need(2);
    const x = this.view.getUint16(this.at);
    this.at += 2;
    return x;
  }
  u32(): number {
    this.need(4);
    const x = this.view.getUint32(this.at);
    this.at += 4;
    return x;
  }
  u64(): number {
    this.need(8);
    const x = this.view.getBigUint64(this.at);
    if (x > BigInt(Number.MAX_SAFE_INTEGER)) this.fail("view beyond 2^53");
    this.at += 8;
    return Number(x);
  }
  bytes(k: number): Uint8Array {
    this.need(k);
    const out = this.buf.slice(this.at, this.at + k);
    this.at += k;
    return out;
  }
  digest(): `0x${string}` {
    return bytesToHex(this.bytes(32));
  }
  sized16(max: number, what: string): Uint8Array {
    const k = this.u16();
    if (k > max) this.fail(`${what} of ${k} bytes exceeds ${max}`);
    return this.bytes(k);
  }
  end(): void {
    if (this.at !== this.buf.length) this.fail(`${this.buf.length - this.at} trailing bytes`);
  }
}

export function encodeMessage(message: ConsensusMessage): Uint8Array {
  const w = new Writer();
  w.u8(WIRE_VERSION);
  w.u8(KIND[message.type]);
  switch (message.type) {
    case "proposal":
      w.u64(message.view);
      w.u64(message.parentView);
      w.digest(message.parent);
      w.digest(message.block.digest);
      w.u32(message.proposer);
      w.u32(message.block.payload.length);
      w.bytes(message.block.payload);
      w.u16(message.signature.length);
      w.bytes(message.signature);
      break;
    case "vote":
      w.u64(message.view);
      w.digest(message.digest);
      w.u32(message.signer);
      w.u16(message.signature.length);
      w.bytes(message.signature);
      break;
    case "nullify":
      w.u64(message.view);
      w.u32(message.signer);
      w.u16(message.signature.length);
      w.bytes(message.signature);
      break;
    case "mNotarization":
    case "lNotarization":
      w.u64(message.view);
      w.digest(message.digest);
      w.u16(message.signers.length);
      w.bytes(message.signers);
      w.u16(message.signature.length);
      w.bytes(message.signature);
      break;
    case "nullification":
      w.u64(message.view);
      w.u16(message.signers.length);
      w.bytes(message.signers);
      w.u16(message.signature.length);
      w.bytes(message.signature);
      break;
  }
  return w.finish();
}

export function decodeMessage(bytes: Uint8Array, limits: WireLimits = defaultWireLimits): ConsensusMessage {
  const r = new Reader(bytes);
  if (bytes.length > limits.maxMessageBytes) r.fail(`message of ${bytes.length} bytes exceeds the limit`);
  const version = r.u8();
  if (version !== WIRE_VERSION) r.fail(`unknown wire version ${version}`);
  const kind = r.u8();
  let message: ConsensusMessage;
  switch (kind) {
    case KIND.proposal: {
      const view = r.u64();
      const parentView = r.u64();
      const parent = r.digest();
      const digest = r.digest();
      const proposer = r.u32();
      const payloadLength = r.u32();
      if (payloadLength > limits.maxMessageBytes) r.fail("payload exceeds the limit");
      const payload = r.bytes(payloadLength);
      const signature = r.sized16(limits.maxSignatureBytes, "signature");
      if (parentView >= view) r.fail("parent view must precede the view");
      message = {
        type: "proposal",
        view,
        parentView,
        parent,
        block: { digest, payload },
        proposer,
        signature,
      };
      break;
    }
    case KIND.vote: {
      const view = r.u64();
      const digest = r.digest();
      const signer = r.u32();
      message = {
        type: "vote",
        view,
        digest,
        signer,
        signature: r.sized16(limits.maxSignatureBytes, "signature"),
      };
      break;
    }
    case KIND.nullify: {
      const view = r.u64();
      const signer = r.u32();
      message = {
        type: "nullify",
        view,
        signer,
        signature: r.sized16(limits.maxSignatureBytes, "signature"),
      };
      break;
    }
    case KIND.mNotarization:
    case KIND.lNotarization: {
      const view = r.u64();
      const digest = r.digest();
      const signers = r.sized16(limits.maxBitmapBytes, "signer bitmap");
      const signature = r.sized16(limits.maxSignatureBytes, "signature");
      const type = kind === KIND.mNotarization ? "mNotarization" : "lNotarization";
      message = { type, view, digest, signers, signature };
      break;
    }
    case KIND.nullification: {
      const view = r.u64();
      const signers = r.sized16(limits.maxBitmapBytes, "signer bitmap");
      const signature = r.sized16(limits.maxSignatureBytes, "signature");
      message = { type: "nullification", view, signers, signature };
      break;
    }
    default:
      return r.fail(`unknown message kind ${kind}`);
  }
  r.end();
  return message;
}

/** Encode a certificate alone (what FinalityProof.certificate and the store carry). */
export function encodeCertificate(certificate: Certificate): Uint8Array {
  return encodeMessage(certificate);
}

export function decodeCertificate(bytes: Uint8Array, limits: WireLimits = defaultWireLimits): Certificate {
  const message = decodeMessage(bytes, limits);
  if (
    message.type !== "mNotarization" &&
    message.type !== "lNotarization" &&
    message.type !== "nullification"
  ) {
    throw new WireDecodeError(`expected a certificate, got a ${message.type}`, {
      offset: 1,
      length: bytes.length,
    });
  }
  return message;
}
