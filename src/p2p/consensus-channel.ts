/**
 * The consensus channel: direct, length-prefixed streams between validators on /kairos/consensus/1.
 *
 * Each validator keeps one long-lived outbound stream to every other validator and reads the inbound
 * streams the others open to it. A message is one frame; no relaying (Minimmit broadcasts all-to-all and
 * forwards certificates itself), so a message reaches every validator in one hop: the lowest latency the
 * network allows, with no mesh to build or heartbeat to wait for.
 *
 * The channel is generic over the message type: the node injects the decoder (consensus wire codecs)
 * and the verifier (signature checks). Before a message reaches `onMessage` it has been
 * size-checked, attributed to a peer in the validator set, deduplicated, decoded and verified.
 */
import type { Connection, PeerId, Stream } from "@libp2p/interface";
import type { LengthPrefixedStream } from "@libp2p/utils";
import { MessageTooLargeError, P2pError } from "./errors.js";
import { framedStream, readFailure } from "./framing.js";
import type { P2pHost } from "./host.js";
import { type P2pLogger, silentLogger } from "./logger.js";
import { messageId, SeenCache } from "./seen-cache.js";
import type { Verdict } from "./verdict.js";

export const CONSENSUS_PROTOCOL = "/kairos/consensus/1";

export type { Verdict };

export interface ConsensusChannelOptions<M> {
  /** Peer IDs allowed to send consensus messages (the validator set, this node included or not). */
  validators: Iterable<string>;
  /** Decodes a frame; throws (preferably `MalformedMessageError`) on bytes that are not a message. */
  decode(bytes: Uint8Array): M;
  /** Checks signatures and anything else that must hold before use. `reject` scores the sender down. */
  verify(message: M, from: string): Verdict | Promise<Verdict>;
  /** Receives each verified message once, however many peers sent it. */
  onMessage(message: M, from: string): void;
  maxMessageBytes?: number;
  /** How many recent message hashes to remember for deduplication. */
  dedupCapacity?: number;
  /** How long to wait for a validator's stream to open before giving up on a send. */
  openTimeoutMs?: number;
  protocol?: string;
  logger?: P2pLogger;
}

export const defaultConsensusLimits = {
  maxMessageBytes: 4 * 1024 * 1024,
  dedupCapacity: 65_536,
  openTimeoutMs: 5_000,
};

/** Counters a test or the metrics module can read. */
export interface ConsensusChannelStats {
  received: number;
  delivered: number;
  duplicates: number;
  rejected: number;
  ignored: number;
  unauthorized: number;
}

export class ConsensusChannel<M> {
  readonly stats: ConsensusChannelStats = {
    received: 0,
    delivered: 0,
    duplicates: 0,
    rejected: 0,
    ignored: 0,
    unauthorized: 0,
  };
  readonly #host: P2pHost;
  readonly #options: ConsensusChannelOptions<M>;
  readonly #protocol: string;
  readonly #maxBytes: number;
  readonly #openTimeoutMs: number;
  readonly #seen: SeenCache;
  readonly #log: P2pLogger;
  readonly #outbound = new Map<string, Promise<LengthPrefixedStream<Stream>>>();
  readonly #inbound = new Set<Stream>();
  #validators: Set<string>;
  #running = false;

  constructor(host: P2pHost, options: ConsensusChannelOptions<M>) {
    this.#host = host;
    this.#options = options;
    this.#protocol = options.protocol ?? CONSENSUS_PROTOCOL;
    this.#maxBytes = options.maxMessageBytes ?? defaultConsensusLimits.maxMessageBytes;
    this.#openTimeoutMs = options.openTimeoutMs ?? defaultConsensusLimits.openTimeoutMs;
    this.#seen = new SeenCache(options.dedupCapacity ?? defaultConsensusLimits.dedupCapacity);
    this.#log = options.logger ?? silentLogger;
    this.#validators = new Set(options.validators);
  }

  async start(): Promise<void> {
    this.#running = true;
    // Every validator may hold one inbound stream per connection; a few spare for reconnect overlap.
    await this.#host.handle(this.#protocol, this.#onInboundStream, 4);
    this.#host.libp2p.addEventListener("peer:connect", this.#onConnect);
    // Open streams to validators already connected so the first message does not pay for negotiation.
    for (const peer of this.#host.connectedPeers()) this.#warmUp(peer);
  }

  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#host.libp2p.removeEventListener("peer:connect", this.#onConnect);
    if (this.#host.libp2p.status === "started") await this.#host.unhandle(this.#protocol);
    const closing: Promise<unknown>[] = [];
    for (const pending of this.#outbound.values()) {
      closing.push(pending.then((lp) => lp.unwrap().close()).catch(() => {}));
    }
    this.#outbound.clear();
    for (const stream of this.#inbound) stream.abort(new Error("consensus channel stopped"));
    this.#inbound.clear();
    await Promise.all(closing);
  }

  /** Replaces the validator set (for example at an epoch change). */
  setValidators(peers: Iterable<string>): void {
    this.#validators = new Set(peers);
  }

  isValidator(peer: string): boolean {
    return this.#validators.has(peer);
  }

  /**
   * Sends one message to every other validator. Resolves with the number of validators whose stream
   * accepted it; validators that cannot be reached are skipped (consensus tolerates their absence).
   */
  async broadcast(bytes: Uint8Array): Promise<number> {
    this.#checkSize(bytes);
    const targets = [...this.#validators].filter((peer) => peer !== this.#host.peerId);
    const results = await Promise.allSettled(targets.map((peer) => this.#write(peer, bytes)));
    return results.filter((result) => result.status === "fulfilled").length;
  }

  /** Sends one message to one validator; rejects if it cannot be delivered to its stream. */
  async send(peer: string, bytes: Uint8Array): Promise<void> {
    this.#checkSize(bytes);
    await this.#write(peer, bytes);
  }

  #checkSize(bytes: Uint8Array): void {
    if (bytes.byteLength > this.#maxBytes) throw new MessageTooLargeError(bytes.byteLength, this.#maxBytes);
  }

  async #write(peer: string, bytes: Uint8Array): Promise<void> {
    const current = this.#stream(peer);
    try {
      await (await current).write(bytes);
    } catch {
      // A stream that died since the last write (peer restarted, connection replaced): one fresh try.
      // Only forget it if a concurrent send has not replaced it already.
      if (this.#outbound.get(peer) === current) this.#outbound.delete(peer);
      current.then((lp) => lp.unwrap().abort(new Error("consensus stream failed"))).catch(() => {});
      await (await this.#stream(peer)).write(bytes);
    }
  }

  #stream(peer: string): Promise<LengthPrefixedStream<Stream>> {
    if (!this.#running) {
      return Promise.reject(new P2pError("NO_PEERS", "consensus channel is not running", { peer }));
    }
    const existing = this.#outbound.get(peer);
    if (existing !== undefined) return existing;
    const opening = this.#host
      .openStream(peer, this.#protocol, AbortSignal.timeout(this.#openTimeoutMs))
      .then((stream) => {
        stream.addEventListener("close", () => {
          if (this.#outbound.get(peer) === opening) this.#outbound.delete(peer);
        });
        // Outbound streams are write-only: the remote never answers on them.
        return framedStream(stream, 0);
      });
    opening.catch(() => {
      if (this.#outbound.get(peer) === opening) this.#outbound.delete(peer);
    });
    this.#outbound.set(peer, opening);
    return opening;
  }

  #warmUp(peer: string): void {
    if (this.#validators.has(peer) && peer !== this.#host.peerId) {
      this.#stream(peer).catch((error: unknown) => {
        this.#log.debug({ peer, error: String(error) }, "could not open consensus stream");
      });
    }
  }

  readonly #onConnect = (event: CustomEvent<PeerId>): void => {
    this.#warmUp(event.detail.toString());
  };

  readonly #onInboundStream = async (stream: Stream, connection: Connection): Promise<void> => {
    const from = connection.remotePeer.toString();
    if (!this.#validators.has(from)) {
      this.stats.unauthorized++;
      this.#host.penalize(from, "unauthorized");
      stream.abort(
        new P2pError("NOT_A_VALIDATOR", "consensus messages only from validators", { peer: from }),
      );
      return;
    }
    this.#inbound.add(stream);
    const frames = framedStream(stream, this.#maxBytes);
    try {
      while (this.#running) {
        const frame = await frames.read();
        await this.#receive(frame.subarray(), from);
        if (this.#host.isBanned(from)) break;
      }
    } catch (error) {
      const failure = readFailure(error);
      if (failure !== "end") {
        this.#host.penalize(from, failure);
        this.#log.debug({ peer: from, failure, error: String(error) }, "bad consensus frame");
      }
    } finally {
      this.#inbound.delete(stream);
      if (stream.status === "open") stream.abort(new Error("consensus stream ended"));
    }
  };

  async #receive(bytes: Uint8Array, from: string): Promise<void> {
    this.stats.received++;
    // The validator set may have changed while the stream was open.
    if (!this.#validators.has(from)) {
      this.stats.unauthorized++;
      this.#host.penalize(from, "unauthorized");
      return;
    }
    const id = messageId(bytes);
    if (this.#seen.has(id)) {
      this.stats.duplicates++;
      return;
    }
    let message: M;
    try {
      message = this.#options.decode(bytes);
    } catch (error) {
      this.stats.rejected++;
      this.#seen.add(id);
      this.#host.penalize(from, "malformed");
      this.#log.debug({ peer: from, error: String(error) }, "undecodable consensus message");
      return;
    }
    let verdict: Verdict;
    try {
      verdict = await this.#options.verify(message, from);
    } catch (error) {
      // A verifier that throws is our bug, not the peer's fault.
      this.#log.warn({ peer: from, error: String(error) }, "consensus verifier threw");
      verdict = "ignore";
    }
    if (verdict === "ignore") {
      this.stats.ignored++;
      return;
    }
    if (verdict === "reject") {
      this.stats.rejected++;
      this.#seen.add(id);
      this.#host.penalize(from, "invalid");
      return;
    }
    // Another peer's copy may have been verified while we awaited.
    if (this.#seen.has(id)) {
      this.stats.duplicates++;
      return;
    }
    this.#seen.add(id);
    this.stats.delivered++;
    try {
      this.#options.onMessage(message, from);
    } catch (error) {
      this.#log.warn({ peer: from, error: String(error) }, "consensus message handler threw");
    }
  }
}
