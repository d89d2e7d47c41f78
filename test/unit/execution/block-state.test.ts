import { MerkleStateManager } from "@ethereumjs/statemanager";
import { bytesToHex, concat, type Hex, numberToHex, pad } from "viem";
import { describe, expect, it } from "vitest";
import { BlockBuilder } from "../../../src/execution/block-builder.js";
import type { ExecutionContext } from "../../../src/execution/block-execution.js";
import type { Blockchain } from "../../../src/execution/blockchain.js";
import { DEV_ACCOUNT_BALANCE } from "../../../src/execution/genesis.js";
import type { DecodedTransaction } from "../../../src/execution/tx-validation.js";
import { WorldState } from "../../../src/state/world-state.js";
import { COUNTER_INIT } from "./contracts.js";
import {
  candidates,
  decoded,
  devKeys,
  ethAddress,
  FEE_RECIPIENT,
  openChain,
  seededRandom,
  signTx,
  testGenesis,
} from "./helpers.js";

/** SSTORE(calldata[0:32], calldata[32:64]): writes any slot, zero included (a delete). */
const SLOT_WRITER: Hex = "0x602035600035550000";
const WRITER: Hex = "0x00000000000000000000000000000000005107e0";

const genesis = () =>
  testGenesis({
    ...Object.fromEntries(devKeys.map((k) => [k.address, { balance: DEV_ACCOUNT_BALANCE }])),
    [WRITER]: {
      balance: 0n,
      code: SLOT_WRITER,
      storage: Object.fromEntries(
        Array.from({ length: 12 }, (_, i) => [pad(numberToHex(i)), pad(numberToHex(i + 1))]),
      ),
    },
  });

/** The chain's context on a world state of EthereumJS's own MerkleStateManager (the reference). */
function referenceContext(chain: Blockchain): ExecutionContext {
  return { ...chain.context, world: new WorldState(chain.storage.store.namespace("trie"), chain.common) };
}

describe("BlockStateManager (the state under block execution)", () => {
  it("gives the same state roots, receipts and blocks as EthereumJS's MerkleStateManager over random blocks", async () => {
    const fast = await openChain(undefined, genesis());
    const reference = await openChain(undefined, genesis());
    const plain = referenceContext(reference);
    const builders = [
      new BlockBuilder(fast.context, fast.genesis.feeParams),
      new BlockBuilder(plain, reference.genesis.feeParams),
    ];
    expect((await plain.world.at(reference.finalHead.header.stateRoot)).constructor).toBe(MerkleStateManager);
    const next = seededRandom(7);
    const nonces = devKeys.map(() => 0n);
    for (let height = 1; height <= 5; height++) {
      const txs: DecodedTransaction[] = [];
      for (let i = 0; i < 40; i++) {
        const k = Math.floor(next() * devKeys.length);
        const roll = next();
        const fields =
          roll < 0.4
            ? // A plain transfer, to a fresh address or a dev account.
              {
                to:
                  roll < 0.2
                    ? pad(numberToHex(Math.floor(next() * 2 ** 40)), { size: 20 })
                    : devKeys[(k + 1) % 10].address,
                value: BigInt(Math.floor(next() * 1e9)),
              }
            : roll < 0.85
              ? // A slot written, deleted (zero) or re-written.
                {
                  to: WRITER,
                  gasLimit: 60_000n,
                  data: concat([
                    pad(numberToHex(Math.floor(next() * 24))),
                    pad(numberToHex(next() < 0.4 ? 0 : Math.floor(next() * 1000))),
                  ]),
                }
              : // A contract deployment: new code and a storage trie.
                { gasLimit: 200_000n, data: COUNTER_INIT };
        txs.push(decoded(fast.common, signTx(fast.common, devKeys[k], { ...fields, nonce: nonces[k]++ })));
      }
      const [built, expected] = await Promise.all(
        builders.map((builder, i) => {
          const chain = i === 0 ? fast : reference;
          return builder.build({
            parent: chain.finalHead.header,
            view: height,
            proposer: 0,
            feeRecipient: ethAddress(FEE_RECIPIENT),
            timestamp: chain.finalHead.header.timestamp + 1n,
            candidates: candidates(txs),
          });
        }),
      );
      expect(
        built.rejected.map((r) => r.error.message),
        `block ${height}`,
      ).toEqual([]);
      expect(built.block.transactions.length, `block ${height}`).toBe(40);
      expect(bytesToHex(built.block.header.stateRoot), `block ${height}`).toBe(
        bytesToHex(expected.block.header.stateRoot),
      );
      expect(bytesToHex(built.block.hash())).toBe(bytesToHex(expected.block.hash()));
      expect(built.receipts).toEqual(expected.receipts);
      await fast.commitFinal(built);
      await reference.commitFinal(expected);
    }
    // The slots the writer holds now read back the same through both state managers.
    const root = fast.finalHead.header.stateRoot;
    const [mine, theirs] = await Promise.all([fast.world.at(root), plain.world.at(root)]);
    for (let slot = 0; slot < 24; slot++) {
      const key = pad(numberToHex(slot), { dir: "left" });
      const bytes = Uint8Array.from(Buffer.from(key.slice(2), "hex"));
      expect(await mine.getStorage(ethAddress(WRITER), bytes)).toEqual(
        await theirs.getStorage(ethAddress(WRITER), bytes),
      );
    }
  });
});
