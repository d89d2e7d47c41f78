/**
 * Raw transaction bytes (eth_sendRawTransaction, gossip) to a transaction the pool can take. @ethereumjs
 * refuses another chain's transaction while decoding, with a message of its own; reading the signed
 * chain ID first lets the caller answer with geth's "invalid chain id" instead.
 */
import type { Common } from "@ethereumjs/common";
import { RLP } from "@ethereumjs/rlp";
import { createTxFromRLP, TransactionType, type TypedTransaction } from "@ethereumjs/tx";
import { bytesToBigInt } from "viem";
import {
  InvalidChainIdError,
  InvalidEncodingError,
  TxTypeNotSupportedError,
  UnprotectedTransactionError,
} from "./errors.js";

const LIST_PREFIX = 0xc0;
const POOL_TYPES: readonly number[] = [TransactionType.AccessListEIP2930, TransactionType.FeeMarketEIP1559];

/** The chain ID the bytes are signed for (undefined: legacy without EIP-155). */
function rawChainId(raw: Uint8Array): bigint | undefined {
  if (raw[0] >= LIST_PREFIX) {
    const fields = RLP.decode(raw);
    const v = Array.isArray(fields) ? fields[6] : undefined;
    if (!(v instanceof Uint8Array)) throw new InvalidEncodingError("legacy transaction without v");
    const value = bytesToBigInt(v);
    if (value === 27n || value === 28n) return undefined;
    if (value < 35n) throw new InvalidEncodingError(`invalid v ${value}`);
    return (value - 35n) / 2n;
  }
  const fields = RLP.decode(raw.subarray(1));
  const chainId = Array.isArray(fields) ? fields[0] : undefined;
  if (!(chainId instanceof Uint8Array)) throw new InvalidEncodingError("typed transaction without chain id");
  return bytesToBigInt(chainId);
}

/**
 * Decode a signed transaction of a type the pool accepts, signed for `common`'s chain. Throws a
 * MempoolError (malformed, type not supported, invalid chain id, unprotected) otherwise.
 */
export function decodeRawTransaction(raw: Uint8Array, common: Common): TypedTransaction {
  if (raw.length === 0) throw new InvalidEncodingError("empty transaction");
  if (raw[0] < LIST_PREFIX && !POOL_TYPES.includes(raw[0])) throw new TxTypeNotSupportedError(raw[0]);
  let chainId: bigint | undefined;
  try {
    chainId = rawChainId(raw);
  } catch (cause) {
    if (cause instanceof InvalidEncodingError) throw cause;
    throw new InvalidEncodingError(cause instanceof Error ? cause.message : String(cause));
  }
  if (chainId === undefined) throw new UnprotectedTransactionError();
  if (chainId !== common.chainId()) throw new InvalidChainIdError(common.chainId(), chainId);
  try {
    return createTxFromRLP(raw, { common });
  } catch (cause) {
    throw new InvalidEncodingError(cause instanceof Error ? cause.message : String(cause));
  }
}
