/** Typed errors of execution. Messages use geth's wording, so that tools which match on them still work. */

export const TX_ERRORS = {
  OVERSIZED_DATA: "oversized data",
  TRAILING_BYTES: "rlp: input contains more than one value",
  MALFORMED: "rlp: invalid transaction encoding",
  TX_TYPE_NOT_SUPPORTED: "transaction type not supported",
  INVALID_CHAIN_ID: "invalid chain id for signer",
  INVALID_SIGNATURE: "invalid transaction v, r, s values",
  INVALID_SENDER: "invalid sender",
  NONCE_TOO_LOW: "nonce too low",
  NONCE_TOO_HIGH: "nonce too high",
  NONCE_MAX: "nonce has max value",
  INSUFFICIENT_FUNDS: "insufficient funds for gas * price + value",
  INTRINSIC_GAS_TOO_LOW: "intrinsic gas too low",
  FLOOR_DATA_GAS_TOO_LOW: "insufficient gas for floor data gas cost",
  FEE_CAP_BELOW_BASE_FEE: "max fee per gas less than block base fee",
  TIP_ABOVE_FEE_CAP: "max priority fee per gas higher than max fee per gas",
  GAS_LIMIT_EXCEEDED: "exceeds block gas limit",
  GAS_LIMIT_TOO_HIGH: "transaction gas limit too high",
  EXECUTION_FAILED: "transaction execution failed",
} as const;
export type TxErrorCode = keyof typeof TX_ERRORS;

/** A transaction that may not be included: nothing it would do happens. */
export class InvalidTransactionError extends Error {
  constructor(
    readonly code: TxErrorCode,
    readonly detail: string = "",
    readonly txHash?: string,
  ) {
    super(detail === "" ? TX_ERRORS[code] : `${TX_ERRORS[code]}: ${detail}`);
    this.name = "InvalidTransactionError";
  }
}

/** The header fields a block executor compares with its own re-execution. */
export type BlockField =
  | "parentHash"
  | "number"
  | "gasLimit"
  | "baseFeePerGas"
  | "timestamp"
  | "extraData"
  | "coinbase"
  | "transactionsRoot"
  | "transactions"
  | "gasUsed"
  | "stateRoot"
  | "receiptsRoot"
  | "logsBloom"
  | "encoding";

/** A proposed block that does not match what re-executing it on its parent gives. */
export class BlockMismatchError extends Error {
  readonly code = "BLOCK_MISMATCH";
  constructor(
    readonly field: BlockField,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`block ${field} mismatch: expected ${expected}, got ${actual}`);
    this.name = "BlockMismatchError";
  }
}

export class UnknownBlockError extends Error {
  readonly code = "UNKNOWN_BLOCK";
  constructor(readonly block: string) {
    super(`unknown block ${block}`);
    this.name = "UnknownBlockError";
  }
}
