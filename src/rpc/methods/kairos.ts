/**
 * kairos_*: consensus state, so that a client can see views and check a block's finality itself
 * from the validator set and the block's L-notarization.
 */
import { z } from "zod";
import { blockNumberOf } from "../block-tag.js";
import { formatCertificate, formatValidator, quantity } from "../format.js";
import { defineMethod } from "../method.js";
import { type BlockTag, blockNumberOrTag, hash } from "../params.js";

const none = z.tuple([]);

/** A block hash, or a block number / tag. */
const blockRef = z.union(
  [hash.transform((h): BlockTag => ({ kind: "hash", hash: h, requireCanonical: false })), blockNumberOrTag],
  {
    error: "expected a block hash, a block number or a tag",
  },
);

export const kairosMethods = [
  defineMethod("kairos_currentView", [], none, (_, { backend }) => quantity(backend.consensus.currentView())),
  defineMethod("kairos_finalizedView", [], none, (_, { backend }) =>
    quantity(backend.consensus.finalizedView()),
  ),
  defineMethod("kairos_validators", [], none, (_, { backend }) =>
    backend.consensus.validators().map(formatValidator),
  ),
  defineMethod(
    "kairos_getFinalityCertificate",
    ["block"],
    z.tuple([blockRef]),
    async ([ref], { backend }) => {
      const chain = backend.chain;
      let blockHash = ref.kind === "hash" ? ref.hash : undefined;
      if (blockHash === undefined) {
        const number = blockNumberOf(ref, chain);
        if (number > chain.finalHead().number) return null;
        blockHash = (await chain.headerByNumber(number))?.hash;
        if (blockHash === undefined) return null;
      }
      const certificate = await backend.consensus.finalityCertificate(blockHash);
      return certificate ? formatCertificate(certificate) : null;
    },
  ),
];
