import { createBlock } from "@ethereumjs/block";
import { createTx } from "@ethereumjs/tx";
import { bytesToHex } from "viem";
import { describe, expect, it } from "vitest";
import { SenderCache } from "../../../src/crypto/senderCache.js";
import { SenderRecovery } from "../../../src/crypto/senderRecovery.js";
import { BlockBuilder } from "../../../src/execution/block-builder.js";
import { BlockExecutor } from "../../../src/execution/block-executor.js";
import { BlockMismatchError } from "../../../src/execution/errors.js";
import { orderedTrieRoot } from "../../../src/execution/ordered-trie.js";
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

  it("verifies with the senders the pool recovered, recovering only what it has not seen, and still refuses a forged signature", async () => {
    const chain = await openChain();
    const { common } = chain;
    const parent = chain.finalHead.header;
    const txs = [0n, 1n].map((nonce) =>
      decoded(common, signTx(common, devKeys[2], { to: RECIPIENT, value: 1n, nonce })),
    );
    const { block } = await new BlockBuilder(chain.context, chain.genesis.feeParams).build({
      parent,
      view: 1,
      proposer: 0,
      feeRecipient: ethAddress(FEE_RECIPIENT),
      timestamp: 10n,
      candidates: candidates(txs),
    });
    // The pool saw the first transaction on entry; the second reaches this validator only in the block.
    const cache = new SenderCache();
    const recovery = new SenderRecovery({ cache });
    recovery.recover(signTx(common, devKeys[2], { to: RECIPIENT, value: 1n, nonce: 0n }));
    expect(cache.size).toBe(1);
    const executor = new BlockExecutor(chain.context, chain.genesis.feeParams, recovery);
    const expected = { view: 1, proposer: 0, feeRecipient: ethAddress(FEE_RECIPIENT) };
    const verified = await executor.execute(executor.decode(block.serialize()), parent, expected);
    expect(verified.receipts.map((r) => bytesToHex(r.sender))).toEqual([
      devKeys[2].address.toLowerCase(),
      devKeys[2].address.toLowerCase(),
    ]);
    expect(cache.size).toBe(2);

    // Same block, the second transaction's signature swapped for another (valid) one of a different key.
    const other = signTx(common, devKeys[3], { to: RECIPIENT, value: 1n, nonce: 1n });
    const forgedTx = createTx(
      { ...block.transactions[1].toJSON(), v: other.v, r: other.r, s: other.s },
      { common },
    );
    const transactions = [block.transactions[0], forgedTx];
    const transactionsTrie = await orderedTrieRoot(
      transactions.map((tx) => tx.serialize()),
      common,
    );
    const forged = createBlock(
      { header: { ...block.header.toJSON(), transactionsTrie }, transactions },
      { common, setHardfork: false },
    );
    const run = executor.execute(executor.decode(forged.serialize()), parent, expected);
    await expect(run).rejects.toMatchObject({ field: "transactions" });
  });
});
