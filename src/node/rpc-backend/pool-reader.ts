/** PoolReader over the TxPool: pending nonces and the txpool_* views in the RPC's domain values. */
import type { Address, Hash } from "viem";
import type { PoolTransaction, TxPool, TxPoolContent } from "../../mempool/index.js";
import {
  type ChainTransaction,
  chainTransaction,
  type PoolContent,
  type PoolReader,
} from "../../rpc/index.js";

const show = (ptx: PoolTransaction): ChainTransaction => chainTransaction(ptx.tx, ptx.sender);

function bySender(groups: TxPoolContent["pending"]): ReadonlyMap<Address, readonly ChainTransaction[]> {
  const out = new Map<Address, readonly ChainTransaction[]>();
  for (const [sender, byNonce] of Object.entries(groups)) {
    const txs = Object.values(byNonce).sort((a, b) => (a.nonce < b.nonce ? -1 : a.nonce > b.nonce ? 1 : 0));
    if (txs.length > 0) out.set(sender as Address, txs.map(show));
  }
  return out;
}

export class TxPoolReader implements PoolReader {
  constructor(private readonly pool: TxPool) {}

  pendingNonce(address: Address): Promise<bigint> {
    return this.pool.pendingNonce(address);
  }

  transaction(hash: Hash): ChainTransaction | undefined {
    const ptx = this.pool.get(hash);
    return ptx === undefined ? undefined : show(ptx);
  }

  status(): { readonly pending: number; readonly queued: number } {
    return this.pool.status();
  }

  content(): PoolContent {
    const content = this.pool.content();
    return { pending: bySender(content.pending), queued: bySender(content.queued) };
  }

  contentFrom(address: Address): PoolContent {
    const content = this.pool.contentFrom(address);
    const key = address.toLowerCase() as Address;
    return {
      pending: bySender({ [key]: content.pending }),
      queued: bySender({ [key]: content.queued }),
    };
  }
}
