import { verifyMerkleProof } from "@ethereumjs/mpt";
import { RLP } from "@ethereumjs/rlp";
import { createAddressFromString } from "@ethereumjs/util";
import { bytesToHex, hexToBytes, keccak256, padHex } from "viem";
import { describe, expect, it } from "vitest";
import { Blockchain } from "../../../src/execution/blockchain.js";
import { createGenesis, devAccounts, parseGenesis } from "../../../src/execution/genesis.js";
import { StateNotFoundError } from "../../../src/state/world-state.js";
import { MemoryStore } from "../../../src/storage/index.js";

const CONTRACT = "0x00000000000000000000000000000000000c0de0";

async function chainWithStorage() {
  const genesis = parseGenesis(
    createGenesis({
      validators: [],
      alloc: {
        [devAccounts()[0]]: { balance: 123n },
        [CONTRACT]: { balance: 0n, code: "0x00", storage: { "0x05": "0x2a" } },
      },
    }),
  );
  return Blockchain.open(new MemoryStore(), genesis);
}

describe("world state", () => {
  it("gives eth_getProof proofs that verify against the header's state root", async () => {
    const chain = await chainWithStorage();
    const root = chain.finalHead.header.stateRoot;
    const slot = padHex("0x05", { size: 32 });
    const proof = await chain.world.proof(root, createAddressFromString(CONTRACT), [hexToBytes(slot)]);
    expect(keccak256(proof.accountProof[0])).toBe(bytesToHex(root));
    const leaf = await verifyMerkleProof(
      hexToBytes(keccak256(CONTRACT)),
      proof.accountProof.map((p) => hexToBytes(p)),
    );
    const [nonce, balance, storageRoot, codeHash] = RLP.decode(leaf ?? new Uint8Array()) as Uint8Array[];
    expect(bytesToHex(storageRoot)).toBe(proof.storageHash);
    expect(bytesToHex(codeHash)).toBe(proof.codeHash);
    expect(nonce.length + balance.length).toBe(0);
    const storageLeaf = await verifyMerkleProof(
      hexToBytes(keccak256(slot)),
      proof.storageProof[0].proof.map((p) => hexToBytes(p)),
    );
    expect(keccak256(proof.storageProof[0].proof[0])).toBe(proof.storageHash);
    expect(bytesToHex(RLP.decode(storageLeaf ?? new Uint8Array()) as Uint8Array)).toBe("0x2a");
  });

  it("says when a state root is unknown", async () => {
    const chain = await chainWithStorage();
    await expect(chain.world.at(new Uint8Array(32).fill(1))).rejects.toBeInstanceOf(StateNotFoundError);
  });
});
