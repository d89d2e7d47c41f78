/**
 * The block builder's candidates (execution/block-builder.ts) from the mempool's best-first order,
 * minus the transactions already in the non-final ancestors the block is built on: a leader usually
 * builds on an M-notarized parent that is not final yet, and the pool only forgets a transaction once a
 * final block includes it.
 */
import { createAddressFromString } from "@ethereumjs/util";
import { bytesToHex, type Hex } from "viem";
import type { Digest } from "../consensus/application.js";
import type { CandidateTransactions } from "../execution/block-builder.js";
import type { Blockchain } from "../execution/blockchain.js";
import type { DecodedTransaction } from "../execution/tx-validation.js";
import type { TxPool } from "../mempool/index.js";

export function candidatesOnParent(
  pool: TxPool,
  chain: Blockchain,
  parent: Digest,
  /** Stop offering transactions after this long: a block that takes longer than the view to build
   *  is nullified, and the leader would then rebuild the same too-large block every view. */
  budgetMs = Number.POSITIVE_INFINITY,
): CandidateTransactions {
  const included = transactionsAboveFinal(chain, parent);
  const best = pool.best();
  const deadline = performance.now() + budgetMs;
  return {
    next(): DecodedTransaction | undefined {
      if (performance.now() > deadline) return undefined;
      for (let step = best.next(); !step.done; step = best.next()) {
        const entry = step.value;
        if (included.has(entry.hash)) continue;
        return { tx: entry.tx, sender: createAddressFromString(entry.sender), hash: entry.hash };
      }
      return undefined;
    },
    skipSender(sender) {
      best.skipSender(sender.toString());
    },
  };
}

/** True when the pool offers at least one transaction for a block on `parent` (asked before each proposal). */
export function hasCandidateOnParent(pool: TxPool, chain: Blockchain, parent: Digest): boolean {
  if (pool.status().pending === 0) return false;
  const included = transactionsAboveFinal(chain, parent);
  for (const entry of pool.best()) if (!included.has(entry.hash)) return true;
  return false;
}

/**
 * Hex hashes of each non-final block's transactions, computed once per block: every proposal and every
 * has-work check walks the same few ancestors again, and hashing each transaction to hex anew was a
 * measurable share of the leader's CPU under single-transaction sends (bench/rpc.md).
 */
const hexHashes = new WeakMap<object, readonly Hex[]>();

/** Hashes of the transactions in `digest` and its ancestors down to (not including) the final head. */
function transactionsAboveFinal(chain: Blockchain, digest: Digest): Set<Hex> {
  const hashes = new Set<Hex>();
  for (let record = chain.speculativeBlock(digest); record !== undefined; ) {
    const { block } = record;
    let own = hexHashes.get(block);
    if (own === undefined) {
      own = block.transactions.map((tx) => bytesToHex(tx.hash()));
      hexHashes.set(block, own);
    }
    for (const hash of own) hashes.add(hash);
    record = chain.speculativeBlock(bytesToHex(block.header.parentHash));
  }
  return hashes;
}
