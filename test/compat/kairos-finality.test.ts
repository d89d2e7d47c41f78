/**
 * The kairos_ methods let a client check finality itself: the validator set, the views, and a final
 * block's L-notarization, whose aggregate BLS signature verifies over the vote bytes of the block it
 * certifies under the listed signers' keys.
 */
import { type Hex, hexToBigInt, hexToBytes } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { voteBytes } from "../../src/consensus/messages.js";
import { blsPublicKeyFromBytes, verifyAggregate } from "../../src/crypto/bls.js";
import { consensusNamespace } from "../../src/node/validator-node.js";
import { CHAIN_ID, type RunningNode, rpc, startSingleNode } from "./helpers/single-node.js";

let running: RunningNode;
beforeAll(async () => {
  running = await startSingleNode();
});
afterAll(async () => {
  await running?.stop();
});

async function call<T>(method: string, params: unknown[] = []): Promise<T> {
  const reply = await rpc<T>(running.url, method, params);
  if (reply.error !== undefined) throw new Error(`${method}: ${reply.error.code} ${reply.error.message}`);
  return reply.result as T;
}

interface CertificateJson {
  blockHash: Hex;
  blockNumber: Hex;
  view: number;
  certifiedBlockHash: Hex;
  signers: number[];
  aggregateSignature: Hex;
}

describe("kairos_ finality methods", () => {
  it("serve views, the validator set and a verifiable finality certificate", async () => {
    while (hexToBigInt(await call<Hex>("eth_blockNumber")) < 2n) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const validators = await call<{ index: number; publicKey: Hex; address: Hex }[]>("kairos_validators");
    expect(validators).toHaveLength(1);
    const finalizedView = hexToBigInt(await call<Hex>("kairos_finalizedView"));
    expect(hexToBigInt(await call<Hex>("kairos_currentView"))).toBeGreaterThan(finalizedView - 1n);

    const block = await call<{ hash: Hex; number: Hex }>("eth_getBlockByNumber", ["0x1", false]);
    const certificate = await call<CertificateJson>("kairos_getFinalityCertificate", [block.hash]);
    expect(certificate.blockHash).toBe(block.hash);
    expect(certificate.blockNumber).toBe(block.number);
    expect(certificate.signers).toEqual([0]);
    const message = voteBytes(
      consensusNamespace(BigInt(CHAIN_ID)),
      certificate.view,
      certificate.certifiedBlockHash,
    );
    const keys = certificate.signers.map((i) => blsPublicKeyFromBytes(hexToBytes(validators[i].publicKey)));
    expect(verifyAggregate(message, keys, hexToBytes(certificate.aggregateSignature))).toBe(true);
    // A signature over another block does not verify: the check means something.
    const other = voteBytes(
      consensusNamespace(BigInt(CHAIN_ID)),
      certificate.view + 1,
      certificate.certifiedBlockHash,
    );
    expect(verifyAggregate(other, keys, hexToBytes(certificate.aggregateSignature))).toBe(false);

    // By number too; unknown blocks answer null.
    expect((await call<CertificateJson>("kairos_getFinalityCertificate", ["0x1"])).blockHash).toBe(
      block.hash,
    );
    expect(await call("kairos_getFinalityCertificate", [`0x${"ab".repeat(32)}`])).toBeNull();
  });

  it("still serves the certificate after a restart, from the stored L-notarizations", async () => {
    const block = await call<{ hash: Hex }>("eth_getBlockByNumber", ["0x2", false]);
    const before = await call<CertificateJson>("kairos_getFinalityCertificate", [block.hash]);
    await running.stop({ keep: true });
    running = await startSingleNode(running.dir);
    expect(await call<CertificateJson>("kairos_getFinalityCertificate", [block.hash])).toEqual(before);
  });
});
