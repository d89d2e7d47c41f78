/** Consensus certificates by view: M-notarization, L-notarization (finality) and nullification. */
import type { KeyValueStore, WriteBatch } from "./key-value.js";
import { numberKey } from "./keys.js";

export const CERTIFICATE_KINDS = { mNotarization: 1, lNotarization: 2, nullification: 3 } as const;
export type CertificateKind = keyof typeof CERTIFICATE_KINDS;

const key = (view: number, kind: CertificateKind) => {
  const k = new Uint8Array(9);
  k.set(numberKey(view));
  k[8] = CERTIFICATE_KINDS[kind];
  return k;
};

export class CertificateRepository {
  constructor(private readonly store: KeyValueStore) {}

  stage(batch: WriteBatch, view: number, kind: CertificateKind, certificate: Uint8Array): void {
    batch.put("certificates", key(view, kind), certificate);
  }

  put(view: number, kind: CertificateKind, certificate: Uint8Array): Promise<void> {
    return this.store.namespace("certificates").put(key(view, kind), certificate);
  }

  get(view: number, kind: CertificateKind): Promise<Uint8Array | undefined> {
    return this.store.namespace("certificates").get(key(view, kind));
  }
}
