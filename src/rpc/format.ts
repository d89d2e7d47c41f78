/**
 * Domain values → the JSON the Ethereum JSON-RPC speaks (geth's field names and hex encodings).
 * The only place quantities become hex strings.
 */
import { type Address, getAddress, type Hash, type Hex } from "viem";
import type {
  AccountProof,
  CallFrame,
  ChainAuthorization,
  ChainBlock,
  ChainBlockHashes,
  ChainHeader,
  ChainLog,
  ChainReceipt,
  ChainTransaction,
  FinalityCertificate,
  StructLogTrace,
  Trace,
  TransactionLocation,
  ValidatorInfo,
} from "./backend.js";
import { JsonText } from "./jsonrpc.js";

/** keccak256(rlp([])): Kairos blocks have no uncles. */
export const EMPTY_UNCLES_HASH: Hash = "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347";

/** A quantity: minimal hex, `0x0` for zero. */
export function quantity(value: bigint | number): Hex {
  return `0x${value.toString(16)}`;
}

export type RpcObject = Record<string, unknown>;

export function formatHeader(header: ChainHeader): RpcObject {
  const out: RpcObject = {
    baseFeePerGas: quantity(header.baseFeePerGas),
    difficulty: quantity(header.difficulty),
    extraData: header.extraData,
    gasLimit: quantity(header.gasLimit),
    gasUsed: quantity(header.gasUsed),
    hash: header.hash,
    logsBloom: header.logsBloom,
    miner: header.miner,
    mixHash: header.mixHash,
    nonce: header.nonce,
    number: quantity(header.number),
    parentHash: header.parentHash,
    receiptsRoot: header.receiptsRoot,
    sha3Uncles: EMPTY_UNCLES_HASH,
    stateRoot: header.stateRoot,
    timestamp: quantity(header.timestamp),
    transactionsRoot: header.transactionsRoot,
  };
  if (header.withdrawalsRoot !== undefined) out.withdrawalsRoot = header.withdrawalsRoot;
  if (header.blobGasUsed !== undefined) out.blobGasUsed = quantity(header.blobGasUsed);
  if (header.excessBlobGas !== undefined) out.excessBlobGas = quantity(header.excessBlobGas);
  if (header.parentBeaconBlockRoot !== undefined) out.parentBeaconBlockRoot = header.parentBeaconBlockRoot;
  if (header.requestsHash !== undefined) out.requestsHash = header.requestsHash;
  return out;
}

/** A block with its transactions' hashes (eth_getBlockBy* with `fullTransactions` false). */
export function formatBlockHashes(block: ChainBlockHashes): RpcObject {
  const out = formatBlockHeader(block);
  out.transactions = block.transactionHashes.slice();
  return out;
}

function formatBlockHeader(block: ChainHeader): RpcObject {
  const out = formatHeader(block);
  out.size = quantity(block.size);
  out.uncles = [];
  if (block.withdrawalsRoot !== undefined) out.withdrawals = [];
  return out;
}

export function formatBlock(block: ChainBlock, fullTransactions: boolean): RpcObject {
  const out = formatBlockHeader(block);
  const location = {
    blockHash: block.hash,
    blockNumber: block.number,
    index: 0,
    baseFeePerGas: block.baseFeePerGas,
  };
  const txs = block.transactions;
  const list: unknown[] = new Array(txs.length);
  for (let i = 0; i < txs.length; i++) {
    if (fullTransactions) {
      location.index = i;
      list[i] = formatTransaction(txs[i], location);
    } else {
      list[i] = txs[i].hash;
    }
  }
  out.transactions = list;
  return out;
}

/**
 * A transaction, mined (`location`) or pending. A mined EIP-1559 transaction shows the price it
 * paid as `gasPrice`, as geth does; a pending one shows its fee cap.
 */
export function formatTransaction(
  tx: ChainTransaction,
  location: TransactionLocation | undefined,
): RpcObject {
  const out: RpcObject = {
    blockHash: location ? location.blockHash : null,
    blockNumber: location ? quantity(location.blockNumber) : null,
    from: tx.from,
    gas: quantity(tx.gas),
    gasPrice: quantity(gasPriceOf(tx, location)),
    hash: tx.hash,
    input: tx.input,
    nonce: quantity(tx.nonce),
    to: tx.to,
    transactionIndex: location ? quantity(location.index) : null,
    value: quantity(tx.value),
    type: quantity(tx.type),
  };
  if (tx.maxFeePerGas !== undefined) out.maxFeePerGas = quantity(tx.maxFeePerGas);
  if (tx.maxPriorityFeePerGas !== undefined) out.maxPriorityFeePerGas = quantity(tx.maxPriorityFeePerGas);
  if (tx.maxFeePerBlobGas !== undefined) out.maxFeePerBlobGas = quantity(tx.maxFeePerBlobGas);
  if (tx.accessList !== undefined) out.accessList = tx.accessList;
  if (tx.blobVersionedHashes !== undefined) out.blobVersionedHashes = tx.blobVersionedHashes;
  if (tx.authorizationList !== undefined)
    out.authorizationList = tx.authorizationList.map(formatAuthorization);
  if (tx.chainId !== undefined) out.chainId = quantity(tx.chainId);
  out.v = quantity(tx.v);
  out.r = quantity(tx.r);
  out.s = quantity(tx.s);
  if (tx.yParity !== undefined) out.yParity = quantity(tx.yParity);
  return out;
}

function gasPriceOf(tx: ChainTransaction, location: TransactionLocation | undefined): bigint {
  if (tx.gasPrice !== undefined) return tx.gasPrice;
  const feeCap = tx.maxFeePerGas ?? 0n;
  if (location === undefined) return feeCap;
  const price = location.baseFeePerGas + (tx.maxPriorityFeePerGas ?? 0n);
  return price < feeCap ? price : feeCap;
}

function formatAuthorization(a: ChainAuthorization): RpcObject {
  return {
    chainId: quantity(a.chainId),
    address: a.address,
    nonce: quantity(a.nonce),
    yParity: quantity(a.yParity),
    r: quantity(a.r),
    s: quantity(a.s),
  };
}

export function formatLog(log: ChainLog): RpcObject {
  return {
    address: log.address,
    topics: log.topics,
    data: log.data,
    blockNumber: quantity(log.blockNumber),
    transactionHash: log.transactionHash,
    transactionIndex: quantity(log.transactionIndex),
    blockHash: log.blockHash,
    logIndex: quantity(log.logIndex),
    removed: false,
  };
}

export function formatLogs(logs: readonly ChainLog[]): RpcObject[] {
  const out: RpcObject[] = new Array(logs.length);
  for (let i = 0; i < logs.length; i++) out[i] = formatLog(logs[i]);
  return out;
}

/**
 * The JSON text of each log, by log object: the chain hands out the same objects for the logs of a
 * final block while it keeps them decoded, and serializing a large eth_getLogs answer again on every
 * query would cost more than finding the logs.
 */
const logTexts = new WeakMap<ChainLog, string>();

/** `logs` as a JSON array, reusing the text of logs serialized before. */
export function logsJson(logs: readonly ChainLog[]): JsonText {
  const texts: string[] = new Array(logs.length);
  for (let i = 0; i < logs.length; i++) {
    const log = logs[i];
    let text = logTexts.get(log);
    if (text === undefined) {
      text = JSON.stringify(formatLog(log));
      logTexts.set(log, text);
    }
    texts[i] = text;
  }
  return new JsonText(`[${texts.join(",")}]`);
}

export function formatReceipt(receipt: ChainReceipt): RpcObject {
  const out: RpcObject = {
    blockHash: receipt.blockHash,
    blockNumber: quantity(receipt.blockNumber),
    contractAddress: receipt.contractAddress,
    cumulativeGasUsed: quantity(receipt.cumulativeGasUsed),
    effectiveGasPrice: quantity(receipt.effectiveGasPrice),
    from: receipt.from,
    gasUsed: quantity(receipt.gasUsed),
    logs: formatLogs(receipt.logs),
    logsBloom: receipt.logsBloom,
    status: receipt.status === "success" ? "0x1" : "0x0",
    to: receipt.to,
    transactionHash: receipt.transactionHash,
    transactionIndex: quantity(receipt.transactionIndex),
    type: quantity(receipt.type),
  };
  if (receipt.blobGasUsed !== undefined) out.blobGasUsed = quantity(receipt.blobGasUsed);
  if (receipt.blobGasPrice !== undefined) out.blobGasPrice = quantity(receipt.blobGasPrice);
  return out;
}

export function formatProof(proof: AccountProof): RpcObject {
  return {
    address: proof.address,
    accountProof: proof.accountProof,
    balance: quantity(proof.balance),
    codeHash: proof.codeHash,
    nonce: quantity(proof.nonce),
    storageHash: proof.storageHash,
    storageProof: proof.storageProof.map((p) => ({ key: p.key, value: quantity(p.value), proof: p.proof })),
  };
}

/** geth's debug_trace* output: struct logger or callTracer frames. */
export function formatTrace(trace: Trace): RpcObject {
  return trace.kind === "callTracer" ? formatCallFrame(trace.root) : formatStructLogs(trace);
}

function formatStructLogs(trace: StructLogTrace): RpcObject {
  return {
    gas: Number(trace.gas),
    failed: trace.failed,
    returnValue: trace.returnValue,
    structLogs: trace.structLogs.map((log) => {
      const out: RpcObject = {
        pc: log.pc,
        op: log.op,
        gas: Number(log.gas),
        gasCost: Number(log.gasCost),
        depth: log.depth,
        stack: log.stack.map(quantity),
      };
      // geth prints memory words and storage entries as bare 32-byte hex.
      if (log.memory !== undefined) out.memory = log.memory.map((word) => word.slice(2));
      if (log.storage !== undefined) {
        const storage: Record<string, string> = {};
        for (const [key, value] of log.storage) storage[key.slice(2)] = value.slice(2);
        out.storage = storage;
      }
      if (log.error !== undefined) out.error = log.error;
      return out;
    }),
  };
}

function formatCallFrame(frame: CallFrame): RpcObject {
  const out: RpcObject = {
    type: frame.type,
    from: frame.from,
    gas: quantity(frame.gas),
    gasUsed: quantity(frame.gasUsed),
  };
  if (frame.to !== undefined) out.to = frame.to;
  out.input = frame.input;
  if (frame.output !== undefined) out.output = frame.output;
  if (frame.value !== undefined) out.value = quantity(frame.value);
  if (frame.error !== undefined) out.error = frame.error;
  if (frame.revertReason !== undefined) out.revertReason = frame.revertReason;
  if (frame.logs !== undefined && frame.logs.length > 0) {
    out.logs = frame.logs.map((l) => ({
      address: l.address,
      topics: l.topics,
      data: l.data,
      position: quantity(l.position),
    }));
  }
  if (frame.calls !== undefined && frame.calls.length > 0) out.calls = frame.calls.map(formatCallFrame);
  return out;
}

export function formatValidator(validator: ValidatorInfo): RpcObject {
  return { index: validator.index, publicKey: validator.publicKey, address: validator.address };
}

export function formatCertificate(certificate: FinalityCertificate): RpcObject {
  return {
    blockHash: certificate.blockHash,
    blockNumber: quantity(certificate.blockNumber),
    view: certificate.view,
    certifiedBlockHash: certificate.certifiedBlockHash,
    signers: certificate.signers,
    aggregateSignature: certificate.aggregateSignature,
    encoded: certificate.encoded,
  };
}

/** txpool_content's shape: sender (checksummed, as geth prints it) → nonce (decimal string) → entry. */
export function formatPoolGroup(
  group: ReadonlyMap<Address, readonly ChainTransaction[]>,
  each: (tx: ChainTransaction) => unknown,
): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [sender, txs] of group) if (txs.length > 0) out[getAddress(sender)] = formatByNonce(txs, each);
  return out;
}

export function formatByNonce(
  txs: readonly ChainTransaction[] | undefined,
  each: (tx: ChainTransaction) => unknown,
): Record<string, unknown> {
  const byNonce: Record<string, unknown> = {};
  if (txs !== undefined) for (const tx of txs) byNonce[tx.nonce.toString()] = each(tx);
  return byNonce;
}
