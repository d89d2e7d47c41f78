/** TOML and environment variables spell keys in snake_case; the typed config uses camelCase. */

const SNAKE_KEY = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

export function isSnakeKey(key: string): boolean {
  return SNAKE_KEY.test(key);
}

export function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

export function camelToSnake(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** A key path as the user writes it: `rpc.max_log_block_range`. */
export function snakePath(path: readonly PropertyKey[]): string {
  return path
    .map((segment) => (typeof segment === "string" ? camelToSnake(segment) : String(segment)))
    .join(".");
}
