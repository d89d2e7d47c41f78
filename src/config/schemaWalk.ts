/** Just enough zod introspection to coerce an environment string to the type a key expects. */
import type { z } from "zod";

type AnySchema = z.core.$ZodType;

/** Schema types that wrap another one without changing what a value looks like on input. */
function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  for (;;) {
    const def = current._zod.def as { type: string; innerType?: AnySchema; in?: AnySchema };
    if (def.innerType) current = def.innerType;
    else if (def.type === "pipe" && def.in) current = def.in;
    else return current;
  }
}

/** The schema of the value at `path` (camelCase keys), or undefined if no such key exists. */
export function schemaAt(root: AnySchema, path: readonly string[]): AnySchema | undefined {
  let current: AnySchema | undefined = root;
  for (const key of path) {
    if (!current) return undefined;
    const def = unwrap(current)._zod.def as { type: string; shape?: Record<string, AnySchema> };
    if (def.type !== "object" || !def.shape || !Object.hasOwn(def.shape, key)) return undefined;
    current = def.shape[key];
  }
  return current;
}

export function knownKeys(schema: AnySchema): string[] {
  const def = unwrap(schema)._zod.def as { type: string; shape?: Record<string, AnySchema> };
  return def.type === "object" && def.shape ? Object.keys(def.shape) : [];
}

/**
 * Turn an environment string into the input type the schema expects: numbers, booleans and
 * comma-separated lists. A string that does not look like the type stays a string, so the schema
 * reports it with the usual "expected number" message.
 */
export function coerceEnvValue(schema: AnySchema, raw: string): unknown {
  const inner = unwrap(schema);
  const def = inner._zod.def as { type: string; element?: AnySchema; options?: AnySchema[] };
  switch (def.type) {
    case "number":
      return /^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw.trim()) : raw;
    case "boolean": {
      const lowered = raw.trim().toLowerCase();
      if (lowered === "true" || lowered === "1") return true;
      if (lowered === "false" || lowered === "0") return false;
      return raw;
    }
    case "array": {
      const items = raw.trim() === "" ? [] : raw.split(",").map((item) => item.trim());
      return def.element ? items.map((item) => coerceEnvValue(def.element as AnySchema, item)) : items;
    }
    case "object":
      return raw;
    default:
      return raw;
  }
}
