/** txpool_*: what waits in the mempool, as geth shows it. */
import { getAddress } from "viem";
import { z } from "zod";
import type { ChainTransaction } from "../backend.js";
import { formatByNonce, formatPoolGroup, formatTransaction, quantity } from "../format.js";
import { defineMethod } from "../method.js";
import { address } from "../params.js";

const none = z.tuple([]);
const asTransaction = (tx: ChainTransaction) => formatTransaction(tx, undefined);

/** geth's one-line summary: "0xto: 1 wei + 21000 gas × 2 wei". */
function summary(tx: ChainTransaction): string {
  const price = tx.maxFeePerGas ?? tx.gasPrice ?? 0n;
  return `${tx.to === null ? "contract creation" : getAddress(tx.to)}: ${tx.value} wei + ${tx.gas} gas × ${price} wei`;
}

export const txpoolMethods = [
  defineMethod("txpool_status", [], none, (_, { backend }) => {
    const status = backend.pool.status();
    return { pending: quantity(status.pending), queued: quantity(status.queued) };
  }),
  defineMethod("txpool_content", [], none, (_, { backend }) => {
    const content = backend.pool.content();
    return {
      pending: formatPoolGroup(content.pending, asTransaction),
      queued: formatPoolGroup(content.queued, asTransaction),
    };
  }),
  defineMethod("txpool_contentFrom", ["address"], z.tuple([address]), ([from], { backend }) => {
    const content = backend.pool.contentFrom(from);
    return {
      pending: formatByNonce(content.pending.get(from), asTransaction),
      queued: formatByNonce(content.queued.get(from), asTransaction),
    };
  }),
  defineMethod("txpool_inspect", [], none, (_, { backend }) => {
    const content = backend.pool.content();
    return {
      pending: formatPoolGroup(content.pending, summary),
      queued: formatPoolGroup(content.queued, summary),
    };
  }),
];
