/**
 * Transaction gossip on gossipsub (topic /kairos/tx/1). Raw transaction bytes travel in unsigned
 * envelopes identified by their hash (the host configures gossipsub so). Every incoming transaction
 * passes the node's validator before gossipsub delivers or relays it, so an invalid transaction stops at
 * the first honest hop.
 *
 * A validator also pushes the transactions it publishes straight to the other validators over direct
 * streams (one hop, no mesh, no heartbeat: 3–5× faster than gossipsub here, bench/p2p.md), so the next
 * leader holds a transaction sent to any validator's RPC as early as the network allows. Gossipsub
 * still carries it to everyone else; the copies that arrive twice are ignored by the pool.
 */
import type { GossipsubMessage, Message, TopicValidatorFn } from "@libp2p/gossipsub";
import { TopicValidatorResult } from "@libp2p/gossipsub";
import type { PeerId } from "@libp2p/interface";
import { ConsensusChannel } from "./consensus-channel.js";
import { MessageTooLargeError } from "./errors.js";
import { defaultPubsubOptions, type P2pHost } from "./host.js";
import { type P2pLogger, silentLogger } from "./logger.js";
import type { Verdict } from "./verdict.js";

export const TX_TOPIC = "/kairos/tx/1";
export const TX_DIRECT_PROTOCOL = "/kairos/tx-direct/1";

export interface TxGossipOptions {
  /**
   * Decides whether a transaction is delivered and relayed. `reject` is for transactions no honest node
   * would send (undecodable, bad signature, wrong chain): it scores the relaying peer down. Transactions
   * that are merely stale or unaffordable now (nonce used, fee too low) should be `ignore`.
   */
  validate(tx: Uint8Array, from: string): Verdict | Promise<Verdict>;
  /** Receives each accepted transaction once (after `validate` returned `accept`). */
  onTransaction(tx: Uint8Array, from: string): void;
  /** Must not exceed the host's pubsub `maxMessageBytes`, which gossipsub enforces before decoding. */
  maxTxBytes?: number;
  topic?: string;
  /** Peers (the validator set) this node pushes its published transactions to and accepts pushes from. */
  directPeers?: Iterable<string>;
  logger?: P2pLogger;
}

const toResult: Record<Verdict, TopicValidatorResult> = {
  accept: TopicValidatorResult.Accept,
  ignore: TopicValidatorResult.Ignore,
  reject: TopicValidatorResult.Reject,
};

export class TxGossip {
  readonly #host: P2pHost;
  readonly #options: TxGossipOptions;
  readonly #topic: string;
  readonly #maxBytes: number;
  readonly #log: P2pLogger;
  readonly #direct: ConsensusChannel<Uint8Array> | undefined;

  constructor(host: P2pHost, options: TxGossipOptions) {
    this.#host = host;
    this.#options = options;
    this.#topic = options.topic ?? TX_TOPIC;
    this.#maxBytes = options.maxTxBytes ?? defaultPubsubOptions.maxMessageBytes;
    this.#log = options.logger ?? silentLogger;
    if (options.directPeers !== undefined) {
      this.#direct = new ConsensusChannel<Uint8Array>(host, {
        protocol: TX_DIRECT_PROTOCOL,
        validators: options.directPeers,
        decode: (bytes) => bytes,
        verify: (tx, from) => options.validate(tx, from),
        onMessage: (tx, from) => options.onTransaction(tx, from),
        maxMessageBytes: this.#maxBytes,
        logger: this.#log,
      });
    }
  }

  async start(): Promise<void> {
    const pubsub = this.#host.libp2p.services.pubsub;
    pubsub.topicValidators.set(this.#topic, this.#validate);
    pubsub.addEventListener("gossipsub:message", this.#onMessage);
    pubsub.subscribe(this.#topic);
    await this.#direct?.start();
  }

  async stop(): Promise<void> {
    const pubsub = this.#host.libp2p.services.pubsub;
    pubsub.removeEventListener("gossipsub:message", this.#onMessage);
    if (this.#host.libp2p.status === "started") pubsub.unsubscribe(this.#topic);
    pubsub.topicValidators.delete(this.#topic);
    await this.#direct?.stop();
  }

  /**
   * Gossips a transaction this node has already validated (from RPC or its own mempool). Resolves with
   * the number of peers it was sent to; publishing the same bytes twice sends them once.
   */
  async publish(tx: Uint8Array): Promise<number> {
    if (tx.byteLength > this.#maxBytes) throw new MessageTooLargeError(tx.byteLength, this.#maxBytes);
    this.#direct?.broadcast(tx).catch((error: unknown) => {
      this.#log.debug({ error: String(error) }, "direct transaction push failed");
    });
    const { recipients } = await this.#host.libp2p.services.pubsub.publish(this.#topic, tx);
    return recipients.length;
  }

  /** Peers known to be subscribed to the transaction topic. */
  subscribers(): string[] {
    return this.#host.libp2p.services.pubsub.getSubscribers(this.#topic).map((peer) => peer.toString());
  }

  readonly #validate: TopicValidatorFn = async (peer: PeerId, message: Message) => {
    const from = peer.toString();
    if (message.data.byteLength > this.#maxBytes) {
      this.#host.penalize(from, "oversized");
      return TopicValidatorResult.Reject;
    }
    let verdict: Verdict;
    try {
      verdict = await this.#options.validate(message.data, from);
    } catch (error) {
      this.#log.warn({ peer: from, error: String(error) }, "transaction validator threw");
      verdict = "ignore";
    }
    if (verdict === "reject") this.#host.penalize(from, "rejected-tx");
    return toResult[verdict];
  };

  readonly #onMessage = (event: CustomEvent<GossipsubMessage>): void => {
    const { msg, propagationSource } = event.detail;
    if (msg.topic !== this.#topic) return;
    try {
      this.#options.onTransaction(msg.data, propagationSource.toString());
    } catch (error) {
      this.#log.warn({ error: String(error) }, "transaction handler threw");
    }
  };
}
