/**
 * What the pool holds and what it needs from the rest of the node. The node plugs in the real state
 * reader (execution/state: the latest final state) and sender recovery (crypto: native secp256k1 with a
 * cache); the pool imports neither.
 */
import type { AccessList2930Tx, FeeMarket1559Tx, LegacyTx, TypedTransaction } from "@ethereumjs/tx";
import type { Address, Hex } from "viem";

/** The transaction types the pool accepts: legacy (EIP-155), EIP-2930 and EIP-1559. */
export type PoolableTransaction = LegacyTx | AccessList2930Tx | FeeMarket1559Tx;

/** An account as the latest final state has it. */
export interface AccountState {
  nonce: bigint;
  balance: bigint;
}

/** Reads the latest final state. Called only outside the pool's synchronous critical sections. */
export interface PoolStateReader {
  nonce(address: Address): bigint | Promise<bigint>;
  balance(address: Address): bigint | Promise<bigint>;
}

/**
 * Recovers the signer of a transaction (throws if the signature is invalid). The crypto module's
 * implementation caches by hash, so a signature is recovered once from RPC entry to execution.
 */
export interface SenderRecovery {
  recover(tx: TypedTransaction): Address | Promise<Address>;
}

/** A transaction inside the pool, with everything the pool derives from it computed once. */
export interface PoolTransaction {
  readonly tx: PoolableTransaction;
  readonly hash: Hex;
  /** Lowercase sender address. */
  readonly sender: Address;
  readonly nonce: bigint;
  readonly gasLimit: bigint;
  /** maxFeePerGas, or gasPrice for legacy and EIP-2930 transactions. */
  readonly maxFee: bigint;
  /** maxPriorityFeePerGas, or gasPrice for legacy and EIP-2930 transactions. */
  readonly maxPriorityFee: bigint;
  /** The most the transaction can take from its sender: value + gasLimit * maxFee. */
  readonly cost: bigint;
  /** Serialized size in bytes. */
  readonly size: number;
  /** Submitted through this node's RPC: re-broadcast until it leaves the pool, evicted last. */
  readonly local: boolean;
  /** Arrival order in the pool: breaks ties between equal tips (first come, first served). */
  readonly arrival: number;
}

/** Why a transaction left the pool without being included in a final block. */
export type DropReason =
  /** Pushed out by a better-paying transaction while the pool was full. */
  | "evicted"
  /** Its nonce is below the sender's final nonce but it was not in the finalized block. */
  | "stale"
  /** Its sender reached the per-sender slot limit and a lower nonce arrived. */
  | "accountLimit"
  /** Taken out by `remove` (the block builder found it can never execute). */
  | "removed";

export interface MempoolEvents {
  /** A transaction became executable for the first time (eth_subscribe newPendingTransactions, gossip). */
  pending: [tx: PoolTransaction];
  /** A transaction replaced another with the same sender and nonce (replace-by-fee). */
  replaced: [replaced: PoolTransaction, by: PoolTransaction];
  /** A transaction left the pool without being included. */
  dropped: [tx: PoolTransaction, reason: DropReason];
  /** A transaction left the pool because a final block included it (or its nonce). */
  included: [tx: PoolTransaction];
}

/** A final block was committed: what the pool must learn to re-sort itself. */
export interface FinalizedUpdate {
  /** The base fee of the next block to build. */
  baseFee: bigint;
  /** The gas limit of the next block, if it changed. */
  blockGasLimit?: bigint;
  /** Hashes of the transactions the block included (to tell `included` from `stale` removals). */
  included?: Iterable<Hex>;
}

/** `FinalizedUpdate` with fresh state for the accounts the block touched. */
export interface FinalizedState extends FinalizedUpdate {
  accounts: ReadonlyMap<Address, AccountState> | Iterable<[Address, AccountState]>;
}

/** `FinalizedUpdate` naming the accounts the block touched; the pool reads them through its state reader. */
export interface FinalizedTouched extends FinalizedUpdate {
  /** Senders and recipients the block touched, or "all" to re-read every sender in the pool. */
  touched: Iterable<Address> | "all";
}
