import { createBlock } from "@ethereumjs/block";
import { describe, expect, it } from "vitest";
import { BlockBuilder } from "../../../src/execution/block-builder.js";
import { BlockExecutor } from "../../../src/execution/block-executor.js";
import { BlockMismatchError } from "../../../src/execution/errors.js";
import {
  candidates,
  decoded,
  devKeys,
  ethAddress,
  FEE_RECIPIENT,
  openChain,
  signTx,
  sumBalances,
} from "./helpers.js";

const RECIPIENT = "0x00000000000000000000000000000000000000aa";

describe("block builder and executor", () => {
  it("builds a block of transfers that the executor accepts, paying base fee and tip to the proposer", async () => {
    const chain = await openChain();
    const { common } = chain;
    const txs = [0n, 1n, 2n].map((nonce) =>
      decoded(common, signTx(common, devKeys[0], { to: RECIPIENT, value: 5n, nonce })),
    );
    const builder = new BlockBuilder(chain.context, chain.genesis.feeParams);
    const parent = chain.finalHead.header;
    const { block, receipts, rejected } = await builder.build({
      parent,
      view: 1,
      proposer: 0,
      feeRecipient: ethAddress(FEE_RECIPIENT),
      timestamp: 10n,
      candidates: candidates(txs),
    });
    expect(rejected).toEqual([]);
    expect(block.transactions).toHaveLength(3);
    expect(block.header.gasUsed).toBe(63_000n);
    expect(receipts.map((r) => r.status)).toEqual([1, 1, 1]);

    const state = await chain.world.at(block.header.stateRoot);
    const baseFee = block.header.baseFeePerGas ?? 0n;
    const fees = 63_000n * (baseFee + 1_000_000_000n);
    expect((await state.getAccount(ethAddress(FEE_RECIPIENT)))?.balance).toBe(fees);
    expect((await state.getAccount(ethAddress(RECIPIENT)))?.balance).toBe(15n);
    const all = [...devKeys.map((k) => k.address), FEE_RECIPIENT, RECIPIENT];
    expect(await sumBalances(chain, block, all)).toBe(chain.supply);

    const executor = new BlockExecutor(chain.context, chain.genesis.feeParams);
    const again = await executor.execute(executor.decode(block.serialize()), parent, {
      view: 1,
      proposer: 0,
      feeRecipient: ethAddress(FEE_RECIPIENT),
    });
    expect(again.receipts).toHaveLength(3);
  });

  it("rejects a block whose state root was tampered with, naming the field", async () => {
    const chain = await openChain();
    const { common } = chain;
    const builder = new BlockBuilder(chain.context, chain.genesis.feeParams);
    const parent = chain.finalHead.header;
    const { block } = await builder.build({
      parent,
      view: 1,
      proposer: 0,
      feeRecipient: ethAddress(FEE_RECIPIENT),
      timestamp: 10n,
      candidates: candidates([
        decoded(common, signTx(common, devKeys[1], { to: RECIPIENT, value: 1n, nonce: 0n })),
      ]),
    });
    const forged = createBlock(
      {
        header: { ...block.header.toJSON(), stateRoot: new Uint8Array(32).fill(7) },
        transactions: block.transactions,
      },
      { common, setHardfork: false },
    );
    const executor = new BlockExecutor(chain.context, chain.genesis.feeParams);
    const run = executor.execute(forged, parent, {
      view: 1,
      proposer: 0,
      feeRecipient: ethAddress(FEE_RECIPIENT),
    });
    await expect(run).rejects.toBeInstanceOf(BlockMismatchError);
    await expect(run).rejects.toMatchObject({ field: "stateRoot" });
  });
});
