/**
 * How channel messages travel between participants: `send` reaches every other participant of the
 * channel (for two parties, the peer). Delivery from one sender must be in order; a transport does not
 * need to be reliable (a lost update times out and the state is resynced from a reject).
 */
import { ChannelError } from "./errors.js";
import type { ChannelMessage } from "./messages.js";

export interface ChannelTransport {
  send(message: ChannelMessage): void;
  /** Registers the single receiver of incoming messages. */
  onMessage(handler: (message: ChannelMessage) => void): void;
  close(): Promise<void>;
}

/**
 * `n` connected in-process endpoints, one per participant: what one sends reaches every other one.
 * Messages are delivered asynchronously (as over a socket) and in the order they were sent, across all
 * senders; objects are handed over as they are, so a receiver must not mutate them. Closing any
 * endpoint closes the mesh, as a dropped link would: every later send fails with CLOSED_TRANSPORT.
 */
export function memoryTransportMesh(n: number): ChannelTransport[] {
  const handlers: Array<((m: ChannelMessage) => void) | undefined> = new Array(n).fill(undefined);
  let queues: ChannelMessage[][] = Array.from({ length: n }, () => []);
  let scheduled = false;
  let closed = false;
  // One microtask per burst delivers every endpoint's queue: cheap, ordered, never re-entrant.
  const flush = (): void => {
    scheduled = false;
    const batch = queues;
    queues = Array.from({ length: n }, () => []);
    for (let to = 0; to < n; to++) for (const message of batch[to]) handlers[to]?.(message);
  };
  const endpoint = (self: number): ChannelTransport => ({
    send(message) {
      if (closed) throw new ChannelError("CLOSED_TRANSPORT", "transport is closed");
      for (let to = 0; to < n; to++) if (to !== self) queues[to].push(message);
      if (!scheduled) {
        scheduled = true;
        queueMicrotask(flush);
      }
    },
    onMessage(handler) {
      handlers[self] = handler;
    },
    async close() {
      closed = true;
    },
  });
  return Array.from({ length: n }, (_, i) => endpoint(i));
}

/** Two connected in-process endpoints (a mesh of two). */
export function memoryTransportPair(): [ChannelTransport, ChannelTransport] {
  const [a, b] = memoryTransportMesh(2);
  return [a, b];
}
