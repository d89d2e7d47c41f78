/** Building and checking M-/L-notarizations and nullifications (DESIGN §2). */
import type { Digest, ValidatorIndex, View } from "./application.js";
import { bitmapFromSigners, signersOf } from "./bitmap.js";
import { InvalidCertificateError } from "./errors.js";
import {
  type Certificate,
  type Notarization,
  type Nullification,
  nullifyBytes,
  voteBytes,
} from "./messages.js";
import type { Quorums } from "./quorums.js";
import type { SigningScheme } from "./signing.js";

/** The bytes every signer of this certificate signed (votes for notarizations, nullifies otherwise). */
export function certificateBytes(namespace: Uint8Array, certificate: Certificate): Uint8Array {
  return certificate.type === "nullification"
    ? nullifyBytes(namespace, certificate.view)
    : voteBytes(namespace, certificate.view, certificate.digest);
}

/** The quorum a certificate of this type must reach. */
export function quorumOf(type: Certificate["type"], q: Quorums): number {
  return type === "lNotarization" ? q.l : q.m;
}

export function buildNotarization(
  type: Notarization["type"],
  view: View,
  digest: Digest,
  signatures: ReadonlyMap<ValidatorIndex, Uint8Array>,
  n: number,
  aggregate: SigningScheme["aggregate"],
): Notarization {
  const signers = [...signatures.keys()].sort((a, b) => a - b);
  return {
    type,
    view,
    digest,
    signers: bitmapFromSigners(n, signers),
    signature: aggregate(signers.map((i) => signatures.get(i)!)),
  };
}

export function buildNullification(
  view: View,
  signatures: ReadonlyMap<ValidatorIndex, Uint8Array>,
  n: number,
  aggregate: SigningScheme["aggregate"],
): Nullification {
  const signers = [...signatures.keys()].sort((a, b) => a - b);
  return {
    type: "nullification",
    view,
    signers: bitmapFromSigners(n, signers),
    signature: aggregate(signers.map((i) => signatures.get(i)!)),
  };
}

/** Number of signers in a certificate's bitmap (0 if the bitmap is malformed for n). */
export function signerCount(certificate: Certificate, n: number): number {
  return signersOf(certificate.signers, n)?.length ?? 0;
}

/**
 * Throws InvalidCertificateError unless the certificate has at least its quorum of distinct signers
 * (a well-formed bitmap) and the aggregate signature verifies against exactly those signers.
 */
export function verifyCertificate(
  certificate: Certificate,
  q: Quorums,
  scheme: SigningScheme,
  namespace: Uint8Array,
): void {
  const quorum = quorumOf(certificate.type, q);
  const signers = signersOf(certificate.signers, q.n);
  const data = { type: certificate.type, view: certificate.view, signers: signers?.length ?? 0, quorum };
  if (!signers) throw new InvalidCertificateError("malformed signer bitmap", data);
  if (signers.length < quorum) throw new InvalidCertificateError("fewer signers than the quorum", data);
  if (!scheme.verifyAggregate(signers, certificateBytes(namespace, certificate), certificate.signature)) {
    throw new InvalidCertificateError("aggregate signature does not verify", data);
  }
}
