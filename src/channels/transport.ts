/**
 * How channel messages travel between two participants. Delivery must be in order; a transport does
 * not need to be reliable (a lost update times out and the state is resynced from a reject).
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
 * Two connected in-process endpoints. Messages are delivered asynchronously (as over a socket) and in
 * order; objects are handed over as they are, so a receiver must not mutate them.
 */
export function memoryTransportPair(): [ChannelTransport, ChannelTransport] {
  const handlers: [((m: ChannelMessage) => void) | undefined, ((m: ChannelMessage) => void) | undefined] = [
    undefined,
    undefined,
  ];
  const queues: [ChannelMessage[], ChannelMessage[]] = [[], []];
  const scheduled = [false, false];
  let closed = false;
  const flush = (to: 0 | 1): void => {
    scheduled[to] = false;
    const queue = queues[to];
    queues[to] = [];
    for (const message of queue) handlers[to]?.(message);
  };
  const endpoint = (self: 0 | 1): ChannelTransport => {
    const peer: 0 | 1 = self === 0 ? 1 : 0;
    return {
      send(message) {
        if (closed) throw new ChannelError("CLOSED_TRANSPORT", "transport is closed");
        queues[peer].push(message);
        // One macrotask-free hop per batch: cheap, ordered, and never re-entrant into the sender.
        if (!scheduled[peer]) {
          scheduled[peer] = true;
          queueMicrotask(() => flush(peer));
        }
      },
      onMessage(handler) {
        handlers[self] = handler;
      },
      async close() {
        closed = true;
      },
    };
  };
  return [endpoint(0), endpoint(1)];
}
