/**
 * The transaction pool: pending (executable now) and queued (nonce gap or short of balance) sub-pools,
 * replace-by-fee, limits with eviction, and the readers RPC and the block builder use.
 *
 * Every change to the pool happens in one synchronous step (`insert`, `applyFinalized`), so a rejected
 * transaction changes nothing and readers never see a half-applied change. The asynchronous entry
 * points (`add`, `onFinalized`) only gather what those steps need: the sender, and account state from
 * the latest final state.
 */
import { EventEmitter } from "node:events";
import type { TypedTransaction } from "@ethereumjs/tx";
import type { Address, Hex } from "viem";
import { type AdmittedTransaction, admit } from "./admission.js";
import { BestTransactions } from "./bestTransactions.js";
import {
  AccountLimitExceededError,
  AlreadyKnownError,
  InsufficientFundsError,
  InvalidSenderError,
  MempoolError,
  NonceTooLowError,
  ReplacementUnderpricedError,
  TxPoolFullError,
} from "./errors.js";
import { bumpsEnough, effectiveTip } from "./fees.js";
import { type MempoolOptions, resolveMempoolOptions } from "./options.js";
import { type PoolEntry, SenderTransactions } from "./senderTransactions.js";
import * as layout from "./txpoolContent.js";
import type {
  AccountState,
  DropReason,
  FinalizedState,
  FinalizedTouched,
  MempoolEvents,
  PoolStateReader,
  PoolTransaction,
  SenderRecovery,
} from "./types.js";

export interface TxPoolDependencies {
  options: Partial<MempoolOptions> & { chainId: bigint };
  /** The latest final state. */
  state: PoolStateReader;
  recovery: SenderRecovery;
  /** Milliseconds, for re-broadcast timing only. Defaults to Date.now. */
  clock?: () => number;
}

export interface AddOptions {
  /** Submitted through this node's RPC (re-broadcast, evicted last). */
  local?: boolean;
  /** Length of the raw encoding, when the caller decoded it (saves re-serializing). */
  size?: number;
}

export interface InsertOptions extends AddOptions {
  /** The sender's final state; required when the pool holds nothing from this sender yet. */
  account?: AccountState;
}

export interface PoolStats extends layout.TxPoolStatus {
  /** Pending transactions whose fee cap is below the base fee (with the rest of their sender's run). */
  parked: number;
  senders: number;
  bytes: number;
  locals: number;
}

/** A transaction chosen for eviction, and where it sits. */
interface Victim {
  entry: PoolEntry;
  owner: SenderTransactions;
}

function lower(address: string): Address {
  return address.toLowerCase() as Address;
}

/**
 * The hash as lowercase hex. Node's Buffer gives one flat string; viem's bytesToHex builds it by
 * concatenation, and the resulting rope costs about 1 KB per pooled transaction.
 */
function hashOf(tx: TypedTransaction): Hex {
  try {
    const hash = tx.hash();
    return `0x${Buffer.from(hash.buffer, hash.byteOffset, hash.length).toString("hex")}`;
  } catch (cause) {
    throw new InvalidSenderError(cause instanceof Error ? cause.message : "transaction is not signed");
  }
}

export class TxPool {
  readonly events = new EventEmitter<MempoolEvents>();
  private readonly options: MempoolOptions;
  private readonly state: PoolStateReader;
  private readonly recovery: SenderRecovery;
  private readonly clock: () => number;

  private readonly senders = new Map<Address, SenderTransactions>();
  private readonly byHash = new Map<Hex, PoolEntry>();
  /** Local transactions still in the pool → when they were last handed out for broadcast (ms). */
  private readonly locals = new Map<Hex, number>();
  private bytes = 0;
  private arrivals = 0;
  /** Bumped whenever final state moves on, so account reads that straddle it are redone. */
  private epoch = 0;
  private finalizing: Promise<void> = Promise.resolve();

  constructor(deps: TxPoolDependencies) {
    this.options = resolveMempoolOptions(deps.options);
    this.state = deps.state;
    this.recovery = deps.recovery;
    this.clock = deps.clock ?? Date.now;
  }

  /** Base fee of the next block: fee caps below it are parked. */
  get baseFee(): bigint {
    return this.options.baseFee;
  }

  get blockGasLimit(): bigint {
    return this.options.blockGasLimit;
  }

  get size(): number {
    return this.byHash.size;
  }

  // ─── Entry ──────────────────────────────────────────────────────────────────────────────────────

  /**
   * Validate and add a transaction from RPC (`local: true`) or gossip. Recovers the sender and reads its
   * account when the pool does not know it yet. Resolves with the pooled transaction; rejects with a
   * MempoolError and leaves the pool unchanged if the transaction is refused.
   */
  async add(tx: TypedTransaction, options: AddOptions = {}): Promise<PoolTransaction> {
    const hash = hashOf(tx);
    if (this.byHash.has(hash)) throw new AlreadyKnownError(hash);
    const admitted = admit(tx, hash, this.options, options.size);
    const sender = await this.recoverSender(tx);
    for (;;) {
      if (this.senders.has(sender)) return this.insertAdmitted(admitted, sender, options);
      const epoch = this.epoch;
      const account = await this.readAccount(sender);
      // A block finalized while we read: the read may predate it, so read again.
      if (epoch === this.epoch || this.senders.has(sender)) {
        return this.insertAdmitted(admitted, sender, { ...options, account });
      }
    }
  }

  /**
   * Add a transaction whose sender is already recovered (the synchronous core of `add`). `account` is
   * the sender's final state, needed only when the pool holds nothing from the sender.
   */
  insert(tx: TypedTransaction, sender: Address, options: InsertOptions = {}): PoolTransaction {
    const hash = hashOf(tx);
    return this.insertAdmitted(admit(tx, hash, this.options, options.size), lower(sender), options);
  }

  private async recoverSender(tx: TypedTransaction): Promise<Address> {
    try {
      return lower(await this.recovery.recover(tx));
    } catch (cause) {
      if (cause instanceof MempoolError) throw cause;
      throw new InvalidSenderError(cause instanceof Error ? cause.message : String(cause));
    }
  }

  private async readAccount(address: Address): Promise<AccountState> {
    const [nonce, balance] = await Promise.all([this.state.nonce(address), this.state.balance(address)]);
    return { nonce, balance };
  }

  private insertAdmitted(admitted: AdmittedTransaction, sender: Address, options: InsertOptions): PoolEntry {
    // Checked again: another add of the same transaction may have finished while we awaited.
    if (this.byHash.has(admitted.hash)) throw new AlreadyKnownError(admitted.hash);
    let owner = this.senders.get(sender);
    const account = owner?.account ?? options.account;
    if (account === undefined) throw new Error(`TxPool.insert: no account state for new sender ${sender}`);
    if (admitted.nonce < account.nonce) throw new NonceTooLowError(account.nonce, admitted.nonce);
    if (admitted.cost > account.balance) throw new InsufficientFundsError(account.balance, admitted.cost);

    const entry: PoolEntry = {
      tx: admitted.tx,
      hash: admitted.hash,
      sender: owner?.address ?? sender, // one string per sender, not per transaction
      nonce: admitted.nonce,
      gasLimit: admitted.gasLimit,
      maxFee: admitted.maxFee,
      maxPriorityFee: admitted.maxPriorityFee,
      cost: admitted.cost,
      size: admitted.size,
      local: options.local ?? false,
      arrival: this.arrivals + 1,
      announced: false,
    };

    const existing = owner?.get(entry.nonce);
    if (existing !== undefined && !bumpsEnough(existing, entry, this.options.priceBumpPercent)) {
      throw new ReplacementUnderpricedError(existing.hash, this.options.priceBumpPercent);
    }

    // A sender at its slot limit may still fill a lower nonce: its highest one makes room.
    let slotVictim: Victim | undefined;
    if (existing === undefined && owner !== undefined && owner.count >= this.options.maxPerSender) {
      const tail = owner.tail()!;
      if (entry.nonce > tail.nonce) throw new AccountLimitExceededError(sender, owner.count);
      slotVictim = { entry: tail, owner };
    }

    const freed = existing ?? slotVictim?.entry;
    const excessCount = this.byHash.size + (freed === undefined ? 1 : 0) - this.options.maxTransactions;
    const excessBytes = this.bytes + entry.size - (freed?.size ?? 0) - this.options.maxBytes;
    const victims =
      excessCount > 0 || excessBytes > 0
        ? this.chooseVictims(entry, account, owner, slotVictim, excessCount, excessBytes)
        : [];

    // Commit: nothing below throws.
    this.arrivals++;
    const dropped: [PoolEntry, DropReason][] = [];
    if (slotVictim !== undefined) {
      this.removeTail(slotVictim);
      dropped.push([slotVictim.entry, "accountLimit"]);
    }
    for (const victim of victims) {
      this.removeTail(victim);
      dropped.push([victim.entry, "evicted"]);
    }
    if (owner === undefined) {
      owner = new SenderTransactions(sender, account);
      this.senders.set(sender, owner);
    } else if (owner.count === 0) {
      this.senders.set(sender, owner); // emptied by eviction above
    }
    owner.put(entry);
    if (existing !== undefined) this.forget(existing);
    this.byHash.set(entry.hash, entry);
    this.bytes += entry.size;
    if (entry.local) this.locals.set(entry.hash, this.clock());
    const announced = owner.takeUnannounced();

    if (existing !== undefined) this.events.emit("replaced", existing, entry);
    for (const [tx, reason] of dropped) this.events.emit("dropped", tx, reason);
    for (const tx of announced) this.events.emit("pending", tx);
    return entry;
  }

  /**
   * Pick what to evict so that the pool fits its limits after adding `incoming`, or throw "txpool is
   * full". Only a sender's highest nonce can go (so no sender is left with a gap), queued before pending,
   * remote before local, cheapest first; the incoming transaction must outrank every victim.
   */
  private chooseVictims(
    incoming: PoolEntry,
    account: AccountState,
    owner: SenderTransactions | undefined,
    slotVictim: Victim | undefined,
    excessCount: number,
    excessBytes: number,
  ): Victim[] {
    const incomingPending =
      owner === undefined
        ? incoming.nonce === account.nonce && incoming.cost <= account.balance
        : owner.wouldBePending(incoming);
    const baseFee = this.options.baseFee;
    const taken = new Map<SenderTransactions, number>();
    if (slotVictim !== undefined) taken.set(slotVictim.owner, 1);
    const victims: Victim[] = [];
    while (excessCount > 0 || excessBytes > 0) {
      let cheapest: PoolEntry | undefined;
      let cheapestOwner: SenderTransactions | undefined;
      let cheapestQueued = false;
      for (const candidateOwner of this.senders.values()) {
        const index = candidateOwner.count - 1 - (taken.size === 0 ? 0 : (taken.get(candidateOwner) ?? 0));
        if (index < 0) continue;
        const candidate = candidateOwner.entries[index];
        // The incoming sender may lose only nonces above the incoming one.
        if (candidateOwner === owner && candidate.nonce <= incoming.nonce) continue;
        const queued = index >= candidateOwner.pendingCount;
        if (
          cheapest === undefined ||
          evictsBefore(candidate, queued, cheapest, cheapestQueued, baseFee) < 0
        ) {
          cheapest = candidate;
          cheapestOwner = candidateOwner;
          cheapestQueued = queued;
        }
      }
      if (
        cheapest === undefined ||
        cheapestOwner === undefined ||
        evictsBefore(incoming, !incomingPending, cheapest, cheapestQueued, baseFee) <= 0
      ) {
        throw new TxPoolFullError();
      }
      victims.push({ entry: cheapest, owner: cheapestOwner });
      taken.set(cheapestOwner, (taken.get(cheapestOwner) ?? 0) + 1);
      excessCount--;
      excessBytes -= cheapest.size;
    }
    return victims;
  }

  private removeTail(victim: Victim): void {
    victim.owner.popTail();
    this.forget(victim.entry);
    if (victim.owner.count === 0) this.senders.delete(victim.entry.sender);
  }

  /** Drop the indexes of an entry that has already left its sender's list. */
  private forget(entry: PoolEntry): void {
    this.byHash.delete(entry.hash);
    this.bytes -= entry.size;
    this.locals.delete(entry.hash);
  }

  // ─── Finalization ───────────────────────────────────────────────────────────────────────────────

  /**
   * A block is final and its state committed: re-read the accounts it touched (plus the senders of the
   * pooled transactions it included), drop what is now stale, and move transactions between pending and
   * queued. Calls are serialized.
   */
  onFinalized(update: FinalizedTouched): Promise<void> {
    const run = async () => {
      this.epoch++;
      const addresses = new Set<Address>();
      if (update.touched === "all") {
        for (const sender of this.senders.keys()) addresses.add(sender);
      } else {
        for (const address of update.touched) {
          const sender = lower(address);
          if (this.senders.has(sender)) addresses.add(sender);
        }
      }
      const included = update.included === undefined ? undefined : [...update.included];
      for (const hash of included ?? []) {
        const entry = this.byHash.get(hash);
        if (entry !== undefined) addresses.add(entry.sender);
      }
      const list = [...addresses];
      const states = await Promise.all(list.map((address) => this.readAccount(address)));
      this.applyFinalized({
        ...update,
        included,
        accounts: list.map((address, i): [Address, AccountState] => [address, states[i]]),
      });
    };
    const next = this.finalizing.then(run);
    this.finalizing = next.catch(() => undefined);
    return next;
  }

  /** The synchronous core of `onFinalized`, for callers that already hold the touched accounts' state. */
  applyFinalized(update: FinalizedState): void {
    this.epoch++;
    this.options.baseFee = update.baseFee;
    if (update.blockGasLimit !== undefined) this.options.blockGasLimit = update.blockGasLimit;
    // Without the block's hashes, every removal is taken as included (its nonce was used).
    const included = update.included === undefined ? undefined : new Set(update.included);
    const removed: [PoolEntry, boolean][] = [];
    const announced: PoolEntry[] = [];
    for (const [address, account] of update.accounts) {
      const sender = lower(address);
      const owner = this.senders.get(sender);
      if (owner === undefined) continue;
      for (const entry of owner.setAccount(account)) {
        this.forget(entry);
        removed.push([entry, included === undefined || included.has(entry.hash)]);
      }
      if (owner.count === 0) this.senders.delete(sender);
      else announced.push(...owner.takeUnannounced());
    }
    for (const [entry, wasIncluded] of removed) {
      if (wasIncluded) this.events.emit("included", entry);
      else this.events.emit("dropped", entry, "stale");
    }
    for (const entry of announced) this.events.emit("pending", entry);
  }

  /**
   * Take a transaction out (the block builder found it can never execute). Its sender's later nonces
   * stay, queued behind the gap. Returns whether it was in the pool.
   */
  remove(hash: Hex): boolean {
    const entry = this.byHash.get(lower(hash));
    if (entry === undefined) return false;
    const owner = this.senders.get(entry.sender)!;
    owner.remove(entry.nonce);
    this.forget(entry);
    if (owner.count === 0) this.senders.delete(entry.sender);
    this.events.emit("dropped", entry, "removed");
    return true;
  }

  // ─── Block building ─────────────────────────────────────────────────────────────────────────────

  /**
   * Executable transactions for a block on top of the latest final state, highest effective tip first,
   * nonce order within a sender; senders whose next fee cap is below `baseFee` are parked (left out).
   * Call `skipSender(sender)` on the iterator when one of a sender's transactions fails.
   */
  best(baseFee: bigint = this.options.baseFee): BestTransactions {
    const runs: PoolTransaction[][] = [];
    for (const owner of this.senders.values()) {
      if (owner.pendingCount > 0) runs.push(owner.entries.slice(0, owner.pendingCount));
    }
    return new BestTransactions(runs, baseFee);
  }

  // ─── Re-broadcast ───────────────────────────────────────────────────────────────────────────────

  /**
   * Local pending transactions not handed out for broadcast within the re-broadcast interval; marks them
   * handed out now. The node calls this from a timer and gossips the result.
   */
  localsDue(now: number = this.clock()): PoolTransaction[] {
    const due: PoolTransaction[] = [];
    for (const [hash, last] of this.locals) {
      if (now - last < this.options.rebroadcastIntervalMs) continue;
      const entry = this.byHash.get(hash);
      if (entry === undefined || !this.isPending(entry)) continue;
      this.locals.set(hash, now);
      due.push(entry);
    }
    return due;
  }

  // ─── Readers ────────────────────────────────────────────────────────────────────────────────────

  get(hash: Hex): PoolTransaction | undefined {
    return this.byHash.get(lower(hash));
  }

  has(hash: Hex): boolean {
    return this.byHash.has(lower(hash));
  }

  /** Whether a pooled transaction is executable now (in the pending sub-pool). */
  isPending(tx: PoolTransaction): boolean {
    const owner = this.senders.get(tx.sender);
    if (owner === undefined) return false;
    const index = tx.nonce - owner.account.nonce;
    return index >= 0n && index < BigInt(owner.pendingCount) && owner.entries[Number(index)] === tx;
  }

  /**
   * The nonce of the sender's next transaction counting the pending sub-pool (eth_getTransactionCount
   * "pending"); undefined when the pool holds nothing from it (then it is the final state's nonce).
   */
  pendingNonceOf(address: Address): bigint | undefined {
    const owner = this.senders.get(lower(address));
    return owner === undefined ? undefined : owner.account.nonce + BigInt(owner.pendingCount);
  }

  /** `pendingNonceOf`, falling back to the final state. */
  async pendingNonce(address: Address): Promise<bigint> {
    return this.pendingNonceOf(address) ?? (await this.state.nonce(lower(address)));
  }

  /** txpool_status. */
  status(): layout.TxPoolStatus {
    return layout.status(this.views());
  }

  /** txpool_content. */
  content(): layout.TxPoolContent {
    return layout.content(this.views(), (tx) => tx);
  }

  /** txpool_contentFrom. */
  contentFrom(address: Address): layout.TxPoolContentFrom {
    return layout.contentFrom(this.view(lower(address)), (tx) => tx);
  }

  /** txpool_inspect. */
  inspect(): layout.TxPoolContent<string> {
    return layout.content(this.views(), layout.inspectLine);
  }

  stats(): PoolStats {
    let parked = 0;
    for (const owner of this.senders.values()) {
      const firstParked = owner.entries.findIndex(
        (tx, i) => i < owner.pendingCount && tx.maxFee < this.options.baseFee,
      );
      if (firstParked >= 0) parked += owner.pendingCount - firstParked;
    }
    return {
      ...this.status(),
      parked,
      senders: this.senders.size,
      bytes: this.bytes,
      locals: this.locals.size,
    };
  }

  private view(sender: Address): layout.SenderView | undefined {
    const owner = this.senders.get(sender);
    return owner === undefined
      ? undefined
      : { sender, entries: owner.entries, pendingCount: owner.pendingCount };
  }

  private *views(): Generator<layout.SenderView> {
    for (const [sender, owner] of this.senders) {
      yield { sender, entries: owner.entries, pendingCount: owner.pendingCount };
    }
  }
}

/**
 * Eviction order: negative when `a` goes before `b`. Queued before pending, remote before local, then
 * the lower effective tip at the current base fee, then the lower fee cap.
 */
function evictsBefore(
  a: PoolTransaction,
  aQueued: boolean,
  b: PoolTransaction,
  bQueued: boolean,
  baseFee: bigint,
): number {
  if (aQueued !== bQueued) return aQueued ? -1 : 1;
  if (a.local !== b.local) return a.local ? 1 : -1;
  const tipA = effectiveTip(a, baseFee);
  const tipB = effectiveTip(b, baseFee);
  if (tipA !== tipB) return tipA < tipB ? -1 : 1;
  if (a.maxFee !== b.maxFee) return a.maxFee < b.maxFee ? -1 : 1;
  return 0;
}
