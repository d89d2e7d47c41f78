/**
 * Block sync (issue 5): a validator that was down, or is new, fetches the final blocks it misses with
 * their L-notarizations, checks the certificate and the hash links, re-executes each block and commits
 * it; only then does it join consensus. Peers serve the same from their storage.
 *
 * Answer format for `final-blocks`: u32 count, then per block u32 length ‖ block RLP ‖ u32 length ‖
 * the L-notarization stored at the block's own view (length 0 when it was finalized by a descendant).
 */
import { createBlockFromRLP } from "@ethereumjs/block";
import { bytesToHex } from "viem";
import type { Application, Digest } from "../consensus/application.js";
import { verifyCertificate } from "../consensus/certificates.js";
import type { Quorums } from "../consensus/quorums.js";
import type { SigningScheme } from "../consensus/signing.js";
import { decodeCertificate } from "../consensus/wire.js";
import type { Blockchain } from "../execution/blockchain.js";
import { decodeExtraData } from "../execution/extra-data.js";
import { MalformedMessageError } from "../p2p/errors.js";
import type { SyncProtocol } from "../p2p/sync.js";

/** Blocks asked for per request; the server may answer with fewer to fit its size limit. */
const BLOCKS_PER_REQUEST = 128;

export interface FinalBlockItem {
  block: Uint8Array;
  certificate: Uint8Array;
}

export function encodeFinalBlocks(items: readonly FinalBlockItem[]): Uint8Array {
  const size = items.reduce((sum, item) => sum + 8 + item.block.length + item.certificate.length, 4);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, items.length);
  let offset = 4;
  for (const item of items) {
    for (const part of [item.block, item.certificate]) {
      view.setUint32(offset, part.length);
      out.set(part, offset + 4);
      offset += 4 + part.length;
    }
  }
  return out;
}

export function decodeFinalBlocks(bytes: Uint8Array): FinalBlockItem[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = (offset: number): [Uint8Array, number] => {
    if (offset + 4 > bytes.length) throw new MalformedMessageError("final blocks truncated");
    const length = view.getUint32(offset);
    if (offset + 4 + length > bytes.length) throw new MalformedMessageError("final blocks truncated");
    return [bytes.subarray(offset + 4, offset + 4 + length), offset + 4 + length];
  };
  if (bytes.length < 4) throw new MalformedMessageError("final blocks shorter than the count");
  const count = view.getUint32(0);
  if (count > BLOCKS_PER_REQUEST * 8) throw new MalformedMessageError(`too many final blocks: ${count}`);
  const items: FinalBlockItem[] = [];
  let offset = 4;
  for (let i = 0; i < count; i++) {
    const [block, next] = read(offset);
    const [certificate, after] = read(next);
    items.push({ block, certificate });
    offset = after;
  }
  if (offset !== bytes.length) throw new MalformedMessageError("bytes trailing the final blocks");
  return items;
}

/** Serves `final-blocks` from this node's storage, up to `maxBytes`. */
export async function serveFinalBlocks(
  chain: Blockchain,
  from: bigint,
  count: number,
  maxBytes: number,
): Promise<Uint8Array | null> {
  const items: FinalBlockItem[] = [];
  let size = 4;
  for (let number = from; number < from + BigInt(count); number++) {
    const hash = await chain.storage.blocks.hashAt(number);
    if (hash === undefined) break;
    const block = await chain.storage.blocks.byHash(hash);
    if (block === undefined) break;
    const { view } = decodeExtraData(createBlockFromRLP(block, { common: chain.common }).header.extraData);
    const certificate = (await chain.storage.certificates.get(view, "lNotarization")) ?? new Uint8Array();
    size += 8 + block.length + certificate.length;
    if (size > maxBytes && items.length > 0) break;
    items.push({ block, certificate });
  }
  return items.length === 0 ? null : encodeFinalBlocks(items);
}

export interface BlockSyncDeps {
  chain: Blockchain;
  application: Application;
  sync: SyncProtocol;
  quorums: Quorums;
  scheme: SigningScheme;
  namespace: Uint8Array;
}

export interface SyncedHead {
  view: number;
  digest: Digest;
  height: number;
}

/**
 * Fetches and commits final blocks above our head until no peer has more. Returns the new final head
 * (with the view that finalized it) or undefined when nothing was fetched.
 */
export async function catchUp(deps: BlockSyncDeps): Promise<SyncedHead | undefined> {
  let synced: SyncedHead | undefined;
  for (;;) {
    const head = deps.chain.finalHead;
    let batch: VerifiedBatch | undefined;
    try {
      await deps.sync.request(
        undefined,
        { kind: "final-blocks", from: head.header.number + 1n, count: BLOCKS_PER_REQUEST },
        {
          accept: (data) => {
            batch = verifyBatch(deps, bytesToHex(head.hash()), data);
            return batch !== undefined;
          },
        },
      );
    } catch {
      // No peer has anything above our head (or none answered): consensus takes it from here.
      return synced;
    }
    if (batch === undefined) return synced;
    for (const item of batch.final) {
      await deps.application.finalized(item.proposed, item.context, batch.proof);
    }
    const last = batch.final[batch.final.length - 1];
    synced = { view: batch.proof.view, digest: batch.proof.digest, height: Number(last.height) };
  }
}

interface VerifiedBatch {
  final: {
    proposed: { digest: Digest; payload: Uint8Array };
    context: { view: number; proposer: number; parent: Digest; parentView: number };
    height: bigint;
  }[];
  proof: { view: number; digest: Digest; certificate: Uint8Array };
}

/** Decode, check hash links from our head, and keep the prefix that a valid L-notarization makes final. */
function verifyBatch(deps: BlockSyncDeps, headHash: Digest, data: Uint8Array): VerifiedBatch | undefined {
  let items: FinalBlockItem[];
  try {
    items = decodeFinalBlocks(data);
  } catch {
    return undefined;
  }
  const final: VerifiedBatch["final"] = [];
  let proof: VerifiedBatch["proof"] | undefined;
  let certifiedLength = 0;
  let parent = headHash;
  let parentView = decodeExtraDataOrGenesis(deps.chain);
  for (const item of items) {
    let digest: Digest;
    let stamp: { view: number; proposer: number };
    let height: bigint;
    try {
      const block = createBlockFromRLP(item.block, { common: deps.chain.common });
      if (bytesToHex(block.header.parentHash) !== parent) return undefined;
      digest = bytesToHex(block.hash());
      stamp = decodeExtraData(block.header.extraData);
      height = block.header.number;
    } catch {
      return undefined;
    }
    final.push({
      proposed: { digest, payload: item.block },
      context: { view: stamp.view, proposer: stamp.proposer, parent, parentView },
      height,
    });
    if (item.certificate.length > 0) {
      try {
        const certificate = decodeCertificate(item.certificate);
        if (certificate.type !== "lNotarization" || certificate.digest !== digest) return undefined;
        verifyCertificate(certificate, deps.quorums, deps.scheme, deps.namespace);
        proof = { view: certificate.view, digest, certificate: item.certificate };
        certifiedLength = final.length;
      } catch {
        return undefined;
      }
    }
    parent = digest;
    parentView = stamp.view;
  }
  if (proof === undefined) return undefined;
  return { final: final.slice(0, certifiedLength), proof };
}

function decodeExtraDataOrGenesis(chain: Blockchain): number {
  const head = chain.finalHead;
  return head.header.number === 0n ? 0 : decodeExtraData(head.header.extraData).view;
}
