/**
 * The transaction pool: what the node, RPC and the block builder import.
 *
 * Wiring (node/):
 *   const pool = new TxPool({ options: { chainId, ...config.mempool }, state: finalStateReader, recovery });
 *   rpc:      await pool.add(tx, { local: true, size: raw.length })   → hash, or a MempoolError (rpcCode)
 *             pool.status() / content() / contentFrom(a) / inspect() / pendingNonce(a) / get(hash)
 *   p2p:      await pool.add(tx, { size }); pool.events.on("pending", gossip); timer → pool.localsDue()
 *   builder:  const it = pool.best(baseFee); for (const ptx of it) { …; on failure it.skipSender(ptx.sender) }
 *   final:    await pool.onFinalized({ baseFee: next, touched, included: blockTxHashes })
 */
export { BestTransactions } from "./bestTransactions.js";
export { decodeRawTransaction } from "./decode.js";
export * from "./errors.js";
export { bumpsEnough, effectiveTip } from "./fees.js";
export { defaultMempoolOptions, type MempoolOptions } from "./options.js";
export {
  type AddOptions,
  type InsertOptions,
  type PoolStats,
  TxPool,
  type TxPoolDependencies,
} from "./txPool.js";
export type { TxPoolContent, TxPoolContentFrom, TxPoolStatus } from "./txpoolContent.js";
export { inspectLine } from "./txpoolContent.js";
export type * from "./types.js";
