/**
 * Receipts as we store them (everything the RPC's eth_getTransactionReceipt needs without re-executing
 * or recovering senders) and their consensus encoding for the receipts root.
 */
import type { Log } from "@ethereumjs/evm";
import { RLP } from "@ethereumjs/rlp";
import { bigIntToUnpaddedBytes, bytesToBigInt } from "@ethereumjs/util";
import { encodeReceipt } from "@ethereumjs/vm";

export interface ExecutionReceipt {
  txType: number;
  status: 0 | 1;
  cumulativeGasUsed: bigint;
  gasUsed: bigint;
  effectiveGasPrice: bigint;
  logs: Log[];
  logsBloom: Uint8Array;
  sender: Uint8Array;
  /** Set for contract creations. */
  contractAddress?: Uint8Array;
}

/** EIP-2718 receipt encoding, the leaves of the receipts trie. */
export function consensusReceipt(receipt: ExecutionReceipt): Uint8Array {
  return encodeReceipt(
    {
      status: receipt.status,
      cumulativeBlockGasUsed: receipt.cumulativeGasUsed,
      bitvector: receipt.logsBloom,
      logs: receipt.logs,
    },
    receipt.txType as Parameters<typeof encodeReceipt>[1],
  );
}

const big = bigIntToUnpaddedBytes;
const num = (n: number) => bigIntToUnpaddedBytes(BigInt(n));

export function encodeStoredReceipts(receipts: ExecutionReceipt[]): Uint8Array {
  return RLP.encode(
    receipts.map((r) => [
      num(r.txType),
      num(r.status),
      big(r.cumulativeGasUsed),
      big(r.gasUsed),
      big(r.effectiveGasPrice),
      r.logs,
      r.logsBloom,
      r.sender,
      r.contractAddress ?? new Uint8Array(0),
    ]),
  );
}

export function decodeStoredReceipts(bytes: Uint8Array): ExecutionReceipt[] {
  const rows = RLP.decode(bytes) as unknown as Uint8Array[][];
  return rows.map((row) => {
    const [txType, status, cumulative, gasUsed, price, logs, bloom, sender, contract] = row as unknown as [
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Log[],
      Uint8Array,
      Uint8Array,
      Uint8Array,
    ];
    return {
      txType: Number(bytesToBigInt(txType)),
      status: Number(bytesToBigInt(status)) === 1 ? 1 : 0,
      cumulativeGasUsed: bytesToBigInt(cumulative),
      gasUsed: bytesToBigInt(gasUsed),
      effectiveGasPrice: bytesToBigInt(price),
      logs,
      logsBloom: bloom,
      sender,
      ...(contract.length > 0 ? { contractAddress: contract } : {}),
    };
  });
}
