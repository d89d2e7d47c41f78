/**
 * The deterministic simulator: n validators (real ConsensusEngines) on a virtual clock, links with
 * latency, jitter and loss, partitions made and healed at run time, crashes and restarts from the
 * persisted SignedStore, and Byzantine behaviours. Every run checks the DESIGN §2 invariants
 * continuously; the same seed gives the same run (compare `eventDigest()`).
 */
import { createHash } from "node:crypto";
import type { Digest, ValidatorIndex, View } from "../application.js";
import { CertificateRelay, isCertificate } from "../certificate-relay.js";
import { ConsensusEngine, type FetchRequest, type Network } from "../engine.js";
import { type LeaderScheduleConfig, leaderSchedule } from "../leader.js";
import { MemorySignedStore } from "../memory-store.js";
import { type ConsensusMessage, type SignedMessage, signerOf } from "../messages.js";
import { quorums } from "../quorums.js";
import { type SigningScheme, SimulatedScheme, type ValidatorSigner } from "../signing.js";
import { decodeMessage, encodeMessage } from "../wire.js";
import { SimulatedApplication } from "./application.js";
import { type Behaviour, outbound } from "./byzantine.js";
import { InvariantChecker, InvariantViolation } from "./invariants.js";
import { Prng } from "./prng.js";
import { Scheduler } from "./scheduler.js";

export interface Link {
  /** Mean one-way latency. */
  latencyMs: number;
  /** Delay is uniform in latency ± jitter (never below zero). */
  jitterMs: number;
  /** Probability that a message is lost. */
  loss: number;
}

/** A node is one running copy of a validator key (twins are two nodes with one key). */
export type NodeId = number;

export interface SimulationOptions {
  seed: number;
  n: number;
  f?: number;
  /** Δ; a view's timer is 2Δ. Default 100 ms. */
  deltaMs?: number;
  /** One link model for all pairs, or one per pair of nodes. Default 50 ms, no jitter, no loss. */
  links?: Link | ((from: NodeId, to: NodeId) => Link);
  /** Byzantine behaviour by validator key. */
  byzantine?: Record<ValidatorIndex, Behaviour>;
  /** Keys run by two honest-looking nodes each. */
  twins?: ValidatorIndex[];
  leaders?: LeaderScheduleConfig;
  /** Pass every message through the wire codecs (default true). */
  encode?: boolean;
  noProgressThreshold?: number;
  /** Real keys instead of the fast insecure SimulatedScheme (e.g. BLS12-381). */
  keys?: { scheme: SigningScheme; signer: (key: ValidatorIndex) => ValidatorSigner };
  /** How many trace lines a violation reports (default 60). */
  traceLines?: number;
  /**
   * Forward certificates as the node does (certificate-relay.ts: f + 1 rotating forwarders, the rest
   * after a view timeout to peers that lag) instead of Minimmit's every-validator-to-everyone.
   */
  relay?: boolean;
}

export interface SimNode {
  id: NodeId;
  key: ValidatorIndex;
  behaviour: Behaviour;
  /** Honest: follows the protocol and is not one of a pair of twins. */
  honest: boolean;
  store: MemorySignedStore;
  app: SimulatedApplication;
  engine: ConsensusEngine | undefined;
  network: Network;
  alive: boolean;
  /** Messages it received (the replayer draws from them). */
  inbox: ConsensusMessage[];
  /** Its certificate relay while it runs, with the `relay` option. */
  relay: CertificateRelay | undefined;
}

export class Simulation {
  readonly scheduler = new Scheduler();
  readonly prng: Prng;
  readonly scheme: SigningScheme;
  /** The secret key of validator `key` (Byzantine behaviours sign with it too). */
  readonly signer: (key: ValidatorIndex) => ValidatorSigner;
  readonly namespace = new TextEncoder().encode("kairos-sim");
  readonly nodes: SimNode[] = [];
  readonly checker: InvariantChecker;
  readonly deltaMs: number;
  readonly q;
  readonly leaders;
  /** view → node → time it entered the view. */
  readonly viewEntered = new Map<View, Map<NodeId, number>>();
  /** digest → node → time it finalized the block. */
  readonly finalizedAt = new Map<Digest, Map<NodeId, number>>();
  /** view → time and digest of the leader's (first) proposal. */
  readonly proposedAt = new Map<View, { at: number; digest: Digest }>();
  readonly messagesSent = { total: 0, lost: 0 };
  private readonly trace: string[] = [];
  private readonly hash = createHash("sha256");
  private groups: Map<NodeId, number> | undefined;
  private readonly linkOf: (from: NodeId, to: NodeId) => Link;
  private failure: Error | undefined;

  constructor(readonly options: SimulationOptions) {
    this.prng = new Prng(options.seed);
    const simulated = new SimulatedScheme(options.n, options.seed);
    this.scheme = options.keys?.scheme ?? simulated;
    this.signer = options.keys?.signer ?? ((key) => simulated.signer(key));
    this.q = quorums(options.n, options.f);
    this.leaders = leaderSchedule(options.n, options.leaders);
    this.deltaMs = options.deltaMs ?? 100;
    const links = options.links ?? { latencyMs: 50, jitterMs: 0, loss: 0 };
    this.linkOf = typeof links === "function" ? links : () => links;
    this.checker = new InvariantChecker(this.q, this.scheme, this.namespace);
    const twins = new Set(options.twins ?? []);
    for (let key = 0; key < options.n; key++) {
      const behaviour = options.byzantine?.[key] ?? { kind: "honest" };
      const copies = twins.has(key) ? 2 : 1;
      for (let c = 0; c < copies; c++)
        this.addNode(key, behaviour, !twins.has(key) && behaviour.kind === "honest");
    }
  }

  private addNode(key: ValidatorIndex, behaviour: Behaviour, honest: boolean): void {
    const id = this.nodes.length;
    const node: SimNode = {
      id,
      key,
      behaviour,
      honest,
      store: new MemorySignedStore(),
      app: new SimulatedApplication(),
      engine: undefined,
      alive: false,
      inbox: [],
      relay: undefined,
      network: {
        broadcast: (message) => {
          if (node.relay && isCertificate(message)) node.relay.relay(message);
          else this.send(node, this.peersOf(node), message);
        },
        send: (to, message) => this.sendToKey(node, to, message),
        fetch: (request) => this.fetch(node, request),
      },
    };
    this.nodes.push(node);
  }

  /** To every node running validator `key` (twins are two), except the sender itself. */
  private sendToKey(node: SimNode, key: ValidatorIndex, message: ConsensusMessage): void {
    this.send(
      node,
      this.nodes.filter((p) => p.key === key && p.id !== node.id).map((p) => p.id),
      message,
    );
  }

  private peersOf(node: SimNode): NodeId[] {
    return this.nodes.filter((p) => p.id !== node.id).map((p) => p.id);
  }

  // ---- control -------------------------------------------------------------------------------

  private started = false;

  /** Start every node (silent ones never start); `run` does this on its first call. */
  private start(): void {
    for (const node of this.nodes) if (node.behaviour.kind !== "silent") this.boot(node);
    for (const node of this.nodes) {
      const b = node.behaviour;
      if (b.kind === "crash") this.scheduler.at(b.atMs, () => this.crash(node.id));
    }
  }

  private boot(node: SimNode): void {
    const engine = new ConsensusEngine(
      {
        validators: this.options.n,
        f: this.options.f,
        signer: this.signer(node.key),
        namespace: this.namespace,
        deltaMs: this.deltaMs,
        leaders: this.leaders,
        noProgressThreshold: this.options.noProgressThreshold,
      },
      {
        clock: this.scheduler,
        network: node.network,
        store: node.store,
        application: node.app,
        scheme: this.scheme,
      },
    );
    engine.subscribe((activity) => {
      const t = activity.at;
      switch (activity.type) {
        case "viewEntered": {
          this.record(`${t} n${node.id} view ${activity.view}`);
          const entries = this.viewEntered.get(activity.view) ?? new Map<NodeId, number>();
          this.viewEntered.set(activity.view, entries);
          if (!entries.has(node.id)) entries.set(node.id, t);
          break;
        }
        case "proposal":
          if (activity.proposal.proposer === node.key) {
            this.record(
              `${t} n${node.id} propose v${activity.proposal.view} ${activity.proposal.block.digest.slice(0, 10)}`,
            );
            if (!this.proposedAt.has(activity.proposal.view)) {
              this.proposedAt.set(activity.proposal.view, { at: t, digest: activity.proposal.block.digest });
            }
          }
          break;
        case "vote":
          this.record(
            `${t} n${node.id} vote v${activity.vote.view} ${activity.vote.signer} ${activity.vote.digest.slice(0, 10)}`,
          );
          break;
        case "nullify":
          this.record(`${t} n${node.id} nullify v${activity.nullify.view} ${activity.nullify.signer}`);
          break;
        case "certificate":
          this.record(`${t} n${node.id} ${activity.certificate.type} v${activity.certificate.view}`);
          if (node.honest) this.checker.certificate(activity.certificate);
          break;
        case "finalized": {
          this.record(
            `${t} n${node.id} final h${activity.height} v${activity.view} ${activity.digest.slice(0, 10)}`,
          );
          if (node.honest) {
            this.checker.finalized(node.id, activity.height, activity.digest);
            const at = this.finalizedAt.get(activity.digest) ?? new Map<NodeId, number>();
            this.finalizedAt.set(activity.digest, at);
            at.set(node.id, t);
          }
          break;
        }
        case "fault":
          this.record(`${t} n${node.id} fault ${activity.fault.kind}`);
          break;
        case "error":
          this.record(`${t} n${node.id} error ${activity.error.message}`);
          if (node.honest) this.failure ??= activity.error;
          break;
      }
    });
    node.engine = engine;
    node.alive = true;
    if (this.options.relay) {
      node.relay = new CertificateRelay({
        self: node.key,
        validators: this.options.n,
        f: this.q.f,
        fallbackMs: 2 * this.deltaMs,
        clock: this.scheduler,
        sendTo: (to, certificate) => this.sendToKey(node, to, certificate),
        broadcast: (certificate) => this.send(node, this.peersOf(node), certificate),
      });
    }
    void engine.start();
  }

  /** Crash a node: it stops at once; its store (what it signed) survives. */
  crash(id: NodeId): void {
    const node = this.nodes[id];
    if (!node.alive) return;
    node.engine?.stop();
    node.engine = undefined;
    node.relay?.close();
    node.relay = undefined;
    node.alive = false;
    this.record(`${this.scheduler.now()} n${id} crash`);
  }

  /** Restart a crashed node from its persisted store. */
  restart(id: NodeId): void {
    const node = this.nodes[id];
    if (node.alive) return;
    this.record(`${this.scheduler.now()} n${id} restart`);
    this.boot(node);
  }

  /** Split the network: nodes in different groups cannot reach each other (nodes in no group are isolated). */
  partition(groups: NodeId[][]): void {
    this.groups = new Map();
    groups.forEach((group, g) => {
      for (const id of group) this.groups!.set(id, g);
    });
    this.record(`${this.scheduler.now()} partition ${JSON.stringify(groups)}`);
  }

  heal(): void {
    this.groups = undefined;
    this.record(`${this.scheduler.now()} heal`);
  }

  /** Schedule a control action (partition, crash, restart…) at a virtual time. */
  at(time: number, action: () => void): void {
    this.scheduler.at(time, action);
  }

  /** Run until virtual time `until`; throws InvariantViolation on the first broken invariant. */
  async run(until: number): Promise<void> {
    if (!this.started) {
      this.started = true;
      this.start();
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.scheduler.step(until)) {
      // Let the engines finish the work this event started (it is all promise continuations).
      await new Promise<void>((resolve) => setImmediate(resolve));
      this.check();
    }
    this.scheduler.advanceTo(until);
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.check();
  }

  private check(): void {
    const violation = this.checker.violation;
    if (violation) {
      throw new InvariantViolation(violation.invariant, {
        seed: this.options.seed,
        at: this.scheduler.now(),
        detail: violation.detail,
        trace: this.trace.slice(-(this.options.traceLines ?? 60)),
      });
    }
    if (this.failure) {
      throw new InvariantViolation("an honest validator keeps running", {
        seed: this.options.seed,
        at: this.scheduler.now(),
        detail: this.failure.message,
        trace: this.trace.slice(-(this.options.traceLines ?? 60)),
      });
    }
  }

  // ---- network -------------------------------------------------------------------------------

  private reachable(from: NodeId, to: NodeId): boolean {
    if (!this.groups) return true;
    const a = this.groups.get(from);
    return a !== undefined && a === this.groups.get(to);
  }

  private send(node: SimNode, targets: NodeId[], message: ConsensusMessage): void {
    if (!node.alive) return;
    for (const [to, m] of outbound(this, node, targets, message)) {
      if (node.honest && isSigned(m) && signerOf(m) === node.key) this.checker.sent(node.key, m);
      for (const id of to) this.transmit(node.id, id, m);
    }
  }

  /** One message over one link: loss, latency and jitter drawn from the seeded PRNG. */
  transmit(from: NodeId, to: NodeId, message: ConsensusMessage): void {
    this.messagesSent.total++;
    const link = this.linkOf(from, to);
    if (!this.reachable(from, to) || (link.loss > 0 && this.prng.chance(link.loss))) {
      this.messagesSent.lost++;
      return;
    }
    const delay = Math.max(0, link.latencyMs + link.jitterMs * (2 * this.prng.next() - 1));
    const wire = this.options.encode === false ? undefined : encodeMessage(message);
    this.scheduler.at(this.scheduler.now() + delay, () => {
      const target = this.nodes[to];
      if (!target.alive || !target.engine || !this.reachable(from, to)) return;
      const received = wire ? decodeMessage(wire) : message;
      target.relay?.heard(this.nodes[from].key, received);
      if (target.behaviour.kind === "replayer") {
        target.inbox.push(received);
        if (target.inbox.length > 256) target.inbox.shift();
      }
      target.engine.deliver(received);
    });
  }

  /** Ask up to three random reachable-or-not peers; each answers over its link. */
  private fetch(node: SimNode, request: FetchRequest): void {
    const peers = this.prng.shuffle(this.peersOf(node)).slice(0, 3);
    for (const peer of peers) {
      const link = this.linkOf(node.id, peer);
      if (!this.reachable(node.id, peer) || this.prng.chance(link.loss)) continue;
      const delay = Math.max(0, link.latencyMs + link.jitterMs * (2 * this.prng.next() - 1));
      this.scheduler.at(this.scheduler.now() + delay, () => {
        const server = this.nodes[peer];
        if (!server.alive || !server.engine) return;
        for (const answer of server.engine.answer(request)) this.transmit(peer, node.id, answer);
      });
    }
  }

  // ---- trace and results ---------------------------------------------------------------------

  private record(line: string): void {
    this.hash.update(line);
    this.hash.update("\n");
    this.trace.push(line);
    if (this.trace.length > 2_000) this.trace.splice(0, 1_000);
  }

  /** A digest of every event so far: equal seeds must give equal digests. */
  eventDigest(): string {
    return this.hash.copy().digest("hex");
  }

  honestNodes(): SimNode[] {
    return this.nodes.filter((n) => n.honest);
  }

  /** Finalized height of a node (from its application's committed chain). */
  height(id: NodeId): number {
    return this.nodes[id].app.chain.length;
  }

  minHonestHeight(): number {
    return Math.min(...this.honestNodes().map((n) => this.height(n.id)));
  }

  maxView(): View {
    return Math.max(0, ...this.nodes.map((n) => n.engine?.currentView() ?? 0));
  }
}

function isSigned(message: ConsensusMessage): message is SignedMessage {
  return message.type === "proposal" || message.type === "vote" || message.type === "nullify";
}
