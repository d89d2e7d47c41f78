/**
 * The boundary between consensus and everything else (DESIGN §1).
 *
 * Consensus sees a block only as a digest, its parent's digest and an opaque payload that it carries
 * in proposals; the application builds, checks and finally commits blocks. Nothing in `consensus/`
 * imports execution, storage, p2p or rpc: those sit behind this interface and `Network`.
 */
import type { Hex } from "viem";

/** A Minimmit view number. Views start at 1; view 0 is genesis. */
export type View = number;

/** A 32-byte block digest (the block hash), 0x-prefixed lowercase hex. */
export type Digest = Hex;

/** Index of a validator in the validator set, 0-based. */
export type ValidatorIndex = number;

/** A block as consensus carries it: its digest and its encoding, which only the application reads. */
export interface ProposedBlock {
  digest: Digest;
  payload: Uint8Array;
}

/** Where a block sits in consensus: the view it was proposed in and who proposed it. */
export interface BlockContext {
  view: View;
  proposer: ValidatorIndex;
  parent: Digest;
  parentView: View;
}

export type VerifyResult = { ok: true } | { ok: false; reason: string };

/** Why a block is final: the L-notarization (encoded certificate) of it or of a descendant. */
export interface FinalityProof {
  /** View of the block whose L-notarization finalized this one (itself, or a descendant). */
  view: View;
  digest: Digest;
  /** The encoded L-notarization certificate. */
  certificate: Uint8Array;
}

export interface Application {
  /** Digest of the genesis block, which counts as M- and L-notarized in view 0. */
  genesis(): Digest;
  /** Build a block on `context.parent`. Called only on the leader of `context.view`. */
  propose(context: BlockContext): Promise<ProposedBlock>;
  /** Check a proposed block (decode, re-execute on the parent's post-state, compare roots). */
  verify(block: ProposedBlock, context: BlockContext): Promise<VerifyResult>;
  /** Commit a final block. Called in height order, exactly once per block, ancestors first. */
  finalized(block: ProposedBlock, context: BlockContext, proof: FinalityProof): Promise<void>;
}
