/**
 * The libp2p host of a validator: TCP + noise + yamux + identify + gossipsub, an identity from the
 * node's private key, a set of peers it keeps connected (redialled with exponential backoff), and the
 * peer score book that every protocol reports misbehaviour to. A banned peer is hung up on and refused,
 * inbound and outbound, until its ban expires.
 *
 * Protocols (consensus channel, transaction gossip, sync) are separate modules that take this host.
 */
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { type GossipSub, gossipsub, StrictNoSign } from "@libp2p/gossipsub";
import { type Identify, identify } from "@libp2p/identify";
import type { PeerId, PrivateKey, Stream, StreamHandler } from "@libp2p/interface";
import { peerIdFromString } from "@libp2p/peer-id";
import { tcp } from "@libp2p/tcp";
import { type Multiaddr, multiaddr } from "@multiformats/multiaddr";
import { createLibp2p, type Libp2p } from "libp2p";
import { InvalidPeerAddressError } from "./errors.js";
import { type P2pLogger, silentLogger } from "./logger.js";
import { type Offence, PeerScoreBook, type PeerScoreOptions } from "./peer-score.js";
import { messageId } from "./seen-cache.js";
import { installYamuxWindowHysteresis } from "./yamux-window.js";

export interface HostServices extends Record<string, unknown> {
  identify: Identify;
  pubsub: GossipSub;
}

export interface RedialOptions {
  minMs: number;
  maxMs: number;
}

export interface PubsubOptions {
  /** The only topics this host subscribes to or relays; others are refused. */
  topics: string[];
  /** Largest gossiped message, in bytes. */
  maxMessageBytes: number;
}

export interface P2pHostOptions {
  /** The node's libp2p identity (loaded by the node from its identity key file). */
  privateKey: PrivateKey;
  /** Multiaddrs to listen on; default one free TCP port on 127.0.0.1. */
  listen?: string[];
  /** Peers to stay connected to (validators, bootnodes): multiaddrs ending in `/p2p/<peer id>`. */
  peers?: string[];
  redial?: Partial<RedialOptions>;
  score?: Partial<PeerScoreOptions>;
  pubsub?: Partial<PubsubOptions>;
  logger?: P2pLogger;
  /** Called once each time a peer's score crosses the ban threshold. */
  onPeerBanned?(peer: string, score: number): void;
}

export const defaultRedialOptions: RedialOptions = { minMs: 100, maxMs: 5_000 };
export const defaultPubsubOptions: PubsubOptions = { topics: ["/kairos/tx/1"], maxMessageBytes: 128 * 1024 };

/** How often the score book is pruned. */
const MAINTENANCE_MS = 30_000;

interface KeptPeer {
  id: PeerId;
  addr: Multiaddr;
  backoffMs: number;
  timer: NodeJS.Timeout | undefined;
  dialing: boolean;
}

export class P2pHost {
  readonly libp2p: Libp2p<HostServices>;
  readonly peerId: string;
  readonly #scores: PeerScoreBook;
  readonly #redial: RedialOptions;
  readonly #log: P2pLogger;
  readonly #onPeerBanned: ((peer: string, score: number) => void) | undefined;
  readonly #kept = new Map<string, KeptPeer>();
  #stopping = new AbortController();
  #maintenance: NodeJS.Timeout | undefined;
  #running = false;

  private constructor(libp2p: Libp2p<HostServices>, scores: PeerScoreBook, options: P2pHostOptions) {
    this.libp2p = libp2p;
    this.peerId = libp2p.peerId.toString();
    this.#scores = scores;
    this.#redial = { ...defaultRedialOptions, ...options.redial };
    this.#log = options.logger ?? silentLogger;
    this.#onPeerBanned = options.onPeerBanned;
    for (const addr of options.peers ?? []) this.keepConnected(addr);
  }

  /** Builds the host; nothing listens or dials until `start()`. */
  static async create(options: P2pHostOptions): Promise<P2pHost> {
    installYamuxWindowHysteresis();
    const scores = new PeerScoreBook(options.score);
    const pubsub = { ...defaultPubsubOptions, ...options.pubsub };
    const refuseBanned = (peer: PeerId) => scores.isBanned(peer.toString());
    const libp2p = await createLibp2p<HostServices>({
      start: false,
      privateKey: options.privateKey,
      addresses: { listen: options.listen ?? ["/ip4/127.0.0.1/tcp/0"] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionGater: {
        // Loopback and private addresses are where a localnet lives: allow them.
        denyDialMultiaddr: () => false,
        denyDialPeer: refuseBanned,
        denyInboundEncryptedConnection: refuseBanned,
        denyOutboundEncryptedConnection: refuseBanned,
      },
      services: {
        identify: identify(),
        pubsub: gossipsub({
          // Transactions carry their own signatures: unsigned envelopes, identified by content, so the
          // same transaction from two publishers is one message.
          globalSignaturePolicy: StrictNoSign,
          msgIdFn: (message) => Buffer.from(messageId(message.data), "base64"),
          allowedTopics: pubsub.topics,
          maxInboundDataLength: pubsub.maxMessageBytes,
          allowPublishToZeroTopicPeers: true,
          ignoreDuplicatePublishError: true,
          emitSelf: false,
        }),
      },
    });
    return new P2pHost(libp2p, scores, options);
  }

  async start(): Promise<void> {
    await this.libp2p.start();
    this.#stopping = new AbortController();
    this.#running = true;
    this.libp2p.addEventListener("peer:disconnect", this.#onDisconnect);
    this.#maintenance = setInterval(() => this.#scores.prune(), MAINTENANCE_MS);
    this.#maintenance.unref();
    for (const kept of this.#kept.values()) this.#schedule(kept, this.#firstDialDelay(kept));
  }

  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#stopping.abort();
    clearInterval(this.#maintenance);
    this.libp2p.removeEventListener("peer:disconnect", this.#onDisconnect);
    for (const kept of this.#kept.values()) clearTimeout(kept.timer);
    await this.libp2p.stop();
  }

  /** The multiaddrs peers can dial, each ending in `/p2p/<peer id>`. */
  addresses(): string[] {
    return this.libp2p.getMultiaddrs().map((addr) => addr.toString());
  }

  connectedPeers(): string[] {
    return this.libp2p.getPeers().map((peer) => peer.toString());
  }

  isConnected(peer: string): boolean {
    return this.libp2p.getConnections(peerIdFromString(peer)).length > 0;
  }

  /** Adds a peer to the set kept connected (redialled with backoff whenever it drops). */
  keepConnected(address: string): void {
    let addr: Multiaddr;
    try {
      addr = multiaddr(address);
    } catch (error) {
      throw new InvalidPeerAddressError(address, "not a multiaddr", { cause: error });
    }
    const idText = addr.getComponents().find((component) => component.name === "p2p")?.value;
    if (idText === undefined) throw new InvalidPeerAddressError(address, "no /p2p/<peer id> part");
    if (idText === this.peerId || this.#kept.has(idText)) return;
    const kept: KeptPeer = {
      id: peerIdFromString(idText),
      addr,
      backoffMs: this.#redial.minMs,
      timer: undefined,
      dialing: false,
    };
    this.#kept.set(idText, kept);
    if (this.#running) this.#schedule(kept, this.#firstDialDelay(kept));
  }

  /** Records misbehaviour; a peer whose score falls to the threshold is disconnected and refused. */
  penalize(peer: string, offence: Offence): void {
    const { score, banned } = this.#scores.penalize(peer, offence);
    this.#log.debug({ peer, offence, score }, "peer penalized");
    if (!banned) return;
    this.#log.warn({ peer, score }, "peer banned");
    this.#onPeerBanned?.(peer, score);
    if (this.#running) {
      this.libp2p.hangUp(peerIdFromString(peer)).catch((error: unknown) => {
        this.#log.debug({ peer, error: String(error) }, "hang up failed");
      });
    }
  }

  score(peer: string): number {
    return this.#scores.score(peer);
  }

  isBanned(peer: string): boolean {
    return this.#scores.isBanned(peer);
  }

  async handle(protocol: string, handler: StreamHandler, maxInboundStreams = 32): Promise<void> {
    await this.libp2p.handle(protocol, handler, { maxInboundStreams });
  }

  async unhandle(protocol: string): Promise<void> {
    await this.libp2p.unhandle(protocol);
  }

  /** Opens a stream to a peer, dialling it first if needed (its address must be known). */
  async openStream(peer: string, protocol: string, signal?: AbortSignal): Promise<Stream> {
    return this.libp2p.dialProtocol(peerIdFromString(peer), protocol, { signal });
  }

  readonly #onDisconnect = (event: CustomEvent<PeerId>): void => {
    const kept = this.#kept.get(event.detail.toString());
    if (kept !== undefined) this.#schedule(kept, this.#firstDialDelay(kept));
  };

  /**
   * Validators list each other, so both ends of a pair would dial at once and open two connections
   * (double the handshakes). The end with the lower peer ID dials at once; the other waits a little and
   * dials only if no connection came in meanwhile.
   */
  #firstDialDelay(kept: KeptPeer): number {
    return this.peerId < kept.id.toString() ? 0 : Math.min(this.#redial.maxMs, 10 * this.#redial.minMs);
  }

  #schedule(kept: KeptPeer, delayMs: number): void {
    if (!this.#running || kept.dialing) return;
    clearTimeout(kept.timer);
    const banMs = this.#scores.banRemainingMs(kept.id.toString());
    kept.timer = setTimeout(() => void this.#dial(kept), Math.max(delayMs, banMs));
  }

  async #dial(kept: KeptPeer): Promise<void> {
    kept.timer = undefined;
    if (!this.#running || this.libp2p.getConnections(kept.id).length > 0) return;
    kept.dialing = true;
    try {
      await this.libp2p.dial(kept.addr, { signal: this.#stopping.signal });
      kept.backoffMs = this.#redial.minMs;
      kept.dialing = false;
    } catch (error) {
      kept.dialing = false;
      if (!this.#running) return;
      // Jitter keeps two validators that lost each other from redialling in lockstep.
      const next = Math.min(this.#redial.maxMs, kept.backoffMs * 2) * (0.75 + Math.random() * 0.5);
      this.#log.debug({ peer: kept.id.toString(), error: String(error), retryMs: next }, "dial failed");
      kept.backoffMs = Math.min(this.#redial.maxMs, kept.backoffMs * 2);
      this.#schedule(kept, next);
    }
  }
}
