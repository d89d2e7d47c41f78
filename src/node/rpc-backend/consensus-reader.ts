/**
 * ConsensusReader for the kairos_ methods: views from the engine, the validator set from the genesis,
 * and a block's finality certificate — from the engine while it retains it, else from the
 * `certificates` sublevel, where the L-notarization that finalized a block is stored under the view of
 * the block it certifies (the block itself, or a descendant finalized with it).
 */
import { type Address, bytesToHex, type Hash, type Hex } from "viem";
import { signersOf } from "../../consensus/bitmap.js";
import type { Notarization } from "../../consensus/messages.js";
import { decodeCertificate, encodeCertificate } from "../../consensus/wire.js";
import { decodeExtraData } from "../../execution/extra-data.js";
import type { ConsensusReader, FinalityCertificate, ValidatorInfo } from "../../rpc/index.js";

/** What the reader needs of the engine. */
export interface ConsensusView {
  currentView(): number;
  finalized(): { view: number };
  finalityCertificate(digest: Hash): Notarization | undefined;
}

/** A final block's place and consensus stamp. */
export interface FinalHeaderSource {
  finalHeadNumber(): bigint;
  header(number: bigint): Promise<{ hash: Hash; number: bigint; extraData: Hex } | undefined>;
  headerByHash(hash: Hash): Promise<{ hash: Hash; number: bigint; extraData: Hex } | undefined>;
}

/** Stored L-notarizations by view. */
export interface FinalityCertificateStore {
  lNotarization(view: number): Promise<Uint8Array | undefined>;
}

/** How far past a block to look for the descendant whose L-notarization finalized it. */
const MAX_DESCENDANTS = 64n;

export class EngineConsensusReader implements ConsensusReader {
  constructor(
    private readonly engine: ConsensusView,
    private readonly validatorSet: readonly ValidatorInfo[],
    private readonly headers: FinalHeaderSource,
    private readonly store: FinalityCertificateStore,
  ) {}

  currentView(): number {
    return this.engine.currentView();
  }

  finalizedView(): number {
    return this.engine.finalized().view;
  }

  validators(): readonly ValidatorInfo[] {
    return this.validatorSet;
  }

  async finalityCertificate(blockHash: Hash): Promise<FinalityCertificate | undefined> {
    const header = await this.headers.headerByHash(blockHash);
    if (header === undefined) return undefined;
    const held = this.engine.finalityCertificate(blockHash);
    if (held !== undefined) return this.describe(header, held);
    const head = this.headers.finalHeadNumber();
    for (let number = header.number; number <= head && number <= header.number + MAX_DESCENDANTS; number++) {
      const candidate = number === header.number ? header : await this.headers.header(number);
      if (candidate === undefined) return undefined;
      const view = viewOf(candidate.extraData);
      if (view === undefined) continue;
      const bytes = await this.store.lNotarization(view);
      if (bytes === undefined) continue;
      const certificate = decodeCertificate(bytes);
      if (
        certificate.type === "lNotarization" &&
        certificate.digest.toLowerCase() === candidate.hash.toLowerCase()
      ) {
        return this.describe(header, certificate);
      }
    }
    return undefined;
  }

  private describe(header: { hash: Hash; number: bigint }, certificate: Notarization): FinalityCertificate {
    return {
      blockHash: header.hash,
      blockNumber: header.number,
      view: certificate.view,
      certifiedBlockHash: certificate.digest,
      signers: signersOf(certificate.signers, this.validatorSet.length) ?? [],
      aggregateSignature: bytesToHex(certificate.signature),
      encoded: bytesToHex(encodeCertificate(certificate)),
    };
  }
}

function viewOf(extraData: Hex): number | undefined {
  try {
    return decodeExtraData(Uint8Array.from(Buffer.from(extraData.slice(2), "hex"))).view;
  } catch {
    return undefined; // genesis carries no stamp
  }
}

export function validatorInfo(
  entries: readonly { index: number; blsPublicKey: string; feeRecipient: string }[],
) {
  return [...entries]
    .sort((a, b) => a.index - b.index)
    .map(
      (v): ValidatorInfo => ({
        index: v.index,
        publicKey: v.blsPublicKey as Hex,
        address: v.feeRecipient as Address,
      }),
    );
}
