/**
 * TxSubmitter: decode (geth's "invalid chain id" before the library's own decoding error), add to the
 * pool as a local transaction, then gossip. Pool and decoding errors are MempoolErrors with geth's
 * wording, a string `code` and an `rpcCode`, which the RPC reports as they are.
 */
import type { Common } from "@ethereumjs/common";
import type { Hash } from "viem";
import { sharedCommon } from "../../execution/shared-common.js";
import type { PoolableTransaction, PoolTransaction } from "../../mempool/index.js";
import { decodeRawTransaction } from "../../mempool/index.js";
import type { TxSubmitter } from "../../rpc/index.js";

/** The pool's entry point for local transactions. */
export interface LocalPool {
  add(tx: PoolableTransaction, options: { local: boolean; size: number }): Promise<PoolTransaction>;
}

/** Gossip to the other validators (best effort: a failed publish leaves the transaction pooled). */
export interface TransactionBroadcaster {
  publish(raw: Uint8Array): Promise<unknown>;
}

export class PoolTxSubmitter implements TxSubmitter {
  private readonly common: Common;

  constructor(
    common: Common,
    private readonly pool: LocalPool,
    private readonly gossip: TransactionBroadcaster,
  ) {
    // Pooled transactions share one Common instead of a copy each (see shared-common.ts).
    this.common = sharedCommon(common);
  }

  async submitRawTransaction(raw: Uint8Array): Promise<Hash> {
    const tx = decodeRawTransaction(raw, this.common) as PoolableTransaction;
    const pooled = await this.pool.add(tx, { local: true, size: raw.length });
    this.gossip.publish(raw).catch(() => {});
    return pooled.hash;
  }
}
