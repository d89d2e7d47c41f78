/** Shared fixtures for execution tests: dev keys, a chain over the in-memory store, transaction signing. */
import type { Block } from "@ethereumjs/block";
import type { Common } from "@ethereumjs/common";
import {
  createAccessList2930Tx,
  createFeeMarket1559Tx,
  createLegacyTx,
  type TypedTransaction,
} from "@ethereumjs/tx";
import { type Address, createAddressFromString } from "@ethereumjs/util";
import { bytesToHex, type Hex } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import type { CandidateTransactions } from "../../../src/execution/block-builder.js";
import { Blockchain } from "../../../src/execution/blockchain.js";
import { createGenesis, DEV_MNEMONIC, type Genesis, parseGenesis } from "../../../src/execution/genesis.js";
import { type DecodedTransaction, decodeTransaction } from "../../../src/execution/tx-validation.js";
import type { KeyValueStore } from "../../../src/storage/index.js";
import { MemoryStore } from "../../../src/storage/index.js";

export interface DevKey {
  address: Hex;
  privateKey: Uint8Array;
}

export const devKeys: DevKey[] = Array.from({ length: 10 }, (_, i) => {
  const account = mnemonicToAccount(DEV_MNEMONIC, { addressIndex: i });
  const privateKey = account.getHdKey().privateKey;
  if (privateKey === null) throw new Error("no private key");
  return { address: account.address, privateKey };
});

export const FEE_RECIPIENT: Hex = "0x00000000000000000000000000000000000fee01";

export function testGenesis(
  extra: Parameters<typeof createGenesis>[0]["alloc"] = undefined,
  gasLimit: number | undefined = undefined,
): Genesis {
  const file = createGenesis({
    validators: [
      { index: 0, blsPublicKey: "0x01", peerId: "peer-0", feeRecipient: FEE_RECIPIENT },
      {
        index: 1,
        blsPublicKey: "0x02",
        peerId: "peer-1",
        feeRecipient: "0x00000000000000000000000000000000000fee02",
      },
    ],
    ...(extra !== undefined ? { alloc: extra } : {}),
    ...(gasLimit !== undefined ? { gasLimit } : {}),
  });
  return parseGenesis(file);
}

export async function openChain(store: KeyValueStore = new MemoryStore(), genesis = testGenesis()) {
  return Blockchain.open(store, genesis);
}

export function ethAddress(hex: string): Address {
  return createAddressFromString(hex);
}

export interface TxFields {
  to?: Hex;
  value?: bigint;
  nonce: bigint;
  gasLimit?: bigint;
  data?: Hex;
  maxFeePerGas?: bigint;
  maxPriorityFeePerGas?: bigint;
  gasPrice?: bigint;
  type?: 0 | 1 | 2;
  chainId?: bigint;
}

export function signTx(common: Common, key: DevKey, fields: TxFields): TypedTransaction {
  const base = {
    to: fields.to,
    value: fields.value ?? 0n,
    nonce: fields.nonce,
    gasLimit: fields.gasLimit ?? 21_000n,
    data: fields.data,
  };
  const chainId = fields.chainId ?? common.chainId();
  if (fields.type === 0) {
    return createLegacyTx({ ...base, gasPrice: fields.gasPrice ?? 2_000_000_000n }, { common }).sign(
      key.privateKey,
    );
  }
  if (fields.type === 1) {
    return createAccessList2930Tx(
      { ...base, chainId, gasPrice: fields.gasPrice ?? 2_000_000_000n },
      { common },
    ).sign(key.privateKey);
  }
  return createFeeMarket1559Tx(
    {
      ...base,
      chainId,
      maxFeePerGas: fields.maxFeePerGas ?? 3_000_000_000n,
      maxPriorityFeePerGas: fields.maxPriorityFeePerGas ?? 1_000_000_000n,
    },
    { common },
  ).sign(key.privateKey);
}

export function decoded(common: Common, tx: TypedTransaction): DecodedTransaction {
  return decodeTransaction(tx.serialize(), common);
}

/** Candidates in the given order; skipping a sender drops its later transactions. */
export function candidates(txs: DecodedTransaction[]): CandidateTransactions {
  const skipped = new Set<string>();
  let i = 0;
  return {
    next() {
      while (i < txs.length) {
        const tx = txs[i++];
        if (!skipped.has(tx.sender.toString())) return tx;
      }
      return undefined;
    },
    skipSender(sender) {
      skipped.add(sender.toString());
    },
  };
}

/** Sum of the balances of every account touched so far: dev accounts, fee recipients, others. */
export async function sumBalances(
  chain: Blockchain,
  block: Block,
  addresses: Iterable<string>,
): Promise<bigint> {
  const state = await chain.world.at(block.header.stateRoot);
  let sum = 0n;
  for (const address of new Set(addresses))
    sum += (await state.getAccount(ethAddress(address)))?.balance ?? 0n;
  return sum;
}

export const hashOf = (block: Block): Hex => bytesToHex(block.hash());

/** A seeded generator (mulberry32): the same random data on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
