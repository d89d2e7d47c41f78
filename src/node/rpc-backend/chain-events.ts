/**
 * ChainEvents: final heads (with their logs) from the chain application's finality listener, and
 * pending transactions from the pool's `pending` event. Listeners are isolated: one that throws does
 * not stop the others or the node.
 */
import { type Address, bytesToHex } from "viem";
import type { ExecutedBlockRecord } from "../../execution/blockchain.js";
import type { ChainQueries } from "../../execution/queries.js";
import type { PoolTransaction } from "../../mempool/index.js";
import {
  type ChainEvents,
  type ChainTransaction,
  chainTransaction,
  type NewFinalHead,
  type Unsubscribe,
} from "../../rpc/index.js";
import { rpcTransaction } from "./chain-reader.js";

/** Where pooled transactions are announced (the TxPool's event emitter fits). */
export interface PendingSource {
  on(event: "pending", listener: (tx: PoolTransaction) => void): unknown;
  off(event: "pending", listener: (tx: PoolTransaction) => void): unknown;
}

export class NodeChainEvents implements ChainEvents {
  private readonly headListeners = new Set<(head: NewFinalHead) => void>();
  /** Final blocks are announced in order even though reading one back is asynchronous. */
  private announcing: Promise<void> = Promise.resolve();

  constructor(
    private readonly queries: ChainQueries,
    private readonly pending: PendingSource,
  ) {}

  /** The chain application's finality listener: call once per final block, in order. */
  blockFinalized(record: ExecutedBlockRecord): void {
    if (this.headListeners.size === 0) return;
    const hash = bytesToHex(record.block.hash());
    this.announcing = this.announcing.then(async () => {
      const block = await this.queries.blockByHash(hash);
      if (block === undefined) return;
      const receipts = (await this.queries.blockReceipts(hash)) ?? [];
      const head: NewFinalHead = {
        block: { ...block, transactions: block.transactions.map(rpcTransaction) },
        // The RPC matches subscription filters against lowercase addresses (its params lowercase them).
        logs: receipts.flatMap((receipt) =>
          receipt.logs.map((log) => ({ ...log, address: log.address.toLowerCase() as Address })),
        ),
      };
      for (const listener of this.headListeners) isolate(() => listener(head));
    });
  }

  onFinalHead(listener: (head: NewFinalHead) => void): Unsubscribe {
    this.headListeners.add(listener);
    return () => this.headListeners.delete(listener);
  }

  onPendingTransaction(listener: (transaction: ChainTransaction) => void): Unsubscribe {
    const forward = (ptx: PoolTransaction) => isolate(() => listener(chainTransaction(ptx.tx, ptx.sender)));
    this.pending.on("pending", forward);
    return () => this.pending.off("pending", forward);
  }
}

function isolate(run: () => void): void {
  try {
    run();
  } catch {
    // A subscriber's failure is its own; the chain goes on.
  }
}
