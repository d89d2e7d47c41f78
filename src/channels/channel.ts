/**
 * One participant's view of a two-party channel: it proposes updates (pay, fund, close), countersigns
 * the peer's after checking them, keeps the latest state signed by both in a store, and drives the
 * adjudicator when asked to (deposit, close, challenge, respond, settle).
 *
 * Rules it never breaks:
 * - it acknowledges an update only after the countersigned state is durable in its store;
 * - it signs nothing after a final state (and remembers, across restarts, that it signed one);
 * - it countersigns only states one version up that keep the money and only move the proposer's money
 *   away from the proposer (state.ts, checkUpdate).
 *
 * Updates may be pipelined: up to `window` proposals can be in flight, each built on the previous one,
 * and the peer handles them in order. If both sides propose at once, participant 0's proposals win and
 * participant 1's pending ones fail with CONFLICT (the caller may retry).
 */
import type { Hash, Hex } from "viem";
import type { Adjudicator, DepositLedger } from "./adjudicator.js";
import { channelId as computeChannelId } from "./channelId.js";
import { checkSignature, type StateCrypto, type StateSigner } from "./crypto.js";
import { ChannelError } from "./errors.js";
import type { AcceptMessage, ChannelMessage, ProposeMessage, RejectMessage } from "./messages.js";
import { checkStateValid, checkUpdate, finalState, paymentState, prefundState } from "./state.js";
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
  transport: ChannelTransport;
  store: ChannelStore;
  /** Needed for on-chain steps (deposit, close, challenge, respond, settle). */
  adjudicator?: Adjudicator;
  /**
   * Confirms deposits the peer claims in a funding update (defaults to the adjudicator). Without either,
   * funding updates from the peer are refused.
   */
  depositLedger?: DepositLedger;
  /** Proposals in flight at once (default 64). */
  window?: number;
  /** How long a proposal waits for the peer's answer (default 10 s). */
  timeoutMs?: number;
}

interface Pending {
  state: ChannelState;
  digest: Uint8Array;
  signature: Hex;
  resolve: (signed: SignedState) => void;
  reject: (err: ChannelError) => void;
  timer: NodeJS.Timeout;
}

export class Channel {
  readonly id: Hex;
  readonly params: ChannelParams;
  readonly me: number;
  readonly peer: number;
  private readonly options: ChannelOptions;
  private readonly writer: CoalescingWriter;
  private readonly window: number;
  private readonly timeoutMs: number;

  /** Highest state signed by both. */
  private latestSigned: SignedState | undefined;
  /** Highest state I have signed (latest, or my newest proposal in flight). */
  private head: ChannelState;
  private signedFinal: ChannelState | undefined;
  private readonly pending = new Map<bigint, Pending>();
  private readonly windowWaiters: Array<() => void> = [];
  private readonly idleWaiters: Array<() => void> = [];
  private signQueue: Promise<void> = Promise.resolve();
  /** Bumped whenever in-flight proposals are abandoned, so ones still being signed are dropped too. */
  private epoch = 0;
  /** Incoming messages are handled one after another, in arrival order. */
  private inbox: Promise<void> = Promise.resolve();

  private constructor(options: ChannelOptions, record: ChannelRecord | undefined) {
    this.options = options;
    this.params = options.params;
    this.me = options.me;
    if (options.params.participants.length !== 2) {
      throw new ChannelError("INVALID_PARAMS", "the Channel object handles two-party channels", {
        participants: options.params.participants.length,
      });
    }
    if (options.signer.address.toLowerCase() !== options.params.participants[options.me]?.toLowerCase()) {
      throw new ChannelError("INVALID_PARAMS", "signer is not participant `me`", { me: options.me });
    }
    this.peer = 1 - options.me;
    this.id = computeChannelId(options.params, options.domain.chainId, options.domain.adjudicator);
    this.writer = new CoalescingWriter(options.store, this.id);
    this.window = options.window ?? 64;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.latestSigned = record?.latest;
    this.signedFinal = record?.signedFinal;
    this.head = record?.latest?.state ?? this.genesis();
    options.transport.onMessage((message) => {
      this.inbox = this.inbox.then(() => this.handle(message));
    });
  }

  /** Builds a channel from whatever its store remembers (nothing, for a new channel). */
  static async create(options: ChannelOptions): Promise<Channel> {
    const id = computeChannelId(options.params, options.domain.chainId, options.domain.adjudicator);
    return new Channel(options, await options.store.load(id));
  }

  /** The latest state signed by both participants, if any. */
  get latest(): SignedState | undefined {
    return this.latestSigned;
  }

  /** My balance in the latest co-signed state. */
  get balance(): bigint {
    return this.latestSigned?.state.balances[this.me] ?? 0n;
  }

  get isFinal(): boolean {
    return this.latestSigned?.state.isFinal === true;
  }

  /**
   * Opens the channel from my side: agrees the pre-funding state (version 0, nothing accounted, so a
   * deposit can always be taken back) if that was not done, deposits `amount` on-chain, and has the
   * peer countersign a state that accounts for it.
   */
  async open(amount: bigint): Promise<SignedState> {
    if (this.latestSigned === undefined) await this.propose(() => prefundState(this.id, 2));
    if (amount === 0n) return this.latestSigned!;
    return this.deposit(amount);
  }

  /** Deposits `amount` for me on-chain, then has the new deposit accounted in a co-signed state. */
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

  /** Pays `amount` wei to the peer; resolves once the peer has countersigned and both have stored it. */
  pay(amount: bigint): Promise<SignedState> {
    return this.propose((head) => paymentState(head, this.me, this.peer, amount));
  }

  /**
   * Closes cooperatively: both sign a final state with the latest split; if an adjudicator is set, I
   * submit it and the contract pays out at once.
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

  /** Registers my latest co-signed state on-chain and starts the challenge timer. */
  challenge(): Promise<Hash> {
    return this.requireAdjudicator().challenge(this.params, this.requireLatest());
  }

  /** Answers a registered challenge with my latest co-signed state (it must be of a higher version). */
  respond(): Promise<Hash> {
    return this.requireAdjudicator().respond(this.params, this.requireLatest());
  }

  /** Pays out the registered state once the challenge timer has passed. */
  settle(): Promise<Hash> {
    return this.requireAdjudicator().settle(this.params);
  }

  /** Waits until no proposal of mine is in flight. */
  async drain(): Promise<void> {
    while (this.inFlight() > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops handling messages and fails what is in flight. The store is the caller's to close. */
  async stop(): Promise<void> {
    this.failPending(new ChannelError("CLOSED_TRANSPORT", "channel stopped"));
    await this.options.transport.close();
  }

  // ---- proposing ----------------------------------------------------------------------------

  /**
   * Builds the next state on head, signs it, sends it, and resolves with the fully signed state once
   * stored. Building and reserving the version happen synchronously, so pay() may be called many times
   * without awaiting; signatures are taken in order so proposals leave in version order.
   */
  private async propose(build: (head: ChannelState) => ChannelState): Promise<SignedState> {
    while (this.inFlight() >= this.window) await new Promise<void>((r) => this.windowWaiters.push(r));
    const next = build(this.head);
    const epoch = this.epoch;
    const digest = this.options.crypto.digest(next);
    this.head = next;
    const signing = this.signQueue.then(() => this.signOwn(next, digest));
    this.signQueue = signing.then(
      () => undefined,
      () => undefined,
    );
    let signature: Hex;
    try {
      signature = await signing;
    } catch (err) {
      this.failFrom(next.version, asChannelError(err));
      throw err;
    }
    if (epoch !== this.epoch) {
      // An earlier proposal failed while this one was being signed: it was built on a state that is gone.
      throw new ChannelError("CONFLICT", "an earlier update failed; retry", { version: next.version });
    }
    return new Promise<SignedState>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.failFrom(
          next.version,
          new ChannelError("TIMEOUT", "peer did not answer", { version: next.version }),
        );
      }, this.timeoutMs);
      timer.unref();
      this.pending.set(next.version, { state: next, digest, signature, resolve, reject, timer });
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
    });
  }

  /** Proposals signed but not yet co-signed. */
  private inFlight(): number {
    return Number(this.head.version - this.current().version);
  }

  /** The only place this participant signs: refuses anything after a final state, and records a final one first. */
  private async signOwn(state: ChannelState, digest: Uint8Array): Promise<Hex> {
    if (this.signedFinal !== undefined && !sameState(state, this.signedFinal)) {
      throw new ChannelError("FINALIZED", "a final state was signed; nothing else will be", {
        finalVersion: this.signedFinal.version,
      });
    }
    if (state.isFinal && this.signedFinal === undefined) {
      this.signedFinal = state;
      await this.writer.save(this.record());
    }
    return this.options.signer.sign(state, digest);
  }

  private async onAccept(message: AcceptMessage): Promise<void> {
    const pending = this.pending.get(message.version);
    if (pending === undefined || message.signer !== this.peer) return; // late answer to something abandoned
    try {
      await checkSignature(
        this.options.crypto,
        pending.digest,
        message.signature,
        this.params.participants[this.peer],
      );
    } catch (err) {
      this.failFrom(message.version, asChannelError(err));
      return;
    }
    const sigs: Hex[] = [];
    sigs[this.me] = pending.signature;
    sigs[this.peer] = message.signature;
    const signed: SignedState = { state: pending.state, sigs };
    this.latestSigned = signed;
    this.settlePending(message.version);
    this.writer.save(this.record()).then(
      () => pending.resolve(signed),
      (err: unknown) => pending.reject(asChannelError(err)),
    );
  }

  private onReject(message: RejectMessage): void {
    if (!this.pending.has(message.version)) return;
    const error = new ChannelError(message.code === "CONFLICT" ? "CONFLICT" : "REJECTED", message.reason, {
      version: message.version,
      peerCode: message.code,
    });
    this.failFrom(message.version, error);
    if (message.latest !== undefined) void this.resync(message.latest);
  }

  /** Adopts a higher co-signed state the peer holds (e.g. I lost my last acknowledgements in a crash). */
  private async resync(latest: SignedState): Promise<void> {
    if (this.latestSigned !== undefined && latest.state.version <= this.latestSigned.state.version) return;
    if (this.pending.size > 0) return;
    if (this.signedFinal !== undefined && !sameState(latest.state, this.signedFinal)) return;
    try {
      await this.checkFullySigned(latest);
    } catch {
      return;
    }
    this.latestSigned = latest;
    this.head = latest.state;
    await this.writer.save(this.record());
  }

  // ---- receiving ----------------------------------------------------------------------------

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
    try {
      if (proposer !== this.peer)
        throw new ChannelError("INVALID_STATE", "proposal from an unknown participant", { proposer });
      if (this.pending.size > 0) {
        // Both sides proposed at once: participant 0 wins.
        const conflict = new ChannelError("CONFLICT", "both participants proposed at once", {
          version: state.version,
        });
        if (this.me === 0) throw conflict;
        this.failFrom(this.latestVersion() + 1n, conflict);
      }
      if (this.signedFinal !== undefined) {
        throw new ChannelError("FINALIZED", "a final state was signed; nothing else will be", {
          finalVersion: this.signedFinal.version,
        });
      }
      checkUpdate(this.current(), state, proposer, await this.confirmedDeposits(state));
      const digest = this.options.crypto.digest(state);
      await checkSignature(
        this.options.crypto,
        digest,
        message.signature,
        this.params.participants[proposer],
      );
      const mine = await this.signOwn(state, digest);
      const sigs: Hex[] = [];
      sigs[this.me] = mine;
      sigs[proposer] = message.signature;
      this.latestSigned = { state, sigs };
      this.head = state;
      const accept: AcceptMessage = {
        kind: "accept",
        channelId: this.id,
        signer: this.me,
        version: state.version,
        signature: mine,
      };
      // Persist, then acknowledge. Later proposals are checked meanwhile; acks still leave in order.
      this.writer.save(this.record()).then(
        () => this.trySend(accept),
        () =>
          this.trySend(
            this.rejectFor(state.version, new ChannelError("REJECTED", "could not persist the update")),
          ),
      );
    } catch (err) {
      this.trySend(this.rejectFor(state.version, asChannelError(err)));
    }
  }

  /** Deposits newly claimed in `state` must already be on-chain; ask the adjudicator only when they change. */
  private async confirmedDeposits(state: ChannelState): Promise<readonly bigint[] | undefined> {
    const current = this.current();
    const grows = state.deposits.some((d, i) => d > current.deposits[i]);
    const ledger = this.options.depositLedger ?? this.options.adjudicator;
    if (!grows || ledger === undefined) return undefined;
    return Promise.all(state.deposits.map((_, i) => ledger.totalDeposited(this.id, i)));
  }

  private rejectFor(version: bigint, err: ChannelError): RejectMessage {
    return {
      kind: "reject",
      channelId: this.id,
      version,
      code: err.code,
      reason: err.message,
      latest: this.latestSigned,
    };
  }

  private trySend(message: ChannelMessage): void {
    try {
      this.options.transport.send(message);
    } catch {
      // The peer is gone; it will resync from my store's state when it comes back.
    }
  }

  // ---- bookkeeping --------------------------------------------------------------------------

  private current(): ChannelState {
    return this.latestSigned?.state ?? this.genesis();
  }

  private latestVersion(): bigint {
    return this.current().version;
  }

  /** Version -1: what precedes the pre-funding state, so version 0 is checked like any update. */
  private genesis(): ChannelState {
    return { channelId: this.id, version: -1n, balances: [0n, 0n], deposits: [0n, 0n], isFinal: false };
  }

  private record(): ChannelRecord {
    return { latest: this.latestSigned, signedFinal: this.signedFinal };
  }

  private settlePending(version: bigint): void {
    const p = this.pending.get(version);
    if (p === undefined) return;
    clearTimeout(p.timer);
    this.pending.delete(version);
    this.windowWaiters.shift()?.();
    if (this.inFlight() === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** Fails `version` and every later proposal (they were built on it) and rewinds head to the latest co-signed state. */
  private failFrom(version: bigint, err: ChannelError): void {
    for (const [v, p] of [...this.pending]) {
      if (v < version) continue;
      clearTimeout(p.timer);
      this.pending.delete(v);
      p.reject(err);
    }
    this.head = this.current();
    this.epoch++;
    for (const wake of this.windowWaiters.splice(0)) wake();
    for (const wake of this.idleWaiters.splice(0)) wake();
  }

  private failPending(err: ChannelError): void {
    this.failFrom(-1n, err);
  }

  private async checkFullySigned(signed: SignedState): Promise<void> {
    checkStateValid(signed.state, this.id, 2);
    const digest = this.options.crypto.digest(signed.state);
    for (let i = 0; i < 2; i++) {
      await checkSignature(this.options.crypto, digest, signed.sigs[i], this.params.participants[i]);
    }
  }

  private requireAdjudicator(): Adjudicator {
    if (this.options.adjudicator === undefined)
      throw new ChannelError("NOT_OPEN", "no adjudicator configured");
    return this.options.adjudicator;
  }

  private requireLatest(): SignedState {
    if (this.latestSigned === undefined) throw new ChannelError("NO_STATE", "no co-signed state yet");
    return this.latestSigned;
  }
}

function sameState(a: ChannelState, b: ChannelState): boolean {
  return (
    a.channelId.toLowerCase() === b.channelId.toLowerCase() &&
    a.version === b.version &&
    a.isFinal === b.isFinal &&
    a.balances.every((x, i) => x === b.balances[i]) &&
    a.deposits.every((x, i) => x === b.deposits[i])
  );
}

function asChannelError(err: unknown): ChannelError {
  if (err instanceof ChannelError) return err;
  return new ChannelError("REJECTED", err instanceof Error ? err.message : String(err));
}
