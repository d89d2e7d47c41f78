/**
 * ChainEvents: final heads (with their logs) from the chain application's finality listener, and
 * pending transactions from the pool's `pending` event. A final head is built from the executed
 * record itself (senders from its receipts), so announcing it costs no storage read and no signature
 * recovery. Listeners are isolated: one that throws does not stop the others or the node.
 */
import { bytesToHex } from "viem";
import type { ExecutedBlockRecord } from "../../execution/blockchain.js";
import type { PoolTransaction } from "../../mempool/index.js";
import {
  type ChainEvents,
  type ChainTransaction,
  chainBlock,
  chainReceipts,
  chainTransaction,
  type NewFinalHead,
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

  onPendingTransaction(listener: (transaction: ChainTransaction) => void): Unsubscribe {
    const forward = (ptx: PoolTransaction) => isolate(() => listener(chainTransaction(ptx.tx, ptx.sender)));
    this.pending.on("pending", forward);
    return () => this.pending.off("pending", forward);
  }
}

export function finalHead({ block, receipts }: ExecutedBlockRecord): NewFinalHead {
  const senders = receipts.map((receipt) => bytesToHex(receipt.sender));
  const logs = chainReceipts(block, receipts).flatMap((receipt) => receipt.logs);
  return { block: chainBlock(block, senders), logs };
}

function isolate(run: () => void): void {
  try {
    run();
  } catch {
    // A subscriber's failure is its own; the chain goes on.
  }
}
