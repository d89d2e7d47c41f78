/**
 * The simulator's Application: a block is (parent, view, proposer, variant) and its digest is the
 * keccak of that encoding, so verify() really checks that payload, digest and context agree.
 * `variant` lets a Byzantine leader build a second, conflicting block for one view.
 */
import { bytesToHex, concatBytes, hexToBytes, keccak256, numberToBytes } from "viem";
import type {
  Application,
  BlockContext,
  Digest,
  FinalityProof,
  ProposedBlock,
  VerifyResult,
} from "../application.js";

export const SIM_GENESIS: Digest = keccak256(new TextEncoder().encode("kairos-sim-genesis"));

export function simulatedBlock(context: BlockContext, variant = 0): ProposedBlock {
  const payload = concatBytes([
    hexToBytes(context.parent),
    numberToBytes(context.view, { size: 8 }),
    numberToBytes(context.proposer, { size: 4 }),
    numberToBytes(variant, { size: 4 }),
  ]);
  return { digest: keccak256(payload), payload };
}

export interface FinalizedBlock {
  digest: Digest;
  view: number;
  parent: Digest;
}

export class SimulatedApplication implements Application {
  /** Final blocks in the order they were committed (survives a simulated crash, like a database). */
  readonly chain: FinalizedBlock[] = [];

  genesis(): Digest {
    return SIM_GENESIS;
  }

  async propose(context: BlockContext): Promise<ProposedBlock> {
    return simulatedBlock(context);
  }

  async verify(block: ProposedBlock, context: BlockContext): Promise<VerifyResult> {
    if (keccak256(block.payload) !== block.digest)
      return { ok: false, reason: "digest does not match payload" };
    if (block.payload.length !== 48) return { ok: false, reason: "malformed payload" };
    const parent = bytesToHex(block.payload.subarray(0, 32));
    const view = Number(new DataView(block.payload.buffer, block.payload.byteOffset).getBigUint64(32));
    const proposer = new DataView(block.payload.buffer, block.payload.byteOffset).getUint32(40);
    if (parent !== context.parent || view !== context.view || proposer !== context.proposer) {
      return { ok: false, reason: "payload does not match its context" };
    }
    return { ok: true };
  }

  async finalized(block: ProposedBlock, context: BlockContext, _proof: FinalityProof): Promise<void> {
    const last = this.chain.at(-1);
    const expectedParent = last?.digest ?? SIM_GENESIS;
    if (context.parent !== expectedParent) {
      throw new Error(`finalized ${block.digest} does not extend ${expectedParent}`);
    }
    this.chain.push({ digest: block.digest, view: context.view, parent: context.parent });
  }
}
