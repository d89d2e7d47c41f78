/**
 * The safety invariants of DESIGN §2, checked continuously while a simulation runs. A violation is
 * recorded (never thrown inside an engine callback) and the simulation then fails with the seed and
 * a trace.
 */
import type { Digest, ValidatorIndex, View } from "../application.js";
import { verifyCertificate } from "../certificates.js";
import type { Certificate, SignedMessage } from "../messages.js";
import type { Quorums } from "../quorums.js";
import type { SigningScheme } from "../signing.js";

export class InvariantViolation extends Error {
  readonly code = "CONSENSUS_INVARIANT";
  constructor(
    readonly invariant: string,
    readonly data: { seed: number; at: number; detail: string; trace: string[] },
  ) {
    super(
      `invariant "${invariant}" broken at t=${data.at}ms (seed ${data.seed}): ${data.detail}\n${data.trace.join("\n")}`,
    );
    this.name = "InvariantViolation";
  }
}

interface ViewCertificates {
  nullified: boolean;
  lNotarized: Set<Digest>;
  mNotarized: Set<Digest>;
}

export class InvariantChecker {
  private readonly finalByHeight = new Map<number, Digest>();
  private readonly heightOf = new Map<number, number>();
  private readonly certificates = new Map<View, ViewCertificates>();
  private readonly signedVotes = new Map<string, Digest>();
  private readonly signedNullifies = new Set<string>();
  violation: { invariant: string; detail: string } | undefined;

  constructor(
    private readonly q: Quorums,
    private readonly scheme: SigningScheme,
    private readonly namespace: Uint8Array,
  ) {}

  private fail(invariant: string, detail: string): void {
    this.violation ??= { invariant, detail };
  }

  /** An honest node finalized a block: in order, exactly once, and the same block at each height. */
  finalized(node: number, height: number, digest: Digest): void {
    const last = this.heightOf.get(node) ?? 0;
    if (height !== last + 1)
      this.fail("finality in order, exactly once", `node ${node} finalized height ${height} after ${last}`);
    this.heightOf.set(node, height);
    const known = this.finalByHeight.get(height);
    if (known === undefined) this.finalByHeight.set(height, digest);
    else if (known !== digest) {
      this.fail(
        "no two different blocks final at one height",
        `height ${height}: ${known} and ${digest} (node ${node})`,
      );
    }
  }

  /** Any certificate an honest node holds. */
  certificate(certificate: Certificate): void {
    try {
      verifyCertificate(certificate, this.q, this.scheme, this.namespace);
    } catch (error) {
      this.fail("every certificate has its quorum of valid, distinct signers", String(error));
      return;
    }
    let entry = this.certificates.get(certificate.view);
    if (!entry) {
      entry = { nullified: false, lNotarized: new Set(), mNotarized: new Set() };
      this.certificates.set(certificate.view, entry);
    }
    if (certificate.type === "nullification") entry.nullified = true;
    else {
      entry.mNotarized.add(certificate.digest);
      if (certificate.type === "lNotarization") entry.lNotarized.add(certificate.digest);
    }
    if (entry.nullified && entry.lNotarized.size > 0) {
      this.fail("no nullification and L-notarization for one view", `view ${certificate.view}`);
    }
    if (entry.lNotarized.size > 0 && entry.mNotarized.size > 1) {
      this.fail("no two M-notarized blocks in a view with an L-notarized one", `view ${certificate.view}`);
    }
  }

  /** A message an honest key sent: never two votes in a view, never a vote after a nullify. */
  sent(key: ValidatorIndex, message: SignedMessage): void {
    const id = `${key}:${message.view}`;
    if (message.type === "vote") {
      const previous = this.signedVotes.get(id);
      if (previous !== undefined && previous !== message.digest) {
        this.fail("an honest validator never votes twice in a view", `validator ${key} view ${message.view}`);
      }
      if (this.signedNullifies.has(id) && previous === undefined) {
        this.fail(
          "an honest validator never votes after nullifying",
          `validator ${key} view ${message.view}`,
        );
      }
      this.signedVotes.set(id, message.digest);
    } else if (message.type === "nullify") {
      this.signedNullifies.add(id);
    }
  }

  /** Forget views below `view` (long runs). */
  prune(view: View): void {
    for (const v of this.certificates.keys()) if (v < view - 64) this.certificates.delete(v);
  }

  finalHeights(): ReadonlyMap<number, number> {
    return this.heightOf;
  }
}
