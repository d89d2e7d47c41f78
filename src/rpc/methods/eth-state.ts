/** Account state at a block: balance, nonce, code, storage and EIP-1186 proofs. */
import { z } from "zod";
import { resolveBlockId } from "../block-tag.js";
import { formatProof, quantity } from "../format.js";
import { defineMethod } from "../method.js";
import { address, blockTag, LATEST, storageSlot } from "../params.js";

const block = blockTag.nullish();

export const ethStateMethods = [
  defineMethod(
    "eth_getBalance",
    ["address", "block"],
    z.tuple([address, block]),
    async ([who, tag], { backend }) => {
      const at = await resolveBlockId(tag ?? LATEST, backend.chain);
      return quantity(await backend.state.balance(who, at));
    },
  ),
  defineMethod(
    "eth_getTransactionCount",
    ["address", "block"],
    z.tuple([address, block]),
    async ([who, tag], { backend }) => {
      // `pending` counts the sender's executable transactions waiting in the pool.
      if (tag?.kind === "pending") return quantity(await backend.pool.pendingNonce(who));
      const at = await resolveBlockId(tag ?? LATEST, backend.chain);
      return quantity(await backend.state.nonce(who, at));
    },
  ),
  defineMethod(
    "eth_getCode",
    ["address", "block"],
    z.tuple([address, block]),
    async ([who, tag], { backend }) => {
      const at = await resolveBlockId(tag ?? LATEST, backend.chain);
      return backend.state.code(who, at);
    },
  ),
  defineMethod(
    "eth_getStorageAt",
    ["address", "slot", "block"],
    z.tuple([address, storageSlot, block]),
    async ([who, slot, tag], { backend }) => {
      const at = await resolveBlockId(tag ?? LATEST, backend.chain);
      return backend.state.storage(who, slot, at);
    },
  ),
  defineMethod(
    "eth_getProof",
    ["address", "storageKeys", "block"],
    z.tuple([address, z.array(storageSlot).max(1024, "at most 1024 storage keys"), block]),
    async ([who, slots, tag], { backend }) => {
      const at = await resolveBlockId(tag ?? LATEST, backend.chain);
      return formatProof(await backend.state.proof(who, slots, at));
    },
  ),
];
