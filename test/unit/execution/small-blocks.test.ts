import { KECCAK256_RLP } from "@ethereumjs/util";
import { bytesToHex } from "viem";
import { describe, expect, it } from "vitest";
import { BlockBuilder } from "../../../src/execution/block-builder.js";
import { BlockExecutor } from "../../../src/execution/block-executor.js";
import { DEV_ACCOUNT_BALANCE } from "../../../src/execution/genesis.js";
import { COUNTER_RUNTIME } from "./contracts.js";
import {
  candidates,
  type DevKey,
  decoded,
  devKeys,
  ethAddress,
  FEE_RECIPIENT,
  openChain,
  signTx,
  testGenesis,
} from "./helpers.js";

const COUNTER = "0x00000000000000000000000000000000000c0de1";
const expected = { view: 1, proposer: 0, feeRecipient: ethAddress(FEE_RECIPIENT) };

async function buildOn(chain: Awaited<ReturnType<typeof openChain>>, txs: ReturnType<typeof decoded>[]) {
  const builder = new BlockBuilder(chain.context, chain.genesis.feeParams);
  return builder.build({
    parent: chain.finalHead.header,
    view: 1,
    proposer: 0,
    feeRecipient: ethAddress(FEE_RECIPIENT),
    timestamp: 10n,
    candidates: candidates(txs),
  });
}

describe("small blocks", () => {
  it("seals an empty block with its parent's state root and the empty receipts root, as when the state is opened", async () => {
    const chain = await openChain();
    const parent = chain.finalHead.header;
    const empty = await buildOn(chain, []);
    expect(bytesToHex(empty.block.header.stateRoot)).toBe(bytesToHex(parent.stateRoot));
    expect(bytesToHex(empty.block.header.receiptTrie)).toBe(bytesToHex(KECCAK256_RLP));
    expect(empty.block.header.gasUsed).toBe(0n);

    // A candidate that cannot run (its nonce is ahead) makes the builder open the state and flush it:
    // the slow path, with nothing executed. Both must seal the same header.
    const ahead = decoded(chain.common, signTx(chain.common, devKeys[0], { to: COUNTER, nonce: 5n }));
    const opened = await buildOn(chain, [ahead]);
    expect(opened.block.transactions).toHaveLength(0);
    expect(bytesToHex(opened.block.hash())).toBe(bytesToHex(empty.block.hash()));

    const executor = new BlockExecutor(chain.context, chain.genesis.feeParams);
    const verified = await executor.execute(executor.decode(empty.block.serialize()), parent, expected);
    expect(verified.receipts).toEqual([]);
  });

  it("gives the same block from a reused VM as from a fresh one, after blocks that reverted or were rejected", async () => {
    const genesis = testGenesis({
      ...Object.fromEntries(devKeys.map((k) => [k.address, { balance: DEV_ACCOUNT_BALANCE }])),
      [COUNTER]: { balance: 0n, code: COUNTER_RUNTIME },
    });
    const first = await openChain(undefined, genesis);
    const { common } = first;
    const call = (key: DevKey, nonce: bigint, gasLimit = 100_000n) =>
      decoded(common, signTx(common, key, { to: COUNTER, nonce, gasLimit }));
    const block = [call(devKeys[0], 0n), call(devKeys[1], 0n), call(devKeys[0], 1n)];

    const fresh = await buildOn(first, block);
    expect(fresh.receipts.map((r) => r.status)).toEqual([1, 1, 1]);

    const reused = await openChain(undefined, genesis);
    const executor = new BlockExecutor(reused.context, reused.genesis.feeParams);
    // Warm the pool with blocks that leave the most behind: a call that runs out of gas (reverted,
    // included), a rejected candidate, and a verification.
    const reverted = await buildOn(reused, [call(devKeys[2], 0n, 21_100n), call(devKeys[3], 9n)]);
    expect(reverted.receipts.map((r) => r.status)).toEqual([0]);
    await executor.execute(executor.decode(reverted.block.serialize()), reused.finalHead.header, expected);
    for (let round = 0; round < 3; round++) {
      const again = await buildOn(reused, block);
      expect(bytesToHex(again.block.hash())).toBe(bytesToHex(fresh.block.hash()));
      expect(again.receipts).toEqual(fresh.receipts);
      const verified = await executor.execute(
        executor.decode(again.block.serialize()),
        reused.finalHead.header,
        expected,
      );
      expect(verified.receipts).toEqual(fresh.receipts);
    }
  });
});
