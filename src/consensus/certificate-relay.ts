/**
 * Who forwards a certificate on the validators' network, and when.
 *
 * Minimmit has every validator forward each certificate it forms or receives (rule 5), so that a
 * validator that missed some votes still advances and finalizes. Over the node's reliable streams
 * every validator receives every vote directly and forms the same certificates itself, so six
 * validators forwarding each M- and L-notarization to five peers is 60 frames per view, nearly all of
 * them redundant: two thirds of a validator's network traffic, and a large share of its CPU.
 *
 * Here, per view, only f + 1 validators forward at once (views rotate over the set, so at least one
 * forwarder of every view is honest). Every other validator waits one view timeout and then sends the
 * certificate only to peers that have shown no sign of having passed that view: no signed message of
 * a later view and no certificate of that view or later. A validator that missed votes, was down or
 * partitioned therefore still gets every certificate, from the rotating forwarders at once or from
 * everyone after a timeout. A certificate the engine sends a second time (on a view timeout, or after
 * a restart) goes at once to every peer without that evidence. Certificates carry their own proof, so
 * who sends them changes liveness only, never safety.
 *
 * The simulator runs Minimmit's all-to-all forwarding by default and this relay with `--relay`
 * (`npm run sim -- --seeds N --relay`): its links lose messages, which the node's streams do not, so
 * it shows what the relay costs in liveness when they do.
 */
import type { ValidatorIndex, View } from "./application.js";
import type { Clock, TimerHandle } from "./engine.js";
import type { Certificate, ConsensusMessage } from "./messages.js";

export interface CertificateRelayOptions {
  /** This validator's index and the validator set size n. */
  self: ValidatorIndex;
  validators: number;
  /** Faults tolerated: each view has f + 1 immediate forwarders. */
  f: number;
  /** How long a validator outside the forwarders waits before sending to peers that lag (the view timeout). */
  fallbackMs: number;
  /** Timers of the fallback sends; default the process's own (not keeping it alive). */
  clock?: Pick<Clock, "setTimer" | "cancel">;
  sendTo(peer: ValidatorIndex, certificate: Certificate): void;
  broadcast(certificate: Certificate): void;
}

/** Certificates remembered as already relayed, by key; older views are forgotten beyond this many. */
const REMEMBERED_VIEWS = 256;

const processTimers: Pick<Clock, "setTimer" | "cancel"> = {
  setTimer: (delayMs, callback) => setTimeout(callback, delayMs).unref(),
  cancel: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Certificates are what the relay forwards; everything else goes to every peer at once. */
export function isCertificate(message: ConsensusMessage): message is Certificate {
  return (
    message.type === "mNotarization" || message.type === "lNotarization" || message.type === "nullification"
  );
}

export class CertificateRelay {
  /** The highest view each peer has shown it reached (index = validator). */
  private readonly reached: number[];
  private readonly relayed = new Map<string, View>();
  private readonly timers = new Set<TimerHandle>();
  private readonly clock: Pick<Clock, "setTimer" | "cancel">;
  private highestRelayed = 0;
  private closed = false;

  constructor(private readonly options: CertificateRelayOptions) {
    this.reached = new Array<number>(options.validators).fill(0);
    this.clock = options.clock ?? processTimers;
  }

  /** True when this validator forwards certificates of `view` as soon as it has them. */
  forwardsAtOnce(view: View): boolean {
    const { self, validators, f } = this.options;
    return (self - (view % validators) + validators) % validators <= f;
  }

  /**
   * Evidence from a message that arrived from `peer` (authenticated by the transport, so a peer can
   * only speak for itself): a signed message of view w shows it reached w; a certificate of view w
   * shows it has left w.
   */
  heard(peer: ValidatorIndex, message: ConsensusMessage): void {
    if (peer < 0 || peer >= this.reached.length || !Number.isSafeInteger(message.view)) return;
    let view: number;
    if (message.type === "proposal") view = message.proposer === peer ? message.view : 0;
    else if (message.type === "vote" || message.type === "nullify")
      view = message.signer === peer ? message.view : 0;
    else view = message.view + 1;
    if (view > this.reached[peer]) this.reached[peer] = view;
  }

  relay(certificate: Certificate): void {
    if (this.closed) return;
    const key = `${certificate.type}:${certificate.view}:${certificate.type === "nullification" ? "" : certificate.digest}`;
    if (this.relayed.has(key)) {
      // Sent again by the engine: someone is stuck, so whoever lags gets it now.
      this.sendToLagging(certificate);
      return;
    }
    this.remember(key, certificate.view);
    if (this.forwardsAtOnce(certificate.view)) {
      this.options.broadcast(certificate);
      return;
    }
    const timer = this.clock.setTimer(this.options.fallbackMs, () => {
      this.timers.delete(timer);
      if (!this.closed) this.sendToLagging(certificate);
    });
    this.timers.add(timer);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) this.clock.cancel(timer);
    this.timers.clear();
  }

  private sendToLagging(certificate: Certificate): void {
    for (let peer = 0; peer < this.reached.length; peer++) {
      if (peer !== this.options.self && this.reached[peer] <= certificate.view)
        this.options.sendTo(peer, certificate);
    }
  }

  private remember(key: string, view: View): void {
    this.relayed.set(key, view);
    if (view <= this.highestRelayed) return;
    this.highestRelayed = view;
    if (this.relayed.size < 4 * REMEMBERED_VIEWS) return;
    for (const [old, oldView] of this.relayed) {
      if (oldView < view - REMEMBERED_VIEWS) this.relayed.delete(old);
    }
  }
}
