/** The JSON-RPC surface: what the node's composition root needs. */
export type * from "./backend.js";
export { StateUnavailableError } from "./backend.js";
export { ErrorCode, ExecutionRevertedError, RpcError } from "./errors.js";
export {
  chainBlock,
  chainBlockHashes,
  chainHeader,
  chainReceipt,
  chainReceipts,
  chainTransaction,
  type StoredReceipt,
  transactionLocation,
} from "./ethereumjs.js";
export { logMatches } from "./log-filter.js";
export { defaultRpcOptions, type RateLimitOptions, type RpcOptions, rpcOptions } from "./options.js";
export { type RpcAddress, type RpcLogger, RpcServer, type RpcServerDependencies } from "./server.js";
