import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { privateKeyToProtobuf } from "@libp2p/crypto/keys";
import { afterAll, describe, expect, it } from "vitest";
import { blsSign, blsVerify } from "../../../src/crypto/bls.js";
import {
  devnetValidatorKeys,
  generateKeys,
  identityOf,
  loadBlsKeyFile,
  loadKeyFiles,
  loadLibp2pKeyFile,
} from "../../../src/crypto/keyFiles.js";

const root = mkdtempSync(join(tmpdir(), "kairos-keys-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshDir = () => join(root, `node${counter++}`);

describe("key files", () => {
  it("generates both keys with mode 0600 and loads them back", async () => {
    const dir = freshDir();
    const generated = await generateKeys(dir);
    expect(statSync(generated.blsKeyFile).mode & 0o777).toBe(0o600);
    expect(statSync(generated.libp2pKeyFile).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const keys = await loadKeyFiles({ blsKey: generated.blsKeyFile, libp2pKey: generated.libp2pKeyFile });
    expect(identityOf(keys)).toEqual({ blsPublicKey: generated.blsPublicKey, peerId: generated.peerId });
    expect(generated.peerId).toMatch(/^12D3KooW/);
    const message = new TextEncoder().encode("hello");
    expect(blsVerify(keys.bls.toPublicKey(), message, blsSign(keys.bls, message))).toBe(true);
  });

  it("refuses to overwrite an existing key", async () => {
    const dir = freshDir();
    await generateKeys(dir);
    await expect(generateKeys(dir)).rejects.toMatchObject({ code: "KEY_FILE_EXISTS" });
  });

  it("rejects a key file that others can read, without printing the key", async () => {
    const dir = freshDir();
    const generated = await generateKeys(dir);
    const secret = JSON.parse(readFileSync(generated.blsKeyFile, "utf8")).secretKey as string;
    chmodSync(generated.blsKeyFile, 0o644);
    const error = await loadBlsKeyFile(generated.blsKeyFile).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "KEY_FILE_PERMISSIONS", file: generated.blsKeyFile });
    expect(String((error as Error).message)).toContain("0644");
    expect(String((error as Error).message)).not.toContain(secret.slice(2, 18));
    chmodSync(generated.libp2pKeyFile, 0o640);
    await expect(loadLibp2pKeyFile(generated.libp2pKeyFile)).rejects.toMatchObject({
      code: "KEY_FILE_PERMISSIONS",
    });
  });

  it("rejects garbage and missing files with a clear error", async () => {
    const dir = freshDir();
    const generated = await generateKeys(dir);
    const garbage = (name: string, data: string | Uint8Array) => {
      const file = join(dir, name);
      writeFileSync(file, data, { mode: 0o600 });
      return file;
    };
    await expect(loadBlsKeyFile(garbage("a.key", "not json"))).rejects.toMatchObject({
      code: "KEY_FILE_INVALID",
    });
    await expect(loadBlsKeyFile(garbage("b.key", `{"kind":"other"}`))).rejects.toMatchObject({
      code: "KEY_FILE_INVALID",
    });
    const zeroKey = JSON.stringify({
      kind: "kairos-bls12-381-secret-key",
      version: 1,
      secretKey: `0x${"00".repeat(32)}`,
    });
    await expect(loadBlsKeyFile(garbage("c.key", zeroKey))).rejects.toMatchObject({
      code: "KEY_FILE_INVALID",
    });
    // A BLS file whose public key does not belong to its secret key was tampered with.
    const contents = JSON.parse(readFileSync(generated.blsKeyFile, "utf8"));
    const other = await generateKeys(freshDir());
    const mismatched = JSON.stringify({ ...contents, publicKey: other.blsPublicKey });
    await expect(loadBlsKeyFile(garbage("d.key", mismatched))).rejects.toMatchObject({
      code: "KEY_FILE_INVALID",
    });
    await expect(loadLibp2pKeyFile(garbage("e.key", new Uint8Array([1, 2, 3])))).rejects.toMatchObject({
      code: "KEY_FILE_INVALID",
    });
    await expect(loadBlsKeyFile(join(dir, "missing.key"))).rejects.toMatchObject({
      code: "KEY_FILE_MISSING",
    });
  });
});

describe("devnetValidatorKeys", () => {
  it("gives the same keys on every call and different keys per validator", async () => {
    const first = await devnetValidatorKeys(0);
    const again = await devnetValidatorKeys(0);
    const second = await devnetValidatorKeys(1);
    expect(identityOf(again)).toEqual(identityOf(first));
    expect(privateKeyToProtobuf(again.libp2p)).toEqual(privateKeyToProtobuf(first.libp2p));
    expect(identityOf(second).blsPublicKey).not.toBe(identityOf(first).blsPublicKey);
    expect(identityOf(second).peerId).not.toBe(identityOf(first).peerId);
  });
});
