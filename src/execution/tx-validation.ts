/**
 * Admission of a transaction: decoding (stateless) and the checks against the sender's account and the
 * block it would go in (stateful). Both throw InvalidTransactionError with geth's wording and change
 * nothing. The mempool runs them on arrival; the block builder and executor run them again.
 */
import type { Common } from "@ethereumjs/common";
import { RLP } from "@ethereumjs/rlp";
import { createTxFromRLP, type TypedTransaction } from "@ethereumjs/tx";
import type { Account, Address } from "@ethereumjs/util";
import { bytesToBigInt } from "@ethereumjs/util";
import { bytesToHex, type Hex } from "viem";
import { MAX_TX_SIZE } from "./chain.js";
import { InvalidTransactionError } from "./errors.js";
import { sharedCommon } from "./shared-common.js";

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const MAX_NONCE = 2n ** 64n - 1n;
/** Legacy (0), EIP-2930 (1), EIP-1559 (2) and EIP-7702 (4). Blob transactions (3) carry no blobs here. */
const SUPPORTED_TYPES = new Set([1, 2, 4]);

export interface DecodedTransaction {
  tx: TypedTransaction;
  sender: Address;
  hash: Hex;
}

/** Decodes raw transaction bytes and recovers the sender, or says exactly why it cannot. */
export function decodeTransaction(raw: Uint8Array, common: Common): DecodedTransaction {
  if (raw.length > MAX_TX_SIZE)
    throw new InvalidTransactionError("OVERSIZED_DATA", `${raw.length} > ${MAX_TX_SIZE} bytes`);
  if (raw.length === 0) throw new InvalidTransactionError("MALFORMED", "empty input");
  const typed = raw[0] < 0x80;
  if (typed && !SUPPORTED_TYPES.has(raw[0]))
    throw new InvalidTransactionError("TX_TYPE_NOT_SUPPORTED", `type ${raw[0]}`);
  const fields = decodeFields(typed ? raw.subarray(1) : raw);
  checkChainId(fields, typed, common.chainId());
  const nonce = bytesToBigInt(fields[typed ? 1 : 0]);
  if (nonce >= MAX_NONCE) throw new InvalidTransactionError("NONCE_MAX", `nonce ${nonce}`);

  let tx: TypedTransaction;
  try {
    tx = createTxFromRLP(raw, { common: sharedCommon(common) });
  } catch (error) {
    const message = (error as Error).message;
    if (/s-values? greater than|signature/i.test(message))
      throw new InvalidTransactionError("INVALID_SIGNATURE", message);
    if (/EIP-7825/.test(message)) throw new InvalidTransactionError("GAS_LIMIT_TOO_HIGH", message);
    if (/maxFeePerGas cannot be less than maxPriorityFeePerGas/.test(message)) {
      throw new InvalidTransactionError("TIP_ABOVE_FEE_CAP");
    }
    throw new InvalidTransactionError("MALFORMED", message);
  }
  const { r, s } = tx;
  if (
    r === undefined ||
    s === undefined ||
    r === 0n ||
    s === 0n ||
    r >= SECP256K1_N ||
    s > SECP256K1_N / 2n
  ) {
    throw new InvalidTransactionError("INVALID_SIGNATURE");
  }
  let sender: Address;
  try {
    sender = tx.getSenderAddress();
  } catch (error) {
    throw new InvalidTransactionError("INVALID_SENDER", (error as Error).message);
  }
  return { tx, sender, hash: bytesToHex(tx.hash()) };
}

function decodeFields(payload: Uint8Array): Uint8Array[] {
  let decoded: ReturnType<typeof RLP.decode>;
  try {
    decoded = RLP.decode(payload, true);
  } catch (error) {
    throw new InvalidTransactionError("MALFORMED", (error as Error).message);
  }
  if (decoded.remainder.length > 0) throw new InvalidTransactionError("TRAILING_BYTES");
  const fields = decoded.data;
  if (
    !Array.isArray(fields) ||
    fields.length < 8 ||
    fields.some((f, i) => i < 6 && Array.isArray(f) && i !== 0)
  ) {
    throw new InvalidTransactionError("MALFORMED", "not a transaction field list");
  }
  return fields as Uint8Array[];
}

function checkChainId(fields: Uint8Array[], typed: boolean, chainId: bigint): void {
  if (typed) {
    const txChainId = bytesToBigInt(fields[0]);
    if (txChainId !== chainId)
      throw new InvalidTransactionError("INVALID_CHAIN_ID", `have ${txChainId} want ${chainId}`);
    return;
  }
  const v = bytesToBigInt(fields[6]);
  // v = 27/28: a pre-EIP-155 transaction, valid on every chain (as anvil accepts them).
  if (v === 27n || v === 28n) return;
  if (v < 35n) throw new InvalidTransactionError("INVALID_SIGNATURE", `v ${v}`);
  const signedFor = (v - 35n) / 2n;
  if (signedFor !== chainId)
    throw new InvalidTransactionError("INVALID_CHAIN_ID", `have ${signedFor} want ${chainId}`);
}

export interface InclusionEnvironment {
  baseFeePerGas: bigint;
  blockGasLimit: bigint;
  /** EIP-7825's per-transaction cap (Osaka): 2^24. */
  maxTransactionGas: bigint;
}

export interface StateCheckOptions {
  /** The mempool queues transactions with a future nonce; a block may not include them. */
  allowFutureNonce?: boolean;
}

/** The checks geth's state transition makes before buying gas, against the sender's account. */
export function checkAgainstState(
  decoded: DecodedTransaction,
  account: Account | undefined,
  env: InclusionEnvironment,
  options: StateCheckOptions = {},
): void {
  const { tx } = decoded;
  const nonce = account?.nonce ?? 0n;
  const balance = account?.balance ?? 0n;
  if (tx.nonce < nonce)
    throw new InvalidTransactionError("NONCE_TOO_LOW", `next nonce ${nonce}, tx nonce ${tx.nonce}`);
  if (tx.nonce > nonce && options.allowFutureNonce !== true) {
    throw new InvalidTransactionError("NONCE_TOO_HIGH", `next nonce ${nonce}, tx nonce ${tx.nonce}`);
  }
  if (tx.gasLimit > env.blockGasLimit)
    throw new InvalidTransactionError("GAS_LIMIT_EXCEEDED", `${tx.gasLimit} > ${env.blockGasLimit}`);
  if (tx.gasLimit > env.maxTransactionGas) {
    throw new InvalidTransactionError("GAS_LIMIT_TOO_HIGH", `${tx.gasLimit} > ${env.maxTransactionGas}`);
  }
  const minimum = tx.getIntrinsicGas();
  if (tx.gasLimit < minimum)
    throw new InvalidTransactionError("INTRINSIC_GAS_TOO_LOW", `have ${tx.gasLimit}, want ${minimum}`);
  const floor = tx.getMinimumGasLimit();
  if (tx.gasLimit < floor)
    throw new InvalidTransactionError("FLOOR_DATA_GAS_TOO_LOW", `have ${tx.gasLimit}, want ${floor}`);
  const feeCap = maxFeePerGas(tx);
  if (feeCap < env.baseFeePerGas) {
    throw new InvalidTransactionError(
      "FEE_CAP_BELOW_BASE_FEE",
      `maxFeePerGas: ${feeCap}, baseFee: ${env.baseFeePerGas}`,
    );
  }
  const cost = tx.gasLimit * feeCap + tx.value;
  if (balance < cost)
    throw new InvalidTransactionError("INSUFFICIENT_FUNDS", `balance ${balance}, tx cost ${cost}`);
}

export function maxFeePerGas(tx: TypedTransaction): bigint {
  return "maxFeePerGas" in tx ? tx.maxFeePerGas : tx.gasPrice;
}
