/** web3_* and net_*: client identity, hashing, network facts. */
import { keccak256 } from "viem";
import { z } from "zod";
import { quantity } from "../format.js";
import { defineMethod } from "../method.js";
import { data } from "../params.js";

const none = z.tuple([]);

export const netWeb3Methods = [
  defineMethod("web3_clientVersion", [], none, (_, { backend }) => backend.node.clientVersion),
  defineMethod("web3_sha3", ["data"], z.tuple([data]), ([input]) => keccak256(input)),
  // net_version is the chain ID in decimal (MetaMask compares it with eth_chainId).
  defineMethod("net_version", [], none, (_, { backend }) => backend.node.chainId.toString(10)),
  defineMethod("net_listening", [], none, (_, { backend }) => backend.node.listening()),
  defineMethod("net_peerCount", [], none, (_, { backend }) => quantity(backend.node.peerCount())),
];
