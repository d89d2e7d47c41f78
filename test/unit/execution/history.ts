/**
 * A short final history for simulation and trace tests: block 1 deploys the counter (contracts.ts),
 * block 2 calls it, makes a transfer and calls it again.
 */
import type { TypedTransaction } from "@ethereumjs/tx";
import { getContractAddress } from "viem";
import { ChainApplication, type TransactionSource } from "../../../src/execution/application.js";
import type { Blockchain } from "../../../src/execution/blockchain.js";
import { Simulator } from "../../../src/execution/simulate.js";
import { COUNTER_INIT } from "./contracts.js";
import { candidates, decoded, devKeys, openChain, signTx } from "./helpers.js";

/** Where block 1 deploys the counter. */
export const COUNTER = getContractAddress({ from: devKeys[0].address, nonce: 0n });

/** Blocks 1 (deploy the counter) and 2 (call it, a transfer, call it again), each final. */
export async function chainWithHistory() {
  const chain = await openChain();
  const { common } = chain;
  const txs = {
    deploy: signTx(common, devKeys[0], { nonce: 0n, gasLimit: 200_000n, data: COUNTER_INIT }),
    call1: signTx(common, devKeys[1], { nonce: 0n, to: COUNTER, gasLimit: 60_000n }),
    transfer: signTx(common, devKeys[2], { nonce: 0n, to: devKeys[3].address, value: 5n }),
    call2: signTx(common, devKeys[1], { nonce: 1n, to: COUNTER, gasLimit: 60_000n, type: 0 }),
  };
  await finalize(chain, [[txs.deploy], [txs.call1, txs.transfer, txs.call2]]);
  return { chain, counter: COUNTER, txs, simulator: new Simulator(chain) };
}

/** Proposes and finalizes one block per batch, in order, on a single validator's application. */
export async function finalize(chain: Blockchain, batches: TypedTransaction[][]): Promise<void> {
  let next: TypedTransaction[] = [];
  const pool: TransactionSource = {
    candidates: () => candidates(next.map((tx) => decoded(chain.common, tx))),
  };
  const app = new ChainApplication(chain, pool, { now: () => 100n });
  let parent = chain.genesisHash;
  for (const [i, batch] of batches.entries()) {
    next = batch;
    const context = { view: i + 1, proposer: 0, parent, parentView: i };
    const block = await app.propose(context);
    next = [];
    await app.finalized(block, context, {
      view: i + 1,
      digest: block.digest,
      certificate: new Uint8Array([1]),
    });
    parent = block.digest;
  }
}
