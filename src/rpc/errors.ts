/**
 * JSON-RPC errors (JSON-RPC 2.0 and EIP-1474) and the mapping from domain errors to them.
 * Anything a method throws that is not an `RpcError` goes through `toRpcError`.
 */
import { decodeErrorResult, type Hex } from "viem";
import type { TransactionRejectionCode } from "./backend.js";

export const ErrorCode = {
  parse: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internal: -32603,
  /** geth's generic server error, used for rejected transactions and missing headers. */
  server: -32000,
  resourceNotFound: -32001,
  transactionRejected: -32003,
  methodNotSupported: -32004,
  limitExceeded: -32005,
  executionReverted: 3,
} as const;

export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = "RpcError";
  }
}

export class InvalidParamsError extends RpcError {
  constructor(message: string) {
    super(ErrorCode.invalidParams, message);
    this.name = "InvalidParamsError";
  }
}

export class LimitExceededError extends RpcError {
  constructor(message: string) {
    super(ErrorCode.limitExceeded, message);
    this.name = "LimitExceededError";
  }
}

export class ExecutionRevertedError extends RpcError {
  constructor(readonly revertData: Hex) {
    const reason = revertReason(revertData);
    super(
      ErrorCode.executionReverted,
      reason === undefined ? "execution reverted" : `execution reverted: ${reason}`,
      revertData,
    );
    this.name = "ExecutionRevertedError";
  }
}

/** The text of `Error(string)` or `Panic(uint256)`; undefined for custom errors and empty reverts. */
export function revertReason(data: Hex): string | undefined {
  if (data.length < 10) return undefined;
  const selector = data.slice(0, 10);
  if (selector !== "0x08c379a0" && selector !== "0x4e487b71") return undefined;
  try {
    const decoded = decodeErrorResult({ data });
    const arg = decoded.args?.[0];
    if (decoded.errorName === "Error") return String(arg);
    return `panic: ${PANIC_REASONS[Number(arg)] ?? `code 0x${(arg as bigint).toString(16)}`}`;
  } catch {
    return undefined;
  }
}

const PANIC_REASONS: Record<number, string> = {
  1: "assertion failed",
  17: "arithmetic underflow or overflow",
  18: "division or modulo by zero",
  33: "enum overflow",
  34: "invalid encoded storage byte array accessed",
  49: "out-of-bounds array access; popping on an empty array",
  50: "out-of-bounds access of an array or bytesN",
  65: "out of memory",
  81: "uninitialized function",
};

/** geth's wording for each rejection, so that tools matching on it (viem, ethers, Foundry) work. */
const REJECTION_MESSAGES: Record<TransactionRejectionCode, string> = {
  NONCE_TOO_LOW: "nonce too low",
  NONCE_TOO_HIGH: "nonce too high",
  INSUFFICIENT_FUNDS: "insufficient funds for gas * price + value",
  INVALID_CHAIN_ID: "invalid chain id",
  FEE_CAP_BELOW_BASE_FEE: "max fee per gas less than block base fee",
  UNDERPRICED: "transaction underpriced",
  REPLACEMENT_UNDERPRICED: "replacement transaction underpriced",
  ALREADY_KNOWN: "already known",
  INTRINSIC_GAS_TOO_LOW: "intrinsic gas too low",
  FLOOR_DATA_GAS_TOO_LOW: "insufficient gas for floor data gas cost",
  GAS_LIMIT_EXCEEDED: "exceeds block gas limit",
  TIP_ABOVE_FEE_CAP: "max priority fee per gas higher than max fee per gas",
  INVALID_SENDER: "invalid sender",
  UNPROTECTED_TRANSACTION: "only replay-protected (EIP-155) transactions allowed over RPC",
  TX_TYPE_NOT_SUPPORTED: "transaction type not supported",
  OVERSIZED_DATA: "oversized data",
  TXPOOL_FULL: "txpool is full",
  ACCOUNT_LIMIT_EXCEEDED: "account limit exceeded",
  INVALID_ENCODING: "invalid transaction encoding",
};

/**
 * A rejected transaction as geth reports it: −32000 (or the error's own `rpcCode`) and a message that
 * starts with geth's wording, keeping the pool's detail when it follows that wording
 * (`nonce too low: next nonce 5, tx nonce 3`).
 */
export function rejectionError(code: string, detail: string, rpcCode?: number): RpcError {
  const jsonRpcCode =
    rpcCode !== undefined && rpcCode <= -32000 && rpcCode >= -32099 ? rpcCode : ErrorCode.server;
  const base = REJECTION_MESSAGES[code as TransactionRejectionCode];
  if (base === undefined) return new RpcError(jsonRpcCode, detail);
  return new RpcError(jsonRpcCode, detail.startsWith(base) ? detail : base);
}

/** Maps anything a method threw to the error sent to the client. */
export function toRpcError(error: unknown): RpcError {
  if (error instanceof RpcError) return error;
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (error.name === "AbortError" || code === "ABORT_ERR") {
      return new RpcError(ErrorCode.server, "execution aborted (timeout exceeded)");
    }
    if (code === "STATE_UNAVAILABLE") return new RpcError(ErrorCode.server, error.message);
    return new RpcError(ErrorCode.internal, "internal error");
  }
  return new RpcError(ErrorCode.internal, "internal error");
}
