/** Blocks built and verified on non-final parents keep their post-state until final or dropped. */
import { bytesToHex } from "viem";
import { describe, expect, it } from "vitest";
import { ChainApplication, type TransactionSource } from "../../../src/execution/application.js";
import type { DecodedTransaction } from "../../../src/execution/tx-validation.js";
import { MemoryStore } from "../../../src/storage/index.js";
import { candidates, decoded, devKeys, ethAddress, openChain, signTx } from "./helpers.js";

describe("speculative execution", () => {
  it("builds on a non-final parent, verifies on another node, finalizes in order and drops the sibling", async () => {
    const leaderChain = await openChain();
    const validatorChain = await openChain(new MemoryStore());
    const { common } = leaderChain;
    let queue: DecodedTransaction[] = [];
    const pool: TransactionSource = {
      candidates: () => {
        const batch = queue;
        queue = [];
        return candidates(batch);
      },
    };
    const leader = new ChainApplication(leaderChain, pool, { now: () => 50n });
    const validator = new ChainApplication(
      validatorChain,
      { candidates: () => candidates([]) },
      { now: () => 50n },
    );
    const to = "0x00000000000000000000000000000000000000cc";

    queue = [decoded(common, signTx(common, devKeys[0], { nonce: 0n, to, value: 1n }))];
    const c1 = { view: 1, proposer: 1, parent: leaderChain.genesisHash, parentView: 0 };
    const b1 = await leader.propose(c1);
    // Block 2 spends nonce 1: valid only on block 1's post-state, which is not final yet.
    queue = [decoded(common, signTx(common, devKeys[0], { nonce: 1n, to, value: 2n }))];
    const c2 = { view: 2, proposer: 0, parent: b1.digest, parentView: 1 };
    const b2 = await leader.propose(c2);
    // A competing block 1 in a later view, on genesis.
    queue = [decoded(common, signTx(common, devKeys[5], { nonce: 0n, to, value: 9n }))];
    const c3 = { view: 3, proposer: 1, parent: leaderChain.genesisHash, parentView: 0 };
    const sibling = await leader.propose(c3);

    expect(await validator.verify(b1, c1)).toEqual({ ok: true });
    expect(await validator.verify(b2, c2)).toEqual({ ok: true });
    expect(await validator.verify(sibling, c3)).toEqual({ ok: true });
    // Wrong context: the view and proposer in extraData must match.
    const wrong = await validator.verify(b2, { ...c2, view: 7 });
    expect(wrong.ok).toBe(false);

    for (const app of [leader, validator]) {
      await app.finalized(b1, c1, { view: 2, digest: b2.digest, certificate: new Uint8Array([2]) });
      await app.finalized(b2, c2, { view: 2, digest: b2.digest, certificate: new Uint8Array([2]) });
    }
    for (const chain of [leaderChain, validatorChain]) {
      expect(bytesToHex(chain.finalHead.hash())).toBe(b2.digest);
      expect(chain.speculativeBlock(sibling.digest)).toBeUndefined();
      const state = await chain.world.at(chain.finalHead.header.stateRoot);
      expect((await state.getAccount(ethAddress(to)))?.balance).toBe(3n);
    }
  });
});
