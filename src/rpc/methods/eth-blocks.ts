/** Blocks, transactions and receipts of final blocks (pending transactions come from the pool). */
import { z } from "zod";
import type { ChainBlock, ChainBlockHashes, ChainReader } from "../backend.js";
import { blockNumberOf } from "../block-tag.js";
import { formatBlock, formatBlockHashes, formatReceipt, formatTransaction, quantity } from "../format.js";
import { defineMethod } from "../method.js";
import { type BlockTag, blockNumberOrTag, blockTag, hash, smallQuantity } from "../params.js";

/** The final block a number or tag names; `undefined` past the head (answered as null). */
async function blockAt(tag: BlockTag, chain: ChainReader): Promise<ChainBlock | undefined> {
  if (tag.kind === "hash") return chain.blockByHash(tag.hash);
  const number = blockNumberOf(tag, chain);
  if (number > chain.finalHead().number) return undefined;
  return chain.blockByNumber(number);
}

/** The same, with transaction hashes only (no transaction is converted). */
async function blockHashesAt(tag: BlockTag, chain: ChainReader): Promise<ChainBlockHashes | undefined> {
  if (tag.kind === "hash") return chain.blockHashesByHash(tag.hash);
  const number = blockNumberOf(tag, chain);
  if (number > chain.finalHead().number) return undefined;
  return chain.blockHashesByNumber(number);
}

function transactionAt(block: ChainBlock | undefined, index: number) {
  if (block === undefined || index >= block.transactions.length) return null;
  return formatTransaction(block.transactions[index], {
    blockHash: block.hash,
    blockNumber: block.number,
    index,
    baseFeePerGas: block.baseFeePerGas,
  });
}

const fullFlag = z.boolean({ error: "expected true (full transactions) or false (hashes)" }).nullish();

export const ethBlockMethods = [
  defineMethod(
    "eth_getBlockByNumber",
    ["block", "fullTransactions"],
    z.tuple([blockNumberOrTag, fullFlag]),
    async ([tag, full], { backend }) => {
      if (full !== true) {
        const block = await blockHashesAt(tag, backend.chain);
        return block ? formatBlockHashes(block) : null;
      }
      const block = await blockAt(tag, backend.chain);
      return block ? formatBlock(block, true) : null;
    },
  ),
  defineMethod(
    "eth_getBlockByHash",
    ["blockHash", "fullTransactions"],
    z.tuple([hash, fullFlag]),
    async ([blockHash, full], { backend }) => {
      if (full !== true) {
        const block = await backend.chain.blockHashesByHash(blockHash);
        return block ? formatBlockHashes(block) : null;
      }
      const block = await backend.chain.blockByHash(blockHash);
      return block ? formatBlock(block, true) : null;
    },
  ),
  defineMethod(
    "eth_getBlockTransactionCountByNumber",
    ["block"],
    z.tuple([blockNumberOrTag]),
    async ([tag], { backend }) => {
      const block = await blockHashesAt(tag, backend.chain);
      return block ? quantity(block.transactionHashes.length) : null;
    },
  ),
  defineMethod(
    "eth_getBlockTransactionCountByHash",
    ["blockHash"],
    z.tuple([hash]),
    async ([h], { backend }) => {
      const block = await backend.chain.blockHashesByHash(h);
      return block ? quantity(block.transactionHashes.length) : null;
    },
  ),
  // Kairos has no uncles: 0 for any existing block.
  defineMethod(
    "eth_getUncleCountByBlockNumber",
    ["block"],
    z.tuple([blockNumberOrTag]),
    async ([tag], { backend }) => ((await blockHashesAt(tag, backend.chain)) ? "0x0" : null),
  ),
  defineMethod("eth_getUncleCountByBlockHash", ["blockHash"], z.tuple([hash]), async ([h], { backend }) =>
    (await backend.chain.headerByHash(h)) ? "0x0" : null,
  ),
  defineMethod("eth_getTransactionByHash", ["transactionHash"], z.tuple([hash]), async ([h], { backend }) => {
    const included = await backend.chain.transaction(h);
    if (included) return formatTransaction(included.transaction, included.location);
    const pending = backend.pool.transaction(h);
    return pending ? formatTransaction(pending, undefined) : null;
  }),
  defineMethod(
    "eth_getTransactionByBlockHashAndIndex",
    ["blockHash", "index"],
    z.tuple([hash, smallQuantity]),
    async ([h, index], { backend }) => transactionAt(await backend.chain.blockByHash(h), index),
  ),
  defineMethod(
    "eth_getTransactionByBlockNumberAndIndex",
    ["block", "index"],
    z.tuple([blockNumberOrTag, smallQuantity]),
    async ([tag, index], { backend }) => transactionAt(await blockAt(tag, backend.chain), index),
  ),
  defineMethod(
    "eth_getTransactionReceipt",
    ["transactionHash"],
    z.tuple([hash]),
    async ([h], { backend }) => {
      const receipt = await backend.chain.receipt(h);
      return receipt ? formatReceipt(receipt) : null;
    },
  ),
  defineMethod("eth_getBlockReceipts", ["block"], z.tuple([blockTag]), async ([tag], { backend }) => {
    const chain = backend.chain;
    let blockHash = tag.kind === "hash" ? tag.hash : undefined;
    if (blockHash === undefined) {
      const number = blockNumberOf(tag, chain);
      if (number > chain.finalHead().number) return null;
      blockHash = (await chain.headerByNumber(number))?.hash;
      if (blockHash === undefined) return null;
    }
    const receipts = await chain.blockReceipts(blockHash);
    return receipts ? receipts.map(formatReceipt) : null;
  }),
];
