/**
 * Minimmit messages (DESIGN §2) and the exact bytes each signature covers.
 *
 * Every signed byte string starts with a per-kind domain tag and the chain's namespace (its chain ID),
 * so a signature can never be replayed as another kind of message or on another chain. Votes and
 * nullifies of one view sign identical bytes across validators, which is what lets BLS aggregate
 * them into one signature checked against a signer bitmap.
 */
import { hexToBytes } from "viem";
import type { Digest, ProposedBlock, ValidatorIndex, View } from "./application.js";
import type { SignerBitmap } from "./bitmap.js";

/** `propose(view, block, parent, parentView)`, signed by leader(view). */
export interface Proposal {
  type: "proposal";
  view: View;
  parentView: View;
  parent: Digest;
  block: ProposedBlock;
  proposer: ValidatorIndex;
  signature: Uint8Array;
}

/** `vote(view, digest)`. */
export interface Vote {
  type: "vote";
  view: View;
  digest: Digest;
  signer: ValidatorIndex;
  signature: Uint8Array;
}

/** `nullify(view)`. */
export interface Nullify {
  type: "nullify";
  view: View;
  signer: ValidatorIndex;
  signature: Uint8Array;
}

/**
 * ≥ M (mNotarization) or ≥ L (lNotarization) votes for one block: an aggregate of the signers' vote
 * signatures over `voteBytes(view, digest)` plus the bitmap of who signed.
 */
export interface Notarization {
  type: "mNotarization" | "lNotarization";
  view: View;
  digest: Digest;
  signers: SignerBitmap;
  signature: Uint8Array;
}

/** ≥ M nullifies for one view: an aggregate over `nullifyBytes(view)` plus the signer bitmap. */
export interface Nullification {
  type: "nullification";
  view: View;
  signers: SignerBitmap;
  signature: Uint8Array;
}

export type Certificate = Notarization | Nullification;
export type SignedMessage = Proposal | Vote | Nullify;
export type ConsensusMessage = SignedMessage | Certificate;

export const DOMAIN = {
  proposal: "KAIROS_MINIMMIT_PROPOSE_V1",
  vote: "KAIROS_MINIMMIT_VOTE_V1",
  nullify: "KAIROS_MINIMMIT_NULLIFY_V1",
} as const;

const encoder = new TextEncoder();
const TAGS = {
  proposal: encoder.encode(DOMAIN.proposal),
  vote: encoder.encode(DOMAIN.vote),
  nullify: encoder.encode(DOMAIN.nullify),
};

/** tag ‖ u16 len(namespace) ‖ namespace ‖ rest… */
function framed(tag: Uint8Array, namespace: Uint8Array, restLength: number): { out: Uint8Array; at: number } {
  if (namespace.length > 0xffff) throw new RangeError("namespace longer than 65535 bytes");
  const out = new Uint8Array(tag.length + 2 + namespace.length + restLength);
  out.set(tag, 0);
  let at = tag.length;
  out[at++] = namespace.length >> 8;
  out[at++] = namespace.length & 0xff;
  out.set(namespace, at);
  return { out, at: at + namespace.length };
}

function putView(out: Uint8Array, at: number, view: View): number {
  new DataView(out.buffer, out.byteOffset).setBigUint64(at, BigInt(view));
  return at + 8;
}

export function voteBytes(namespace: Uint8Array, view: View, digest: Digest): Uint8Array {
  const { out, at } = framed(TAGS.vote, namespace, 8 + 32);
  out.set(hexToBytes(digest), putView(out, at, view));
  return out;
}

export function nullifyBytes(namespace: Uint8Array, view: View): Uint8Array {
  const { out, at } = framed(TAGS.nullify, namespace, 8);
  putView(out, at, view);
  return out;
}

/** The leader signs view, parent link and block digest; the payload is bound through the digest. */
export function proposalBytes(
  namespace: Uint8Array,
  proposal: Pick<Proposal, "view" | "parentView" | "parent" | "block">,
): Uint8Array {
  const { out, at } = framed(TAGS.proposal, namespace, 8 + 8 + 32 + 32);
  let p = putView(out, at, proposal.view);
  p = putView(out, p, proposal.parentView);
  out.set(hexToBytes(proposal.parent), p);
  out.set(hexToBytes(proposal.block.digest), p + 32);
  return out;
}

/** The bytes the signature of a signed message covers. */
export function signedBytes(namespace: Uint8Array, message: SignedMessage): Uint8Array {
  switch (message.type) {
    case "proposal":
      return proposalBytes(namespace, message);
    case "vote":
      return voteBytes(namespace, message.view, message.digest);
    case "nullify":
      return nullifyBytes(namespace, message.view);
  }
}

/** The signer of a signed message. */
export function signerOf(message: SignedMessage): ValidatorIndex {
  return message.type === "proposal" ? message.proposer : message.signer;
}
