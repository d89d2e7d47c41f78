/** An in-memory SignedStore: the simulator's "disk" (it survives a simulated crash) and tests' store. */
import type { View } from "./application.js";
import type { SignedStore, StoredConsensus } from "./engine.js";
import type { Certificate, SignedMessage } from "./messages.js";
import type { FinalizedHead } from "./state.js";

export class MemorySignedStore implements SignedStore {
  private signed: SignedMessage[] = [];
  private certificates: Certificate[] = [];
  private finalized: FinalizedHead | undefined;

  async load(): Promise<StoredConsensus> {
    return { finalized: this.finalized, signed: [...this.signed], certificates: [...this.certificates] };
  }

  async saveSigned(message: SignedMessage): Promise<void> {
    this.signed.push(message);
  }

  async saveCertificate(certificate: Certificate): Promise<void> {
    this.certificates.push(certificate);
  }

  async saveFinalized(head: FinalizedHead): Promise<void> {
    this.finalized = { ...head };
  }

  async prune(view: View): Promise<void> {
    this.signed = this.signed.filter((m) => m.view >= view);
    this.certificates = this.certificates.filter((c) => c.view >= view);
  }

  /** What was signed, for tests that inspect the record. */
  signedMessages(): readonly SignedMessage[] {
    return this.signed;
  }
}
