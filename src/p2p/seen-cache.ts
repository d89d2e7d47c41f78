/**
 * Remembers the hashes of recent messages so each is handled once, however many peers forward it.
 * Bounded: the oldest entries are forgotten first (a Map keeps insertion order).
 */
import { createHash } from "node:crypto";

export function messageId(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("base64");
}

export class SeenCache {
  readonly #capacity: number;
  readonly #ids = new Set<string>();

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  has(id: string): boolean {
    return this.#ids.has(id);
  }

  add(id: string): void {
    if (this.#ids.has(id)) return;
    this.#ids.add(id);
    if (this.#ids.size > this.#capacity) {
      const oldest = this.#ids.values().next().value;
      if (oldest !== undefined) this.#ids.delete(oldest);
    }
  }

  get size(): number {
    return this.#ids.size;
  }
}
