/** Signed transactions of our chain and a pool over an in-memory final state, for the mempool tests. */
import { createCustomCommon, Hardfork, Mainnet } from "@ethereumjs/common";
import {
  createAccessList2930Tx,
  createFeeMarket1559Tx,
  createLegacyTx,
  type TypedTransaction,
} from "@ethereumjs/tx";
import { type Address, bytesToHex, type Hex, hexToBytes, numberToHex, parseEther } from "viem";
import { privateKeyToAddress } from "viem/accounts";
import type { MempoolOptions } from "../../../src/mempool/options.js";
import { TxPool } from "../../../src/mempool/txPool.js";
import type {
  AccountState,
  DropReason,
  PoolStateReader,
  PoolTransaction,
} from "../../../src/mempool/types.js";

export const CHAIN_ID = 1262569810n;
export const common = createCustomCommon({ chainId: Number(CHAIN_ID) }, Mainnet, {
  hardfork: Hardfork.Prague,
});
export const GWEI = 1_000_000_000n;
export const RECIPIENT: Address = "0x00000000000000000000000000000000000000aa";

export interface Signer {
  key: Hex;
  address: Address;
}

/** The n-th test account (keys 1, 2, 3, …). */
export function signer(n: number): Signer {
  const key = numberToHex(n, { size: 32 });
  return { key, address: privateKeyToAddress(key).toLowerCase() as Address };
}

export interface TxParams {
  nonce?: bigint;
  maxFee?: bigint;
  tip?: bigint;
  gasLimit?: bigint;
  value?: bigint;
  data?: Uint8Array;
  type?: 0 | 1 | 2;
}

/** A signed transaction from `from` (EIP-1559 unless `type` says otherwise). */
export function signedTx(from: Signer, params: TxParams = {}): TypedTransaction {
  const nonce = params.nonce ?? 0n;
  const maxFee = params.maxFee ?? 10n * GWEI;
  const base = {
    nonce,
    to: RECIPIENT,
    value: params.value ?? 1n,
    gasLimit: params.gasLimit ?? 21_000n,
    data: params.data,
  };
  const key = hexToBytes(from.key);
  if (params.type === 0) return createLegacyTx({ ...base, gasPrice: maxFee }, { common }).sign(key);
  if (params.type === 1) {
    return createAccessList2930Tx({ ...base, gasPrice: maxFee, chainId: CHAIN_ID }, { common }).sign(key);
  }
  return createFeeMarket1559Tx(
    { ...base, maxFeePerGas: maxFee, maxPriorityFeePerGas: params.tip ?? maxFee, chainId: CHAIN_ID },
    { common },
  ).sign(key);
}

/** The final state the pool reads: an in-memory account table. */
export class MemoryState implements PoolStateReader {
  readonly accounts = new Map<Address, AccountState>();

  set(address: Address, account: Partial<AccountState>): void {
    const current = this.get(address);
    this.accounts.set(address.toLowerCase() as Address, { ...current, ...account });
  }

  get(address: Address): AccountState {
    return this.accounts.get(address.toLowerCase() as Address) ?? { nonce: 0n, balance: 0n };
  }

  nonce(address: Address): bigint {
    return this.get(address).nonce;
  }

  balance(address: Address): bigint {
    return this.get(address).balance;
  }
}

/** Recovers senders with @ethereumjs/tx itself (the crypto module's native recovery plugs in here). */
export const ethereumjsRecovery = {
  recover: (tx: TypedTransaction): Address => tx.getSenderAddress().toString() as Address,
};

export const RICH = parseEther("1000000");

export interface PoolEvents {
  pending: Hex[];
  replaced: [Hex, Hex][];
  dropped: [Hex, DropReason][];
  included: Hex[];
}

/** A pool over a fresh in-memory state, with its events recorded. */
export function makePool(options: Partial<MempoolOptions> = {}, clock?: () => number) {
  const state = new MemoryState();
  const pool = new TxPool({
    options: { chainId: CHAIN_ID, ...options },
    state,
    recovery: ethereumjsRecovery,
    clock,
  });
  const events: PoolEvents = { pending: [], replaced: [], dropped: [], included: [] };
  pool.events.on("pending", (tx: PoolTransaction) => events.pending.push(tx.hash));
  pool.events.on("replaced", (old: PoolTransaction, by: PoolTransaction) =>
    events.replaced.push([old.hash, by.hash]),
  );
  pool.events.on("dropped", (tx: PoolTransaction, reason: DropReason) =>
    events.dropped.push([tx.hash, reason]),
  );
  pool.events.on("included", (tx: PoolTransaction) => events.included.push(tx.hash));
  return { pool, state, events };
}

export function hashOf(tx: TypedTransaction): Hex {
  return bytesToHex(tx.hash());
}
