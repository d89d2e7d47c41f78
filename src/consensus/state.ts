/**
 * Minimmit as a pure state machine (DESIGN §2): `handle(event)` returns the actions to take. It holds
 * no clock, does no I/O and draws no randomness; the engine signs, persists, sends, calls the
 * application and feeds the results back in as events. Messages given to it are already
 * authenticated (signatures and certificates checked by the engine).
 */
import type {
  BlockContext,
  Digest,
  ProposedBlock,
  ValidatorIndex,
  VerifyResult,
  View,
} from "./application.js";
import { buildNotarization, buildNullification } from "./certificates.js";
import type { LeaderSchedule } from "./leader.js";
import type {
  Certificate,
  Notarization,
  Nullification,
  Nullify,
  Proposal,
  SignedMessage,
  Vote,
} from "./messages.js";
import type { Quorums } from "./quorums.js";
import type { SigningScheme } from "./signing.js";

export interface FinalizedHead {
  view: View;
  digest: Digest;
  height: number;
}

export type Fault =
  | { kind: "equivocation"; view: View; leader: ValidatorIndex; digests: [Digest, Digest] }
  | { kind: "conflictingVote"; view: View; signer: ValidatorIndex; digests: [Digest, Digest] }
  | { kind: "invalidProposal"; view: View; leader: ValidatorIndex; reason: string }
  | {
      kind: "invalidSignature";
      from: ValidatorIndex | undefined;
      message: SignedMessage["type"] | Certificate["type"];
    }
  | { kind: "conflictingFinality"; view: View; digest: Digest; finalized: FinalizedHead };

export type ConsensusEvent =
  | { type: "start" }
  | { type: "proposal"; proposal: Proposal }
  | { type: "vote"; vote: Vote }
  | { type: "nullify"; nullify: Nullify }
  | { type: "certificate"; certificate: Certificate }
  | { type: "timeout"; view: View }
  | { type: "built"; context: BlockContext; block: ProposedBlock }
  | { type: "verified"; context: BlockContext; digest: Digest; result: VerifyResult };

/** A proposal before the leader signs it. */
export type UnsignedProposal = Omit<Proposal, "signature">;

export type ConsensusAction =
  | { type: "enterView"; view: View }
  | { type: "setTimer"; view: View; delayMs: number }
  /** Ask the application to build a block (leader only). Answer with a `built` event. */
  | { type: "build"; context: BlockContext }
  /** Ask the application to verify a block. Answer with a `verified` event. */
  | { type: "verify"; block: ProposedBlock; context: BlockContext }
  /** Sign, persist, broadcast; then feed the signed message back as an event. */
  | { type: "propose"; proposal: UnsignedProposal }
  | { type: "vote"; view: View; digest: Digest }
  | { type: "nullify"; view: View }
  /** Send an already signed message or a certificate to every validator. */
  | { type: "broadcast"; message: SignedMessage | Certificate }
  /** A certificate this validator now holds for the first time (formed here or received). */
  | { type: "certificate"; certificate: Certificate }
  | { type: "finalize"; block: ProposedBlock; context: BlockContext; height: number; proof: Notarization }
  | { type: "fetchBlock"; digest: Digest }
  | { type: "fetchCertificate"; view: View }
  | { type: "fault"; fault: Fault };

export interface StateConfig {
  quorums: Quorums;
  /** This validator's index, or undefined for a non-voting observer. */
  self: ValidatorIndex | undefined;
  leaders: LeaderSchedule;
  genesis: Digest;
  /** Δ: the timer of a view is 2Δ. */
  deltaMs: number;
  /** Votes, nullifies and proposals this far beyond the current view are dropped (bounds memory). */
  maxFutureViews?: number;
  /**
   * Proof-of-no-progress threshold; 2f + 1 (the default) is the safe value. Configurable only so a
   * regression test can show that the prototype's f + 1 breaks safety (DESIGN §2 rule 4).
   */
  noProgressThreshold?: number;
  aggregate: SigningScheme["aggregate"];
}

/** What a restarted validator recovers from its SignedStore. */
export interface RestoredState {
  finalized?: FinalizedHead;
  signed: readonly SignedMessage[];
  certificates: readonly Certificate[];
}

interface KnownBlock {
  block: ProposedBlock;
  context: BlockContext;
}

/** Everything known about one view. */
class Round {
  proposal: Proposal | undefined;
  equivocated = false;
  readonly votesBySigner = new Map<ValidatorIndex, Vote>();
  readonly votesByDigest = new Map<Digest, Map<ValidatorIndex, Uint8Array>>();
  readonly nullifies = new Map<ValidatorIndex, Uint8Array>();
  myVote: Digest | undefined;
  myNullify = false;
  mySignedVote: Vote | undefined;
  mySignedNullify: Nullify | undefined;
  myProposal: Proposal | undefined;
  buildRequested = false;
  verifyRequested: Digest | undefined;
  readonly mNotarizations = new Map<Digest, Notarization>();
  lNotarization: Notarization | undefined;
  nullification: Nullification | undefined;
  constructor(readonly view: View) {}

  /** The certificate that lets a validator leave this view, if any. */
  exit(): Certificate | undefined {
    return this.nullification ?? this.lNotarization ?? this.mNotarizations.values().next().value;
  }
}

export class ConsensusState {
  private view: View = 0;
  private head: FinalizedHead;
  private readonly rounds = new Map<View, Round>();
  private readonly blocks = new Map<Digest, KnownBlock>();
  /** L-notarizations whose block (or an ancestor) is not yet known. */
  private readonly pendingFinal = new Map<View, Notarization>();
  private readonly requestedBlocks = new Set<Digest>();
  private readonly requestedCertificates = new Set<View>();
  private out: ConsensusAction[] = [];
  private readonly maxFutureViews: number;
  private readonly noProgressThreshold: number;
  /** The view entered on `start`: after a restart, the highest view signed in or certified. */
  private startView: View;

  constructor(
    private readonly config: StateConfig,
    restored?: RestoredState,
  ) {
    this.maxFutureViews = config.maxFutureViews ?? 1_000;
    this.noProgressThreshold = config.noProgressThreshold ?? config.quorums.m;
    this.head = restored?.finalized ?? { view: 0, digest: config.genesis, height: 0 };
    this.startView = this.head.view + 1;
    if (restored) this.restore(restored);
  }

  // ---- queries -------------------------------------------------------------------------------

  currentView(): View {
    return this.view;
  }

  finalizedHead(): FinalizedHead {
    return { ...this.head };
  }

  /** Views below this are pruned; messages for them are ignored. */
  floor(): View {
    return this.head.view;
  }

  hasCertificate(certificate: Certificate): boolean {
    const round = this.rounds.get(certificate.view);
    if (!round) return certificate.view < this.floor();
    switch (certificate.type) {
      case "nullification":
        return round.nullification !== undefined;
      case "lNotarization":
        return round.lNotarization !== undefined;
      case "mNotarization":
        return round.mNotarizations.has(certificate.digest);
    }
  }

  /**
   * True when counting this vote or nullify would change nothing, so its signature need not be
   * checked: the signer's identical message is already counted, or the vote is for the block its
   * view already L-notarized here (no further vote for it can form a new certificate). A vote that
   * conflicts with one already counted is not redundant: it is evidence of a fault. (A signer whose
   * vote for the L-notarized block was skipped and who then votes for another block of that view goes
   * unreported; that vote can no longer change the view's outcome.)
   */
  redundant(message: Vote | Nullify): boolean {
    const round = this.rounds.get(message.view);
    if (!round) return false;
    if (message.type === "nullify") return round.nullifies.has(message.signer);
    if (round.votesBySigner.get(message.signer)?.digest === message.digest) return true;
    return round.lNotarization?.digest === message.digest && !round.votesBySigner.has(message.signer);
  }

  /**
   * How many valid votes on `vote`'s block, counting this one, would complete this validator's next
   * certificate for it (the M-, then the L-notarization). Only for the block this validator voted for:
   * any other vote is 1 (check it at once), because a vote against ours may be evidence for a nullify.
   * The node's signature batching holds votes back until this many are pending (bls-signing.ts).
   */
  votesToNextQuorum(vote: Vote): number {
    const round = this.rounds.get(vote.view);
    const self = this.config.self;
    if (!round || self === undefined || round.myVote !== vote.digest) return 1;
    const forDigest = round.votesByDigest.get(vote.digest);
    // Our own vote counts from the moment we decided it (it is being stored, then recorded).
    const held = (forDigest?.size ?? 0) + (forDigest?.has(self) ? 0 : 1);
    const { m, l } = this.config.quorums;
    if (held < m && !round.mNotarizations.has(vote.digest)) return m - held;
    return Math.max(1, l - held);
  }

  /** A block (with its context) this validator has seen in a proposal, if not yet pruned. */
  block(digest: Digest): { block: ProposedBlock; context: BlockContext } | undefined {
    return this.blocks.get(digest);
  }

  /** The proposal recorded for a view (the first valid one from its leader). */
  proposal(view: View): Proposal | undefined {
    return this.rounds.get(view)?.proposal;
  }

  // ---- event dispatch ------------------------------------------------------------------------

  handle(event: ConsensusEvent): ConsensusAction[] {
    this.out = [];
    switch (event.type) {
      case "start":
        if (this.view === 0) this.enter(this.startView);
        break;
      case "proposal":
        this.onProposal(event.proposal);
        break;
      case "vote":
        this.onVote(event.vote);
        break;
      case "nullify":
        this.onNullify(event.nullify);
        break;
      case "certificate":
        this.onCertificate(event.certificate);
        break;
      case "timeout":
        this.onTimeout(event.view);
        break;
      case "built":
        this.onBuilt(event.context, event.block);
        break;
      case "verified":
        this.onVerified(event.context, event.digest, event.result);
        break;
    }
    this.advance();
    const actions = this.out;
    this.out = [];
    return actions;
  }

  // ---- restore -------------------------------------------------------------------------------

  private restore(restored: RestoredState): void {
    let view = this.head.view;
    for (const certificate of restored.certificates) {
      if (certificate.view < this.floor()) continue;
      this.storeCertificate(certificate, false);
      view = Math.max(view, certificate.view + 1);
    }
    for (const message of restored.signed) {
      if (message.view < this.floor()) continue;
      const round = this.round(message.view);
      view = Math.max(view, message.view);
      if (message.type === "vote") {
        round.myVote = message.digest;
        round.mySignedVote = message;
        this.recordVote(message);
      } else if (message.type === "nullify") {
        round.myNullify = true;
        round.mySignedNullify = message;
        round.nullifies.set(message.signer, message.signature);
      } else {
        round.buildRequested = true;
        round.myProposal = message;
        this.recordProposal(message);
      }
    }
    this.startView = Math.max(this.startView, view);
  }

  // ---- views ---------------------------------------------------------------------------------

  private round(view: View): Round {
    let round = this.rounds.get(view);
    if (!round) {
      round = new Round(view);
      this.rounds.set(view, round);
    }
    return round;
  }

  private enter(target: View): void {
    if (target <= this.view) return;
    this.view = target;
    this.out.push({ type: "enterView", view: target });
    this.out.push({ type: "setTimer", view: target, delayMs: 2 * this.config.deltaMs });
    const round = this.round(target);
    // Views can pass faster than the timer: retry what is still missing on each new view too.
    for (const digest of this.requestedBlocks) this.out.push({ type: "fetchBlock", digest });
    for (const v of this.requestedCertificates) this.out.push({ type: "fetchCertificate", view: v });
    // A restarted validator re-sends what it signed in this view instead of signing anything new.
    if (round.myProposal) this.out.push({ type: "broadcast", message: round.myProposal });
    if (round.mySignedVote) this.out.push({ type: "broadcast", message: round.mySignedVote });
    if (round.mySignedNullify) this.out.push({ type: "broadcast", message: round.mySignedNullify });
    this.tryPropose();
    this.tryVote();
    this.checkNoProgress();
    this.prune();
  }

  /** Rule 5: leave every view that has a certificate, voting first for an M-notarized block. */
  private advance(): void {
    if (this.view === 0) return;
    for (;;) {
      const round = this.round(this.view);
      const exit = round.exit();
      if (!exit) return;
      if (exit.type !== "nullification" && round.myVote === undefined && !round.myNullify) {
        this.castVote(round, exit.digest);
      }
      this.out.push({ type: "broadcast", message: exit });
      this.enter(this.view + 1);
    }
  }

  /** A certificate for a later view: jump past it (rule 5), fetching what the jump skipped later. */
  private jumpTo(view: View): void {
    if (view <= this.view) return;
    const exit = this.round(view).exit();
    if (!exit) return;
    this.out.push({ type: "broadcast", message: exit });
    this.enter(view + 1);
  }

  // ---- rule 1: propose -----------------------------------------------------------------------

  /** Parent for a proposal in `view`: the M-notarized block of the highest view v' < view whose
   * successors up to view are all nullified. Missing certificates are fetched. */
  private selectParent(view: View): { parent: Digest; parentView: View } | undefined {
    for (let v = view - 1; v >= this.head.view; v--) {
      if (v === this.head.view) return { parent: this.head.digest, parentView: v };
      const round = this.rounds.get(v);
      const notarized = round?.lNotarization?.digest ?? round?.mNotarizations.keys().next().value;
      if (notarized !== undefined) return { parent: notarized, parentView: v };
      if (round?.nullification) continue;
      this.fetchCertificate(v);
      return undefined;
    }
    return undefined;
  }

  private tryPropose(): void {
    const self = this.config.self;
    const view = this.view;
    if (self === undefined || this.config.leaders.leader(view) !== self) return;
    const round = this.round(view);
    if (round.buildRequested) return;
    const parent = this.selectParent(view);
    if (!parent) return;
    round.buildRequested = true;
    if (parent.parentView > 0 && !this.blocks.has(parent.parent)) this.fetchBlock(parent.parent);
    this.out.push({ type: "build", context: { view, proposer: self, ...parent } });
  }

  private onBuilt(context: BlockContext, block: ProposedBlock): void {
    const round = this.rounds.get(context.view);
    if (context.view !== this.view || !round || round.myProposal || round.proposal) return;
    this.out.push({
      type: "propose",
      proposal: { type: "proposal", ...context, block },
    });
  }

  // ---- rule 2: vote --------------------------------------------------------------------------

  private recordProposal(proposal: Proposal): void {
    const round = this.round(proposal.view);
    round.proposal ??= proposal;
    this.rememberBlock(proposal);
  }

  private rememberBlock(proposal: Proposal): void {
    const { view, proposer, parent, parentView } = proposal;
    this.blocks.set(proposal.block.digest, {
      block: proposal.block,
      context: { view, proposer, parent, parentView },
    });
    this.requestedBlocks.delete(proposal.block.digest);
  }

  private onProposal(proposal: Proposal): void {
    const { view } = proposal;
    if (view <= this.floor() || view > this.view + this.maxFutureViews) return;
    const leader = this.config.leaders.leader(view);
    if (proposal.proposer !== leader) {
      this.fault({
        kind: "invalidProposal",
        view,
        leader: proposal.proposer,
        reason: "not the leader of the view",
      });
      return;
    }
    if (proposal.parentView >= view) {
      this.fault({ kind: "invalidProposal", view, leader, reason: "parent view not before the view" });
      return;
    }
    const round = this.round(view);
    const first = round.proposal;
    if (first) {
      const same =
        first.block.digest === proposal.block.digest &&
        first.parent === proposal.parent &&
        first.parentView === proposal.parentView;
      if (!same && !round.equivocated) {
        round.equivocated = true;
        this.fault({
          kind: "equivocation",
          view,
          leader,
          digests: [first.block.digest, proposal.block.digest],
        });
      }
      // Keep the other block only if finality is waiting for it (an L-notarized equivocation).
      if (!same && this.requestedBlocks.has(proposal.block.digest)) {
        this.rememberBlock(proposal);
        this.tryFinalize();
      }
      return;
    }
    this.recordProposal(proposal);
    this.tryFinalize();
    this.tryVote();
  }

  /** Parent check of rule 2: the parent is M-notarized and every view in between is nullified. */
  private parentReady(proposal: Proposal): "ready" | "waiting" | "invalid" {
    const { parent, parentView, view } = proposal;
    if (parentView < this.head.view) return "invalid";
    if (parentView === this.head.view) {
      if (parent !== this.head.digest) return "invalid";
    } else {
      const round = this.rounds.get(parentView);
      if (!round?.mNotarizations.has(parent)) {
        this.fetchCertificate(parentView);
        return "waiting";
      }
    }
    let ready: "ready" | "waiting" = "ready";
    for (let v = parentView + 1; v < view; v++) {
      if (!this.rounds.get(v)?.nullification) {
        this.fetchCertificate(v);
        ready = "waiting";
      }
    }
    return ready;
  }

  private tryVote(): void {
    const round = this.rounds.get(this.view);
    const proposal = round?.proposal;
    if (!round || !proposal || round.equivocated || round.myVote !== undefined || round.myNullify) return;
    if (round.verifyRequested === proposal.block.digest) return;
    const ready = this.parentReady(proposal);
    if (ready !== "ready") return;
    if (proposal.proposer === this.config.self) {
      // The leader's own proposal counts as its vote; it built the block, no need to verify it.
      this.castVote(round, proposal.block.digest);
      return;
    }
    round.verifyRequested = proposal.block.digest;
    const { view, proposer, parent, parentView } = proposal;
    this.out.push({ type: "verify", block: proposal.block, context: { view, proposer, parent, parentView } });
  }

  private onVerified(context: BlockContext, digest: Digest, result: VerifyResult): void {
    const round = this.rounds.get(context.view);
    if (!round) return;
    if (!result.ok) {
      this.fault({
        kind: "invalidProposal",
        view: context.view,
        leader: context.proposer,
        reason: result.reason,
      });
      return;
    }
    if (context.view !== this.view || round.equivocated || round.proposal?.block.digest !== digest) return;
    if (round.myVote !== undefined || round.myNullify) return;
    this.castVote(round, digest);
  }

  private castVote(round: Round, digest: Digest): void {
    if (this.config.self === undefined || round.myVote !== undefined || round.myNullify) return;
    round.myVote = digest;
    this.out.push({ type: "vote", view: round.view, digest });
  }

  private castNullify(round: Round): void {
    if (this.config.self === undefined || round.myNullify) return;
    round.myNullify = true;
    this.out.push({ type: "nullify", view: round.view });
  }

  // ---- votes, nullifies, certificates --------------------------------------------------------

  /** Adds a vote to the tally; returns false for a duplicate or a signer's second, conflicting vote. */
  private recordVote(vote: Vote): boolean {
    const round = this.round(vote.view);
    const previous = round.votesBySigner.get(vote.signer);
    if (previous) {
      if (previous.digest !== vote.digest) {
        this.fault({
          kind: "conflictingVote",
          view: vote.view,
          signer: vote.signer,
          digests: [previous.digest, vote.digest],
        });
      }
      return false;
    }
    round.votesBySigner.set(vote.signer, vote);
    let forDigest = round.votesByDigest.get(vote.digest);
    if (!forDigest) {
      forDigest = new Map();
      round.votesByDigest.set(vote.digest, forDigest);
    }
    forDigest.set(vote.signer, vote.signature);
    return true;
  }

  private onVote(vote: Vote): void {
    if (vote.view <= this.floor() || vote.view > this.view + this.maxFutureViews) return;
    const round = this.round(vote.view);
    if (vote.signer === this.config.self && round.myVote === vote.digest) round.mySignedVote = vote;
    if (!this.recordVote(vote)) return;
    const signatures = round.votesByDigest.get(vote.digest)!;
    const { n, m, l } = this.config.quorums;
    if (signatures.size >= m && !round.mNotarizations.has(vote.digest)) {
      const certificate = buildNotarization(
        "mNotarization",
        vote.view,
        vote.digest,
        signatures,
        n,
        this.config.aggregate,
      );
      const left = vote.view < this.view;
      this.storeCertificate(certificate, true);
      // Formed after this validator left the view (e.g. on a nullification): peers building on this
      // block need it as the parent's certificate, and advance() will not forward it.
      if (left) this.out.push({ type: "broadcast", message: certificate });
    }
    if (signatures.size >= l && !round.lNotarization) {
      const certificate = buildNotarization(
        "lNotarization",
        vote.view,
        vote.digest,
        signatures,
        n,
        this.config.aggregate,
      );
      this.storeCertificate(certificate, true);
      // Peers that missed some votes finalize from this certificate.
      this.out.push({ type: "broadcast", message: certificate });
    }
    this.checkNoProgress();
  }

  private onNullify(nullify: Nullify): void {
    if (nullify.view <= this.floor() || nullify.view > this.view + this.maxFutureViews) return;
    const round = this.round(nullify.view);
    if (nullify.signer === this.config.self && round.myNullify) round.mySignedNullify = nullify;
    if (round.nullifies.has(nullify.signer)) return;
    round.nullifies.set(nullify.signer, nullify.signature);
    const { n, m } = this.config.quorums;
    if (round.nullifies.size >= m && !round.nullification) {
      this.storeCertificate(
        buildNullification(nullify.view, round.nullifies, n, this.config.aggregate),
        true,
      );
    }
    this.checkNoProgress();
  }

  private onCertificate(certificate: Certificate): void {
    if (certificate.view <= this.floor()) return;
    if (this.hasCertificate(certificate)) return;
    this.storeCertificate(certificate, true);
  }

  /** Keeps a certificate (formed here or received) and acts on it: jump, unblock, finalize. */
  private storeCertificate(certificate: Certificate, announce: boolean): void {
    const round = this.round(certificate.view);
    if (certificate.type === "nullification") {
      if (round.nullification) return;
      round.nullification = certificate;
    } else {
      if (!round.mNotarizations.has(certificate.digest)) {
        // An L-notarization is also an M-notarization of the same block.
        round.mNotarizations.set(
          certificate.digest,
          certificate.type === "mNotarization" ? certificate : { ...certificate, type: "mNotarization" },
        );
      } else if (certificate.type === "mNotarization") {
        return;
      }
      if (certificate.type === "lNotarization") {
        if (round.lNotarization) return;
        round.lNotarization = certificate;
        this.pendingFinal.set(certificate.view, certificate);
      }
    }
    this.requestedCertificates.delete(certificate.view);
    if (!announce) return;
    this.out.push({ type: "certificate", certificate });
    if (certificate.view > this.view) this.jumpTo(certificate.view);
    this.tryPropose();
    this.tryVote();
    this.tryFinalize();
  }

  // ---- rules 3 and 4: timeout and proof of no progress ---------------------------------------

  private onTimeout(view: View): void {
    if (view !== this.view) return;
    const round = this.round(view);
    if (round.myVote === undefined && !round.myNullify) {
      this.castNullify(round);
    } else {
      // After voting the timer never nullifies; it only re-sends what was lost on the way.
      if (round.myProposal) this.out.push({ type: "broadcast", message: round.myProposal });
      if (round.mySignedVote) this.out.push({ type: "broadcast", message: round.mySignedVote });
      if (round.mySignedNullify) this.out.push({ type: "broadcast", message: round.mySignedNullify });
    }
    const previous = this.rounds.get(view - 1)?.exit();
    if (previous) this.out.push({ type: "broadcast", message: previous });
    // Retry fetches that may have been lost.
    for (const digest of this.requestedBlocks) this.out.push({ type: "fetchBlock", digest });
    for (const v of this.requestedCertificates) this.out.push({ type: "fetchCertificate", view: v });
    this.out.push({ type: "setTimer", view, delayMs: 2 * this.config.deltaMs });
  }

  /** Rule 4: having voted for b, nullify once nullifiers ∪ voters for other blocks reach 2f + 1. */
  private checkNoProgress(): void {
    const round = this.rounds.get(this.view);
    if (!round || round.myVote === undefined || round.myNullify) return;
    const conflicting = new Set(round.nullifies.keys());
    for (const [signer, vote] of round.votesBySigner)
      if (vote.digest !== round.myVote) conflicting.add(signer);
    if (conflicting.size >= this.noProgressThreshold) this.castNullify(round);
  }

  // ---- rule 6: finalize ----------------------------------------------------------------------

  private tryFinalize(): void {
    const views = [...this.pendingFinal.keys()].sort((a, b) => a - b);
    for (const view of views) {
      const certificate = this.pendingFinal.get(view)!;
      if (view <= this.head.view) {
        this.pendingFinal.delete(view);
        if (view === this.head.view && certificate.digest !== this.head.digest) {
          this.fault({
            kind: "conflictingFinality",
            view,
            digest: certificate.digest,
            finalized: { ...this.head },
          });
        }
        continue;
      }
      const chain: KnownBlock[] = [];
      let digest = certificate.digest;
      let complete = false;
      for (;;) {
        if (digest === this.head.digest) {
          complete = true;
          break;
        }
        const known = this.blocks.get(digest);
        if (!known) {
          this.fetchBlock(digest);
          break;
        }
        if (known.context.view <= this.head.view) {
          this.pendingFinal.delete(view);
          this.fault({
            kind: "conflictingFinality",
            view,
            digest: certificate.digest,
            finalized: { ...this.head },
          });
          break;
        }
        chain.push(known);
        digest = known.context.parent;
      }
      if (!complete) continue;
      this.pendingFinal.delete(view);
      for (const known of chain.reverse()) {
        const height = this.head.height + 1;
        this.head = { view: known.context.view, digest: known.block.digest, height };
        this.out.push({
          type: "finalize",
          block: known.block,
          context: known.context,
          height,
          proof: certificate,
        });
      }
    }
    this.prune();
  }

  // ---- fetching, faults, pruning -------------------------------------------------------------

  private fetchBlock(digest: Digest): void {
    if (this.requestedBlocks.has(digest)) return;
    this.requestedBlocks.add(digest);
    this.out.push({ type: "fetchBlock", digest });
  }

  private fetchCertificate(view: View): void {
    if (this.requestedCertificates.has(view)) return;
    this.requestedCertificates.add(view);
    this.out.push({ type: "fetchCertificate", view });
  }

  private fault(fault: Fault): void {
    this.out.push({ type: "fault", fault });
  }

  /** Drop everything below the finalized view: no valid proposal can build below a final block. */
  private prune(): void {
    const floor = this.floor();
    for (const view of this.rounds.keys()) if (view < floor) this.rounds.delete(view);
    for (const [digest, known] of this.blocks) if (known.context.view < floor) this.blocks.delete(digest);
    for (const view of this.requestedCertificates) if (view < floor) this.requestedCertificates.delete(view);
  }

  /** Number of views held in memory (for tests of pruning). */
  heldViews(): number {
    return this.rounds.size;
  }
}
