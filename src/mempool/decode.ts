/**
 * Raw transaction bytes (eth_sendRawTransaction, gossip) to a transaction the pool can take. @ethereumjs
 * refuses another chain's transaction while decoding, with a message of its own; reading the signed
 * chain ID from the decoded fields first lets the caller answer with geth's "invalid chain id" instead.
 */
import type { Common } from "@ethereumjs/common";
import { RLP } from "@ethereumjs/rlp";
import {
  create1559FeeMarketTxFromBytesArray,
  createAccessList2930TxFromBytesArray,
  createLegacyTxFromBytesArray,
  TransactionType,
  type TxValuesArray,
  type TypedTransaction,
} from "@ethereumjs/tx";
import { bytesToBigInt } from "viem";
import {
  InvalidChainIdError,
  InvalidEncodingError,
  TxTypeNotSupportedError,
  UnprotectedTransactionError,
} from "./errors.js";

const LIST_PREFIX = 0xc0;
const POOL_TYPES: readonly number[] = [TransactionType.AccessListEIP2930, TransactionType.FeeMarketEIP1559];

type Fields = Uint8Array[];

/** The chain ID the fields are signed for (undefined: legacy without EIP-155). */
function signedChainId(fields: Fields, typed: boolean): bigint {
  if (!typed) {
    const v = fields[6];
    if (!(v instanceof Uint8Array)) throw new InvalidEncodingError("legacy transaction without v");
    const value = bytesToBigInt(v);
    if (value === 27n || value === 28n) throw new UnprotectedTransactionError();
    if (value < 35n) throw new InvalidEncodingError(`invalid v ${value}`);
    return (value - 35n) / 2n;
  }
  const chainId = fields[0];
  if (!(chainId instanceof Uint8Array)) throw new InvalidEncodingError("typed transaction without chain id");
  return bytesToBigInt(chainId);
}

/** The RLP fields, decoded once (the library would decode them again from the raw bytes). */
function decodeFields(raw: Uint8Array, typed: boolean): Fields {
  let fields: unknown;
  try {
    fields = RLP.decode(typed ? raw.subarray(1) : raw);
  } catch (cause) {
    throw new InvalidEncodingError(cause instanceof Error ? cause.message : String(cause));
  }
  if (!Array.isArray(fields)) {
    throw new InvalidEncodingError(
      typed ? "typed transaction without chain id" : "legacy transaction without v",
    );
  }
  return fields as Fields;
}

/** The library checks the field count and contents; these casts only name the shapes it expects. */
function fromFields(type: number, fields: Fields, common: Common): TypedTransaction {
  if (type === TransactionType.FeeMarketEIP1559) {
    const values = fields as TxValuesArray[typeof TransactionType.FeeMarketEIP1559];
    return create1559FeeMarketTxFromBytesArray(values, { common });
  }
  if (type === TransactionType.AccessListEIP2930) {
    const values = fields as TxValuesArray[typeof TransactionType.AccessListEIP2930];
    return createAccessList2930TxFromBytesArray(values, { common });
  }
  return createLegacyTxFromBytesArray(fields, { common });
}

/**
 * Decode a signed transaction of a type the pool accepts, signed for `common`'s chain. Throws a
 * MempoolError (malformed, type not supported, invalid chain id, unprotected) otherwise.
 */
export function decodeRawTransaction(raw: Uint8Array, common: Common): TypedTransaction {
  if (raw.length === 0) throw new InvalidEncodingError("empty transaction");
  const typed = raw[0] < LIST_PREFIX;
  if (typed && !POOL_TYPES.includes(raw[0])) throw new TxTypeNotSupportedError(raw[0]);
  const fields = decodeFields(raw, typed);
  const chainId = signedChainId(fields, typed);
  if (chainId !== common.chainId()) throw new InvalidChainIdError(common.chainId(), chainId);
  let tx: TypedTransaction;
  try {
    tx = fromFields(typed ? raw[0] : TransactionType.Legacy, fields, common);
  } catch (cause) {
    throw new InvalidEncodingError(cause instanceof Error ? cause.message : String(cause));
  }
  // The hash of a signed transaction is keccak256 of its canonical encoding: the bytes just decoded
  // (RLP decoding refused any other). @ethereumjs would re-encode them to hash; it trusts the cache
  // of a frozen transaction.
  const keccak = common.customCrypto.keccak256;
  if (keccak !== undefined && tx.isSigned() && Object.isFrozen(tx)) tx.cache.hash = keccak(raw);
  return tx;
}
