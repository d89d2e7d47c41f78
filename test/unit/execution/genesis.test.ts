import { readFileSync } from "node:fs";
import { bytesToHex } from "viem";
import { describe, expect, it } from "vitest";
import { USDC } from "../../../src/execution/chain.js";
import {
  createGenesis,
  devAccounts,
  InvalidGenesisError,
  parseGenesis,
  totalSupply,
  type ValidatorEntry,
} from "../../../src/execution/genesis.js";
import { MemoryStore } from "../../../src/storage/index.js";
import { ethAddress, openChain } from "./helpers.js";

const devnetFile = JSON.parse(readFileSync(new URL("../../../genesis/devnet.json", import.meta.url), "utf8"));

describe("genesis", () => {
  it("devnet.json is what createGenesis gives for its validators, on chain 1262569810 ('KAIR')", () => {
    const genesis = parseGenesis(devnetFile);
    expect(
      createGenesis({ validators: genesis.validators, alloc: Object.fromEntries(genesis.alloc) }),
    ).toEqual(devnetFile);
    expect(genesis.chainId).toBe(1_262_569_810n);
    expect(genesis.gasLimit).toBe(30_000_000n);
    expect(genesis.baseFeePerGas).toBe(1_000_000_000n);
  });

  it("funds the 10 anvil/Hardhat dev accounts with 10,000 USDC each", async () => {
    expect(devAccounts()[0]).toBe("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    const genesis = parseGenesis(devnetFile);
    expect(totalSupply(genesis)).toBe(100_000n * USDC);
    const chain = await openChain(new MemoryStore(), genesis);
    const state = await chain.world.at(chain.finalHead.header.stateRoot);
    for (const address of devAccounts()) {
      expect((await state.getAccount(ethAddress(address)))?.balance).toBe(10_000n * USDC);
    }
  });

  it("gives the same genesis hash and state root every time, and a different hash for other validators", async () => {
    const a = await openChain(new MemoryStore(), parseGenesis(devnetFile));
    const b = await openChain(new MemoryStore(), parseGenesis(devnetFile));
    expect(a.genesisHash).toBe(b.genesisHash);
    expect(bytesToHex(a.finalHead.header.stateRoot)).toBe(bytesToHex(b.finalHead.header.stateRoot));
    const validator: ValidatorEntry = {
      index: 0,
      blsPublicKey: "0xaa",
      peerId: "p",
      feeRecipient: devAccounts()[0],
    };
    const one = await openChain(new MemoryStore(), parseGenesis(createGenesis({ validators: [validator] })));
    const other = await openChain(
      new MemoryStore(),
      parseGenesis(createGenesis({ validators: [{ ...validator, peerId: "q" }] })),
    );
    expect(other.genesisHash).not.toBe(one.genesisHash);
    expect(bytesToHex(other.finalHead.header.stateRoot)).toBe(bytesToHex(one.finalHead.header.stateRoot));
  });

  it("places code and storage from the alloc", async () => {
    const genesis = parseGenesis(
      createGenesis({
        validators: [],
        alloc: {
          "0x3600000000000000000000000000000000000000": {
            balance: 0n,
            code: "0x6001",
            storage: { "0x01": "0x2a" },
          },
        },
      }),
    );
    const chain = await openChain(new MemoryStore(), genesis);
    const state = await chain.world.at(chain.finalHead.header.stateRoot);
    const token = ethAddress("0x3600000000000000000000000000000000000000");
    expect(bytesToHex(await state.getCode(token))).toBe("0x6001");
    const slot = new Uint8Array(32);
    slot[31] = 1;
    expect(bytesToHex(await state.getStorage(token, slot))).toBe("0x2a");
  });

  it("says which field of a genesis file is wrong", () => {
    expect(() => parseGenesis({ ...devnetFile, gasLimit: "lots" })).toThrow(InvalidGenesisError);
    expect(() => parseGenesis({ ...devnetFile, gasLimit: "lots" })).toThrow(/gasLimit/);
  });
});
