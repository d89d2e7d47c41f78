/**
 * Why the pool refused a transaction. Messages start with geth's wording, so that wallets and tools
 * that match on it (MetaMask, Hardhat, Foundry, viem) recognise the failure; details follow a colon,
 * as geth appends them. `code` is stable for programs; `data` carries what the caller needs to act.
 * A refused transaction leaves the pool exactly as it was.
 */

/** JSON-RPC error code geth answers with for every transaction-pool rejection. */
export const TX_POOL_RPC_ERROR_CODE = -32000;

export type MempoolErrorCode =
  | "ALREADY_KNOWN"
  | "INVALID_ENCODING"
  | "INVALID_SENDER"
  | "INVALID_CHAIN_ID"
  | "UNPROTECTED_TRANSACTION"
  | "TX_TYPE_NOT_SUPPORTED"
  | "NONCE_TOO_LOW"
  | "INSUFFICIENT_FUNDS"
  | "INTRINSIC_GAS_TOO_LOW"
  | "FLOOR_DATA_GAS_TOO_LOW"
  | "TIP_ABOVE_FEE_CAP"
  | "UNDERPRICED"
  | "REPLACEMENT_UNDERPRICED"
  | "TXPOOL_FULL"
  | "ACCOUNT_LIMIT_EXCEEDED"
  | "OVERSIZED_DATA"
  | "GAS_LIMIT_EXCEEDED";

export abstract class MempoolError extends Error {
  abstract readonly code: MempoolErrorCode;
  /** The JSON-RPC error code to answer with (geth uses -32000 for all of these). */
  readonly rpcCode = TX_POOL_RPC_ERROR_CODE;

  constructor(
    message: string,
    readonly data: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class AlreadyKnownError extends MempoolError {
  readonly code = "ALREADY_KNOWN";
  constructor(readonly hash: string) {
    super("already known", { hash });
  }
}

/** The bytes are not a transaction (bad RLP, bad field, invalid signature values). */
export class InvalidEncodingError extends MempoolError {
  readonly code = "INVALID_ENCODING";
  constructor(readonly reason: string) {
    super(`invalid transaction encoding: ${reason}`, { reason });
  }
}

export class InvalidSenderError extends MempoolError {
  readonly code = "INVALID_SENDER";
  constructor(reason: string) {
    super(`invalid sender: ${reason}`, { reason });
  }
}

export class InvalidChainIdError extends MempoolError {
  readonly code = "INVALID_CHAIN_ID";
  constructor(
    readonly expected: bigint,
    readonly got: bigint,
  ) {
    super(`invalid chain id: have ${got}, want ${expected}`, { expected, got });
  }
}

/** A legacy transaction signed without EIP-155 replay protection (v = 27 or 28). */
export class UnprotectedTransactionError extends MempoolError {
  readonly code = "UNPROTECTED_TRANSACTION";
  constructor() {
    super("only replay-protected (EIP-155) transactions allowed over RPC");
  }
}

export class TxTypeNotSupportedError extends MempoolError {
  readonly code = "TX_TYPE_NOT_SUPPORTED";
  constructor(readonly type: number) {
    super("transaction type not supported", { type });
  }
}

export class NonceTooLowError extends MempoolError {
  readonly code = "NONCE_TOO_LOW";
  constructor(
    readonly next: bigint,
    readonly nonce: bigint,
  ) {
    super(`nonce too low: next nonce ${next}, tx nonce ${nonce}`, { next, nonce });
  }
}

export class InsufficientFundsError extends MempoolError {
  readonly code = "INSUFFICIENT_FUNDS";
  constructor(
    readonly balance: bigint,
    readonly cost: bigint,
  ) {
    super(
      `insufficient funds for gas * price + value: balance ${balance}, tx cost ${cost}, overshot ${cost - balance}`,
      { balance, cost },
    );
  }
}

export class IntrinsicGasTooLowError extends MempoolError {
  readonly code = "INTRINSIC_GAS_TOO_LOW";
  constructor(
    readonly gas: bigint,
    readonly minimum: bigint,
  ) {
    super(`intrinsic gas too low: gas ${gas}, minimum needed ${minimum}`, { gas, minimum });
  }
}

/** EIP-7623 (Prague): the gas limit must also cover the calldata floor price. */
export class FloorDataGasTooLowError extends MempoolError {
  readonly code = "FLOOR_DATA_GAS_TOO_LOW";
  constructor(
    readonly gas: bigint,
    readonly minimum: bigint,
  ) {
    super(`insufficient gas for floor data gas cost: gas ${gas}, minimum needed ${minimum}`, {
      gas,
      minimum,
    });
  }
}

export class TipAboveFeeCapError extends MempoolError {
  readonly code = "TIP_ABOVE_FEE_CAP";
  constructor(
    readonly maxPriorityFee: bigint,
    readonly maxFee: bigint,
  ) {
    super(
      `max priority fee per gas higher than max fee per gas: maxPriorityFeePerGas ${maxPriorityFee}, maxFeePerGas ${maxFee}`,
      { maxPriorityFee, maxFee },
    );
  }
}

/** The fee cap is below the pool's configured minimum. */
export class UnderpricedError extends MempoolError {
  readonly code = "UNDERPRICED";
  constructor(
    readonly maxFee: bigint,
    readonly minimum: bigint,
  ) {
    super(`transaction underpriced: gas fee cap ${maxFee}, minimum needed ${minimum}`, { maxFee, minimum });
  }
}

export class ReplacementUnderpricedError extends MempoolError {
  readonly code = "REPLACEMENT_UNDERPRICED";
  constructor(
    readonly existing: string,
    readonly priceBumpPercent: bigint,
  ) {
    super("replacement transaction underpriced", { existing, priceBumpPercent });
  }
}

/** The pool is at its limits and the transaction does not pay more than what it would evict. */
export class TxPoolFullError extends MempoolError {
  readonly code = "TXPOOL_FULL";
  constructor() {
    super("txpool is full");
  }
}

/** The sender already holds its maximum number of slots and this nonce is above all of them. */
export class AccountLimitExceededError extends MempoolError {
  readonly code = "ACCOUNT_LIMIT_EXCEEDED";
  constructor(
    readonly sender: string,
    readonly slots: number,
  ) {
    super(`account limit exceeded: ${slots} transactions pooled for ${sender}`, { sender, slots });
  }
}

export class OversizedDataError extends MempoolError {
  readonly code = "OVERSIZED_DATA";
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`oversized data: transaction size ${size}, limit ${limit}`, { size, limit });
  }
}

export class GasLimitExceededError extends MempoolError {
  readonly code = "GAS_LIMIT_EXCEEDED";
  constructor(
    readonly gasLimit: bigint,
    readonly blockGasLimit: bigint,
  ) {
    super(`exceeds block gas limit: gas ${gasLimit}, block gas limit ${blockGasLimit}`, {
      gasLimit,
      blockGasLimit,
    });
  }
}
