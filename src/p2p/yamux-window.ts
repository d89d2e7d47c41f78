/**
 * Yamux window updates with hysteresis.
 *
 * @chainsafe/libp2p-yamux 8 answers every data frame it receives with a window-update frame, so each
 * consensus message costs two frames on the wire, each encrypted by noise and written by its own
 * syscall, and the sender decrypts and handles the update too. Other yamux implementations (rust-yamux,
 * go-yamux) send an update only once half of the receive window has been consumed; the yamux spec
 * leaves the timing to the receiver. Consensus messages are a few hundred bytes against a 256 KiB
 * window, so with the same rule an update goes out once every few hundred messages instead of once
 * per message. Updates that carry a flag (SYN, ACK) and a paused stream keep the library's behaviour.
 */
import { YamuxStream } from "@chainsafe/libp2p-yamux/stream";

/** `StreamState.Established` in the library (a const enum it does not export). */
const ESTABLISHED = 3;

interface WindowFields {
  state: number;
  recvWindow: number;
  recvWindowCapacity: number;
}

let installed = false;

/** Installs the rule on every yamux stream of this process; idempotent. */
export function installYamuxWindowHysteresis(): void {
  if (installed) return;
  installed = true;
  const prototype = YamuxStream.prototype as unknown as { sendWindowUpdate(this: WindowFields): void };
  const sendWindowUpdate = prototype.sendWindowUpdate;
  prototype.sendWindowUpdate = function (this: WindowFields) {
    if (this.state === ESTABLISHED && this.recvWindowCapacity * 2 > this.recvWindow) return;
    sendWindowUpdate.call(this);
  };
}
