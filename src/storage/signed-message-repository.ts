/**
 * The votes and nullifies this validator has signed, by view. Written (and awaited) before the message
 * is sent, so that a validator restarted at any instant never signs a conflicting message.
 */
import type { KeyValueStore } from "./key-value.js";
import { numberKey, readNumberKey } from "./keys.js";

export type SignedMessageKind = "votes" | "nullifies";

export class SignedMessageRepository {
  constructor(
    private readonly store: KeyValueStore,
    private readonly kind: SignedMessageKind,
  ) {}

  record(view: number, message: Uint8Array): Promise<void> {
    return this.store.namespace(this.kind).put(numberKey(view), message);
  }

  get(view: number): Promise<Uint8Array | undefined> {
    return this.store.namespace(this.kind).get(numberKey(view));
  }

  /** The highest view with a signed message, if any. */
  async latestView(): Promise<number | undefined> {
    for await (const [key] of this.store.namespace(this.kind).entries({ reverse: true, limit: 1 })) {
      return Number(readNumberKey(key));
    }
    return undefined;
  }
}
