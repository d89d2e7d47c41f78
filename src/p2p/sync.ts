/**
 * The sync protocol (/kairos/sync/1): one request and one response per stream.
 *
 * Server: reads one small request frame, asks the node's handler for the bytes (with a time limit and
 * the size budget the answer must fit in) and writes one response frame: a status byte, then the data
 * (or a short reason). Client: `request(peer, req)` asks the preferred peer, and on a timeout, an error
 * status, a broken frame or an answer the node does not accept, the next connected peer, up to
 * `maxAttempts`.
 */
import type { Connection, Stream } from "@libp2p/interface";
import type { LengthPrefixedStream } from "@libp2p/utils";
import {
  MalformedMessageError,
  RequestTimeoutError,
  SyncRemoteError,
  SyncRequestFailedError,
} from "./errors.js";
import { framedStream, readFailure } from "./framing.js";
import type { P2pHost } from "./host.js";
import { type P2pLogger, silentLogger } from "./logger.js";
import { PeerRateLimiter, type RateLimitOptions } from "./rate-limit.js";
import {
  decodeSyncRequest,
  encodeSyncRequest,
  MAX_SYNC_REQUEST_BYTES,
  type SyncRequest,
} from "./sync-request.js";

export const SYNC_PROTOCOL = "/kairos/sync/1";

/** What the node's handler may answer: the encoded items, or `null` when it has none of them. */
export type SyncHandler = (
  request: SyncRequest,
  context: { from: string; maxBytes: number },
) => Promise<Uint8Array | null>;

export type SyncStatus = "ok" | "not-found" | "bad-request" | "too-large" | "unavailable";
const STATUS_CODE: Record<SyncStatus, number> = {
  ok: 0,
  "not-found": 1,
  "bad-request": 2,
  "too-large": 3,
  unavailable: 4,
};
const STATUS_BY_CODE = new Map(Object.entries(STATUS_CODE).map(([status, code]) => [code, status]));

export interface SyncOptions {
  /** Serve requests with this handler; without one the node only asks. */
  handler?: SyncHandler;
  /** Largest response data, both served and accepted. */
  maxResponseBytes?: number;
  /** Client: time for one peer to answer (open, send, receive). */
  requestTimeoutMs?: number;
  /** Server: time to read a request, produce the answer and write it. */
  serveTimeoutMs?: number;
  /** Client: how many peers to try before giving up. */
  maxAttempts?: number;
  /** Server: concurrent requests served per connection. */
  maxConcurrentRequests?: number;
  /** Server: requests each peer may make per second (sustained), and in a burst. */
  rateLimit?: RateLimitOptions;
  protocol?: string;
  logger?: P2pLogger;
}

export const defaultSyncOptions = {
  maxResponseBytes: 16 * 1024 * 1024,
  requestTimeoutMs: 5_000,
  serveTimeoutMs: 10_000,
  maxAttempts: 4,
  maxConcurrentRequests: 4,
  rateLimit: { perSecond: 20, burst: 40 } satisfies RateLimitOptions,
};

/** How long a peer that failed a request is asked after the others. */
const FAILURE_MEMORY_MS = 60_000;

export interface RequestOptions {
  timeoutMs?: number;
  maxAttempts?: number;
  /**
   * Checks the answer (decode, verify certificates). `false` scores the peer down and tries the next, so
   * one lying peer cannot stall sync.
   */
  accept?(data: Uint8Array, from: string): boolean | Promise<boolean>;
}

export class SyncProtocol {
  readonly #host: P2pHost;
  readonly #handler: SyncHandler | undefined;
  readonly #protocol: string;
  readonly #limits: typeof defaultSyncOptions;
  readonly #rate: PeerRateLimiter;
  /** When each peer last failed us as a client; such peers are asked last for a while. */
  readonly #lastFailure = new Map<string, number>();
  readonly #log: P2pLogger;

  constructor(host: P2pHost, options: SyncOptions = {}) {
    this.#host = host;
    this.#handler = options.handler;
    this.#protocol = options.protocol ?? SYNC_PROTOCOL;
    this.#log = options.logger ?? silentLogger;
    this.#limits = {
      maxResponseBytes: options.maxResponseBytes ?? defaultSyncOptions.maxResponseBytes,
      requestTimeoutMs: options.requestTimeoutMs ?? defaultSyncOptions.requestTimeoutMs,
      serveTimeoutMs: options.serveTimeoutMs ?? defaultSyncOptions.serveTimeoutMs,
      maxAttempts: options.maxAttempts ?? defaultSyncOptions.maxAttempts,
      maxConcurrentRequests: options.maxConcurrentRequests ?? defaultSyncOptions.maxConcurrentRequests,
      rateLimit: options.rateLimit ?? defaultSyncOptions.rateLimit,
    };
    this.#rate = new PeerRateLimiter(this.#limits.rateLimit);
  }

  async start(): Promise<void> {
    if (this.#handler !== undefined) {
      await this.#host.handle(this.#protocol, this.#serve, this.#limits.maxConcurrentRequests);
    }
  }

  async stop(): Promise<void> {
    if (this.#handler !== undefined && this.#host.libp2p.status === "started") {
      await this.#host.unhandle(this.#protocol);
    }
  }

  /**
   * Asks `peer` (or, when it is undefined or fails, other connected peers) and resolves with the first
   * accepted answer. Rejects with `SyncRequestFailedError` listing every attempt.
   */
  async request(
    peer: string | undefined,
    request: SyncRequest,
    options: RequestOptions = {},
  ): Promise<Uint8Array> {
    const encoded = encodeSyncRequest(request);
    const timeoutMs = options.timeoutMs ?? this.#limits.requestTimeoutMs;
    const attempts: { peer: string; error: string }[] = [];
    for (const candidate of this.#candidates(peer, options.maxAttempts ?? this.#limits.maxAttempts)) {
      try {
        const data = await this.#ask(candidate, encoded, timeoutMs);
        if (options.accept !== undefined && !(await options.accept(data, candidate))) {
          this.#lastFailure.set(candidate, Date.now());
          this.#host.penalize(candidate, "bad-response");
          attempts.push({ peer: candidate, error: "answer not accepted" });
          continue;
        }
        return data;
      } catch (error) {
        this.#lastFailure.set(candidate, Date.now());
        this.#log.debug({ peer: candidate, error: String(error) }, "sync request failed");
        attempts.push({ peer: candidate, error: error instanceof Error ? error.message : String(error) });
      }
    }
    throw new SyncRequestFailedError(attempts);
  }

  #candidates(preferred: string | undefined, maxAttempts: number): string[] {
    const usable = (peer: string) => peer !== this.#host.peerId && !this.#host.isBanned(peer);
    const others = this.#host.connectedPeers().filter((peer) => peer !== preferred && usable(peer));
    // Spread load (shuffle), but ask peers that recently timed out or failed last.
    for (let i = others.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [others[i], others[j]] = [others[j], others[i]];
    }
    const since = Date.now() - FAILURE_MEMORY_MS;
    const failedRecently = (peer: string) => (this.#lastFailure.get(peer) ?? 0) > since;
    others.sort((a, b) => Number(failedRecently(a)) - Number(failedRecently(b)));
    if (this.#lastFailure.size > 1024) {
      for (const [peer, at] of this.#lastFailure) if (at <= since) this.#lastFailure.delete(peer);
    }
    const first = preferred !== undefined && usable(preferred) ? [preferred] : [];
    return [...first, ...others].slice(0, maxAttempts);
  }

  async #ask(peer: string, encoded: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    const signal = AbortSignal.timeout(timeoutMs);
    let stream: Stream | undefined;
    try {
      stream = await this.#host.openStream(peer, this.#protocol, signal);
      // One byte of status precedes the data.
      const frames = framedStream(stream, this.#limits.maxResponseBytes + 1);
      await frames.write(encoded, { signal });
      await stream.close({ signal });
      const frame = (await frames.read({ signal })).subarray();
      const status = STATUS_BY_CODE.get(frame[0]);
      if (status === undefined) {
        this.#host.penalize(peer, "malformed");
        throw new MalformedMessageError(`unknown sync status ${String(frame[0])}`);
      }
      if (status !== "ok") {
        throw new SyncRemoteError(peer, status, new TextDecoder().decode(frame.subarray(1)));
      }
      return frame.slice(1);
    } catch (error) {
      if (signal.aborted) throw new RequestTimeoutError(peer, timeoutMs);
      const failure = readFailure(error);
      if (failure !== "end") this.#host.penalize(peer, failure);
      throw error;
    } finally {
      if (stream !== undefined && stream.status === "open") stream.abort(new Error("sync request done"));
    }
  }

  readonly #serve = async (stream: Stream, connection: Connection): Promise<void> => {
    const from = connection.remotePeer.toString();
    const handler = this.#handler;
    if (handler === undefined) return;
    const signal = AbortSignal.timeout(this.#limits.serveTimeoutMs);
    const frames = framedStream(stream, MAX_SYNC_REQUEST_BYTES);
    try {
      let request: SyncRequest;
      try {
        request = decodeSyncRequest((await frames.read({ signal })).subarray());
      } catch (error) {
        const failure = error instanceof MalformedMessageError ? "malformed" : readFailure(error);
        if (failure === "end") throw error;
        this.#host.penalize(from, failure);
        await this.#respond(frames, "bad-request", failure, signal);
        return;
      }
      // Over the rate: answer without work. Not an offence: a node catching up asks in bursts.
      if (!this.#rate.tryTake(from)) {
        await this.#respond(frames, "unavailable", "rate limited", signal);
        return;
      }
      let data: Uint8Array | null;
      try {
        data = await raceAbort(handler(request, { from, maxBytes: this.#limits.maxResponseBytes }), signal);
      } catch (error) {
        if (signal.aborted) throw error;
        this.#log.warn({ peer: from, error: String(error) }, "sync handler failed");
        await this.#respond(frames, "unavailable", "internal error", signal);
        return;
      }
      if (data === null) await this.#respond(frames, "not-found", "", signal);
      else if (data.byteLength > this.#limits.maxResponseBytes) {
        this.#log.warn({ size: data.byteLength }, "sync handler answered beyond the size limit");
        await this.#respond(frames, "too-large", String(data.byteLength), signal);
      } else await this.#respond(frames, "ok", data, signal);
    } catch (error) {
      this.#log.debug({ peer: from, error: String(error) }, "sync request not served");
      stream.abort(error instanceof Error ? error : new Error(String(error)));
    }
  };

  async #respond(
    frames: LengthPrefixedStream<Stream>,
    status: SyncStatus,
    body: Uint8Array | string,
    signal: AbortSignal,
  ): Promise<void> {
    const data = typeof body === "string" ? new TextEncoder().encode(body) : body;
    const frame = new Uint8Array(1 + data.byteLength);
    frame[0] = STATUS_CODE[status];
    frame.set(data, 1);
    await frames.write(frame, { signal });
    await frames.unwrap().close({ signal });
  }
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
