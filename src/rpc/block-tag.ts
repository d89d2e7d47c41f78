/**
 * Block tags → blocks. Kairos shows only final blocks: `latest`, `safe`, `finalized` and `pending` all
 * name the last final block (`pending` differs only where the mempool counts, e.g. nonces).
 */
import type { BlockId, ChainReader } from "./backend.js";
import { ErrorCode, RpcError } from "./errors.js";
import type { BlockTag } from "./params.js";

export class HeaderNotFoundError extends RpcError {
  constructor(byHash = false) {
    super(ErrorCode.server, byHash ? "header for hash not found" : "header not found");
    this.name = "HeaderNotFoundError";
  }
}

/** The number a number-or-tag names, which may be past the head (callers answer `null` then). */
export function blockNumberOf(tag: BlockTag, chain: ChainReader): bigint {
  switch (tag.kind) {
    case "number":
      return tag.number;
    case "earliest":
      return chain.earliest().number;
    case "hash":
      throw new RpcError(ErrorCode.invalidParams, "a block hash is not allowed here");
    default:
      return chain.finalHead().number;
  }
}

/** The existing block a tag names, for state reads and simulations; throws "header not found". */
export async function resolveBlockId(tag: BlockTag, chain: ChainReader): Promise<BlockId> {
  switch (tag.kind) {
    case "latest":
    case "safe":
    case "finalized":
    case "pending":
      return chain.finalHead();
    case "earliest":
      return chain.earliest();
    case "number": {
      const head = chain.finalHead();
      if (tag.number === head.number) return head;
      if (tag.number > head.number) throw new HeaderNotFoundError();
      const header = await chain.headerByNumber(tag.number);
      if (header === undefined) throw new HeaderNotFoundError();
      return { number: header.number, hash: header.hash };
    }
    case "hash": {
      const header = await chain.headerByHash(tag.hash);
      if (header === undefined) throw new HeaderNotFoundError(true);
      // Every stored block is final and canonical, so `requireCanonical` holds for any block found.
      return { number: header.number, hash: header.hash };
    }
  }
}
