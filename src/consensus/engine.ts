/**
 * The Minimmit engine: drives the pure ConsensusState with a clock, the Application, a Network and a
 * SignedStore. Events are handled one at a time, in arrival order; everything this validator signs is
 * persisted before it is sent, so after a crash it never signs a conflicting vote or a vote after a
 * nullify (DESIGN §2, §5).
 */
import type { Application, Digest, ValidatorIndex, View } from "./application.js";
import { verifyCertificate } from "./certificates.js";
import type { LeaderSchedule } from "./leader.js";
import { roundRobin } from "./leader.js";
import {
  type Certificate,
  type ConsensusMessage,
  type Notarization,
  type Nullify,
  nullifyBytes,
  type Proposal,
  proposalBytes,
  type SignedMessage,
  signedBytes,
  signerOf,
  type Vote,
  voteBytes,
} from "./messages.js";
import { type Quorums, quorums } from "./quorums.js";
import type { SigningScheme, ValidatorSigner } from "./signing.js";
import {
  type ConsensusAction,
  type ConsensusEvent,
  ConsensusState,
  type Fault,
  type FinalizedHead,
} from "./state.js";
import { encodeCertificate } from "./wire.js";

/** Time in milliseconds and one-shot timers. The simulator supplies a virtual clock. */
export interface Clock {
  now(): number;
  setTimer(delayMs: number, callback: () => void): TimerHandle;
  cancel(handle: TimerHandle): void;
}
export type TimerHandle = object | number;

/** A request for something this validator is missing, answered by peers' `ConsensusEngine.answer`. */
export type FetchRequest =
  /** A block (its signed proposal) and its ancestors above view `since` (the asker's final view), oldest first. */
  { type: "block"; digest: Digest; since: View } | { type: "certificate"; view: View };

/** How the engine talks to the other validators. Incoming messages go to `ConsensusEngine.deliver`. */
export interface Network {
  broadcast(message: ConsensusMessage): void;
  send(to: ValidatorIndex, message: ConsensusMessage): void;
  /** Fire and forget: answers (proposals, certificates) come back through `deliver`. */
  fetch(request: FetchRequest): void;
}

/** What a validator recovers after a restart. */
export interface StoredConsensus {
  finalized?: FinalizedHead;
  signed: SignedMessage[];
  certificates: Certificate[];
}

/** Durable record of what this validator signed (and the certificates and finality it saw). */
export interface SignedStore {
  load(): Promise<StoredConsensus>;
  /** Must be durable when the promise resolves: the message is sent only afterwards. */
  saveSigned(message: SignedMessage): Promise<void>;
  saveCertificate(certificate: Certificate): Promise<void>;
  saveFinalized(head: FinalizedHead): Promise<void>;
  /** Forget signed messages and certificates of views below `view`. */
  prune(view: View): Promise<void>;
}

/** Most proposals one block fetch answers with; a longer gap is closed by further fetches. */
const MAX_FETCHED_ANCESTORS = 64;

export type Verdict = "accept" | "ignore" | "reject";

/** A signed message's signature, left by `ConsensusEngine.screen` for the caller to verify. */
export interface SignatureCheck {
  type: SignedMessage["type"];
  signer: ValidatorIndex;
  /** The exact bytes signed (domain tag, namespace, content): identical for all votes on one block. */
  bytes: Uint8Array;
  signature: Uint8Array;
  /**
   * How many valid signatures over `bytes`, counting this one, would complete a certificate this
   * validator waits for (ConsensusState.votesToNextQuorum); 1 means nothing is gained by waiting.
   */
  quorumAt: number;
}

/** The activity stream the visualizer and metrics subscribe to. `at` is the clock's time. */
export type ConsensusActivity =
  | { type: "viewEntered"; view: View; at: number }
  | { type: "proposal"; proposal: Proposal; at: number }
  | { type: "vote"; vote: Vote; at: number }
  | { type: "nullify"; nullify: Nullify; at: number }
  | { type: "certificate"; certificate: Certificate; at: number }
  | { type: "finalized"; view: View; digest: Digest; height: number; at: number }
  | { type: "fault"; fault: Fault; at: number }
  | { type: "error"; error: Error; at: number };

export type ActivityListener = (activity: ConsensusActivity) => void;

export interface EngineOptions {
  /** Validator set size n. */
  validators: number;
  /** Faults tolerated; defaults to floor((n − 1) / 5). */
  f?: number;
  /** This validator's key; omit for a non-voting observer. */
  signer?: ValidatorSigner;
  /** Chain namespace (chain ID bytes) mixed into every signed message. */
  namespace: Uint8Array;
  /** Δ in milliseconds; a view's timer is 2Δ. */
  deltaMs: number;
  leaders?: LeaderSchedule;
  maxFutureViews?: number;
  noProgressThreshold?: number;
  /** How many views of proposals and certificates below the finalized view to keep for peers' fetches. */
  retainViews?: number;
}

export interface EngineDeps {
  clock: Clock;
  network: Network;
  store: SignedStore;
  application: Application;
  scheme: SigningScheme;
}

export class ConsensusEngine {
  readonly quorums: Quorums;
  private state: ConsensusState | undefined;
  private readonly queue: ConsensusEvent[] = [];
  private running = false;
  private stopped = false;
  private timer: TimerHandle | undefined;
  private readonly listeners = new Set<ActivityListener>();
  private readonly proposals = new Map<Digest, Proposal>();
  private readonly certificatesByView = new Map<View, Certificate[]>();
  private readonly finality = new Map<Digest, Notarization>();
  private readonly leaders: LeaderSchedule;
  private readonly retainViews: number;
  private idleWaiters: (() => void)[] = [];
  /**
   * Finality work (committing blocks) runs on its own chain, in order, beside the event loop: a vote
   * for the next block must not wait for the previous block's commit.
   */
  private finalizing: Promise<void> = Promise.resolve();
  /**
   * Certificates are stored on a chain of their own too. Unlike what this validator signs, a
   * certificate lost in a crash breaks no promise: it is proof anyone can fetch again from peers.
   */
  private certificateWrites: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: EngineOptions,
    private readonly deps: EngineDeps,
  ) {
    this.quorums = quorums(options.validators, options.f);
    this.leaders = options.leaders ?? roundRobin(options.validators);
    this.retainViews = options.retainViews ?? 1_024;
  }

  /** Load what was signed before a restart and enter the first view. */
  async start(): Promise<void> {
    const stored = await this.deps.store.load();
    for (const certificate of stored.certificates) this.rememberCertificate(certificate);
    for (const message of stored.signed)
      if (message.type === "proposal") this.proposals.set(message.block.digest, message);
    this.state = new ConsensusState(
      {
        quorums: this.quorums,
        self: this.options.signer?.index,
        leaders: this.leaders,
        genesis: this.deps.application.genesis(),
        deltaMs: this.options.deltaMs,
        maxFutureViews: this.options.maxFutureViews,
        noProgressThreshold: this.options.noProgressThreshold,
        aggregate: (signatures) => this.deps.scheme.aggregate(signatures),
      },
      stored,
    );
    this.dispatch({ type: "start" });
  }

  /** Stop handling events and timers. The store keeps what was signed. */
  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
    if (this.timer !== undefined) this.deps.clock.cancel(this.timer);
    this.timer = undefined;
  }

  /** Resolves when no event is queued or being handled, no block is being finalized and no write is pending. */
  async idle(): Promise<void> {
    for (;;) {
      const finalizing = this.finalizing;
      const certificateWrites = this.certificateWrites;
      await Promise.all([finalizing, certificateWrites]);
      if (this.running || this.queue.length > 0)
        await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      const settled = this.finalizing === finalizing && this.certificateWrites === certificateWrites;
      if (!this.running && this.queue.length === 0 && settled) return;
    }
  }

  subscribe(listener: ActivityListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- queries -------------------------------------------------------------------------------

  currentView(): View {
    return this.state?.currentView() ?? 0;
  }

  finalized(): FinalizedHead {
    return this.state?.finalizedHead() ?? { view: 0, digest: this.deps.application.genesis(), height: 0 };
  }

  /** Certificates this validator holds for a view (M-/L-notarizations, nullification). */
  certificates(view: View): readonly Certificate[] {
    return this.certificatesByView.get(view) ?? [];
  }

  /** The L-notarization that finalized a block (its own or a descendant's), while retained. */
  finalityCertificate(digest: Digest): Notarization | undefined {
    return this.finality.get(digest);
  }

  /** Serve a peer's fetch. */
  answer(request: FetchRequest): ConsensusMessage[] {
    if (request.type === "certificate") return [...this.certificates(request.view)];
    const chain: Proposal[] = [];
    let proposal = this.proposals.get(request.digest);
    while (proposal && proposal.view > request.since && chain.length < MAX_FETCHED_ANCESTORS) {
      chain.push(proposal);
      proposal = this.proposals.get(proposal.parent);
    }
    return chain.reverse();
  }

  // ---- incoming ------------------------------------------------------------------------------

  /** Authenticate a message from the network without acting on it (p2p gossip validation). */
  verify(message: ConsensusMessage): Verdict {
    const screened = this.screen(message);
    if (typeof screened === "string") return screened;
    if (this.deps.scheme.verify(screened.signer, screened.bytes, screened.signature)) return "accept";
    this.signatureFailed(screened);
    return "reject";
  }

  /**
   * Every check of `verify` except a signed message's own signature, which is returned for the caller
   * to check (a node batches the signatures of many messages into one aggregate verification) before
   * it calls `receive`. Certificates are checked in full here: they are one aggregate already.
   */
  screen(message: ConsensusMessage): Verdict | SignatureCheck {
    const state = this.state;
    if (!state || this.stopped) return "ignore";
    const n = this.quorums.n;
    if (message.view < state.floor()) return "ignore";
    if (message.type === "proposal" || message.type === "vote" || message.type === "nullify") {
      const signer = signerOf(message);
      if (!Number.isInteger(signer) || signer < 0 || signer >= n) return "reject";
      if (message.type === "proposal" && this.leaders.leader(message.view) !== signer) return "reject";
      // Duplicates, and votes for a block this validator already holds L votes for, change nothing: skip
      // the signature check (a BLS pairing each) that would precede them.
      if (message.type !== "proposal" && state.redundant(message)) return "ignore";
      return {
        type: message.type,
        signer,
        bytes: signedBytes(this.options.namespace, message),
        signature: message.signature,
        quorumAt: message.type === "vote" ? state.votesToNextQuorum(message) : 1,
      };
    }
    if (state.hasCertificate(message)) return "ignore";
    try {
      verifyCertificate(message, this.quorums, this.deps.scheme, this.options.namespace);
    } catch {
      this.emit({
        type: "fault",
        fault: { kind: "invalidSignature", from: undefined, message: message.type },
      });
      return "reject";
    }
    return "accept";
  }

  /** Report a signature from `screen` that did not verify (a fault on the activity stream). */
  signatureFailed(check: SignatureCheck): void {
    this.emit({
      type: "fault",
      fault: { kind: "invalidSignature", from: check.signer, message: check.type },
    });
  }

  /** Act on a message that `verify` accepted. */
  receive(message: ConsensusMessage): void {
    if (this.stopped) return;
    switch (message.type) {
      case "proposal":
        this.proposals.set(message.block.digest, message);
        this.emit({ type: "proposal", proposal: message });
        this.dispatch({ type: "proposal", proposal: message });
        break;
      case "vote":
        this.emit({ type: "vote", vote: message });
        this.dispatch({ type: "vote", vote: message });
        break;
      case "nullify":
        this.emit({ type: "nullify", nullify: message });
        this.dispatch({ type: "nullify", nullify: message });
        break;
      default:
        this.dispatch({ type: "certificate", certificate: message });
    }
  }

  /** verify + receive. */
  deliver(message: ConsensusMessage): Verdict {
    const verdict = this.verify(message);
    if (verdict === "accept") this.receive(message);
    return verdict;
  }

  // ---- the event loop ------------------------------------------------------------------------

  private dispatch(event: ConsensusEvent): void {
    if (this.stopped) return;
    this.queue.push(event);
    if (!this.running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0 && !this.stopped && this.state) {
        const event = this.queue.shift()!;
        for (const action of this.state.handle(event)) {
          if (this.stopped) break;
          await this.execute(action);
        }
      }
    } catch (error) {
      // A store or application failure leaves the validator unable to keep its promises: stop.
      this.emit({ type: "error", error: error instanceof Error ? error : new Error(String(error)) });
      this.stop();
    } finally {
      this.running = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private async execute(action: ConsensusAction): Promise<void> {
    const { network, store, application, clock } = this.deps;
    switch (action.type) {
      case "enterView":
        this.emit({ type: "viewEntered", view: action.view });
        return;
      case "setTimer": {
        if (this.timer !== undefined) clock.cancel(this.timer);
        const view = action.view;
        this.timer = clock.setTimer(action.delayMs, () => {
          this.timer = undefined;
          this.dispatch({ type: "timeout", view });
        });
        return;
      }
      case "build":
        application.propose(action.context).then(
          (block) => this.dispatch({ type: "built", context: action.context, block }),
          (error: unknown) =>
            this.emit({ type: "error", error: error instanceof Error ? error : new Error(String(error)) }),
        );
        return;
      case "verify":
        application.verify(action.block, action.context).then(
          (result) =>
            this.dispatch({ type: "verified", context: action.context, digest: action.block.digest, result }),
          (error: unknown) =>
            this.dispatch({
              type: "verified",
              context: action.context,
              digest: action.block.digest,
              result: { ok: false, reason: `verify threw: ${String(error)}` },
            }),
        );
        return;
      case "propose": {
        const signer = this.requireSigner();
        const proposal: Proposal = {
          ...action.proposal,
          signature: signer.sign(proposalBytes(this.options.namespace, action.proposal)),
        };
        await store.saveSigned(proposal);
        this.proposals.set(proposal.block.digest, proposal);
        network.broadcast(proposal);
        this.emit({ type: "proposal", proposal });
        this.dispatch({ type: "proposal", proposal });
        return;
      }
      case "vote": {
        const signer = this.requireSigner();
        const signature = signer.sign(voteBytes(this.options.namespace, action.view, action.digest));
        const vote: Vote = {
          type: "vote",
          view: action.view,
          digest: action.digest,
          signer: signer.index,
          signature,
        };
        await store.saveSigned(vote);
        network.broadcast(vote);
        this.emit({ type: "vote", vote });
        this.dispatch({ type: "vote", vote });
        return;
      }
      case "nullify": {
        const signer = this.requireSigner();
        const signature = signer.sign(nullifyBytes(this.options.namespace, action.view));
        const nullify: Nullify = { type: "nullify", view: action.view, signer: signer.index, signature };
        await store.saveSigned(nullify);
        network.broadcast(nullify);
        this.emit({ type: "nullify", nullify });
        this.dispatch({ type: "nullify", nullify });
        return;
      }
      case "broadcast":
        network.broadcast(action.message);
        return;
      case "certificate":
        this.rememberCertificate(action.certificate);
        this.certificateWrites = this.besides(this.certificateWrites, () =>
          store.saveCertificate(action.certificate),
        );
        this.emit({ type: "certificate", certificate: action.certificate });
        return;
      case "finalize":
        this.finalizing = this.besides(this.finalizing, () => this.finalize(action));
        return;
      case "fetchBlock":
        network.fetch({ type: "block", digest: action.digest, since: this.finalized().view });
        return;
      case "fetchCertificate":
        network.fetch({ type: "certificate", view: action.view });
        return;
      case "fault":
        this.emit({ type: "fault", fault: action.fault });
        return;
    }
  }

  /** Runs `work` after `chain`, beside the event loop; a failure stops the engine as one inside it would. */
  private besides(chain: Promise<void>, work: () => Promise<void>): Promise<void> {
    return chain.then(work).catch((error: unknown) => {
      if (this.stopped) return;
      this.emit({ type: "error", error: error instanceof Error ? error : new Error(String(error)) });
      this.stop();
    });
  }

  /** Commit one final block (in order: the finalizing chain runs one at a time), then record it. */
  private async finalize(action: Extract<ConsensusAction, { type: "finalize" }>): Promise<void> {
    if (this.stopped) return;
    const proof = {
      view: action.proof.view,
      digest: action.proof.digest,
      certificate: encodeCertificate(action.proof),
    };
    await this.deps.application.finalized(action.block, action.context, proof);
    const head = { view: action.context.view, digest: action.block.digest, height: action.height };
    await this.deps.store.saveFinalized(head);
    this.finality.set(action.block.digest, action.proof);
    this.emit({ type: "finalized", ...head });
    await this.prune(head.view);
  }

  private rememberCertificate(certificate: Certificate): void {
    const list = this.certificatesByView.get(certificate.view) ?? [];
    const duplicate = list.some(
      (c) =>
        c.type === certificate.type &&
        (c.type === "nullification" || c.digest === (certificate as Notarization).digest),
    );
    if (!duplicate) list.push(certificate);
    this.certificatesByView.set(certificate.view, list);
  }

  private async prune(finalizedView: View): Promise<void> {
    const below = finalizedView - this.retainViews;
    if (below <= 0) return;
    for (const view of this.certificatesByView.keys()) if (view < below) this.certificatesByView.delete(view);
    for (const [digest, proposal] of this.proposals) {
      if (proposal.view < below) {
        this.proposals.delete(digest);
        this.finality.delete(digest);
      }
    }
    await this.deps.store.prune(below);
  }

  private requireSigner(): ValidatorSigner {
    const signer = this.options.signer;
    if (!signer) throw new Error("an observer cannot sign");
    return signer;
  }

  private emit(activity: DistributiveOmit<ConsensusActivity, "at">): void {
    if (this.listeners.size === 0) return;
    const full = { ...activity, at: this.deps.clock.now() } as ConsensusActivity;
    for (const listener of this.listeners) listener(full);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
