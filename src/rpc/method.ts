/**
 * How a JSON-RPC method is declared: its wire name, the names of its positional arguments, one zod
 * schema for them, and a handler that receives them parsed. Validation happens once, here.
 */
import type { z } from "zod";
import type { RpcBackend } from "./backend.js";
import { InvalidParamsError } from "./errors.js";
import type { FilterRegistry } from "./filter-registry.js";
import type { RpcOptions } from "./options.js";
import type { SubscriptionHost } from "./subscriptions.js";

/** What a handler may use. One per server; `connection` is set for calls arriving over WebSocket. */
export interface RpcContext {
  readonly backend: RpcBackend;
  readonly options: RpcOptions;
  readonly filters: FilterRegistry;
  readonly connection: SubscriptionHost | undefined;
}

export interface RpcMethod {
  readonly name: string;
  invoke(params: unknown, context: RpcContext): Promise<unknown>;
}

type ParamsSchema = z.ZodType<readonly unknown[], unknown>;

const NO_PARAMS: readonly unknown[] = [];

export function defineMethod<S extends ParamsSchema>(
  name: string,
  argumentNames: readonly string[],
  schema: S,
  handler: (params: z.output<S>, context: RpcContext) => unknown,
): RpcMethod {
  return {
    name,
    async invoke(params, context) {
      // Absent or null params mean none (some clients send null for methods without arguments).
      const raw = params === undefined || params === null ? NO_PARAMS : params;
      if (!Array.isArray(raw))
        throw new InvalidParamsError("params must be an array of positional arguments");
      const parsed = schema.safeParse(raw);
      if (!parsed.success)
        throw new InvalidParamsError(describeIssue(parsed.error.issues[0], argumentNames, raw));
      const result = await handler(parsed.data, context);
      return result === undefined ? null : result;
    },
  };
}

/** "invalid argument 1 (block): expected a block number…" — which argument, and why. */
function describeIssue(
  issue: z.core.$ZodIssue | undefined,
  names: readonly string[],
  raw: readonly unknown[],
): string {
  if (issue === undefined) return "invalid params";
  const [first, ...rest] = issue.path;
  if (typeof first === "number") {
    const where = rest.length > 0 ? `${rest.join(".")}: ` : "";
    if (first >= raw.length || (raw[first] === undefined && issue.code === "invalid_type")) {
      return `missing value for required argument ${first} (${names[first] ?? "?"})`;
    }
    return `invalid argument ${first} (${names[first] ?? "?"}): ${where}${issue.message}`;
  }
  if (issue.code === "too_small") {
    const index = raw.length;
    return `missing value for required argument ${index} (${names[index] ?? "?"})`;
  }
  if (issue.code === "too_big") return `too many arguments, want at most ${names.length}`;
  return issue.message;
}
