/**
 * Byte layout of BLS batches sent to worker threads (blst objects cannot cross threads).
 * Public keys travel uncompressed (96 bytes: no square root to decompress on the other side).
 *   sets:         u32 count, then per set: pk(96) ‖ sig(96) ‖ u32 msgLength ‖ msg
 *   same message: u32 msgLength ‖ msg ‖ u32 count, then per signer: pk(96) ‖ sig(96)
 *   reply:        one byte per set or signer, 1 = valid
 */
import { PublicKey } from "@chainsafe/blst";
import { BLS_SIGNATURE_BYTES } from "./bls.js";
import type { SignatureSet, SignerSignature } from "./blsBatch.js";

const PK = 96;
const SIG = BLS_SIGNATURE_BYTES;

class Writer {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  private at = 0;
  constructor(length: number) {
    this.bytes = new Uint8Array(length);
    this.view = new DataView(this.bytes.buffer);
  }
  u32(value: number): void {
    this.view.setUint32(this.at, value);
    this.at += 4;
  }
  put(bytes: Uint8Array, length = bytes.length): void {
    if (bytes.length !== length) throw new RangeError(`expected ${length} bytes, got ${bytes.length}`);
    this.bytes.set(bytes, this.at);
    this.at += length;
  }
}

class Reader {
  private readonly view: DataView;
  private at = 0;
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u32(): number {
    const value = this.view.getUint32(this.at);
    this.at += 4;
    return value;
  }
  take(length: number): Uint8Array {
    const slice = this.bytes.subarray(this.at, this.at + length);
    this.at += length;
    return slice;
  }
}

/** Serialized signatures of unusual length are padded/truncated to 96: they then fail to parse. */
function signatureBytes(signature: Uint8Array): Uint8Array {
  if (signature.length === SIG) return signature;
  const fixed = new Uint8Array(SIG);
  fixed.set(signature.subarray(0, SIG));
  return fixed;
}

export function encodeSignatureSets(sets: readonly SignatureSet[]): Uint8Array {
  const length = 4 + sets.reduce((sum, set) => sum + PK + SIG + 4 + set.message.length, 0);
  const writer = new Writer(length);
  writer.u32(sets.length);
  for (const set of sets) {
    writer.put(set.publicKey.toBytes(false), PK);
    writer.put(signatureBytes(set.signature), SIG);
    writer.u32(set.message.length);
    writer.put(set.message);
  }
  return writer.bytes;
}

export function decodeSignatureSets(bytes: Uint8Array): SignatureSet[] {
  const reader = new Reader(bytes);
  const count = reader.u32();
  const sets: SignatureSet[] = [];
  for (let index = 0; index < count; index++) {
    const publicKey = PublicKey.fromBytes(reader.take(PK), false);
    const signature = reader.take(SIG);
    const message = reader.take(reader.u32());
    sets.push({ publicKey, signature, message });
  }
  return sets;
}

export function encodeSameMessage(message: Uint8Array, signatures: readonly SignerSignature[]): Uint8Array {
  const writer = new Writer(4 + message.length + 4 + signatures.length * (PK + SIG));
  writer.u32(message.length);
  writer.put(message);
  writer.u32(signatures.length);
  for (const entry of signatures) {
    writer.put(entry.publicKey.toBytes(false), PK);
    writer.put(signatureBytes(entry.signature), SIG);
  }
  return writer.bytes;
}

export function decodeSameMessage(bytes: Uint8Array): { message: Uint8Array; signatures: SignerSignature[] } {
  const reader = new Reader(bytes);
  const message = reader.take(reader.u32());
  const count = reader.u32();
  const signatures: SignerSignature[] = [];
  for (let index = 0; index < count; index++) {
    const publicKey = PublicKey.fromBytes(reader.take(PK), false);
    signatures.push({ publicKey, signature: reader.take(SIG) });
  }
  return { message, signatures };
}

export function encodeValidity(valid: readonly boolean[]): Uint8Array {
  return Uint8Array.from(valid, (ok) => (ok ? 1 : 0));
}

export function decodeValidity(bytes: Uint8Array): boolean[] {
  return Array.from(bytes, (byte) => byte === 1);
}
