/**
 * Load the node's configuration: defaults, then the TOML file, then `NODE_SECTION__KEY` environment
 * variables. Anything unknown, mistyped or out of range stops the start with a ConfigError.
 */
import { readFileSync } from "node:fs";
import { parse as parseToml } from "smol-toml";
import type { z } from "zod";
import { ConfigError, type ConfigProblem, type ConfigSource } from "./errors.js";
import { camelToSnake, isSnakeKey, snakePath, snakeToCamel } from "./keys.js";
import { type KairosConfig, kairosConfigSchema } from "./schema.js";
import { coerceEnvValue, knownKeys, schemaAt } from "./schemaWalk.js";

export interface LoadConfigOptions {
  /** Path of a TOML file; without one, defaults and the environment decide. */
  file?: string;
  /** Usually `process.env`. Only `NODE_<SECTION>__<KEY>` variables are read (not NODE_ENV etc.). */
  env: Record<string, string | undefined>;
}

const ENV_PREFIX = "NODE_";
const ENV_NESTING = "__";
const NO_FILE = "(no config file)";

type Table = Record<string, unknown>;

export function loadConfig(options: LoadConfigOptions): KairosConfig {
  const fileName = options.file ?? NO_FILE;
  const problems: ConfigProblem[] = [];
  const fileSource: ConfigSource = { kind: "file", file: fileName };

  const fromFile = options.file ? camelizeTable(readToml(options.file), [], fileSource, problems) : {};
  const envSources = applyEnvOverrides(fromFile, options.env, problems);
  const result = kairosConfigSchema.safeParse(fromFile);
  if (result.success && problems.length === 0) return result.data;
  for (const issue of result.error?.issues ?? []) {
    for (const path of issuePaths(issue)) {
      const variable = envSources.get(path.join("."));
      const source: ConfigSource = variable ? { kind: "env", variable } : fileSource;
      problems.push({ path: snakePath(path), expected: describeIssue(issue, fromFile, path), source });
    }
  }
  throw new ConfigError(problems);
}

function readToml(file: string): Table {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ConfigError([
      { path: "", expected: `a readable TOML file (${reason})`, source: { kind: "file", file } },
    ]);
  }
  try {
    return parseToml(text) as Table;
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new ConfigError([{ path: "", expected: `valid TOML: ${message}`, source: { kind: "file", file } }]);
  }
}

/** Copy a TOML table with camelCase keys, refusing keys that are not snake_case. */
function camelizeTable(table: Table, at: string[], source: ConfigSource, problems: ConfigProblem[]): Table {
  const out: Table = {};
  for (const [key, value] of Object.entries(table)) {
    if (!isSnakeKey(key)) {
      const suggestion = camelToSnake(key).toLowerCase();
      problems.push({
        path: [...at, key].join("."),
        expected: `a snake_case key (did you mean ${suggestion}?)`,
        source,
      });
      continue;
    }
    const camel = snakeToCamel(key);
    out[camel] = isTable(value) ? camelizeTable(value, [...at, key], source, problems) : value;
  }
  return out;
}

function isTable(value: unknown): value is Table {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** Apply NODE_ overrides in place; returns which camelCase path came from which variable. */
function applyEnvOverrides(
  target: Table,
  env: Record<string, string | undefined>,
  problems: ConfigProblem[],
): Map<string, string> {
  const sources = new Map<string, string>();
  for (const [variable, raw] of Object.entries(env)) {
    if (raw === undefined || !variable.toUpperCase().startsWith(ENV_PREFIX)) continue;
    const rest = variable.slice(ENV_PREFIX.length);
    if (!rest.includes(ENV_NESTING)) continue; // NODE_ENV, NODE_OPTIONS… belong to Node, not to us.
    const segments = rest.split(ENV_NESTING).map((segment) => segment.toLowerCase());
    const source: ConfigSource = { kind: "env", variable };
    if (segments.some((segment) => !isSnakeKey(segment))) {
      problems.push({
        path: segments.join("."),
        expected: "NODE_<SECTION>__<KEY> with letters, digits and _",
        source,
      });
      continue;
    }
    const path = segments.map(snakeToCamel);
    const schema = schemaAt(kairosConfigSchema, path);
    if (!schema || knownKeys(schema).length > 0) {
      const parent = schemaAt(kairosConfigSchema, path.slice(0, -1));
      const known = parent ? knownKeys(parent).map(camelToSnake).join(", ") : "";
      problems.push({
        path: segments.join("."),
        expected: `unknown option; expected one of: ${known}`,
        source,
      });
      continue;
    }
    setPath(target, path, coerceEnvValue(schema, raw));
    sources.set(path.join("."), variable);
  }
  return sources;
}

function setPath(target: Table, path: string[], value: unknown): void {
  let table = target;
  for (const key of path.slice(0, -1)) {
    const next = table[key];
    if (!isTable(next)) table[key] = {};
    table = table[key] as Table;
  }
  table[path[path.length - 1]] = value;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (!isTable(current) && !Array.isArray(current)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function issuePaths(issue: z.core.$ZodIssue): PropertyKey[][] {
  if (issue.code === "unrecognized_keys") return issue.keys.map((key) => [...issue.path, key]);
  return [issue.path];
}

function describeIssue(issue: z.core.$ZodIssue, input: Table, path: readonly PropertyKey[]): string {
  const got = describeValue(valueAt(input, path));
  switch (issue.code) {
    case "unrecognized_keys": {
      const parent = schemaAt(kairosConfigSchema, issue.path.map(String));
      const known = parent ? knownKeys(parent).map(camelToSnake).join(", ") : "";
      return `unknown option; expected one of: ${known}`;
    }
    case "invalid_type":
      return `expected ${issue.expected}, got ${got}`;
    case "too_small":
      return `expected ${issue.origin} ${issue.inclusive ? "≥" : ">"} ${issue.minimum}, got ${got}`;
    case "too_big":
      return `expected ${issue.origin} ${issue.inclusive ? "≤" : "<"} ${issue.maximum}, got ${got}`;
    case "invalid_value":
      return `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(", ")}, got ${got}`;
    default:
      return `expected ${issue.message}, got ${got}`;
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return "the default";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object" && value !== null) return value instanceof Date ? "a date" : "a table";
  return String(value);
}
