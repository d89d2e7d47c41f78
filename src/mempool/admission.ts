/**
 * Stateless entry checks: everything that can be decided from the transaction alone and the pool's
 * options, in geth's order. State checks (nonce, balance) and pool checks (duplicates, replacement,
 * limits) happen in the pool.
 */
import { Capability, TransactionType, type TypedTransaction } from "@ethereumjs/tx";
import type { Hex } from "viem";
import {
  FloorDataGasTooLowError,
  GasLimitExceededError,
  IntrinsicGasTooLowError,
  InvalidChainIdError,
  OversizedDataError,
  TipAboveFeeCapError,
  TxTypeNotSupportedError,
  UnderpricedError,
  UnprotectedTransactionError,
} from "./errors.js";
import type { MempoolOptions } from "./options.js";
import type { PoolableTransaction, PoolTransaction } from "./types.js";

export type AdmissionLimits = Pick<MempoolOptions, "chainId" | "maxTxBytes" | "blockGasLimit" | "minFeeCap">;

export function isPoolable(tx: TypedTransaction): tx is PoolableTransaction {
  return (
    tx.type === TransactionType.Legacy ||
    tx.type === TransactionType.AccessListEIP2930 ||
    tx.type === TransactionType.FeeMarketEIP1559
  );
}

/** The chain ID a transaction is signed for; undefined for a legacy transaction without EIP-155. */
export function signedChainId(tx: PoolableTransaction): bigint | undefined {
  if (tx.type !== TransactionType.Legacy) return tx.chainId;
  if (!tx.supports(Capability.EIP155ReplayProtection)) return undefined;
  return ((tx.v ?? 0n) - 35n) / 2n;
}

function feeCaps(tx: PoolableTransaction): { maxFee: bigint; maxPriorityFee: bigint } {
  if (tx.type === TransactionType.FeeMarketEIP1559) {
    return { maxFee: tx.maxFeePerGas, maxPriorityFee: tx.maxPriorityFeePerGas };
  }
  return { maxFee: tx.gasPrice, maxPriorityFee: tx.gasPrice };
}

/** What the stateless checks derive from a transaction; the pool adds sender, origin and arrival. */
export type AdmittedTransaction = Omit<PoolTransaction, "sender" | "local" | "arrival">;

/**
 * Check a signed transaction against the stateless rules and describe it for the pool.
 * Throws a MempoolError on the first rule it breaks.
 */
export function admit(
  tx: TypedTransaction,
  hash: Hex,
  limits: AdmissionLimits,
  /** Length of the raw encoding if the caller has it; otherwise the transaction is serialized. */
  size: number = tx.serialize().length,
): AdmittedTransaction {
  if (!isPoolable(tx)) throw new TxTypeNotSupportedError(tx.type);
  if (size > limits.maxTxBytes) throw new OversizedDataError(size, limits.maxTxBytes);
  const chainId = signedChainId(tx);
  if (chainId === undefined) throw new UnprotectedTransactionError();
  if (chainId !== limits.chainId) throw new InvalidChainIdError(limits.chainId, chainId);
  if (tx.gasLimit > limits.blockGasLimit) throw new GasLimitExceededError(tx.gasLimit, limits.blockGasLimit);
  const { maxFee, maxPriorityFee } = feeCaps(tx);
  if (maxPriorityFee > maxFee) throw new TipAboveFeeCapError(maxPriorityFee, maxFee);
  // The minimum is max(intrinsic gas, EIP-7623 calldata floor); the intrinsic part only names the error.
  const minimum = tx.getMinimumGasLimit();
  if (tx.gasLimit < minimum) {
    const intrinsic = tx.getIntrinsicGas();
    if (tx.gasLimit < intrinsic) throw new IntrinsicGasTooLowError(tx.gasLimit, intrinsic);
    throw new FloorDataGasTooLowError(tx.gasLimit, minimum);
  }
  if (maxFee < limits.minFeeCap) throw new UnderpricedError(maxFee, limits.minFeeCap);
  return {
    tx,
    hash,
    nonce: tx.nonce,
    gasLimit: tx.gasLimit,
    maxFee,
    maxPriorityFee,
    cost: tx.value + tx.gasLimit * maxFee,
    size,
  };
}
