/**
 * Minimmit's SignedStore (consensus/engine.ts) over the node's LevelDB: what this validator signed goes
 * to the `votes` (proposals and votes) and `nullifies` sublevels, certificates to `certificates` under
 * the same keys the chain uses for L-notarizations, and the consensus finalized head to `meta`.
 * Every write is awaited before the engine sends the message, so a validator killed at any instant
 * comes back knowing everything it ever sent.
 *
 * L-notarizations are not written here: the chain's commit of the block they finalize writes them in
 * its own batch under the same key (Blockchain.commitFinal), and a second put of the same bytes cost a
 * LevelDB write per view. One lost in a crash before that commit is proof a peer can send again.
 */
import { bytesToHex, hexToBytes } from "viem";
import type { View } from "../consensus/application.js";
import type { SignedStore, StoredConsensus } from "../consensus/engine.js";
import type { Certificate, SignedMessage } from "../consensus/messages.js";
import type { FinalizedHead } from "../consensus/state.js";
import { decodeMessage, encodeMessage } from "../consensus/wire.js";
import { CERTIFICATE_KINDS } from "../storage/certificate-repository.js";
import type { KeyValueStore, NamespaceName } from "../storage/key-value.js";
import { numberKey, readNumberKey, utf8Key } from "../storage/keys.js";

const FINALIZED_KEY = utf8Key("consensusFinalized");
/** How many views of certificates below the finalized view a restarted engine gets back. */
const RELOADED_CERTIFICATE_VIEWS = 1_024;
const SIGNED_KIND = { proposal: 0, vote: 1, nullify: 0 } as const;

function viewKey(view: View, kind: number): Uint8Array {
  const key = new Uint8Array(9);
  key.set(numberKey(view));
  key[8] = kind;
  return key;
}

function signedNamespace(message: SignedMessage): NamespaceName {
  return message.type === "nullify" ? "nullifies" : "votes";
}

export class LevelSignedStore implements SignedStore {
  constructor(private readonly store: KeyValueStore) {}

  async load(): Promise<StoredConsensus> {
    const signed: SignedMessage[] = [];
    for (const name of ["votes", "nullifies"] as const) {
      for await (const [, value] of this.store.namespace(name).entries()) {
        const message = decodeMessage(value);
        if (message.type === "proposal" || message.type === "vote" || message.type === "nullify")
          signed.push(message);
      }
    }
    const finalized = await this.finalized();
    // Certificates stay on disk forever (sync and finality proofs); the engine needs only recent ones.
    const since = Math.max(0, (finalized?.view ?? 0) - RELOADED_CERTIFICATE_VIEWS);
    const certificates: Certificate[] = [];
    for await (const [, value] of this.store.namespace("certificates").entries({ gte: viewKey(since, 0) })) {
      const message = decodeMessage(value);
      if (
        message.type === "mNotarization" ||
        message.type === "lNotarization" ||
        message.type === "nullification"
      ) {
        certificates.push(message);
      }
    }
    return { finalized, signed, certificates };
  }

  saveSigned(message: SignedMessage): Promise<void> {
    return this.store
      .namespace(signedNamespace(message))
      .put(viewKey(message.view, SIGNED_KIND[message.type]), encodeMessage(message));
  }

  saveCertificate(certificate: Certificate): Promise<void> {
    if (certificate.type === "lNotarization") return Promise.resolve();
    return this.store
      .namespace("certificates")
      .put(viewKey(certificate.view, CERTIFICATE_KINDS[certificate.type]), encodeMessage(certificate));
  }

  saveFinalized(head: FinalizedHead): Promise<void> {
    const value = new Uint8Array(48);
    value.set(numberKey(head.view));
    value.set(numberKey(head.height), 8);
    value.set(hexToBytes(head.digest), 16);
    return this.store.namespace("meta").put(FINALIZED_KEY, value);
  }

  /**
   * Signed messages below `view` can no longer conflict with anything we sign (we never go back), so
   * they go. Certificates stay: peers fetch them for sync, and L-notarizations prove finality to clients.
   */
  async prune(view: View): Promise<void> {
    const below = { lt: viewKey(view, 0) };
    for (const name of ["votes", "nullifies"] as const) {
      const namespace = this.store.namespace(name);
      const stale: Uint8Array[] = [];
      for await (const [key] of namespace.entries(below)) stale.push(key);
      if (stale.length > 0) await namespace.batch(stale.map((key) => ({ type: "del" as const, key })));
    }
  }

  private async finalized(): Promise<FinalizedHead | undefined> {
    const value = await this.store.namespace("meta").get(FINALIZED_KEY);
    if (value === undefined) return undefined;
    return {
      view: Number(readNumberKey(value)),
      height: Number(readNumberKey(value.subarray(8))),
      digest: bytesToHex(value.subarray(16, 48)),
    };
  }
}
