/**
 * JSON-RPC 2.0, transport-free: a request body in, the response body out (or nothing, when every
 * call was a notification). It never throws: a malformed body, an unknown method or a failing
 * handler each become the error response the specification prescribes.
 */
import { ErrorCode, toRpcError } from "./errors.js";
import type { RpcContext, RpcMethod } from "./method.js";

/** The counter a deployment may pass to count calls by method (prom-client's Counter fits). */
export interface RpcCallCounter {
  labels(method: string): { inc(): void };
}

export interface JsonRpcLimits {
  readonly maxBatchSize: number;
  readonly maxResponseBytes: number;
}

export interface JsonRpcReply {
  /** `undefined`: nothing to send (notifications only). */
  readonly body: string | undefined;
  readonly rateLimited: boolean;
}

/** Decides whether a client may make `calls` more calls now. */
export type Admission = (calls: number) => boolean;

const ADMIT_ALL: Admission = () => true;

/**
 * A result already serialized to JSON, spliced into the response as it is: handlers whose results are
 * large and immutable (logs of final blocks) keep their JSON text instead of re-serializing it.
 */
export class JsonText {
  constructor(readonly text: string) {}
}

/** A numeric id that does not survive a round trip through a double, kept as its source text. */
class RawId {
  constructor(readonly source: string) {}
}

type Id = string | number | null | RawId;

const NOTHING: JsonRpcReply = { body: undefined, rateLimited: false };

export class JsonRpcProcessor {
  private readonly methods: ReadonlyMap<string, RpcMethod>;
  private readonly counters = new Map<string, { inc(): void }>();

  constructor(
    methods: readonly RpcMethod[],
    private readonly limits: JsonRpcLimits,
    private readonly counter?: RpcCallCounter,
  ) {
    const byName = new Map<string, RpcMethod>();
    for (const method of methods) {
      if (byName.has(method.name)) throw new Error(`JSON-RPC method ${method.name} declared twice`);
      byName.set(method.name, method);
    }
    this.methods = byName;
  }

  methodNames(): string[] {
    return [...this.methods.keys()];
  }

  async handle(body: string, context: RpcContext, admit: Admission = ADMIT_ALL): Promise<JsonRpcReply> {
    let request: unknown;
    try {
      request = JSON.parse(body);
    } catch {
      return reply(errorText(null, ErrorCode.parse, "parse error"));
    }
    if (needsRawIds(request)) request = parseKeepingRawIds(body);

    if (!Array.isArray(request)) {
      if (!admit(1)) return limited();
      const text = await this.call(request, context);
      if (text === undefined) return NOTHING;
      if (text.length > this.limits.maxResponseBytes) {
        return reply(errorText(idOf(request), ErrorCode.limitExceeded, this.tooLarge(text.length)));
      }
      return reply(text);
    }

    if (request.length === 0) return reply(errorText(null, ErrorCode.invalidRequest, "empty batch"));
    if (request.length > this.limits.maxBatchSize) {
      return reply(
        errorText(
          null,
          ErrorCode.invalidRequest,
          `batch too large: ${request.length} requests, the limit is ${this.limits.maxBatchSize}`,
        ),
      );
    }
    if (!admit(request.length)) return limited();
    const texts = await Promise.all(request.map((item) => this.call(item, context)));
    let out = "";
    let size = 2;
    for (let i = 0; i < texts.length; i++) {
      let text = texts[i];
      if (text === undefined) continue;
      if (size + text.length > this.limits.maxResponseBytes) {
        text = errorText(idOf(request[i]), ErrorCode.limitExceeded, this.tooLarge(size + text.length));
      }
      size += text.length + 1;
      out = out.length === 0 ? text : `${out},${text}`;
    }
    return out.length === 0 ? NOTHING : reply(`[${out}]`);
  }

  /** One request object → its response text, or undefined for a notification. */
  private async call(request: unknown, context: RpcContext): Promise<string | undefined> {
    if (request === null || typeof request !== "object" || Array.isArray(request)) {
      return errorText(null, ErrorCode.invalidRequest, "invalid request: expected a request object");
    }
    const fields = request as Record<string, unknown>;
    const isCall = Object.hasOwn(fields, "id");
    const id = fields.id;
    if (isCall && !isValidId(id)) {
      return errorText(
        null,
        ErrorCode.invalidRequest,
        "invalid request: id must be a string, a number or null",
      );
    }
    const replyId = isCall ? (id as Id) : null;
    if (fields.jsonrpc !== "2.0") {
      return errorText(replyId, ErrorCode.invalidRequest, 'invalid request: jsonrpc must be exactly "2.0"');
    }
    const name = fields.method;
    if (typeof name !== "string") {
      return errorText(replyId, ErrorCode.invalidRequest, "invalid request: method must be a string");
    }
    const method = this.methods.get(name);
    if (method === undefined) {
      if (!isCall) return undefined;
      return errorText(
        replyId,
        ErrorCode.methodNotFound,
        `the method ${name} does not exist/is not available`,
      );
    }
    this.count(name);
    let result: unknown;
    try {
      result = await method.invoke(fields.params, context);
    } catch (error) {
      if (!isCall) return undefined;
      const rpcError = toRpcError(error);
      return errorText(replyId, rpcError.code, rpcError.message, rpcError.data);
    }
    if (!isCall) return undefined;
    try {
      const json = result instanceof JsonText ? result.text : JSON.stringify(result);
      return `{"jsonrpc":"2.0","id":${idText(replyId)},"result":${json}}`;
    } catch {
      return errorText(replyId, ErrorCode.internal, "internal error: result is not serializable");
    }
  }

  private count(method: string): void {
    if (this.counter === undefined) return;
    let child = this.counters.get(method);
    if (child === undefined) {
      child = this.counter.labels(method);
      this.counters.set(method, child);
    }
    child.inc();
  }

  private tooLarge(bytes: number): string {
    return `response too large: more than ${bytes} bytes, the limit is ${this.limits.maxResponseBytes}`;
  }
}

function reply(body: string): JsonRpcReply {
  return { body, rateLimited: false };
}

function limited(): JsonRpcReply {
  return { body: errorText(null, ErrorCode.limitExceeded, "rate limit exceeded"), rateLimited: true };
}

function isValidId(id: unknown): boolean {
  return id === null || typeof id === "string" || typeof id === "number" || id instanceof RawId;
}

function idOf(request: unknown): Id {
  if (request === null || typeof request !== "object") return null;
  const id = (request as { id?: unknown }).id;
  return isValidId(id) ? (id as Id) : null;
}

function idText(id: Id): string {
  if (id instanceof RawId) return id.source;
  return JSON.stringify(id);
}

export function errorText(id: Id, code: number, message: string, data?: unknown): string {
  const error = data === undefined ? { code, message } : { code, message, data };
  return `{"jsonrpc":"2.0","id":${idText(id)},"error":${JSON.stringify(error)}}`;
}

/** Numeric ids that a double would alter (e.g. 2^64) must be echoed as the client wrote them. */
function needsRawIds(request: unknown): boolean {
  if (Array.isArray(request)) return request.some(needsRawIds);
  if (request === null || typeof request !== "object") return false;
  const id = (request as { id?: unknown }).id;
  return typeof id === "number" && !Number.isSafeInteger(id);
}

function parseKeepingRawIds(body: string): unknown {
  // Node 22's JSON.parse hands revivers the source text of primitives (TC39 "JSON.parse source text access").
  const reviver = function (
    this: Record<string, unknown>,
    key: string,
    value: unknown,
    context?: { source?: string },
  ) {
    if (key === "id" && typeof value === "number" && "jsonrpc" in this && context?.source !== undefined) {
      return new RawId(context.source);
    }
    return value;
  };
  return JSON.parse(body, reviver as (key: string, value: unknown) => unknown);
}
