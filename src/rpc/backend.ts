/**
 * What the JSON-RPC server needs from the rest of the node, one concern per interface (reth-style).
 *
 * The RPC never touches storage or the VM: `node/` adapts the chain, the state, the simulator, the
 * mempool and consensus to these interfaces. Everything here is a plain domain value (bigint amounts,
 * viem `Hex` strings for hashes, addresses and byte strings); hex quantities exist only in `format.ts`.
 *
 * "Final" is the only head the RPC knows: `latest`, `safe` and `finalized` are the last final block,
 * `pending` is that state plus the mempool (only the nonce and the pool methods see the difference).
 */
import type { AccessList, Address, Hash, Hex } from "viem";

/** A block the RPC can name unambiguously: the state and simulation interfaces read at one of these. */
export interface BlockId {
  readonly number: bigint;
  readonly hash: Hash;
}

// ---------------------------------------------------------------------------------------------------
// Chain data

export type TransactionType = 0 | 1 | 2 | 3 | 4;

/** An EIP-7702 authorization as it sits in a signed transaction. */
export interface ChainAuthorization {
  readonly chainId: bigint;
  readonly address: Address;
  readonly nonce: bigint;
  readonly yParity: number;
  readonly r: bigint;
  readonly s: bigint;
}

/** A signed transaction with its recovered sender. Fee fields are present as the type defines them. */
export interface ChainTransaction {
  readonly hash: Hash;
  readonly type: TransactionType;
  /** Absent only for pre-EIP-155 legacy transactions. */
  readonly chainId?: bigint;
  readonly from: Address;
  /** `null` for contract creation. */
  readonly to: Address | null;
  readonly nonce: bigint;
  readonly gas: bigint;
  readonly value: bigint;
  readonly input: Hex;
  /** Type 0 and 1. */
  readonly gasPrice?: bigint;
  /** Type 2, 3 and 4. */
  readonly maxFeePerGas?: bigint;
  readonly maxPriorityFeePerGas?: bigint;
  /** Type 1 and later. */
  readonly accessList?: AccessList;
  readonly maxFeePerBlobGas?: bigint;
  readonly blobVersionedHashes?: readonly Hash[];
  readonly authorizationList?: readonly ChainAuthorization[];
  readonly v: bigint;
  /** Signature values; the RPC shows them as quantities, as geth does. */
  readonly r: bigint;
  readonly s: bigint;
  /** Type 1 and later (0 or 1). */
  readonly yParity?: number;
}

/** Where a transaction landed; with the block's base fee, so its effective gas price can be shown. */
export interface TransactionLocation {
  readonly blockHash: Hash;
  readonly blockNumber: bigint;
  readonly index: number;
  readonly baseFeePerGas: bigint;
}

export interface IncludedTransaction {
  readonly transaction: ChainTransaction;
  readonly location: TransactionLocation;
}

export interface ChainHeader {
  readonly number: bigint;
  readonly hash: Hash;
  readonly parentHash: Hash;
  readonly stateRoot: Hash;
  readonly transactionsRoot: Hash;
  readonly receiptsRoot: Hash;
  readonly logsBloom: Hex;
  /** The proposer's fee recipient. */
  readonly miner: Address;
  readonly gasLimit: bigint;
  readonly gasUsed: bigint;
  /** Seconds. */
  readonly timestamp: bigint;
  readonly baseFeePerGas: bigint;
  /** Carries the view and the proposer (DESIGN §3). */
  readonly extraData: Hex;
  readonly mixHash: Hash;
  /** 8 bytes; zero on Kairos. */
  readonly nonce: Hex;
  readonly difficulty: bigint;
  /** Encoded block size in bytes. */
  readonly size: bigint;
  readonly withdrawalsRoot?: Hash;
  readonly blobGasUsed?: bigint;
  readonly excessBlobGas?: bigint;
  readonly parentBeaconBlockRoot?: Hash;
  readonly requestsHash?: Hash;
}

export interface ChainBlock extends ChainHeader {
  readonly transactions: readonly ChainTransaction[];
}

/** A block whose transactions are named by hash only: no conversion of the transactions themselves. */
export interface ChainBlockHashes extends ChainHeader {
  readonly transactionHashes: readonly Hash[];
}

export interface ChainLog {
  readonly address: Address;
  readonly topics: readonly Hash[];
  readonly data: Hex;
  readonly blockNumber: bigint;
  readonly blockHash: Hash;
  readonly transactionHash: Hash;
  readonly transactionIndex: number;
  /** Index of the log in its block. */
  readonly logIndex: number;
}

export interface ChainReceipt {
  readonly transactionHash: Hash;
  readonly transactionIndex: number;
  readonly blockHash: Hash;
  readonly blockNumber: bigint;
  readonly type: TransactionType;
  readonly from: Address;
  readonly to: Address | null;
  readonly contractAddress: Address | null;
  readonly cumulativeGasUsed: bigint;
  readonly gasUsed: bigint;
  readonly effectiveGasPrice: bigint;
  readonly status: "success" | "reverted";
  readonly logs: readonly ChainLog[];
  readonly logsBloom: Hex;
  readonly blobGasUsed?: bigint;
  readonly blobGasPrice?: bigint;
}

/**
 * One position in a topic filter: `null` matches anything, a hash matches itself, a list matches any of
 * its members.
 */
export type TopicFilter = Hash | readonly Hash[] | null;

/** A resolved log query: block bounds are numbers, never tags. */
export interface LogQuery {
  readonly fromBlock: bigint;
  readonly toBlock: bigint;
  /** Empty or absent: any address. */
  readonly addresses?: readonly Address[];
  readonly topics?: readonly TopicFilter[];
}

/** Final blocks, their transactions, receipts and logs. */
export interface ChainReader {
  /** The last final block. Cheap and synchronous: it is read on nearly every call. */
  finalHead(): BlockId;
  /** The oldest block this node still serves (0 unless history was pruned). */
  earliest(): BlockId;
  headerByNumber(number: bigint): Promise<ChainHeader | undefined>;
  headerByHash(hash: Hash): Promise<ChainHeader | undefined>;
  blockByNumber(number: bigint): Promise<ChainBlock | undefined>;
  blockByHash(hash: Hash): Promise<ChainBlock | undefined>;
  /** The block with its transaction hashes (eth_getBlockBy* without full transactions, counts). */
  blockHashesByNumber(number: bigint): Promise<ChainBlockHashes | undefined>;
  blockHashesByHash(hash: Hash): Promise<ChainBlockHashes | undefined>;
  transaction(hash: Hash): Promise<IncludedTransaction | undefined>;
  /** The signed transaction as it was sent (EIP-2718 envelope). */
  rawTransaction(hash: Hash): Promise<Hex | undefined>;
  receipt(hash: Hash): Promise<ChainReceipt | undefined>;
  blockReceipts(blockHash: Hash): Promise<readonly ChainReceipt[] | undefined>;
  /** Logs of final blocks in [fromBlock, toBlock] matching the query, in chain order. */
  logs(query: LogQuery): Promise<readonly ChainLog[]>;
  /** Base fee the next block will charge (chain rules decide it, not the RPC). */
  nextBaseFeePerGas(): bigint;
}

// ---------------------------------------------------------------------------------------------------
// State

export interface StorageProof {
  readonly key: Hex;
  readonly value: bigint;
  readonly proof: readonly Hex[];
}

/** An EIP-1186 account proof against the block's stateRoot. */
export interface AccountProof {
  readonly address: Address;
  readonly balance: bigint;
  readonly nonce: bigint;
  readonly codeHash: Hash;
  readonly storageHash: Hash;
  readonly accountProof: readonly Hex[];
  readonly storageProof: readonly StorageProof[];
}

/** World state at a final block. A block whose state was pruned throws `StateUnavailableError`. */
export interface StateReader {
  balance(address: Address, at: BlockId): Promise<bigint>;
  nonce(address: Address, at: BlockId): Promise<bigint>;
  code(address: Address, at: BlockId): Promise<Hex>;
  /** The 32-byte word at `slot` (a 32-byte key). */
  storage(address: Address, slot: Hex, at: BlockId): Promise<Hex>;
  proof(address: Address, slots: readonly Hex[], at: BlockId): Promise<AccountProof>;
}

export class StateUnavailableError extends Error {
  readonly code = "STATE_UNAVAILABLE";
  constructor(readonly block: BlockId) {
    super(`state of block ${block.number} is not available`);
    this.name = "StateUnavailableError";
  }
}

// ---------------------------------------------------------------------------------------------------
// Simulation

/** A message to execute without signing it (eth_call / eth_estimateGas / debug_traceCall). */
export interface CallMessage {
  readonly from?: Address;
  /** Absent or `null`: contract creation with `data` as init code. */
  readonly to?: Address | null;
  readonly gas?: bigint;
  readonly gasPrice?: bigint;
  readonly maxFeePerGas?: bigint;
  readonly maxPriorityFeePerGas?: bigint;
  readonly value?: bigint;
  readonly data?: Hex;
  readonly nonce?: bigint;
  readonly accessList?: AccessList;
  readonly type?: TransactionType;
  readonly maxFeePerBlobGas?: bigint;
  readonly blobVersionedHashes?: readonly Hash[];
  readonly authorizationList?: readonly ChainAuthorization[];
}

/** geth's state override set for one account. `state` replaces all storage; `stateDiff` patches it. */
export interface AccountOverride {
  readonly balance?: bigint;
  readonly nonce?: bigint;
  readonly code?: Hex;
  readonly state?: ReadonlyMap<Hex, Hex>;
  readonly stateDiff?: ReadonlyMap<Hex, Hex>;
  /** Move the precompile at this address to `movePrecompileToAddress` (geth 1.14). */
  readonly movePrecompileToAddress?: Address;
}

export type StateOverrides = ReadonlyMap<Address, AccountOverride>;

export interface SimulationOptions {
  /** Gas to run with when the message sets none; also the upper bound of any `gas` it sets. */
  readonly gasCap: bigint;
  readonly stateOverrides?: StateOverrides;
  /** Aborted when the RPC's execution timeout passes or the client goes away. */
  readonly signal: AbortSignal;
}

/**
 * Outcome of one execution. `halted` is an exceptional halt (out of gas, invalid opcode...), with the
 * reason in `error`; `reverted` carries the revert bytes in `returnData`.
 */
export interface CallOutcome {
  readonly status: "success" | "reverted" | "halted";
  readonly gasUsed: bigint;
  readonly returnData: Hex;
  readonly error?: string;
}

export interface AccessListOutcome {
  readonly accessList: AccessList;
  readonly gasUsed: bigint;
  /** Set when the message reverted or halted with the produced access list. */
  readonly error?: string;
}

export interface StructLog {
  readonly pc: number;
  readonly op: string;
  readonly gas: bigint;
  readonly gasCost: bigint;
  readonly depth: number;
  readonly stack: readonly bigint[];
  readonly memory?: readonly Hex[];
  readonly storage?: ReadonlyMap<Hex, Hex>;
  readonly error?: string;
}

export interface StructLogTrace {
  readonly kind: "structLogs";
  readonly gas: bigint;
  readonly failed: boolean;
  readonly returnValue: Hex;
  readonly structLogs: readonly StructLog[];
}

export interface CallFrame {
  readonly type: "CALL" | "STATICCALL" | "DELEGATECALL" | "CALLCODE" | "CREATE" | "CREATE2" | "SELFDESTRUCT";
  readonly from: Address;
  readonly to?: Address;
  readonly value?: bigint;
  readonly gas: bigint;
  readonly gasUsed: bigint;
  readonly input: Hex;
  readonly output?: Hex;
  readonly error?: string;
  readonly revertReason?: string;
  readonly calls?: readonly CallFrame[];
  readonly logs?: readonly { address: Address; topics: readonly Hash[]; data: Hex; position: number }[];
}

export interface CallTrace {
  readonly kind: "callTracer";
  readonly root: CallFrame;
}

export type Trace = StructLogTrace | CallTrace;

/** The tracers the RPC exposes; options as geth names them. */
export type TracerConfig =
  | {
      readonly tracer: "structLogs";
      readonly disableStack: boolean;
      readonly disableStorage: boolean;
      readonly enableMemory: boolean;
    }
  | { readonly tracer: "callTracer"; readonly onlyTopCall: boolean; readonly withLog: boolean };

export interface Simulator {
  call(message: CallMessage, at: BlockId, options: SimulationOptions): Promise<CallOutcome>;
  createAccessList(message: CallMessage, at: BlockId, options: SimulationOptions): Promise<AccessListOutcome>;
  traceCall(
    message: CallMessage,
    at: BlockId,
    tracer: TracerConfig,
    options: SimulationOptions,
  ): Promise<Trace>;
  /** Re-execute a final transaction on its block's pre-state plus the transactions before it. */
  traceTransaction(
    hash: Hash,
    tracer: TracerConfig,
    options: Omit<SimulationOptions, "stateOverrides">,
  ): Promise<Trace | undefined>;
}

// ---------------------------------------------------------------------------------------------------
// Mempool

/**
 * Accepts a signed transaction or throws. A rejection is any `Error` whose string `code` names the
 * rule it broke (`TransactionRejectionCode`, as src/mempool's errors do) and whose message starts
 * with geth's wording; an optional numeric `rpcCode` overrides the JSON-RPC code. Unknown codes are
 * passed through with their message as −32000.
 */
export interface TxSubmitter {
  submitRawTransaction(raw: Uint8Array): Promise<Hash>;
}

/** The rules the RPC knows how to report, each with geth's wording (see errors.ts). */
export type TransactionRejectionCode =
  | "NONCE_TOO_LOW"
  | "NONCE_TOO_HIGH"
  | "INSUFFICIENT_FUNDS"
  | "INVALID_CHAIN_ID"
  | "FEE_CAP_BELOW_BASE_FEE"
  | "UNDERPRICED"
  | "REPLACEMENT_UNDERPRICED"
  | "ALREADY_KNOWN"
  | "INTRINSIC_GAS_TOO_LOW"
  | "FLOOR_DATA_GAS_TOO_LOW"
  | "GAS_LIMIT_EXCEEDED"
  | "TIP_ABOVE_FEE_CAP"
  | "INVALID_SENDER"
  | "UNPROTECTED_TRANSACTION"
  | "TX_TYPE_NOT_SUPPORTED"
  | "OVERSIZED_DATA"
  | "TXPOOL_FULL"
  | "ACCOUNT_LIMIT_EXCEEDED"
  /** The bytes are not a transaction (bad RLP or envelope). */
  | "INVALID_ENCODING";

export interface PoolContent {
  /** By sender, then by nonce ascending. */
  readonly pending: ReadonlyMap<Address, readonly ChainTransaction[]>;
  readonly queued: ReadonlyMap<Address, readonly ChainTransaction[]>;
}

export interface PoolReader {
  /** The next nonce for `address` counting its executable pool transactions (eth_getTransactionCount pending). */
  pendingNonce(address: Address): Promise<bigint>;
  /** A transaction still in the pool (pending or queued). */
  transaction(hash: Hash): ChainTransaction | undefined;
  status(): { readonly pending: number; readonly queued: number };
  content(): PoolContent;
  contentFrom(address: Address): PoolContent;
}

// ---------------------------------------------------------------------------------------------------
// Consensus

export interface ValidatorInfo {
  readonly index: number;
  /** BLS12-381 public key (48 bytes compressed). */
  readonly publicKey: Hex;
  /** Fee recipient of the blocks it proposes. */
  readonly address: Address;
}

/** The L-notarization that made a block final: its own, or one of a descendant. */
export interface FinalityCertificate {
  readonly blockHash: Hash;
  readonly blockNumber: bigint;
  /** View and digest of the L-notarized block. */
  readonly view: number;
  readonly certifiedBlockHash: Hash;
  /** Indices of the validators whose signatures are aggregated. */
  readonly signers: readonly number[];
  readonly aggregateSignature: Hex;
  /** The certificate as consensus encodes it, for clients that verify it themselves. */
  readonly encoded: Hex;
}

export interface ConsensusReader {
  currentView(): number;
  finalizedView(): number;
  validators(): readonly ValidatorInfo[];
  finalityCertificate(blockHash: Hash): Promise<FinalityCertificate | undefined>;
}

// ---------------------------------------------------------------------------------------------------
// Events and node facts

export type Unsubscribe = () => void;

/** Both fields may be computed on first read: a head nobody reads costs no conversion. */
export interface NewFinalHead {
  readonly block: ChainHeader;
  readonly logs: readonly ChainLog[];
}

/**
 * A transaction the pool accepted: its hash, and the whole transaction converted on demand (most
 * listeners want only the hash, and the pool accepts thousands a second).
 */
export interface NewPendingTransaction {
  readonly hash: Hash;
  transaction(): ChainTransaction;
}

/** Pushes for subscriptions and filters. Listeners run synchronously; they must not throw. */
export interface ChainEvents {
  /** Each final block once, in order. */
  onFinalHead(listener: (head: NewFinalHead) => void): Unsubscribe;
  /** Each transaction the pool accepts, once. */
  onPendingTransaction(listener: (pending: NewPendingTransaction) => void): Unsubscribe;
}

export interface NodeInfo {
  readonly chainId: bigint;
  readonly clientVersion: string;
  peerCount(): number;
  listening(): boolean;
  /** `false` when the node follows the network's final head. */
  syncing(): false | { startingBlock: bigint; currentBlock: bigint; highestBlock: bigint };
}

/** Everything the server reads and writes through, as one constructor argument. */
export interface RpcBackend {
  readonly node: NodeInfo;
  readonly chain: ChainReader;
  readonly state: StateReader;
  readonly simulator: Simulator;
  readonly submitter: TxSubmitter;
  readonly pool: PoolReader;
  readonly consensus: ConsensusReader;
  readonly events: ChainEvents;
}
