/** The transaction pool: what the node, RPC and the block builder import. */
export { BestTransactions } from "./bestTransactions.js";
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
