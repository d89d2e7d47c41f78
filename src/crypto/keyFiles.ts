/**
 * A validator's key files: the BLS consensus key (JSON with the hex secret and its public key) and the
 * libp2p identity (Ed25519, protobuf as libp2p writes it). Both are written with mode 0600 and refused
 * when group or others may read them. No function here logs or puts key material in an error message.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { SecretKey } from "@chainsafe/blst";
import {
  generateKeyPair,
  generateKeyPairFromSeed,
  privateKeyFromProtobuf,
  privateKeyToProtobuf,
} from "@libp2p/crypto/keys";
import type { Ed25519PrivateKey } from "@libp2p/interface";
import { peerIdFromPrivateKey } from "@libp2p/peer-id";
import { bytesToHex, type Hex, hexToBytes, isHex } from "viem";
import { blsSecretKeyFromBytes, blsSecretKeyFromSeed, generateBlsSecretKey } from "./bls.js";
import { KeyFileError } from "./errors.js";

/** A validator's libp2p identity: always Ed25519. */
export type Libp2pPrivateKey = Ed25519PrivateKey;

export const BLS_KEY_FILE = "bls.key";
export const LIBP2P_KEY_FILE = "libp2p.key";
const BLS_KEY_KIND = "kairos-bls12-381-secret-key";
const PRIVATE_MODE = 0o600;

interface BlsKeyFileContents {
  kind: typeof BLS_KEY_KIND;
  version: 1;
  /** Public, for operators: what goes into the validator set. */
  publicKey: Hex;
  secretKey: Hex;
}

export interface ValidatorKeys {
  bls: SecretKey;
  libp2p: Libp2pPrivateKey;
}

/** What may be shown about a validator's keys: no secrets. */
export interface ValidatorIdentity {
  blsPublicKey: Hex;
  peerId: string;
}

export interface GeneratedKeyFiles extends ValidatorIdentity {
  blsKeyFile: string;
  libp2pKeyFile: string;
}

export function identityOf(keys: ValidatorKeys): ValidatorIdentity {
  return {
    blsPublicKey: bytesToHex(keys.bls.toPublicKey().toBytes(true)),
    peerId: peerIdFromPrivateKey(keys.libp2p).toString(),
  };
}

/** `kairos keys generate`: fresh keys into `dir/bls.key` and `dir/libp2p.key`. Never overwrites. */
export async function generateKeys(dir: string): Promise<GeneratedKeyFiles> {
  const keys: ValidatorKeys = { bls: generateBlsSecretKey(), libp2p: await generateKeyPair("Ed25519") };
  return writeKeyFiles(dir, keys);
}

/** Write both key files (mode 0600, directory 0700); refuses to replace an existing key. */
export async function writeKeyFiles(dir: string, keys: ValidatorKeys): Promise<GeneratedKeyFiles> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const blsKeyFile = join(dir, BLS_KEY_FILE);
  const libp2pKeyFile = join(dir, LIBP2P_KEY_FILE);
  const identity = identityOf(keys);
  const contents: BlsKeyFileContents = {
    kind: BLS_KEY_KIND,
    version: 1,
    publicKey: identity.blsPublicKey,
    secretKey: bytesToHex(keys.bls.toBytes()),
  };
  await writeSecret(blsKeyFile, `${JSON.stringify(contents, null, 2)}\n`);
  await writeSecret(libp2pKeyFile, privateKeyToProtobuf(keys.libp2p));
  return { ...identity, blsKeyFile, libp2pKeyFile };
}

async function writeSecret(file: string, data: string | Uint8Array): Promise<void> {
  try {
    await writeFile(file, data, { mode: PRIVATE_MODE, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      throw new KeyFileError(
        "KEY_FILE_EXISTS",
        file,
        "a key file already exists here; refusing to overwrite it",
      );
    }
    throw error;
  }
}

/** Read a secret file after checking that only its owner may read it. */
async function readSecret(file: string): Promise<Buffer> {
  let mode: number;
  try {
    mode = (await stat(file)).mode;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new KeyFileError(
        "KEY_FILE_MISSING",
        file,
        "no key file here (create one with `kairos keys generate`)",
      );
    }
    throw error;
  }
  if ((mode & 0o077) !== 0) {
    const octal = (mode & 0o777).toString(8).padStart(4, "0");
    throw new KeyFileError(
      "KEY_FILE_PERMISSIONS",
      file,
      `mode ${octal} lets others read this key; run chmod 600 on it`,
    );
  }
  return readFile(file);
}

export async function loadBlsKeyFile(file: string): Promise<SecretKey> {
  const text = (await readSecret(file)).toString("utf8");
  let contents: Partial<BlsKeyFileContents>;
  try {
    contents = JSON.parse(text) as Partial<BlsKeyFileContents>;
  } catch {
    throw new KeyFileError("KEY_FILE_INVALID", file, "not a Kairos BLS key file (not JSON)");
  }
  if (
    contents?.kind !== BLS_KEY_KIND ||
    typeof contents.secretKey !== "string" ||
    !isHex(contents.secretKey)
  ) {
    throw new KeyFileError(
      "KEY_FILE_INVALID",
      file,
      `not a Kairos BLS key file (expected kind "${BLS_KEY_KIND}")`,
    );
  }
  let secretKey: SecretKey;
  try {
    secretKey = blsSecretKeyFromBytes(hexToBytes(contents.secretKey));
  } catch {
    throw new KeyFileError("KEY_FILE_INVALID", file, "the secret key is not a valid BLS12-381 scalar");
  }
  const publicKey = bytesToHex(secretKey.toPublicKey().toBytes(true));
  if (contents.publicKey !== undefined && contents.publicKey.toLowerCase() !== publicKey) {
    throw new KeyFileError("KEY_FILE_INVALID", file, "the public key does not match the secret key");
  }
  return secretKey;
}

export async function loadLibp2pKeyFile(file: string): Promise<Libp2pPrivateKey> {
  const bytes = await readSecret(file);
  let key: ReturnType<typeof privateKeyFromProtobuf>;
  try {
    key = privateKeyFromProtobuf(bytes);
  } catch {
    throw new KeyFileError("KEY_FILE_INVALID", file, "not a libp2p private key (protobuf)");
  }
  if (key.type !== "Ed25519") {
    throw new KeyFileError("KEY_FILE_INVALID", file, `expected an Ed25519 libp2p key, found ${key.type}`);
  }
  return key;
}

export async function loadKeyFiles(paths: { blsKey: string; libp2pKey: string }): Promise<ValidatorKeys> {
  return { bls: await loadBlsKeyFile(paths.blsKey), libp2p: await loadLibp2pKeyFile(paths.libp2pKey) };
}

/**
 * DEVNET ONLY — NOT SECRET. Keys of local devnet validator `index`, derived from a fixed public string
 * so that every machine builds the same devnet genesis. Anyone can recompute them; never use them on a
 * network that holds value.
 */
export async function devnetValidatorKeys(index: number): Promise<ValidatorKeys> {
  if (!Number.isInteger(index) || index < 0)
    throw new RangeError("validator index must be a non-negative integer");
  const seed = (purpose: string) =>
    new Uint8Array(
      createHash("sha256").update(`kairos devnet validator ${index} ${purpose} (public, dev only)`).digest(),
    );
  return {
    bls: blsSecretKeyFromSeed(seed("bls")),
    libp2p: await generateKeyPairFromSeed("Ed25519", seed("libp2p")),
  };
}
