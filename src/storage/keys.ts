/** Key encodings shared by the repositories: numbers as 8-byte big-endian so that keys sort by number. */
import { type Hex, hexToBytes } from "viem";

export function numberKey(value: bigint | number): Uint8Array {
  const key = new Uint8Array(8);
  new DataView(key.buffer).setBigUint64(0, BigInt(value));
  return key;
}

export function readNumberKey(key: Uint8Array): bigint {
  return new DataView(key.buffer, key.byteOffset, 8).getBigUint64(0);
}

export const hashKey = (hash: Hex): Uint8Array => hexToBytes(hash);

export const utf8Key = (name: string): Uint8Array => new TextEncoder().encode(name);
