/**
 * ChannelTransport over a worker_threads MessagePort (or a Worker / parentPort): in-memory, structured
 * clone (bigints survive), ordered. Lets the two parties of a channel run on two cores of one machine.
 */
import { ChannelError } from "./errors.js";
import type { ChannelMessage } from "./messages.js";
import type { ChannelTransport } from "./transport.js";

/** The part of MessagePort, Worker and parentPort this needs. */
export interface PortLike {
  postMessage(value: unknown): void;
  on(event: "message", listener: (value: unknown) => void): unknown;
  off(event: "message", listener: (value: unknown) => void): unknown;
}

/**
 * Messages are batched per tick into one postMessage: a cross-thread post costs far more than a
 * channel message, and pipelined updates come in bursts.
 */
export function portTransport(port: PortLike): ChannelTransport {
  let outbox: ChannelMessage[] = [];
  let closed = false;
  let listener: ((value: unknown) => void) | undefined;
  const flush = (): void => {
    const batch = outbox;
    outbox = [];
    if (!closed) port.postMessage({ channelBatch: batch });
  };
  return {
    send(message) {
      if (closed) throw new ChannelError("CLOSED_TRANSPORT", "transport is closed");
      if (outbox.length === 0) setImmediate(flush);
      outbox.push(message);
    },
    onMessage(handler) {
      if (listener) port.off("message", listener);
      listener = (value) => {
        const batch = (value as { channelBatch?: ChannelMessage[] }).channelBatch;
        if (batch) for (const message of batch) handler(message);
      };
      port.on("message", listener);
    },
    async close() {
      closed = true;
      if (listener) port.off("message", listener);
    },
  };
}
