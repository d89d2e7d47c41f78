/**
 * The JSON-RPC server: HTTP (fastify) and WebSocket (ws) on one port. Bodies are taken as raw text
 * and parsed once by the JSON-RPC processor; CORS, the per-IP rate limit and the size limits are
 * enforced here, at the edge.
 *
 *   const server = new RpcServer(backend, { port: 8545 });
 *   const { url, wsUrl } = await server.start();
 *   …
 *   await server.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import Fastify, { type FastifyInstance } from "fastify";
import { type RawData, type WebSocket, WebSocketServer } from "ws";
import type { RpcBackend } from "./backend.js";
import { CorsPolicy } from "./cors.js";
import { ErrorCode } from "./errors.js";
import { type Clock, FilterRegistry } from "./filter-registry.js";
import { errorText, JsonRpcProcessor, type JsonRpcReply, type RpcCallCounter } from "./jsonrpc.js";
import type { RpcContext, RpcMethod } from "./method.js";
import { allMethods } from "./methods/index.js";
import { type RpcOptions, rpcOptions } from "./options.js";
import { RateLimiter } from "./rate-limit.js";
import { SubscriptionHub } from "./subscriptions.js";

/** The minimal logger the server writes to (pino's Logger fits). */
export interface RpcLogger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
}

export interface RpcServerDependencies {
  readonly logger?: RpcLogger;
  /** Counts calls by method (metrics.rpcRequests). */
  readonly callCounter?: RpcCallCounter;
  readonly clock?: Clock;
  /** Replace the method table (tests, or a node exposing fewer methods). */
  readonly methods?: readonly RpcMethod[];
}

export interface RpcAddress {
  readonly host: string;
  readonly port: number;
  readonly url: string;
  readonly wsUrl: string;
}

const JSON_CONTENT = "application/json";
/** fastify's default, which it leaves to us once we create the server. */
const KEEP_ALIVE_MS = 72_000;

export class RpcServer {
  readonly options: RpcOptions;
  private readonly app: FastifyInstance;
  private readonly wss: WebSocketServer;
  private readonly processor: JsonRpcProcessor;
  private readonly filters: FilterRegistry;
  private readonly hub: SubscriptionHub;
  private readonly cors: CorsPolicy;
  private readonly rateLimiter: RateLimiter;
  private readonly httpContext: RpcContext;
  private readonly pruner: NodeJS.Timeout;
  private address: RpcAddress | undefined;

  constructor(
    backend: RpcBackend,
    options: Partial<RpcOptions> = {},
    private readonly deps: RpcServerDependencies = {},
  ) {
    this.options = rpcOptions(options);
    const clock = deps.clock ?? Date.now;
    this.processor = new JsonRpcProcessor(deps.methods ?? allMethods, this.options, deps.callCounter);
    this.filters = new FilterRegistry(backend.events, this.options, clock);
    this.hub = new SubscriptionHub(backend.events);
    this.cors = new CorsPolicy(this.options.corsOrigins);
    this.rateLimiter = new RateLimiter(this.options.rateLimit, clock);
    this.pruner = setInterval(() => this.rateLimiter.prune(), 60_000);
    this.pruner.unref();
    this.httpContext = { backend, options: this.options, filters: this.filters, connection: undefined };
    this.app = this.buildHttp();
    this.wss = new WebSocketServer({ noServer: true, maxPayload: this.options.maxRequestBytes });
    this.app.server.on("upgrade", (request, socket, head) => this.onUpgrade(request, socket, head));
  }

  async start(): Promise<RpcAddress> {
    await this.app.listen({ host: this.options.host, port: this.options.port });
    const bound = this.app.server.address() as AddressInfo;
    const host = bound.family === "IPv6" ? `[${bound.address}]` : bound.address;
    this.address = {
      host: bound.address,
      port: bound.port,
      url: `http://${host}:${bound.port}`,
      wsUrl: `ws://${host}:${bound.port}`,
    };
    this.deps.logger?.info({ url: this.address.url }, "JSON-RPC listening (HTTP and WebSocket)");
    return this.address;
  }

  /** Remove expired filters now (a timer also does it every minute at most). */
  sweepFilters(): void {
    this.filters.sweep();
  }

  get listening(): RpcAddress | undefined {
    return this.address;
  }

  /** Stop accepting, drop WebSocket clients, close the port; filters and subscriptions end. */
  async close(): Promise<void> {
    clearInterval(this.pruner);
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await this.app.close();
    this.hub.close();
    this.filters.close();
    this.address = undefined;
  }

  /**
   * fastify serves everything but JSON-RPC calls (preflights, GET, errors). A call, a POST to any
   * path, goes straight from node:http to the processor: fastify's routing, hooks, body parsing and
   * reply pipeline cost about a fifth of the CPU of an eth_getBalance (measured with bench/rpc.ts),
   * and a POST here needs none of them.
   */
  private buildHttp(): FastifyInstance {
    const app = Fastify({
      logger: false,
      bodyLimit: this.options.maxRequestBytes,
      forceCloseConnections: true,
      serverFactory: (fastifyHandler) => {
        const server = createServer((request, response) => {
          if (request.method === "POST") this.onPost(request, response);
          else fastifyHandler(request, response);
        });
        server.keepAliveTimeout = KEEP_ALIVE_MS;
        return server;
      },
    });

    app.addHook("onRequest", (request, reply, done) => {
      const allowed = this.cors.allowOrigin(request.headers.origin);
      if (allowed !== undefined) {
        reply.header("access-control-allow-origin", allowed);
        if (allowed !== "*") reply.header("vary", "Origin");
      }
      done();
    });

    app.options("*", (request, reply) => {
      if (this.cors.allowOrigin(request.headers.origin) !== undefined) {
        reply.header("access-control-allow-methods", "POST, GET, OPTIONS");
        reply.header(
          "access-control-allow-headers",
          request.headers["access-control-request-headers"] ?? "content-type",
        );
        reply.header("access-control-max-age", "600");
      }
      reply.code(204).send();
    });

    app.get("*", (_request, reply) => {
      reply
        .code(405)
        .type(JSON_CONTENT)
        .send(
          errorText(null, ErrorCode.invalidRequest, "send JSON-RPC requests with POST, or open a WebSocket"),
        );
    });

    app.setErrorHandler((error: { statusCode?: number }, _request, reply) => {
      const status = error.statusCode !== undefined && error.statusCode < 500 ? error.statusCode : 400;
      reply
        .code(status)
        .type(JSON_CONTENT)
        .send(errorText(null, ErrorCode.invalidRequest, "invalid request"));
    });
    return app;
  }

  /** A JSON-RPC call over HTTP: the body, whatever its content type, is the JSON-RPC text. */
  private onPost(request: IncomingMessage, response: ServerResponse): void {
    const headers: Record<string, string> = { "content-type": JSON_CONTENT };
    const allowed = this.cors.allowOrigin(request.headers.origin);
    if (allowed !== undefined) {
      headers["access-control-allow-origin"] = allowed;
      if (allowed !== "*") headers.vary = "Origin";
    }
    const limit = this.options.maxRequestBytes;
    const tooLarge = () => {
      headers.connection = "close";
      send(
        response,
        413,
        headers,
        errorText(null, ErrorCode.invalidRequest, `request body too large: the limit is ${limit} bytes`),
      );
      request.resume();
    };
    if (Number(request.headers["content-length"] ?? 0) > limit) {
      tooLarge();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    request.on("error", () => request.destroy());
    request.on("end", () => {
      if (size > limit) {
        tooLarge();
        return;
      }
      const body = chunks.length === 1 ? chunks[0].toString("utf8") : Buffer.concat(chunks).toString("utf8");
      const ip = request.socket.remoteAddress ?? "";
      this.processor
        .handle(body, this.httpContext, (calls) => this.rateLimiter.admit(ip, calls))
        .then(
          (result: JsonRpcReply) => {
            if (result.body === undefined) {
              delete headers["content-type"];
              send(response, 204, headers, "");
            } else send(response, result.rateLimited ? 429 : 200, headers, result.body);
          },
          () => send(response, 500, headers, errorText(null, ErrorCode.internal, "internal error")),
        );
    });
  }

  private onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", () => socket.destroy());
    if (!this.cors.allowsWebSocket(request.headers.origin)) {
      socket.end("HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) =>
      this.onWebSocket(ws, request.socket.remoteAddress ?? ""),
    );
  }

  private onWebSocket(ws: WebSocket, ip: string): void {
    const send = (text: string) => {
      if (ws.readyState !== ws.OPEN) return;
      // A client that stops reading would make us buffer without end: drop it instead.
      if (ws.bufferedAmount > this.options.maxWsBufferedBytes) {
        ws.close(1008, "notification backlog too large");
        return;
      }
      ws.send(text);
    };
    const connection = this.hub.attach(send, this.options.maxSubscriptionsPerConnection);
    const context: RpcContext = { ...this.httpContext, connection };
    const admit = (calls: number) => this.rateLimiter.admit(ip, calls);
    ws.on("message", (data: RawData) => {
      const text = rawText(data);
      connection.hold();
      this.processor.handle(text, context, admit).then(
        (result) => {
          if (result.body !== undefined) send(result.body);
          connection.release();
        },
        () => connection.release(),
      );
    });
    ws.on("close", () => this.hub.detach(connection));
    ws.on("error", () => ws.terminate());
  }
}

function send(response: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  if (response.destroyed) return;
  // Encoded once: its length is the header, and the socket takes the bytes (a large eth_getLogs answer
  // would otherwise be scanned once for its length and again to encode it).
  const bytes = Buffer.from(body, "utf8");
  headers["content-length"] = String(bytes.length);
  response.writeHead(status, headers);
  response.end(bytes);
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString("utf8");
  return data.toString("utf8");
}
