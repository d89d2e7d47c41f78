/**
 * The pool as the txpool_* RPC methods show it, in geth's layout: sub-pool → sender (checksummed)
 * → nonce (decimal string) → transaction. RPC turns the transactions into JSON.
 */
import { type Address, getAddress } from "viem";
import type { PoolTransaction } from "./types.js";

/** One sender's transactions as the pool holds them: nonce order, the first `pendingCount` executable. */
export interface SenderView {
  readonly sender: Address;
  readonly entries: readonly PoolTransaction[];
  readonly pendingCount: number;
}

export interface TxPoolStatus {
  pending: number;
  queued: number;
}

export type ByNonce<T> = Record<string, T>;

export interface TxPoolContent<T = PoolTransaction> {
  pending: Record<Address, ByNonce<T>>;
  queued: Record<Address, ByNonce<T>>;
}

export interface TxPoolContentFrom<T = PoolTransaction> {
  pending: ByNonce<T>;
  queued: ByNonce<T>;
}

export function status(views: Iterable<SenderView>): TxPoolStatus {
  let pending = 0;
  let queued = 0;
  for (const view of views) {
    pending += view.pendingCount;
    queued += view.entries.length - view.pendingCount;
  }
  return { pending, queued };
}

export function contentFrom<T>(
  view: SenderView | undefined,
  show: (tx: PoolTransaction) => T,
): TxPoolContentFrom<T> {
  const result: TxPoolContentFrom<T> = { pending: {}, queued: {} };
  if (view === undefined) return result;
  view.entries.forEach((tx, i) => {
    const into = i < view.pendingCount ? result.pending : result.queued;
    into[tx.nonce.toString()] = show(tx);
  });
  return result;
}

export function content<T>(views: Iterable<SenderView>, show: (tx: PoolTransaction) => T): TxPoolContent<T> {
  const result: TxPoolContent<T> = { pending: {}, queued: {} };
  for (const view of views) {
    const { pending, queued } = contentFrom(view, show);
    const address = getAddress(view.sender);
    if (view.pendingCount > 0) result.pending[address] = pending;
    if (view.entries.length > view.pendingCount) result.queued[address] = queued;
  }
  return result;
}

/** geth's txpool_inspect line: "0xTo: 1 wei + 21000 gas × 1000000000 wei". */
export function inspectLine(tx: PoolTransaction): string {
  const to = tx.tx.to === undefined ? "contract creation" : getAddress(tx.tx.to.toString());
  return `${to}: ${tx.tx.value} wei + ${tx.gasLimit} gas × ${tx.maxFee} wei`;
}
