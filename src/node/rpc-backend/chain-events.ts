/**
 * ChainEvents: final heads (with their logs) from the chain application's finality listener, and
 * pending transactions from the pool's `pending` event. A final head is built from the executed
 * record itself, so announcing it costs no storage read, and only what a listener reads is converted.
 * Listeners are isolated: one that throws does not stop the others or the node.
 */
import type { ExecutedBlockRecord } from "../../execution/blockchain.js";
import type { PoolTransaction } from "../../mempool/index.js";
import {
  type ChainEvents,
  type ChainHeader,
  type ChainLog,
  type ChainTransaction,
  chainHeader,
  chainReceipts,
  chainTransaction,
  type NewFinalHead,
  type NewPendingTransaction,
  type Unsubscribe,
} from "../../rpc/index.js";

/** Where pooled transactions are announced (the TxPool's event emitter fits). */
export interface PendingSource {
  on(event: "pending", listener: (tx: PoolTransaction) => void): unknown;
  off(event: "pending", listener: (tx: PoolTransaction) => void): unknown;
}

export class NodeChainEvents implements ChainEvents {
  private readonly headListeners = new Set<(head: NewFinalHead) => void>();

  constructor(private readonly pending: PendingSource) {}

  /** The chain application's finality listener: called once per final block, in order. */
  blockFinalized(record: ExecutedBlockRecord): void {
    if (this.headListeners.size === 0) return;
    const head = finalHead(record);
    for (const listener of this.headListeners) isolate(() => listener(head));
  }

  onFinalHead(listener: (head: NewFinalHead) => void): Unsubscribe {
    this.headListeners.add(listener);
    return () => this.headListeners.delete(listener);
  }

  onPendingTransaction(listener: (pending: NewPendingTransaction) => void): Unsubscribe {
    const forward = (ptx: PoolTransaction) => isolate(() => listener(newPendingTransaction(ptx)));
    this.pending.on("pending", forward);
    return () => this.pending.off("pending", forward);
  }
}

/** The header and the logs (every receipt converted) are built when a listener first reads them. */
export function finalHead({ block, receipts }: ExecutedBlockRecord): NewFinalHead {
  let header: ChainHeader | undefined;
  let logs: readonly ChainLog[] | undefined;
  return {
    get block() {
      header ??= chainHeader(block);
      return header;
    },
    get logs() {
      logs ??= chainReceipts(block, receipts).flatMap((receipt) => receipt.logs);
      return logs;
    },
  };
}

function newPendingTransaction(ptx: PoolTransaction): NewPendingTransaction {
  let converted: ChainTransaction | undefined;
  return {
    hash: ptx.hash,
    transaction: () => {
      converted ??= chainTransaction(ptx.tx, ptx.sender);
      return converted;
    },
  };
}

function isolate(run: () => void): void {
  try {
    run();
  } catch {
    // A subscriber's failure is its own; the chain goes on.
  }
}
