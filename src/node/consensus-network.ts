/**
 * Minimmit's Network (consensus/engine.ts) over libp2p: signed messages and certificates travel on
 * direct validator streams (p2p/consensus-channel.ts); fetches of missing blocks and certificates go
 * through the sync protocol and their answers are fed back to the engine like any other message.
 * Certificates are forwarded by the rotating few that `CertificateRelay` picks, not by everyone.
 */
import type { ValidatorIndex } from "../consensus/application.js";
import { CertificateRelay, isCertificate } from "../consensus/certificate-relay.js";
import type { ConsensusEngine, FetchRequest, Network } from "../consensus/engine.js";
import type { ConsensusMessage } from "../consensus/messages.js";
import { encodeMessage } from "../consensus/wire.js";
import type { ConsensusChannel } from "../p2p/consensus-channel.js";
import type { SyncProtocol } from "../p2p/sync.js";
import type { SyncRequest } from "../p2p/sync-request.js";
import { decodeMessageList } from "./message-list.js";

export interface NetworkLogger {
  debug(object: object, message: string): void;
}

/** Who this validator is, for certificate forwarding (certificate-relay.ts). */
export interface RelaySettings {
  self: ValidatorIndex;
  f: number;
  /** The view timeout: validators outside a view's forwarders send to laggards after it. */
  fallbackMs: number;
}

export class ConsensusNetwork implements Network {
  private engine: ConsensusEngine | undefined;
  private readonly relay: CertificateRelay;
  private readonly indexOf: Map<string, ValidatorIndex>;

  constructor(
    private readonly channel: ConsensusChannel<ConsensusMessage>,
    private readonly sync: SyncProtocol,
    /** `peers[i]` is validator i's peer ID. */
    private readonly peers: readonly string[],
    private readonly log: NetworkLogger,
    relay: RelaySettings,
  ) {
    this.indexOf = new Map(peers.map((peer, index) => [peer, index]));
    this.relay = new CertificateRelay({
      ...relay,
      validators: peers.length,
      sendTo: (to, certificate) => this.send(to, certificate),
      broadcast: (certificate) => this.broadcastNow(certificate),
    });
  }

  /** Every message that arrives from a validator, before verification: evidence of the view it reached. */
  heard(peer: string, message: ConsensusMessage): void {
    const index = this.indexOf.get(peer);
    if (index !== undefined) this.relay.heard(index, message);
  }

  /** Stops pending certificate forwards. */
  close(): void {
    this.relay.close();
  }

  /** The engine is built after the network (it takes it as a dependency); answers go to it. */
  attach(engine: ConsensusEngine): void {
    this.engine = engine;
  }

  broadcast(message: ConsensusMessage): void {
    if (isCertificate(message)) this.relay.relay(message);
    else this.broadcastNow(message);
  }

  private broadcastNow(message: ConsensusMessage): void {
    this.channel.broadcast(encodeMessage(message)).catch((error: unknown) => {
      this.log.debug({ error: String(error), type: message.type, view: message.view }, "broadcast failed");
    });
  }

  send(to: ValidatorIndex, message: ConsensusMessage): void {
    const peer = this.peers[to];
    if (peer === undefined) return;
    this.channel.send(peer, encodeMessage(message)).catch((error: unknown) => {
      this.log.debug({ error: String(error), to, type: message.type }, "send failed");
    });
  }

  fetch(request: FetchRequest): void {
    const syncRequest: SyncRequest =
      request.type === "block"
        ? { kind: "block", digest: request.digest }
        : { kind: "certificates", from: BigInt(request.view), count: 1 };
    this.sync
      .request(undefined, syncRequest, {
        // An answer that does not decode, or carries a message the engine rejects, blames that peer.
        accept: (data) => {
          const engine = this.engine;
          if (engine === undefined) return true;
          let messages: ConsensusMessage[];
          try {
            messages = decodeMessageList(data);
          } catch {
            return false;
          }
          let ok = true;
          for (const message of messages) if (engine.deliver(message) === "reject") ok = false;
          return ok;
        },
      })
      .catch((error: unknown) => {
        this.log.debug({ error: String(error), request }, "fetch failed");
      });
  }
}
