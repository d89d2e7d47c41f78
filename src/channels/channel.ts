/**
 * One participant's view of an n-party channel (n ≥ 2): it proposes updates (pay, fund, close),
 * countersigns the others' after checking them, keeps the latest state signed by everyone in a store,
 * and drives the adjudicator when asked to (deposit, close, challenge, respond, settle).
 *
 * Every message goes to every other participant (the transport broadcasts; for two parties that is the
 * peer). An update is a state at a higher version, proposed and signed by one participant; each other
 * participant checks it, signs it, and sends its signature to all; it counts once everyone's signature
 * is in. With two parties the payee's countersignature completes it.
 *
 * Rules it never breaks:
 * - it counts an update (and resolves the proposer's pay()) only once the state signed by everyone is
 *   durable in its store; a participant whose signature completes a state stores it before sending
 *   that signature (for two parties: the payee persists, then acknowledges);
 * - it signs nothing after a final state (and remembers, across restarts, that it signed one);
 * - it never signs two states of one version: it signs only above the highest version it ever signed,
 *   which is in its store before that signature leaves (a failed update's version is never reused, so
 *   versions may skip, and nobody can register a state of mine that I could not answer with a higher one);
 * - it countersigns only states of a higher version that keep the money and only move the proposer's money
 *   away from the proposer (state.ts, checkUpdate), and checks every signature it counts.
 *
 * Updates may be pipelined: up to `window` updates can be in flight, each built on the previous one,
 * and everyone handles them in order. If two participants propose the same version at once, the lower
 * index wins: the other's pending updates fail with CONFLICT (the caller may retry); as the loser had
 * already signed its own state of that version, the winner proposes its update again at a higher version.
 */
import type { Hash, Hex } from "viem";
import type { Adjudicator, DepositLedger } from "./adjudicator.js";
import { channelId as computeChannelId } from "./channelId.js";
import { checkSignature, type StateCrypto, type StateSigner } from "./crypto.js";
import { ChannelError } from "./errors.js";
import type { AcceptMessage, ChannelMessage, ProposeMessage, RejectMessage } from "./messages.js";
import {
  checkStateValid,
  checkUpdate,
  finalState,
  MAX_VERSION,
  paymentState,
  prefundState,
} from "./state.js";
import { type ChannelRecord, type ChannelStore, CoalescingWriter } from "./store.js";
import type { ChannelTransport } from "./transport.js";
import type { ChannelDomain, ChannelParams, ChannelState, SignedState } from "./types.js";

export interface ChannelOptions {
  params: ChannelParams;
  domain: ChannelDomain;
  /** My index in params.participants. */
  me: number;
  signer: StateSigner;
  crypto: StateCrypto;
  /** Reaches every other participant (memoryTransportMesh for n parties in one process). */
  transport: ChannelTransport;
  store: ChannelStore;
  /** Needed for on-chain steps (deposit, close, challenge, respond, settle). */
  adjudicator?: Adjudicator;
  /**
   * Confirms deposits another participant claims in a funding update (defaults to the adjudicator).
   * Without either, funding updates from others are refused.
   */
  depositLedger?: DepositLedger;
  /** Updates in flight at once (default 64). */
  window?: number;
  /** How long my proposal waits for everyone's signature (default 10 s). */
  timeoutMs?: number;
  /**
   * Incoming messages handled per turn of the event loop (default 8). Between turns, store writes
   * complete and acknowledgements leave: fewer means shorter waits for the other side, more means
   * fewer writes.
   */
  burst?: number;
}

/** An update in flight: a state one version above the previous one, and the signatures gathered so far. */
interface Update {
  state: ChannelState;
  digest: Uint8Array;
  /** The digest as sent in accepts, to tell a late signature of an earlier proposal from a bad one. */
  digestHex: Hex;
  proposer: number;
  sigs: Array<Hex | undefined>;
  missing: number;
  /** When it is given up (with every update above it) if someone's signature is still missing. */
  deadline: number;
  /** Set on my own proposals: settles pay() / fund() / close(). */
  own?: {
    resolve: (signed: SignedState) => void;
    reject: (err: ChannelError) => void;
  };
}

export class Channel {
  readonly id: Hex;
  readonly params: ChannelParams;
  readonly me: number;
  /** Number of participants. */
  readonly size: number;
  private readonly options: ChannelOptions;
  private readonly writer: CoalescingWriter;
  private readonly window: number;
  private readonly timeoutMs: number;
  private readonly burst: number;

  /** Highest state signed by everyone. */
  private latestSigned: SignedState | undefined;
  private signedFinal: ChannelState | undefined;
  /**
   * Updates above latestSigned, each built on the one below; inserted in increasing version order (so
   * the first entry is the lowest), with gaps where a failed update's version was skipped.
   */
  private readonly updates = new Map<bigint, Update>();
  /** The highest update in flight (the last entry of `updates`). */
  private newest: Update | undefined;
  /** The highest version I have signed, ever (persisted): I sign nothing at or below it. */
  private highestSigned: bigint;
  /**
   * What records store as `highestSigned`: at least highestSigned, and for my own proposals a few
   * versions ahead of it, so that a pipelined proposer does not wait for a write before each proposal
   * leaves. Refusing versions I never signed after a restart is safe; it only skips them.
   */
  private reservedUpTo: bigint;
  /** The reservation known to be in the store. */
  private durableUpTo: bigint;
  /** The write that stores reservedUpTo. */
  private reserving: Promise<void> = Promise.resolve();
  /** The highest version anyone proposed or refused that I know of: my next proposal goes above it. */
  private highestSeen: bigint;
  /** Signatures that arrived before the proposal they sign (possible when links are independent). */
  private readonly early = new Map<bigint, AcceptMessage[]>();
  private readonly windowWaiters: Array<() => void> = [];
  private readonly idleWaiters: Array<() => void> = [];
  private signQueue: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  /** Incoming messages, handled one after another in arrival order, from `inboxHead` on. */
  private inbox: ChannelMessage[] = [];
  private inboxHead = 0;
  private handling = false;
  /** Messages handled since the event loop last had a turn (at most `burst`). */
  private handledThisTurn = 0;
  /** Version -1: what precedes the pre-funding state, so version 0 is checked like any update. */
  private readonly genesis: ChannelState;

  private constructor(options: ChannelOptions, record: ChannelRecord | undefined) {
    this.options = options;
    this.params = options.params;
    this.me = options.me;
    this.size = options.params.participants.length;
    if (this.size < 2 || options.params.payees.length !== this.size) {
      throw new ChannelError("INVALID_PARAMS", "a channel needs two or more participants, one payee each", {
        participants: this.size,
        payees: options.params.payees.length,
      });
    }
    if (options.signer.address.toLowerCase() !== options.params.participants[options.me]?.toLowerCase()) {
      throw new ChannelError("INVALID_PARAMS", "signer is not participant `me`", { me: options.me });
    }
    this.id = computeChannelId(options.params, options.domain.chainId, options.domain.adjudicator);
    this.writer = new CoalescingWriter(options.store, this.id);
    this.window = options.window ?? 64;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.burst = Math.max(1, options.burst ?? 8);
    this.latestSigned = record?.latest;
    this.signedFinal = record?.signedFinal;
    this.highestSigned = maxOf(
      record?.highestSigned ?? -1n,
      record?.latest?.state.version ?? -1n,
      record?.signedFinal?.version ?? -1n,
    );
    this.highestSeen = this.highestSigned;
    this.reservedUpTo = this.highestSigned;
    this.durableUpTo = this.highestSigned;
    const zeros = new Array<bigint>(this.size).fill(0n);
    this.genesis = { channelId: this.id, version: -1n, balances: zeros, deposits: zeros, isFinal: false };
    options.transport.onMessage((message) => this.receive(message));
  }

  /** Builds a channel from whatever its store remembers (nothing, for a new channel). */
  static async create(options: ChannelOptions): Promise<Channel> {
    const id = computeChannelId(options.params, options.domain.chainId, options.domain.adjudicator);
    return new Channel(options, await options.store.load(id));
  }

  /** The latest state signed by every participant, if any. */
  get latest(): SignedState | undefined {
    return this.latestSigned;
  }

  /** My balance in the latest state signed by everyone. */
  get balance(): bigint {
    return this.latestSigned?.state.balances[this.me] ?? 0n;
  }

  get isFinal(): boolean {
    return this.latestSigned?.state.isFinal === true;
  }

  /**
   * Opens the channel from my side: agrees the pre-funding state (version 0, nothing accounted, so a
   * deposit can always be taken back) if that was not done, deposits `amount` on-chain, and has the
   * others countersign a state that accounts for it.
   */
  async open(amount: bigint): Promise<SignedState> {
    if (this.latestSigned === undefined) await this.propose(() => prefundState(this.id, this.size));
    if (amount === 0n) return this.latestSigned!;
    return this.deposit(amount);
  }

  /** Deposits `amount` for me on-chain, then has the new deposit accounted in a state signed by all. */
  async deposit(amount: bigint): Promise<SignedState> {
    const adjudicator = this.requireAdjudicator();
    await adjudicator.deposit(this.params, this.me, amount);
    return this.fund(await adjudicator.totalDeposited(this.id, this.me));
  }

  /** Proposes a state that accounts my deposits up to `totalDeposited` (already on-chain) as my balance. */
  async fund(totalDeposited: bigint): Promise<SignedState> {
    return this.propose((base) => {
      const delta = totalDeposited - base.deposits[this.me];
      if (delta <= 0n) throw new ChannelError("INVALID_STATE", "nothing new to account", { totalDeposited });
      const deposits = base.deposits.slice();
      const balances = base.balances.slice();
      deposits[this.me] = totalDeposited;
      balances[this.me] += delta;
      return { ...base, version: base.version + 1n, deposits, balances };
    });
  }

  /**
   * Pays `amount` wei to participant `to` (the other one, in a two-party channel); resolves once
   * everyone has signed and I have stored it.
   */
  pay(amount: bigint, to?: number): Promise<SignedState> {
    const payee = to ?? (this.size === 2 ? 1 - this.me : -1);
    if (!Number.isInteger(payee) || payee < 0 || payee >= this.size || payee === this.me) {
      return Promise.reject(
        new ChannelError("INVALID_STATE", "pay(amount, to) needs another participant's index", { to }),
      );
    }
    return this.propose((head) => paymentState(head, this.me, payee, amount));
  }

  /**
   * Closes cooperatively: everyone signs a final state with the latest split; if an adjudicator is set,
   * I submit it and the contract pays out at once.
   */
  async close(): Promise<{ final: SignedState; txHash?: Hash }> {
    await this.drain();
    // After a restart with a final state signed but never countersigned, offer that same state again.
    const final = this.latestSigned?.state.isFinal
      ? this.latestSigned
      : await this.propose((head) => this.signedFinal ?? finalState(head));
    if (this.options.adjudicator === undefined) return { final };
    return { final, txHash: await this.options.adjudicator.close(this.params, final) };
  }

  /** Registers my latest fully signed state on-chain and starts the challenge timer. */
  challenge(): Promise<Hash> {
    return this.requireAdjudicator().challenge(this.params, this.requireLatest());
  }

  /** Answers a registered challenge with my latest fully signed state (it must be of a higher version). */
  respond(): Promise<Hash> {
    return this.requireAdjudicator().respond(this.params, this.requireLatest());
  }

  /** Pays out the registered state once the challenge timer has passed. */
  settle(): Promise<Hash> {
    return this.requireAdjudicator().settle(this.params);
  }

  /** Waits until no update is in flight. */
  async drain(): Promise<void> {
    while (this.updates.size > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops handling messages and fails what is in flight. The store is the caller's to close. */
  async stop(): Promise<void> {
    this.inbox = [];
    this.inboxHead = 0;
    this.failFrom(-1n, new ChannelError("CLOSED_TRANSPORT", "channel stopped"));
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.options.transport.close();
  }

  // ---- proposing ----------------------------------------------------------------------------

  /**
   * Builds the next state on the newest one in flight, signs it, sends it, and resolves with the fully
   * signed state once stored. Building and reserving the version happen synchronously, so pay() may be
   * called many times without awaiting; signatures are taken in order so proposals leave in version order.
   */
  private async propose(build: (head: ChannelState) => ChannelState): Promise<SignedState> {
    for (let retries = 3; ; retries--) {
      try {
        return await this.proposeOnce(build);
      } catch (err) {
        // Refused only because someone had signed another state of that version (in a conflict I won,
        // the loser's own): propose it again above what they signed.
        if (retries > 0 && err instanceof ChannelError && typeof err.data.signedUpTo === "bigint") continue;
        throw err;
      }
    }
  }

  private async proposeOnce(build: (head: ChannelState) => ChannelState): Promise<SignedState> {
    while (this.updates.size >= this.window) await new Promise<void>((r) => this.windowWaiters.push(r));
    const built = build(this.head());
    // Above every version signed or proposed so far (a final state offered again keeps its version).
    const next = built === this.signedFinal ? built : { ...built, version: this.nextVersion() };
    const digest = this.options.crypto.digest(next);
    const sigs: Array<Hex | undefined> = new Array(this.size).fill(undefined);
    const deadline = performance.now() + this.timeoutMs;
    const update: Update = {
      state: next,
      digest,
      digestHex: toHex(digest),
      proposer: this.me,
      sigs,
      missing: this.size,
      deadline,
    };
    const done = new Promise<SignedState>((resolve, reject) => {
      update.own = { resolve, reject };
    });
    // It may fail while I am still signing or storing, before anyone awaits it.
    done.catch(() => undefined);
    this.updates.set(next.version, update);
    this.newest = update;
    this.armTimer();
    // Given up before its turn to be signed (an earlier update failed): sign nothing, burn no version.
    const signing = this.signQueue.then(() =>
      this.updates.get(next.version) === update ? this.signOwn(next, digest) : undefined,
    );
    this.signQueue = signing.then(
      () => undefined,
      () => undefined,
    );
    let signature: Hex | undefined;
    try {
      signature = await signing;
      // My signature leaves only once a version at least as high as it is stored.
      if (signature !== undefined && next.version > this.reserve(next.version)) await this.reserving;
    } catch (err) {
      if (this.updates.get(next.version) === update) this.failFrom(next.version, asChannelError(err));
      return done;
    }
    // An earlier update failed while this one was being signed: it was built on a state that is gone.
    if (signature === undefined || this.updates.get(next.version) !== update) return done;
    this.addSignature(update, this.me, signature);
    const message: ProposeMessage = {
      kind: "propose",
      channelId: this.id,
      proposer: this.me,
      state: next,
      signature,
    };
    try {
      this.options.transport.send(message);
    } catch (err) {
      this.failFrom(next.version, asChannelError(err));
    }
    return done;
  }

  /** The newest state in flight, or the latest fully signed one. */
  private head(): ChannelState {
    return this.newest?.state ?? this.current();
  }

  /**
   * Makes sure the store will hold a reservation at or above `version` (the version of a proposal I
   * just signed), writing a new one — ahead by two windows, on the same group-commit write as the
   * states — when fewer than a window of reserved versions are left, so a steady stream of proposals
   * never waits for it. Returns the reservation already durable: the proposal waits for `reserving`
   * only if it is above that.
   */
  private reserve(version: bigint): bigint {
    const window = BigInt(this.window);
    if (version > this.reservedUpTo - window) {
      const target = version + 2n * window;
      this.reservedUpTo = target;
      const written = this.writer.save(this.record()).then(() => {
        if (target > this.durableUpTo) this.durableUpTo = target;
      });
      // A failed write fails the proposals that wait for it; nobody else needs to hear of it.
      written.catch(() => undefined);
      this.reserving = written;
    }
    return this.durableUpTo;
  }

  /** The version of my next proposal: above the head and above every version signed or seen. */
  private nextVersion(): bigint {
    return maxOf(this.head().version, this.highestSigned, this.highestSeen) + 1n;
  }

  /**
   * The only place this participant signs: refuses anything after a final state (and records a final
   * one first), and anything at or below the highest version it has signed, which it raises. The caller
   * stores the record before the signature leaves.
   */
  private async signOwn(state: ChannelState, digest: Uint8Array): Promise<Hex> {
    if (this.signedFinal !== undefined) {
      if (!sameState(state, this.signedFinal)) {
        throw new ChannelError("FINALIZED", "a final state was signed; nothing else will be", {
          finalVersion: this.signedFinal.version,
        });
      }
      // The very final state I signed before, offered again after a restart: the same digest.
      return this.options.signer.sign(state, digest);
    }
    if (state.version <= this.highestSigned) {
      throw new ChannelError("STALE_VERSION", "I already signed a state at this version or above", {
        highestSigned: this.highestSigned,
        got: state.version,
      });
    }
    this.highestSigned = state.version;
    if (state.isFinal) {
      this.signedFinal = state;
      await this.writer.save(this.record());
    }
    return this.options.signer.sign(state, digest);
  }

  /**
   * One timer for all updates in flight (a per-update timer costs more than the rest of the
   * bookkeeping). An update still missing a signature at its deadline is given up, with those above it:
   * mine fail with TIMEOUT, and someone else's stops holding up the channel.
   */
  private armTimer(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const now = performance.now();
      for (const [version, u] of this.updates) {
        if (u.deadline <= now) {
          this.failFrom(version, new ChannelError("TIMEOUT", "not everyone answered", { version }));
          break;
        }
      }
      if (this.updates.size > 0) this.armTimer();
    }, this.timeoutMs / 4);
    this.timer.unref();
  }

  // ---- receiving ----------------------------------------------------------------------------

  private receive(message: ChannelMessage): void {
    this.inbox.push(message);
    if (this.handling) return;
    this.handling = true;
    queueMicrotask(() => void this.handleInbox());
  }

  /**
   * Handles queued messages in order, giving the event loop a turn after every `burst` of them. A
   * transport may hand over a long stream without returning to the loop (a MessagePort delivers all it
   * holds, and whatever arrives meanwhile, in one go), and until the loop turns no store write
   * completes: no acknowledgement and no pay() could be released while the stream lasts, and the two
   * sides would take turns instead of working at once.
   */
  private async handleInbox(): Promise<void> {
    while (this.inboxHead < this.inbox.length) {
      const message = this.inbox[this.inboxHead++];
      await this.handle(message);
      // Counted across calls: a MessagePort hands a stream over a few messages per event, and the
      // inbox empties between events of the same turn.
      if (++this.handledThisTurn >= this.burst) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        this.handledThisTurn = 0;
      }
    }
    this.inbox = [];
    this.inboxHead = 0;
    this.handling = false;
  }

  private async handle(message: ChannelMessage): Promise<void> {
    if (message.channelId.toLowerCase() !== this.id.toLowerCase()) return;
    switch (message.kind) {
      case "propose":
        return this.onPropose(message);
      case "accept":
        return this.onAccept(message);
      case "reject":
        return this.onReject(message);
    }
  }

  private async onPropose(message: ProposeMessage): Promise<void> {
    const { state, proposer } = message;
    const version = state.version;
    const conflict = () => new ChannelError("CONFLICT", "two participants proposed at once", { version });
    try {
      if (!Number.isInteger(proposer) || proposer < 0 || proposer >= this.size || proposer === this.me)
        throw new ChannelError("INVALID_STATE", "proposal from an unknown participant", { proposer });
      const rival = this.firstFrom(version);
      if (rival?.proposer === proposer && sameState(rival.state, state)) return; // a repeat
      // Two proposals for one place in the chain: the lower index wins, everywhere.
      if (rival !== undefined && rival.proposer < proposer) throw conflict();
      if (this.signedFinal !== undefined) {
        throw new ChannelError("FINALIZED", "a final state was signed; nothing else will be", {
          finalVersion: this.signedFinal.version,
        });
      }
      const base = this.baseFor(version);
      checkUpdate(base, state, proposer, await this.confirmedDeposits(base, state));
      const digest = this.options.crypto.digest(state);
      await checkSignature(
        this.options.crypto,
        digest,
        message.signature,
        this.params.participants[proposer],
      );
      if (version > this.highestSeen) this.highestSeen = version;
      // My own proposals may have moved on while this was checked: look again before signing.
      const lost = this.firstFrom(version);
      if (lost !== undefined) {
        if (lost.proposer < proposer) throw conflict();
        this.failFrom(lost.state.version, conflict());
      }
      // Having signed another state of this version (my own, in a conflict I lost), I sign no other:
      // the proposer takes a version above.
      if (version <= this.highestSigned) {
        throw new ChannelError("CONFLICT", "I signed another state of this version; propose it above", {
          version,
          signedUpTo: this.highestSigned,
        });
      }
      if (this.baseFor(version) !== base) throw conflict();
      const mine = await this.signOwn(state, digest);
      if (this.baseFor(version) !== base || this.firstFrom(version) !== undefined) throw conflict();
      const update: Update = {
        state,
        digest,
        digestHex: toHex(digest),
        proposer,
        sigs: new Array(this.size).fill(undefined),
        missing: this.size,
        deadline: performance.now() + this.timeoutMs,
      };
      this.updates.set(version, update);
      this.newest = update;
      this.armTimer();
      this.addSignature(update, proposer, message.signature);
      const completed = this.addSignature(update, this.me, mine);
      const accept: AcceptMessage = {
        kind: "accept",
        channelId: this.id,
        signer: this.me,
        version,
        signature: mine,
        digest: update.digestHex,
      };
      // Persist, then release my signature: if it completed the state, the state is in my store first.
      // Later proposals are checked meanwhile; signatures still leave in order.
      (completed ?? this.writer.save(this.record())).then(
        () => this.trySend(accept),
        () =>
          this.trySend(this.rejectFor(version, proposer, new ChannelError("REJECTED", "could not persist"))),
      );
      const early = this.early.get(version);
      if (early !== undefined) {
        this.early.delete(version);
        for (const m of early) await this.onAccept(m);
      }
    } catch (err) {
      this.trySend(this.rejectFor(version, proposer, asChannelError(err)));
    }
  }

  private async onAccept(message: AcceptMessage): Promise<void> {
    const { version, signer } = message;
    const update = this.updates.get(version);
    if (update === undefined) {
      // A signature for a proposal not here yet (another link was faster): keep it for a while.
      if (version > this.head().version && version <= this.nextVersion() + BigInt(this.window)) {
        const list = this.early.get(version) ?? [];
        if (list.length < this.size) this.early.set(version, [...list, message]);
      }
      return;
    }
    if (!Number.isInteger(signer) || signer < 0 || signer >= this.size || update.sigs[signer] !== undefined)
      return;
    // A signature of what this version held before it failed and was proposed again: late, not bad.
    if (message.digest !== undefined && message.digest.toLowerCase() !== update.digestHex) return;
    try {
      await checkSignature(
        this.options.crypto,
        update.digest,
        message.signature,
        this.params.participants[signer],
      );
    } catch (err) {
      // My proposal cannot complete with a bad signature; for someone else's, ignore the stray message.
      if (update.own !== undefined && this.updates.get(version) === update)
        this.failFrom(version, asChannelError(err));
      return;
    }
    if (this.updates.get(version) === update && update.sigs[signer] === undefined)
      this.addSignature(update, signer, message.signature);
  }

  private onReject(message: RejectMessage): void {
    // Whoever refused it may have signed something at that version (or up to signedUpTo): my next
    // proposal goes above it.
    const seen = maxOf(message.version, message.signedUpTo ?? -1n);
    if (seen > this.highestSeen && seen <= MAX_VERSION) this.highestSeen = seen;
    const update = this.updates.get(message.version);
    if (update !== undefined && (message.proposer === undefined || message.proposer === update.proposer)) {
      const conflict = message.code === "CONFLICT";
      const error = new ChannelError(conflict ? "CONFLICT" : "REJECTED", message.reason, {
        version: message.version,
        peerCode: message.code,
        ...(conflict && message.signedUpTo !== undefined ? { signedUpTo: message.signedUpTo } : {}),
      });
      this.failFrom(message.version, error);
    }
    if (message.latest !== undefined) void this.resync(message.latest);
  }

  /** Adopts a higher fully signed state another participant holds (e.g. I lost my last ones in a crash). */
  private async resync(latest: SignedState): Promise<void> {
    if (this.latestSigned !== undefined && latest.state.version <= this.latestSigned.state.version) return;
    if (this.updates.size > 0) return;
    if (this.signedFinal !== undefined && !sameState(latest.state, this.signedFinal)) return;
    try {
      await this.checkFullySigned(latest);
    } catch {
      return;
    }
    if (this.updates.size > 0) return;
    this.latestSigned = latest;
    // It carries my signature: I signed that version, whatever my store remembered.
    this.highestSigned = maxOf(this.highestSigned, latest.state.version);
    await this.writer.save(this.record());
  }

  /** Deposits newly claimed in `state` must already be on-chain; ask the adjudicator only when they change. */
  private async confirmedDeposits(
    base: ChannelState,
    state: ChannelState,
  ): Promise<readonly bigint[] | undefined> {
    const grows = state.deposits.some((d, i) => d > (base.deposits[i] ?? 0n));
    const ledger = this.options.depositLedger ?? this.options.adjudicator;
    if (!grows || ledger === undefined) return undefined;
    return Promise.all(state.deposits.map((_, i) => ledger.totalDeposited(this.id, i)));
  }

  private rejectFor(version: bigint, proposer: number, err: ChannelError): RejectMessage {
    return {
      kind: "reject",
      channelId: this.id,
      version,
      proposer,
      code: err.code,
      reason: err.message,
      latest: this.latestSigned,
      ...(typeof err.data.signedUpTo === "bigint" ? { signedUpTo: err.data.signedUpTo } : {}),
    };
  }

  private trySend(message: ChannelMessage): void {
    try {
      this.options.transport.send(message);
    } catch {
      // The others are gone; they resync from my store's state when they come back.
    }
  }

  // ---- bookkeeping --------------------------------------------------------------------------

  /** Records a checked signature; if that completes updates, returns the write that stores them. */
  private addSignature(update: Update, signer: number, signature: Hex): Promise<void> | undefined {
    update.sigs[signer] = signature;
    update.missing--;
    return update.missing === 0 ? this.advance() : undefined;
  }

  /**
   * Moves latestSigned over every complete update at the bottom of the queue (in version order), then
   * stores it and only then settles my proposals among them. Returns that write, if anything moved.
   */
  private advance(): Promise<void> | undefined {
    const settled: Update[] = [];
    let moved = false;
    for (;;) {
      const update = this.updates.values().next().value;
      if (update === undefined || update.missing > 0) break;
      this.updates.delete(update.state.version);
      this.latestSigned = { state: update.state, sigs: update.sigs as Hex[] };
      moved = true;
      if (update.own !== undefined) settled.push(update);
    }
    if (!moved) return undefined;
    if (this.updates.size === 0) this.newest = undefined;
    this.wakeWaiters();
    const written = this.writer.save(this.record());
    written.then(
      () => {
        for (const u of settled) u.own!.resolve({ state: u.state, sigs: u.sigs as Hex[] });
      },
      (err: unknown) => {
        for (const u of settled) u.own!.reject(asChannelError(err));
      },
    );
    return written;
  }

  /**
   * The state a proposal of `version` builds on: the highest one below it, in flight or fully signed
   * (the same object each time, so a caller can tell whether it changed across an await).
   */
  private baseFor(version: bigint): ChannelState {
    if (this.newest === undefined || this.newest.state.version < version)
      return this.newest?.state ?? this.current();
    let base = this.current();
    for (const u of this.updates.values()) {
      if (u.state.version >= version) break;
      base = u.state;
    }
    return base;
  }

  /** The lowest update in flight at `version` or above: a rival of a proposal of `version`. */
  private firstFrom(version: bigint): Update | undefined {
    if (this.newest === undefined || this.newest.state.version < version) return undefined;
    for (const u of this.updates.values()) if (u.state.version >= version) return u;
    return undefined;
  }

  private current(): ChannelState {
    return this.latestSigned?.state ?? this.genesis;
  }

  private record(): ChannelRecord {
    const highestSigned = maxOf(this.highestSigned, this.reservedUpTo);
    return { latest: this.latestSigned, signedFinal: this.signedFinal, highestSigned };
  }

  private wakeWaiters(): void {
    while (this.windowWaiters.length > 0 && this.updates.size < this.window) this.windowWaiters.shift()!();
    if (this.updates.size === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** Fails `version` and every later update (they were built on it). */
  private failFrom(version: bigint, err: ChannelError): void {
    let newest: Update | undefined;
    for (const [v, u] of [...this.updates]) {
      if (v < version) {
        newest = u;
        continue;
      }
      this.updates.delete(v);
      u.own?.reject(err);
    }
    this.newest = newest;
    for (const v of [...this.early.keys()]) if (v >= version) this.early.delete(v);
    for (const wake of this.windowWaiters.splice(0)) wake();
    for (const wake of this.idleWaiters.splice(0)) wake();
  }

  private async checkFullySigned(signed: SignedState): Promise<void> {
    checkStateValid(signed.state, this.id, this.size);
    const digest = this.options.crypto.digest(signed.state);
    for (let i = 0; i < this.size; i++) {
      await checkSignature(this.options.crypto, digest, signed.sigs[i], this.params.participants[i]);
    }
  }

  private requireAdjudicator(): Adjudicator {
    if (this.options.adjudicator === undefined)
      throw new ChannelError("NOT_OPEN", "no adjudicator configured");
    return this.options.adjudicator;
  }

  private requireLatest(): SignedState {
    if (this.latestSigned === undefined)
      throw new ChannelError("NO_STATE", "no state signed by everyone yet");
    return this.latestSigned;
  }
}

function maxOf(...xs: bigint[]): bigint {
  // biome-ignore lint/complexity/useMathMinMax: Math.max does not take bigints
  return xs.reduce((a, b) => (b > a ? b : a));
}

function sameState(a: ChannelState, b: ChannelState): boolean {
  return (
    a.channelId.toLowerCase() === b.channelId.toLowerCase() &&
    a.version === b.version &&
    a.isFinal === b.isFinal &&
    a.balances.length === b.balances.length &&
    a.balances.every((x, i) => x === b.balances[i]) &&
    a.deposits.every((x, i) => x === b.deposits[i])
  );
}

/** Lowercase hex through Buffer (hot path). */
function toHex(bytes: Uint8Array): Hex {
  return `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex")}`;
}

function asChannelError(err: unknown): ChannelError {
  if (err instanceof ChannelError) return err;
  return new ChannelError("REJECTED", err instanceof Error ? err.message : String(err));
}
