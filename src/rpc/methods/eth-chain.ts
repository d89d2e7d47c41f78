/** Chain identity and head: eth_chainId, eth_syncing, eth_blockNumber, eth_accounts. */
import { z } from "zod";
import { quantity } from "../format.js";
import { defineMethod } from "../method.js";

const none = z.tuple([]);
const NO_ACCOUNTS: readonly string[] = [];

export const ethChainMethods = [
  defineMethod("eth_chainId", [], none, (_, { backend }) => quantity(backend.node.chainId)),
  defineMethod("eth_syncing", [], none, (_, { backend }) => {
    const status = backend.node.syncing();
    if (status === false) return false;
    return {
      startingBlock: quantity(status.startingBlock),
      currentBlock: quantity(status.currentBlock),
      highestBlock: quantity(status.highestBlock),
    };
  }),
  defineMethod("eth_blockNumber", [], none, (_, { backend }) => quantity(backend.chain.finalHead().number)),
  // Keys stay with the user: the node holds no accounts.
  defineMethod("eth_accounts", [], none, () => NO_ACCOUNTS),
];
