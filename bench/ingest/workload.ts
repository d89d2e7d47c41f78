/**
 * Signing and JSON-RPC plumbing shared by the ingestion benchmarks and the mempool flood test: EIP-1559
 * transactions signed with native secp256k1 through @ethereumjs/tx (viem's pure-JS signing manages
 * ~1,300/s here, native ~15,000/s), and batched JSON-RPC over HTTP, as a load generator sends them.
 */
import { createCustomCommon, Hardfork, Mainnet } from "@ethereumjs/common";
import { createFeeMarket1559Tx } from "@ethereumjs/tx";
import { type Address, bytesToHex, type Hex, hexToBytes, numberToHex } from "viem";
import { mnemonicToAccount, privateKeyToAddress } from "viem/accounts";
import { nativeCustomCrypto } from "../../src/crypto/customCrypto.js";
import { nativeSecp256k1 } from "../../src/crypto/native.js";

export const KAIROS_CHAIN_ID = 1262569810n;
export const GWEI = 1_000_000_000n;
export const USDC = 10n ** 18n;
/** The mnemonic whose accounts 0–9 the devnet genesis (and anvil) fund. */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";

/** Dev accounts 0 … count − 1 of the mnemonic. */
export function devSigners(count = 10): Signer[] {
  return Array.from({ length: count }, (_, addressIndex) => {
    const key = mnemonicToAccount(DEV_MNEMONIC, { addressIndex }).getHdKey().privateKey;
    if (!key) throw new Error("no private key derived");
    return signerFromKey(bytesToHex(key));
  });
}

export interface Signer {
  readonly key: Uint8Array;
  readonly address: Address;
}

export function signerFromKey(key: Hex): Signer {
  return { key: hexToBytes(key), address: privateKeyToAddress(key) };
}

/** A deterministic throw-away account: the same seed gives the same key on every run. */
export function signerFromSeed(seed: number): Signer {
  return signerFromKey(numberToHex(0x5eed_0000_0000n + BigInt(seed), { size: 32 }));
}

export interface TxFields {
  nonce: bigint;
  to: Address | null;
  value?: bigint;
  data?: Hex;
  gasLimit?: bigint;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
  chainId?: bigint;
}

export interface SignedTx {
  readonly raw: Hex;
  readonly hash: Hex;
  readonly from: Address;
  readonly nonce: bigint;
}

export class TxSigner {
  private readonly commons = new Map<bigint, ReturnType<typeof createCustomCommon>>();
  private readonly secp256k1 = nativeSecp256k1();

  constructor(private readonly chainId: bigint) {}

  sign(signer: Signer, fields: TxFields, options: { corruptSignature?: boolean } = {}): SignedTx {
    const chainId = fields.chainId ?? this.chainId;
    const common = this.common(chainId);
    const unsigned = createFeeMarket1559Tx(
      {
        chainId,
        nonce: fields.nonce,
        to: fields.to ?? undefined,
        value: fields.value ?? 0n,
        data: fields.data ?? "0x",
        gasLimit: fields.gasLimit ?? 21_000n,
        maxFeePerGas: fields.maxFeePerGas,
        maxPriorityFeePerGas: fields.maxPriorityFeePerGas,
      },
      { common },
    );
    const { signature, recid } = this.secp256k1.ecdsaSign(unsigned.getHashedMessageToSign(), signer.key);
    const r = signature.slice(0, 32);
    // A zero r is no point on the curve: no sender can be recovered from it.
    if (options.corruptSignature) r.fill(0);
    const tx = unsigned.addSignature(BigInt(recid), r, signature.slice(32, 64));
    return {
      raw: bytesToHex(tx.serialize()),
      hash: bytesToHex(tx.hash()),
      from: signer.address,
      nonce: fields.nonce,
    };
  }

  private common(chainId: bigint): ReturnType<typeof createCustomCommon> {
    let common = this.commons.get(chainId);
    if (common === undefined) {
      common = createCustomCommon({ chainId: Number(chainId) }, Mainnet, {
        hardfork: Hardfork.Prague,
        customCrypto: nativeCustomCrypto(),
      });
      this.commons.set(chainId, common);
    }
    return common;
  }
}

export interface RpcError {
  code: number;
  message: string;
  data?: unknown;
}
export interface RpcAnswer<T> {
  result?: T;
  error?: RpcError;
}

/** One JSON-RPC batch over HTTP; answers come back in the order of the calls. */
export async function rpcBatch<T = unknown>(
  url: string,
  calls: readonly { method: string; params: readonly unknown[] }[],
): Promise<RpcAnswer<T>[]> {
  if (calls.length === 0) return [];
  const body = calls.map((call, id) => ({ jsonrpc: "2.0", id, method: call.method, params: call.params }));
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const answers = (await response.json()) as (RpcAnswer<T> & { id: number })[] | RpcAnswer<T>;
  if (!Array.isArray(answers)) throw new Error(`batch refused: ${JSON.stringify(answers)}`);
  const ordered: RpcAnswer<T>[] = new Array(calls.length);
  for (const answer of answers) ordered[answer.id] = answer;
  return ordered;
}

export async function rpcCall<T = unknown>(
  url: string,
  method: string,
  params: readonly unknown[] = [],
): Promise<T> {
  const [answer] = await rpcBatch<T>(url, [{ method, params }]);
  if (answer.error) throw new Error(`${method}: ${answer.error.message}`);
  return answer.result as T;
}

/** Sends raw transactions in batches of `batchSize`, in order; returns each one's answer. */
export async function sendRaw(
  url: string,
  txs: readonly SignedTx[],
  batchSize = 200,
): Promise<RpcAnswer<Hex>[]> {
  const answers: RpcAnswer<Hex>[] = [];
  for (let i = 0; i < txs.length; i += batchSize) {
    const chunk = txs.slice(i, i + batchSize);
    answers.push(
      ...(await rpcBatch<Hex>(
        url,
        chunk.map((tx) => ({ method: "eth_sendRawTransaction", params: [tx.raw] })),
      )),
    );
  }
  return answers;
}

export interface Receipt {
  transactionHash: Hex;
  blockNumber: Hex;
  transactionIndex: Hex;
  from: Address;
  status: Hex;
  gasUsed: Hex;
  effectiveGasPrice: Hex;
}

/** Polls until every hash has a receipt (or the deadline passes); returns the receipts by hash. */
export async function waitForReceipts(
  url: string,
  hashes: readonly Hex[],
  options: {
    timeoutMs?: number;
    pollMs?: number;
    batchSize?: number;
    onReceipt?: (r: Receipt, at: number) => void;
  } = {},
): Promise<Map<Hex, Receipt>> {
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  const batchSize = options.batchSize ?? 500;
  const found = new Map<Hex, Receipt>();
  let missing = [...hashes];
  for (;;) {
    const stillMissing: Hex[] = [];
    for (let i = 0; i < missing.length; i += batchSize) {
      const chunk = missing.slice(i, i + batchSize);
      const answers = await rpcBatch<Receipt | null>(
        url,
        chunk.map((hash) => ({ method: "eth_getTransactionReceipt", params: [hash] })),
      );
      const now = performance.now();
      answers.forEach((answer, j) => {
        if (answer.result) {
          found.set(chunk[j], answer.result);
          options.onReceipt?.(answer.result, now);
        } else stillMissing.push(chunk[j]);
      });
    }
    missing = stillMissing;
    if (missing.length === 0) return found;
    if (Date.now() > deadline)
      throw new Error(`${missing.length} of ${hashes.length} transactions have no receipt`);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
  }
}
