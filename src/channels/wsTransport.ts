/**
 * ChannelTransport over a WebSocket (ws): one connection carries one channel's messages as JSON text
 * frames, decoded and validated on arrival. The payee usually listens, the payer connects.
 */
import type { AddressInfo } from "node:net";
import { WebSocket, WebSocketServer } from "ws";
import { decodeMessage, encodeMessage } from "./codec.js";
import { ChannelError } from "./errors.js";
import type { ChannelMessage } from "./messages.js";
import type { ChannelTransport } from "./transport.js";

class WsTransport implements ChannelTransport {
  private handler: ((message: ChannelMessage) => void) | undefined;
  private readonly early: ChannelMessage[] = [];

  constructor(private readonly socket: WebSocket) {
    socket.on("message", (data, isBinary) => {
      if (isBinary) return;
      let message: ChannelMessage;
      try {
        message = decodeMessage(data.toString());
      } catch {
        return; // Malformed input is dropped where it enters; the sender's proposal times out.
      }
      if (this.handler === undefined) this.early.push(message);
      else this.handler(message);
    });
  }

  send(message: ChannelMessage): void {
    if (this.socket.readyState !== WebSocket.OPEN)
      throw new ChannelError("CLOSED_TRANSPORT", "socket is not open");
    this.socket.send(encodeMessage(message));
  }

  onMessage(handler: (message: ChannelMessage) => void): void {
    this.handler = handler;
    for (const message of this.early.splice(0)) handler(message);
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once("close", () => resolve());
      this.socket.close();
    });
  }
}

/** Connects to a listening peer, e.g. `ws://127.0.0.1:9000`. */
export function connectWsTransport(url: string): Promise<ChannelTransport> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once("open", () => resolve(new WsTransport(socket)));
    socket.once("error", (err) =>
      reject(new ChannelError("CLOSED_TRANSPORT", `cannot connect to ${url}`, { cause: err.message })),
    );
  });
}

export interface WsChannelListener {
  /** The port actually bound (pass port 0 to pick a free one). */
  port: number;
  /** Resolves with the transport of the next peer that connects. */
  accept(): Promise<ChannelTransport>;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 (by default) for peers; each connection becomes one transport. */
export function listenWsTransport(
  options: { port?: number; host?: string } = {},
): Promise<WsChannelListener> {
  return new Promise((resolve, reject) => {
    const server = new WebSocketServer({ host: options.host ?? "127.0.0.1", port: options.port ?? 0 });
    const ready: ChannelTransport[] = [];
    const waiting: Array<(t: ChannelTransport) => void> = [];
    server.on("connection", (socket) => {
      const transport = new WsTransport(socket);
      const waiter = waiting.shift();
      if (waiter) waiter(transport);
      else ready.push(transport);
    });
    server.once("error", reject);
    server.once("listening", () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        accept: () => {
          const t = ready.shift();
          return t ? Promise.resolve(t) : new Promise((r) => waiting.push(r));
        },
        close: () =>
          new Promise<void>((done) => {
            for (const client of server.clients) client.terminate();
            server.close(() => done());
          }),
      });
    });
  });
}
